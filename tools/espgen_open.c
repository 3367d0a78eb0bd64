// SPDX-License-Identifier: GPL-2.0
/*
 * espgen open: decode a capture the way an RFC 4303/3948/4106 receiver
 * would and say what it makes of every ESP-in-UDP frame for one SA. Each
 * frame is walked link layer, IPv4, UDP (port 4500, skipping IKE's non-ESP
 * marker and NAT-keepalives), ESP; every read is bounded by the lengths
 * already checked. A frame for the SA is replay-checked (RFC 4303 3.4.3),
 * verified and decrypted, its padding and trailer checked (RFC 4303 2.4,
 * 2.6), and its inner IPv4 packet parsed with exact lengths and checksums.
 * One line per frame, "key=value" fields, verdict last; a "#" summary.
 */
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <openssl/crypto.h>

#include "espgen.h"

static const char *const verdict_name[V_COUNT] = {
	"ok", "bad-icv", "no-sa", "wrong-addr", "malformed", "bad-pad",
	"bad-inner", "replay", "dummy",
};

static bool seen_bit(const struct opener *o, uint32_t seq)
{
	return o->seen[(seq % REPLAY_MAX) / 8] & (1u << (seq % 8));
}

/* RFC 4303 3.4.3: reject seq 0 (as Linux does), seqs left of the window and
 * seqs seen inside it. Checked before and updated after the ICV check. */
static bool replay_ok(const struct opener *o, uint32_t seq)
{
	if (!o->window)
		return true;
	if (!seq)
		return false;
	if (seq > o->top)
		return true;
	if (o->top - seq >= o->window)
		return false;
	return !seen_bit(o, seq);
}

static void replay_update(struct opener *o, uint32_t seq)
{
	if (!o->window)
		return;
	if (seq > o->top) {
		uint32_t s, n = seq - o->top < REPLAY_MAX ? seq - o->top : REPLAY_MAX;

		for (s = seq - n + 1; n--; s++)
			o->seen[(s % REPLAY_MAX) / 8] &= (uint8_t)~(1u << (s % 8));
		o->top = seq;
	}
	o->seen[(seq % REPLAY_MAX) / 8] |= (uint8_t)(1u << (seq % 8));
}

static void print_addr(const char *key, const uint8_t *a, bool port, const uint8_t *p)
{
	printf(" %s=%u.%u.%u.%u", key, a[0], a[1], a[2], a[3]);
	if (port)
		printf(":%u", (unsigned int)(p[0] << 8 | p[1]));
}

/* The decrypted tunnel-mode payload pt (inner packet, padding, trailer). */
static enum verdict inspect_inner(const struct opener *o, const uint8_t *pt, size_t len)
{
	size_t pad, ilen, ihl, tot, l4len, hl = 0;
	const uint8_t *ip = pt, *l4;
	uint8_t nh, proto;
	bool frag, ports, csum_ok = true;
	size_t i;

	if (len < ESP_TRAILER_LEN)
		return V_MALFORMED;
	pad = pt[len - 2];
	nh = pt[len - 1];
	printf(" nh=%u", nh);
	if (pad + ESP_TRAILER_LEN > len)
		return V_BAD_PAD;
	ilen = len - ESP_TRAILER_LEN - pad;
	for (i = 0; i < pad; i++)
		if (pt[ilen + i] != i + 1)
			return V_BAD_PAD;
	if (nh == ESP_NH_NONE)
		return V_DUMMY;
	if (nh != ESP_NH_IPV4 || ilen < sizeof(struct iphdr) || ip[0] >> 4 != 4)
		return V_BAD_INNER;
	ihl = (size_t)(ip[0] & 0xf) * 4;
	tot = (size_t)ip[2] << 8 | ip[3];
	proto = ip[9];
	frag = (ip[6] & 0x3f) || ip[7];	/* MF or an offset */
	printf(" proto=%u", proto);
	/* tunnel mode: the inner packet fills the payload exactly */
	if (ihl < sizeof(struct iphdr) || tot != ilen || ihl > tot ||
	    csum_fold(csum_add(0, ip, ihl)) != 0)
		return V_BAD_INNER;
	l4 = ip + ihl;
	l4len = tot - ihl;
	ports = !frag && (proto == IPPROTO_UDP || proto == IPPROTO_TCP) && l4len >= 4;
	print_addr("src", ip + 12, ports, l4);
	print_addr("dst", ip + 16, ports, l4 + 2);
	if (!frag && proto == IPPROTO_UDP) {
		if (l4len < 8 || ((size_t)l4[4] << 8 | l4[5]) != l4len)
			return V_BAD_INNER;
		hl = 8;
		csum_ok = !(l4[6] | l4[7]) || l4_csum(ip, proto, l4, l4len) == 0;
	} else if (!frag && proto == IPPROTO_TCP) {
		if (l4len < 20 || (size_t)(l4[12] >> 4) * 4 < 20 || (size_t)(l4[12] >> 4) * 4 > l4len)
			return V_BAD_INNER;
		hl = (size_t)(l4[12] >> 4) * 4;
		csum_ok = l4_csum(ip, proto, l4, l4len) == 0;
	} else if (!frag && proto == IPPROTO_ICMP) {
		csum_ok = csum_fold(csum_add(0, l4, l4len)) == 0;
	}
	printf(" csum=%s len=%zu", csum_ok ? "ok" : "bad", l4len - hl);
	if (!o->no_data) {
		printf(" data=");
		for (i = hl; i < l4len; i++)
			printf("%02x", l4[i]);
	}
	return csum_ok ? V_OK : V_BAD_INNER;
}

