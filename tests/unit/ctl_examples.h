/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control protocol's worked examples: the fixed test enrollment key and
 * one message of each kind, as Documentation/control-protocol.md prints
 * them. Shared by the codec test, the doc test (which regenerates the hex
 * and compares it with the document) and the fuzz corpus generator.
 * Includers define nothing; everything here is static.
 */
#ifndef NICSEC_CTL_EXAMPLES_H
#define NICSEC_CTL_EXAMPLES_H

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "ctl_codec.h"

/* Test enrollment key 00 01 02 ... 1f: for examples only, never enroll it. */
static const uint8_t ex_key[NICSEC_CTL_KEY_LEN] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

#define EX_AGENT	0x0a4d0001u	/* agent's sender id */
#define EX_COUNTER	0x187b2c3d00000000ull	/* agent's first counter */
#define EX_DEV_COUNTER	0x187b2c3000000000ull	/* device's first counter */

struct ctl_example {
	const char *name;
	struct nicsec_ctl_msg msg;
};

#define F(t) NICSEC_CTL_F(NICSEC_CTL_T_##t)

/* The outbound SA of the first example: 5-tuple, AES-GCM-16 128, an hour. */
static inline void ex_sa_out(struct nicsec_ctl_sa *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->present = F(FLOW) | F(DIR) | F(SPI) | F(ALG) | F(KEY) | F(SALT) | F(LIFETIME);
	sa->flow.ntuple = 5;
	sa->flow.saddr = htonl(0x0a4d0001);	/* 10.77.0.1 */
	sa->flow.daddr = htonl(0x0a4d0002);	/* 10.77.0.2 */
	sa->flow.sport = htons(40000);
	sa->flow.dport = htons(443);
	sa->flow.proto = 6;
	sa->dir = NICSEC_CTL_DIR_OUT;
	sa->spi = 0xc0de0001;
	sa->alg = NICSEC_CTL_ALG_AES_GCM_16;
	sa->key_len = 16;
	memcpy(sa->key, "\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf", 16);
	memcpy(sa->salt, "\xc0\xc1\xc2\xc3", 4);
	sa->lifetime.seconds = 3600;
}

/* One direction of a CHILD_SA as the agent installs it: 2-tuple host
 * pair, 256-bit key, ENCAP with the peer's NAT-T port. */
static inline void ex_sa_child(struct nicsec_ctl_sa *sa, int out)
{
	memset(sa, 0, sizeof(*sa));
	sa->present = F(FLOW) | F(DIR) | F(SPI) | F(ALG) | F(KEY) | F(SALT) | F(ENCAP);
	sa->flow.ntuple = 2;
	sa->flow.saddr = htonl(out ? 0x0a4d0001 : 0x0a4d0002);
	sa->flow.daddr = htonl(out ? 0x0a4d0002 : 0x0a4d0001);
	sa->dir = out ? NICSEC_CTL_DIR_OUT : NICSEC_CTL_DIR_IN;
	sa->spi = out ? 0xc0de0003 : 0xc0de0002;
	sa->alg = NICSEC_CTL_ALG_AES_GCM_16;
	sa->key_len = 32;
	for (int k = 0; k < 32; k++)
		sa->key[k] = (uint8_t)((out ? 0x50 : 0xb0) + k);
	memcpy(sa->salt, out ? "\x70\x71\x72\x73" : "\xd0\xd1\xd2\xd3", 4);
	sa->encap.local_addr = htonl(0x0a4d0001);
	sa->encap.peer_addr = htonl(0x0a4d0002);
	sa->encap.local_port = htons(4500);
	sa->encap.peer_port = htons(4500);
}

static inline void ex_hdr(struct nicsec_ctl_msg *m, uint8_t type, uint32_t n)
{
	memset(m, 0, sizeof(*m));
	m->version = NICSEC_CTL_VERSION;
	m->type = type;
	m->request_id = 0x51000000 + n;
	if (type == NICSEC_CTL_STATUS) {
		m->sender_id = NICSEC_CTL_DEVICE_ID;
		m->counter = EX_DEV_COUNTER + n;
	} else {
		m->sender_id = EX_AGENT;
		m->counter = EX_COUNTER + n;
	}
}

