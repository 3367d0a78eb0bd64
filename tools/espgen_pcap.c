// SPDX-License-Identifier: GPL-2.0
/*
 * espgen's capture files. Writing: classic pcap, LINKTYPE_ETHERNET, with
 * deterministic timestamps so two runs give the same file. Reading: pcap in
 * either byte order and time unit, and pcapng (section, interface, enhanced
 * and simple packet blocks; others skipped), every length checked against
 * what was read before it is used, blocks bounded by CAPTURE_MAX_BLOCK.
 */
#include <stdio.h>
#include <string.h>

#include "espgen.h"

static uint32_t cap32(const struct capture *c, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return c->swap ? __builtin_bswap32(v) : v;
}

static uint16_t cap16(const struct capture *c, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return c->swap ? __builtin_bswap16(v) : v;
}

static bool readn(FILE *f, void *p, size_t n)
{
	return fread(p, 1, n, f) == n;
}

void capture_close(struct capture *c)
{
	if (c->f && c->f != stdin)
		fclose(c->f);
	c->f = NULL;
}

int capture_open(struct capture *c, const char *path)
{
	uint8_t h[24];
	uint32_t magic, bom, tot;

	c->f = strcmp(path, "-") ? fopen(path, "rbe") : stdin;
	if (!c->f || !readn(c->f, h, 24))
		goto err;
	memcpy(&magic, h, 4);
	if (magic == 0x0a0d0d0a) {	/* pcapng SHB, at least 28 bytes */
		memcpy(&bom, h + 8, 4);
		c->ng = true;
		c->swap = bom == 0x4d3c2b1a;
		if (!c->swap && bom != 0x1a2b3c4d)
			goto err;
		tot = cap32(c, h + 4);
		if (tot < 28 || tot % 4 || tot > CAPTURE_MAX_BLOCK || !readn(c->f, c->buf, tot - 24))
			goto err;
		return 0;
	}
	c->swap = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
	if (!c->swap && magic != 0xa1b2c3d4 && magic != 0xa1b23c4d)
		goto err;
	c->linktype = cap32(c, h + 20) & 0xffff;
	return 0;
err:
	fprintf(stderr, "Error: cannot read a pcap or pcapng capture from \"%s\"\n", path);
	capture_close(c);
	return -1;
}

/* Next frame: 1 with data, len and link type set; 0 at the end; -1 if malformed. */
int capture_next(struct capture *c, const uint8_t **data, size_t *len, uint32_t *lt)
{
	uint8_t h[16];

	if (!c->ng) {
		uint32_t incl;

		if (!readn(c->f, h, 16))
			return 0;
		incl = cap32(c, h + 8);
		if (incl > CAPTURE_MAX_BLOCK || !readn(c->f, c->buf, incl))
			return -1;
		*data = c->buf;
		*len = incl;
		*lt = c->linktype;
		return 1;
	}
	for (;;) {
		uint32_t type, tot, body;

		if (!readn(c->f, h, 8))
			return 0;
		memcpy(&type, h, 4);
		if (type == 0x0a0d0d0a) {	/* a new section: byte order may change */
			uint32_t bom;

			if (!readn(c->f, h + 8, 4))
				return -1;
			memcpy(&bom, h + 8, 4);
			c->swap = bom == 0x4d3c2b1a;
			if (!c->swap && bom != 0x1a2b3c4d)
				return -1;
			c->n_if = 0;
			tot = cap32(c, h + 4);
			if (tot < 28 || tot % 4 || tot > CAPTURE_MAX_BLOCK || !readn(c->f, c->buf, tot - 12))
				return -1;
			continue;
		}
		type = cap32(c, h);
		tot = cap32(c, h + 4);
		if (tot < 12 || tot % 4 || tot > CAPTURE_MAX_BLOCK || !readn(c->f, c->buf, tot - 8))
			return -1;
		body = tot - 12;
		if (type == 1) {		/* interface description */
			if (body < 8 || c->n_if == CAPTURE_MAX_IFACES)
				return -1;
			c->if_link[c->n_if++] = cap16(c, c->buf);
		} else if (type == 6) {		/* enhanced packet */
			uint32_t ifid, caplen;

			if (body < 20)
				return -1;
			ifid = cap32(c, c->buf);
			caplen = cap32(c, c->buf + 12);
			if (ifid >= c->n_if || caplen > body - 20)
				return -1;
			*data = c->buf + 20;
			*len = caplen;
			*lt = c->if_link[ifid];
			return 1;
		} else if (type == 3) {		/* simple packet */
			uint32_t orig;

			if (body < 4 || !c->n_if)
				return -1;
			orig = cap32(c, c->buf);
			*data = c->buf + 4;
			*len = orig < body - 4 ? orig : body - 4;
			*lt = c->if_link[0];
			return 1;
		}
	}
}

/* pcap 2.4 file header, microsecond timestamps, LINKTYPE_ETHERNET */
int pcap_write_header(FILE *f)
{
	uint32_t hdr[6] = { 0xa1b2c3d4, 2 | 4 << 16, 0, 0, MAX_FRAME, LT_ETHER };

	return fwrite(hdr, sizeof(hdr), 1, f) == 1 ? 0 : -1;
}

/* Record n (from 0), timestamped 1 ms after record n - 1. */
int pcap_write_frame(FILE *f, unsigned long n, const uint8_t *frame, size_t len)
{
	uint32_t rec[4] = { 1700000000u + (uint32_t)(n / 1000), (uint32_t)(n % 1000) * 1000,
			    (uint32_t)len, (uint32_t)len };

	if (fwrite(rec, sizeof(rec), 1, f) != 1 || fwrite(frame, len, 1, f) != 1)
		return -1;
	return 0;
}