/* One ESP-in-UDP payload (after the UDP header) of frame n. */
static void open_esp(struct opener *o, const uint8_t *ip, const uint8_t *esp, size_t len)
{
	static uint8_t pt[MAX_FRAME];
	enum verdict v;
	uint32_t spi = 0, seq = 0;
	size_t pt_len;
	uint32_t src, dst;

	if (len >= sizeof(struct esp_hdr)) {
		spi = (uint32_t)esp[0] << 24 | esp[1] << 16 | esp[2] << 8 | esp[3];
		seq = (uint32_t)esp[4] << 24 | esp[5] << 16 | esp[6] << 8 | esp[7];
		if (spi != o->spi && o->skip_other_spi)
			return;
	}
	o->esp++;
	printf("frame=%lu", o->frames);
	if (len < sizeof(struct esp_hdr)) {
		v = V_MALFORMED;
		goto out;
	}
	printf(" spi=0x%08x seq=%u", spi, seq);
	memcpy(&src, ip + 12, 4);
	memcpy(&dst, ip + 16, 4);
	if (spi != o->spi) {
		v = V_NO_SA;
	} else if ((o->have_src && src != o->src) || (o->have_dst && dst != o->dst)) {
		v = V_WRONG_ADDR;
	} else if (len < ESP_OVERHEAD + ESP_TRAILER_LEN) {
		v = V_MALFORMED;
	} else if (!replay_ok(o, seq)) {
		v = V_REPLAY;
	} else if (esp_open(o->key, esp, len, pt, &pt_len)) {
		printf(" icv=bad");
		v = V_BAD_ICV;
	} else {
		printf(" icv=ok");
		replay_update(o, seq);
		/* RFC 4303 2.4: the ciphertext ends on a 4-byte boundary */
		v = pt_len % 4 ? V_BAD_PAD : inspect_inner(o, pt, pt_len);
		OPENSSL_cleanse(pt, pt_len);
	}
out:
	printf(" verdict=%s\n", verdict_name[v]);
	o->count[v]++;
}

/* Link layer to IPv4 to UDP to ESP; anything else is skipped. */
static void open_frame(struct opener *o, const uint8_t *p, size_t len, uint32_t lt)
{
	size_t off, ihl, tot, ulen;
	uint16_t proto, sport, dport;
	int tags = 0;
	const uint8_t *ip, *udp;

	o->frames++;
	switch (lt) {
	case LT_ETHER:
		off = 12;
		for (;;) {
			if (len < off + 2)
				return;
			proto = (uint16_t)(p[off] << 8 | p[off + 1]);
			if ((proto != 0x8100 && proto != 0x88a8) || tags++ == 2)
				break;
			off += 4;
		}
		off += 2;
		break;
	case LT_SLL:
		if (len < 16)
			return;
		proto = (uint16_t)(p[14] << 8 | p[15]);
		off = 16;
		break;
	case LT_SLL2:
		if (len < 20)
			return;
		proto = (uint16_t)(p[0] << 8 | p[1]);
		off = 20;
		break;
	case LT_RAW:
	case LT_IPV4:
		proto = ETH_P_IP;
		off = 0;
		break;
	default:
		return;
	}
	if (proto != ETH_P_IP || len < off + sizeof(struct iphdr))
		return;
	ip = p + off;
	len -= off;
	ihl = (size_t)(ip[0] & 0xf) * 4;
	tot = (size_t)ip[2] << 8 | ip[3];
	if (ip[0] >> 4 != 4 || ihl < 20 || tot < ihl + 8 || tot > len || ip[9] != IPPROTO_UDP ||
	    (ip[6] & 0x3f) || ip[7])
		return;
	udp = ip + ihl;
	sport = (uint16_t)(udp[0] << 8 | udp[1]);
	dport = (uint16_t)(udp[2] << 8 | udp[3]);
	ulen = (size_t)udp[4] << 8 | udp[5];
	if ((sport != o->port && dport != o->port) || ulen < 8 || ulen > tot - ihl)
		return;
	/* RFC 3948 2.2/2.3: NAT-keepalive (one 0xff byte), non-ESP marker (IKE) */
	if (ulen - 8 == 1 && udp[8] == 0xff)
		return;
	if (ulen - 8 >= 4 && !(udp[8] | udp[9] | udp[10] | udp[11]))
		return;
	open_esp(o, ip, udp + 8, ulen - 8);
}

/* Prints a line per ESP frame and a summary; 0 if all were ok, 1 if not,
 * 2 if the capture could not be read. */
int esp_open_capture(struct opener *o, const char *rfile)
{
	static struct capture c;
	const uint8_t *data;
	size_t len;
	uint32_t lt;
	int r, v;

	if (capture_open(&c, rfile))
		return 2;
	while ((r = capture_next(&c, &data, &len, &lt)) > 0)
		open_frame(o, data, len, lt);
	capture_close(&c);
	if (r < 0) {
		fprintf(stderr, "Error: \"%s\": malformed capture after frame %lu\n", rfile, o->frames);
		return 2;
	}
	printf("# %lu frames, %lu ESP:", o->frames, o->esp);
	for (v = 0; v < V_COUNT; v++)
		printf(" %lu %s%s", o->count[v], verdict_name[v], v + 1 < V_COUNT ? "," : "\n");
	return o->esp && o->count[V_OK] == o->esp ? 0 : 1;
}