static inline void ex_fill(struct ctl_example ex[], int *n)
{
	struct nicsec_ctl_msg m;
	int i = 0;

	/* INSTALL of one SA: outbound 5-tuple, AES-GCM-16 128, one hour */
	ex_hdr(&m, NICSEC_CTL_INSTALL, 1);
	m.n_sa = 1;
	ex_sa_out(&m.sa[0]);
	ex[i].name = "INSTALL";
	ex[i++].msg = m;

	/* its STATUS: ok, SA id 7 */
	ex_hdr(&m, NICSEC_CTL_STATUS, 1);
	m.present = F(CODE) | F(SA_IDS);
	m.code = NICSEC_CTL_OK;
	m.n_ids = 1;
	m.ids[0] = 7;
	ex[i].name = "STATUS ok for the INSTALL";
	ex[i++].msg = m;

	/* a CHILD_SA in one INSTALL: inbound, then outbound, 256-bit keys, ENCAP */
	ex_hdr(&m, NICSEC_CTL_INSTALL, 2);
	m.n_sa = 2;
	ex_sa_child(&m.sa[0], 0);
	ex_sa_child(&m.sa[1], 1);
	ex[i].name = "INSTALL of two SAs, a CHILD_SA's inbound and outbound";
	ex[i++].msg = m;

	/* ... applied: SA ids 8 and 9, in the order of the request */
	ex_hdr(&m, NICSEC_CTL_STATUS, 2);
	m.present = F(CODE) | F(SA_IDS);
	m.n_ids = 2;
	m.ids[0] = 8;
	m.ids[1] = 9;
	ex[i].name = "STATUS ok for the two SAs";
	ex[i++].msg = m;

	/* ... or refused because of its first SA: nothing installed */
	ex_hdr(&m, NICSEC_CTL_STATUS, 2);
	m.present = F(CODE) | F(INDEX);
	m.code = NICSEC_CTL_E_EXISTS;
	m.index = 0;
	ex[i].name = "STATUS error EXISTS for SA 0 of the request";
	ex[i++].msg = m;

	/* ... or because its second SA's local side is another tenant's */
	ex_hdr(&m, NICSEC_CTL_STATUS, 2);
	m.present = F(CODE) | F(INDEX);
	m.code = NICSEC_CTL_E_DENIED;
	m.index = 1;
	ex[i].name = "STATUS error DENIED for SA 1 of the request";
	ex[i++].msg = m;

	/* QUERY SA 7 and its STATUS with counters */
	ex_hdr(&m, NICSEC_CTL_QUERY, 3);
	m.present = F(SA_ID);
	m.sa_id = 7;
	ex[i].name = "QUERY SA 7";
	ex[i++].msg = m;

	ex_hdr(&m, NICSEC_CTL_STATUS, 3);
	m.present = F(CODE) | F(SA_ID) | F(COUNTERS);
	m.sa_id = 7;
	m.counters.packets = 1000;
	m.counters.bytes = 1400000;
	m.counters.auth_fail = 2;
	m.counters.replay = 1;
	ex[i].name = "STATUS for the QUERY";
	ex[i++].msg = m;

	/* QUERY the device (liveness) and its STATUS: the tenant's own view */
	ex_hdr(&m, NICSEC_CTL_QUERY, 4);
	ex[i].name = "QUERY the device";
	ex[i++].msg = m;

	ex_hdr(&m, NICSEC_CTL_STATUS, 4);
	m.present = F(CODE) | F(DEVINFO);
	m.devinfo.engine = 1;
	m.devinfo.sa_used = 3;
	m.devinfo.sa_max = 1000;
	ex[i].name = "STATUS for the device QUERY";
	ex[i++].msg = m;

	/* DELETE SAs 8 and 9 in one request, FLUSH */
	ex_hdr(&m, NICSEC_CTL_DELETE, 5);
	m.present = F(SA_IDS);
	m.n_ids = 2;
	m.ids[0] = 8;
	m.ids[1] = 9;
	ex[i].name = "DELETE SAs 8 and 9";
	ex[i++].msg = m;

	ex_hdr(&m, NICSEC_CTL_FLUSH, 6);
	ex[i].name = "FLUSH";
	ex[i++].msg = m;
	*n = i;
}

#undef F

#define EX_MAX 16

/* Hex dump as the document prints it: "0000  xx xx ..." 16 bytes a line. */
static inline size_t ex_hexdump(const uint8_t *p, size_t len, char *out, size_t cap)
{
	size_t off = 0, i;

	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			off += (size_t)snprintf(out + off, cap - off, "%04zx ", i);
		off += (size_t)snprintf(out + off, cap - off, " %02x", p[i]);
		if (i % 16 == 15 || i == len - 1)
			off += (size_t)snprintf(out + off, cap - off, "\n");
	}
	return off;
}

/*
 * The document's block for example @ex: a fenced block with its name, the
 * plaintext (header and TLVs) and the sealed datagram. Returns the length
 * written to @out or -1.
 */
static inline int ex_block(const struct ctl_example *ex, char *out, size_t cap)
{
	uint8_t plain[NICSEC_CTL_MAX_LEN], sealed[NICSEC_CTL_MAX_LEN];
	int plen, slen;
	size_t off = 0;

	plen = nicsec_ctl_encode(&ex->msg, plain, sizeof(plain));
	slen = nicsec_ctl_seal(&ex->msg, ex_key, sealed, sizeof(sealed));
	if (plen < 0 || slen < 0 || cap < 8192)
		return -1;
	off += (size_t)snprintf(out + off, cap - off, "```\n%s: plaintext, %d bytes\n",
				ex->name, plen);
	off += ex_hexdump(plain, (size_t)plen, out + off, cap - off);
	off += (size_t)snprintf(out + off, cap - off, "%s: sealed datagram, %d bytes\n",
				ex->name, slen);
	off += ex_hexdump(sealed, (size_t)slen, out + off, cap - off);
	off += (size_t)snprintf(out + off, cap - off, "```\n");
	return (int)off;
}

/* An SA for the agent API: outbound 5-tuple, 128-bit key. */
static inline struct nicsec_ctl_sa ex_sa_template(void)
{
	struct nicsec_ctl_sa sa;

	ex_sa_out(&sa);
	sa.present &= ~NICSEC_CTL_F(NICSEC_CTL_T_LIFETIME);
	sa.lifetime.seconds = 0;
	return sa;
}

#endif
