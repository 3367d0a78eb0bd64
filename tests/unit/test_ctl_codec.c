// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the control protocol codec, sealing, replay window and
 * device handler (userspace/lib/ctl_*.c): round trips of every message
 * type, and every malformed case against the status code that
 * Documentation/control-protocol.md gives it: wrong key, replayed counter,
 * truncation at every length, oversized, unknown type/version/flags, bad,
 * duplicated, unexpected and missing TLVs, wrong TLV lengths, values out of
 * range, padding. Also the enrollment key file helpers.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ctl.h"
#include "ctl_examples.h"
#include "../tap.h"

static struct ctl_example ex[EX_MAX];
static int nex;

/* The examples of ctl_examples.h, by position. */
enum {
	EX_INSTALL, EX_STATUS_OK, EX_INSTALL2, EX_STATUS_OK2, EX_STATUS_EXISTS,
	EX_STATUS_DENIED, EX_QUERY_SA, EX_STATUS_QUERY, EX_QUERY_DEV, EX_STATUS_DEV,
	EX_DELETE, EX_FLUSH,
};

#define F(t) NICSEC_CTL_F(NICSEC_CTL_T_##t)

/* Open @len bytes with the example key into @m; returns the status. */
static int open_dgram(const uint8_t *d, size_t len, struct nicsec_ctl_msg *m)
{
	return nicsec_ctl_open_msg(d, len, ex_key, m);
}

static int same_msg(const struct nicsec_ctl_msg *a, const struct nicsec_ctl_msg *b)
{
	uint8_t ea[NICSEC_CTL_MAX_LEN], eb[NICSEC_CTL_MAX_LEN];
	int la = nicsec_ctl_encode(a, ea, sizeof(ea));
	int lb = nicsec_ctl_encode(b, eb, sizeof(eb));

	/* the parser marks SA TLVs in present; the encoder goes by n_sa */
	return la > 0 && la == lb && !memcmp(ea, eb, (size_t)la) &&
	       (a->present & ~F(SA)) == (b->present & ~F(SA)) && a->n_sa == b->n_sa;
}

/* A plaintext builder: header from @type, TLVs appended raw, SA TLVs
 * opened and closed around theirs. */
struct raw {
	uint8_t b[4096];
	size_t len;
	size_t sa;		/* offset of the open SA TLV, 0: none */
};

static void raw_init(struct raw *r, uint8_t type)
{
	struct nicsec_ctl_msg m = { .version = NICSEC_CTL_VERSION, .type = type,
				    .request_id = 9, .sender_id = EX_AGENT, .counter = 77 };

	r->len = (size_t)nicsec_ctl_encode(&m, r->b, sizeof(r->b));
	r->sa = 0;
}

static void raw_tlv(struct raw *r, uint16_t type, uint16_t len, const void *v)
{
	r->b[r->len] = type >> 8;
	r->b[r->len + 1] = (uint8_t)type;
	r->b[r->len + 2] = len >> 8;
	r->b[r->len + 3] = (uint8_t)len;
	memset(r->b + r->len + 4, 0, (len + 3u) & ~3u);
	if (v)
		memcpy(r->b + r->len + 4, v, len);
	r->len += 4 + ((len + 3u) & ~3u);
}

static void raw_sa_open(struct raw *r)
{
	r->sa = r->len;
	raw_tlv(r, NICSEC_CTL_T_SA, 0, NULL);
}

static void raw_sa_close(struct raw *r)
{
	size_t len = r->len - r->sa - 4;

	r->b[r->sa + 2] = (uint8_t)(len >> 8);
	r->b[r->sa + 3] = (uint8_t)len;
	r->sa = 0;
}

/* The TLVs of a valid outbound SA, leaving out type @skip. */
static void raw_sa_body(struct raw *r, unsigned int skip, uint32_t spi_n)
{
	static const uint8_t flow5[16] = { 10, 77, 0, 1, 10, 77, 0, 2, 0x9c, 0x40, 1, 0xbb, 6 };
	static const uint8_t dir = 1, alg[2] = { 0, 20 };
	static const uint8_t key[16] = { 1 }, salt[4] = { 2 };
	uint8_t spi[4] = { 0, 0, (uint8_t)(1 + (spi_n >> 8)), (uint8_t)spi_n };

	if (skip != NICSEC_CTL_T_FLOW)
		raw_tlv(r, NICSEC_CTL_T_FLOW, 16, flow5);
	if (skip != NICSEC_CTL_T_DIR)
		raw_tlv(r, NICSEC_CTL_T_DIR, 1, &dir);
	if (skip != NICSEC_CTL_T_SPI)
		raw_tlv(r, NICSEC_CTL_T_SPI, 4, spi);
	if (skip != NICSEC_CTL_T_ALG)
		raw_tlv(r, NICSEC_CTL_T_ALG, 2, alg);
	if (skip != NICSEC_CTL_T_KEY)
		raw_tlv(r, NICSEC_CTL_T_KEY, 16, key);
	if (skip != NICSEC_CTL_T_SALT)
		raw_tlv(r, NICSEC_CTL_T_SALT, 4, salt);
}

/* An INSTALL of one SA without TLV @skip, its SA TLV left open for more. */
static void raw_install_open(struct raw *r, unsigned int skip)
{
	raw_init(r, NICSEC_CTL_INSTALL);
	raw_sa_open(r);
	raw_sa_body(r, skip, 0);
}

/* A valid INSTALL of one SA, optionally leaving out TLV @skip of it. */
static void raw_install(struct raw *r, unsigned int skip)
{
	raw_install_open(r, skip);
	raw_sa_close(r);
}

/* Seal @r and open it again: the status a receiver sees. */
static int raw_status(const struct raw *r)
{
	uint8_t d[2048];
	struct nicsec_ctl_msg m;
	int len = nicsec_ctl_seal_raw(r->b, r->len, ex_key, d, sizeof(d));

	if (len < 0)	/* too big to seal: parse the plaintext directly */
		return nicsec_ctl_parse(r->b, r->len, &m);
	return open_dgram(d, (size_t)len, &m);
}

static void test_round_trips(void)
{
	uint8_t d[NICSEC_CTL_MAX_LEN];
	struct nicsec_ctl_msg m;
	int i, len;

	for (i = 0; i < nex; i++) {
		len = nicsec_ctl_seal(&ex[i].msg, ex_key, d, sizeof(d));
		ok(len > 0 && open_dgram(d, (size_t)len, &m) == NICSEC_CTL_OK &&
		   same_msg(&m, &ex[i].msg), "round trip: %s", ex[i].name);
	}
	/* the fields themselves, not just their re-encoding */
	len = nicsec_ctl_seal(&ex[EX_INSTALL].msg, ex_key, d, sizeof(d));
	open_dgram(d, (size_t)len, &m);
	ok(m.n_sa == 1 && m.sa[0].flow.ntuple == 5 && m.sa[0].flow.proto == 6 &&
	   m.sa[0].flow.sport == htons(40000) && m.sa[0].spi == 0xc0de0001 &&
	   m.sa[0].key_len == 16 && !memcmp(m.sa[0].key, ex[EX_INSTALL].msg.sa[0].key, 16) &&
	   m.sa[0].lifetime.seconds == 3600 && m.request_id == 0x51000001 &&
	   m.counter == EX_COUNTER + 1, "INSTALL fields decoded");
	len = nicsec_ctl_seal(&ex[EX_INSTALL2].msg, ex_key, d, sizeof(d));
	open_dgram(d, (size_t)len, &m);
	ok(m.n_sa == 2 && m.sa[0].dir == NICSEC_CTL_DIR_IN && m.sa[1].dir == NICSEC_CTL_DIR_OUT &&
	   m.sa[0].key_len == 32 && m.sa[1].key[31] == 0x50 + 31 &&
	   (m.sa[1].present & F(ENCAP)) && m.sa[1].encap.peer_port == htons(4500),
	   "INSTALL of two SAs: both decoded, in order");
	len = nicsec_ctl_seal(&ex[EX_DELETE].msg, ex_key, d, sizeof(d));
	open_dgram(d, (size_t)len, &m);
	ok(m.n_ids == 2 && m.ids[0] == 8 && m.ids[1] == 9, "DELETE of SA ids 8 and 9 decoded");
}

static void test_seal_faults(void)
{
	uint8_t d[NICSEC_CTL_MAX_LEN + 64], key2[32];
	struct nicsec_ctl_msg m;
	int len, bad, i, bit;
	size_t n;

	len = nicsec_ctl_seal(&ex[0].msg, ex_key, d, sizeof(d));
	memcpy(key2, ex_key, 32);
	key2[31] ^= 1;
	is_int(nicsec_ctl_open_msg(d, (size_t)len, key2, &m), NICSEC_CTL_E_AUTH,
	       "wrong enrollment key: AUTH");
	ok(m.n_sa == 0 && m.sa[0].key_len == 0 && m.present == 0,
	   "nothing decoded under the wrong key");
	bad = 0;
	for (i = 0; i < len; i++)
		for (bit = 0; bit < 8; bit++) {
			int want, got;

			d[i] ^= (uint8_t)(1 << bit);
			want = i < 4 ? NICSEC_CTL_E_MALFORMED : NICSEC_CTL_E_AUTH;
			got = open_dgram(d, (size_t)len, &m);
			d[i] ^= (uint8_t)(1 << bit);
			if (got != want) {
				diag("byte %d bit %d: got %d want %d", i, bit, got, want);
				bad++;
			}
		}
	ok(!bad, "every bit flipped (%d bits): MALFORMED in magic, else AUTH", len * 8);
	bad = 0;
	for (n = 0; n < (size_t)len; n++) {
		int want = n < NICSEC_CTL_MIN_LEN ? NICSEC_CTL_E_MALFORMED : NICSEC_CTL_E_AUTH;

		if (open_dgram(d, n, &m) != want)
			bad++;
	}
	ok(!bad, "sealed datagram truncated at every length 0..%d: MALFORMED/AUTH", len - 1);
	memset(d + len, 0, sizeof(d) - (size_t)len);
	is_int(open_dgram(d, NICSEC_CTL_MAX_LEN + 1, &m), NICSEC_CTL_E_TOO_BIG,
	       "1233-byte datagram: TOO_BIG");
	is_int(open_dgram(d, (size_t)len, &m), NICSEC_CTL_OK, "original still opens");
}

static void test_header_faults(void)
{
	struct nicsec_ctl_msg m = ex[EX_DELETE].msg;
	uint8_t d[NICSEC_CTL_MAX_LEN];
	struct nicsec_ctl_msg out;
	int len;

	m.version = 1;
	len = nicsec_ctl_seal(&m, ex_key, d, sizeof(d));
	is_int(open_dgram(d, (size_t)len, &out), NICSEC_CTL_E_VERSION, "version 1: VERSION");
	ok(out.request_id == m.request_id, "header kept for the STATUS after a fault");
	m.version = 3;
	len = nicsec_ctl_seal(&m, ex_key, d, sizeof(d));
	is_int(open_dgram(d, (size_t)len, &out), NICSEC_CTL_E_VERSION, "version 3: VERSION");
	m = ex[EX_DELETE].msg;
	m.type = 0;
	len = nicsec_ctl_seal(&m, ex_key, d, sizeof(d));
	is_int(open_dgram(d, (size_t)len, &out), NICSEC_CTL_E_TYPE, "type 0: TYPE");
	m.type = 6;
	len = nicsec_ctl_seal(&m, ex_key, d, sizeof(d));
	is_int(open_dgram(d, (size_t)len, &out), NICSEC_CTL_E_TYPE, "type 6: TYPE");
	m.type = 255;
	len = nicsec_ctl_seal(&m, ex_key, d, sizeof(d));
	is_int(open_dgram(d, (size_t)len, &out), NICSEC_CTL_E_TYPE, "type 255: TYPE");
	m = ex[EX_DELETE].msg;
	m.flags = 0x8000;
	len = nicsec_ctl_seal(&m, ex_key, d, sizeof(d));
	is_int(open_dgram(d, (size_t)len, &out), NICSEC_CTL_E_FLAGS, "flag bit 15: FLAGS");
}

/* Parse @r's plaintext: the status, and the SA a fault was in (or -1). */
static int raw_index(const struct raw *r, int *index)
{
	struct nicsec_ctl_msg m;
	int err = nicsec_ctl_parse(r->b, r->len, &m);

	*index = (m.present & F(INDEX)) ? (int)m.index : -1;
	return err;
}

static void test_tlv_faults(void)
{
	static const uint8_t zero[1400], one = 1;
	static const unsigned int req[] = { NICSEC_CTL_T_FLOW, NICSEC_CTL_T_DIR,
		NICSEC_CTL_T_SPI, NICSEC_CTL_T_ALG, NICSEC_CTL_T_KEY, NICSEC_CTL_T_SALT };
	/* for each type with fixed lengths: a wrong one (off the valid ones) */
	static const uint16_t wrong[NICSEC_CTL_T_MAX] = {
		[NICSEC_CTL_T_FLOW] = 12, [NICSEC_CTL_T_DIR] = 4, [NICSEC_CTL_T_SPI] = 8,
		[NICSEC_CTL_T_ALG] = 4, [NICSEC_CTL_T_KEY] = 24, [NICSEC_CTL_T_SALT] = 3,
		[NICSEC_CTL_T_LIFETIME] = 16, [NICSEC_CTL_T_SA_ID] = 2,
		[NICSEC_CTL_T_COUNTERS] = 32, [NICSEC_CTL_T_ENCAP] = 8,
		[NICSEC_CTL_T_CODE] = 1, [NICSEC_CTL_T_DEVINFO] = 12,
		[NICSEC_CTL_T_SA_IDS] = 6, [NICSEC_CTL_T_INDEX] = 2,
	};
	struct nicsec_ctl_msg m;
	struct raw r;
	unsigned int i, t;
	size_t n;
	int bad, index;

	raw_install(&r, 0);
	is_int(raw_status(&r), NICSEC_CTL_OK, "hand-built INSTALL of one SA is valid");
	bad = 0;
	for (i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		raw_install(&r, req[i]);
		if (raw_index(&r, &index) != NICSEC_CTL_E_TLV_MISSING || index != 0)
			bad++;
	}
	ok(!bad, "an SA without each of its 6 required TLVs: TLV_MISSING, INDEX 0");
	raw_init(&r, NICSEC_CTL_INSTALL);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_MISSING, "INSTALL without an SA: TLV_MISSING");
	raw_init(&r, NICSEC_CTL_INSTALL);
	raw_sa_open(&r);
	raw_sa_close(&r);
	is_int(raw_index(&r, &index), NICSEC_CTL_E_TLV_MISSING, "an empty SA TLV: TLV_MISSING");
	raw_init(&r, NICSEC_CTL_INSTALL);
	raw_sa_body(&r, 0, 0);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_UNEXPECTED,
	       "a v1-style INSTALL (the SA's TLVs in the body): TLV_UNEXPECTED");
	raw_init(&r, NICSEC_CTL_DELETE);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_MISSING, "DELETE without SA_IDS: TLV_MISSING");
	raw_init(&r, NICSEC_CTL_STATUS);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_MISSING, "STATUS without CODE: TLV_MISSING");

	/* the fault names the SA it is in */
	raw_init(&r, NICSEC_CTL_INSTALL);
	for (i = 0; i < 3; i++) {
		raw_sa_open(&r);
		raw_sa_body(&r, i == 2 ? NICSEC_CTL_T_KEY : 0, i);
		raw_sa_close(&r);
	}
	ok(raw_index(&r, &index) == NICSEC_CTL_E_TLV_MISSING && index == 2,
	   "three SAs, the third without a key: TLV_MISSING with INDEX 2");

	raw_install_open(&r, 0);
	raw_tlv(&r, NICSEC_CTL_T_SPI, 4, "\0\0\2\0");
	raw_sa_close(&r);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_DUP, "SPI twice in an SA: TLV_DUP");
	raw_install(&r, 0);
	raw_tlv(&r, NICSEC_CTL_T_CODE, 4, zero);
	raw_tlv(&r, NICSEC_CTL_T_CODE, 4, zero);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_UNEXPECTED, "CODE in INSTALL: TLV_UNEXPECTED");
	raw_init(&r, NICSEC_CTL_QUERY);
	raw_tlv(&r, NICSEC_CTL_T_SA_ID, 4, zero);
	raw_tlv(&r, NICSEC_CTL_T_SA_ID, 4, zero);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_DUP, "SA_ID twice in QUERY: TLV_DUP");
	raw_install(&r, 0);
	raw_tlv(&r, NICSEC_CTL_T_MAX, 4, zero);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_UNKNOWN, "type 16: TLV_UNKNOWN");
	raw_install_open(&r, 0);
	raw_tlv(&r, NICSEC_CTL_T_MAX, 4, zero);
	raw_sa_close(&r);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_UNKNOWN, "type 16 inside an SA: TLV_UNKNOWN");
	raw_install(&r, 0);
	raw_tlv(&r, 0, 0, NULL);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_UNKNOWN, "type 0: TLV_UNKNOWN");
	raw_install_open(&r, 0);
	raw_tlv(&r, 0x8000 | 16, 5, "abcde");
	raw_sa_close(&r);
	raw_tlv(&r, 0x8001, 4, zero);
	is_int(raw_status(&r), NICSEC_CTL_OK,
	       "unknown types with may-ignore bit, in and out of an SA: skipped");
	raw_install_open(&r, 0);
	raw_tlv(&r, NICSEC_CTL_T_CODE, 4, zero);
	raw_sa_close(&r);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_UNEXPECTED, "CODE inside an SA: TLV_UNEXPECTED");
	raw_install_open(&r, 0);
	raw_sa_open(&r);
	raw_sa_body(&r, 0, 1);
	raw_sa_close(&r);
	/* close the outer one by hand: its length covers the inner SA */
	r.b[NICSEC_CTL_HDR_LEN + 2] = (uint8_t)((r.len - NICSEC_CTL_HDR_LEN - 4) >> 8);
	r.b[NICSEC_CTL_HDR_LEN + 3] = (uint8_t)(r.len - NICSEC_CTL_HDR_LEN - 4);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_UNEXPECTED, "an SA inside an SA: TLV_UNEXPECTED");
	raw_init(&r, NICSEC_CTL_DELETE);
	raw_tlv(&r, NICSEC_CTL_T_SA_IDS, 4, zero);
	raw_tlv(&r, NICSEC_CTL_T_KEY, 16, zero);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_UNEXPECTED, "KEY in DELETE: TLV_UNEXPECTED");
	raw_init(&r, NICSEC_CTL_DELETE);
	raw_tlv(&r, NICSEC_CTL_T_SA_IDS, 4, zero);
	raw_sa_open(&r);
	raw_sa_body(&r, 0, 0);
	raw_sa_close(&r);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_UNEXPECTED, "an SA in DELETE: TLV_UNEXPECTED");
	raw_init(&r, NICSEC_CTL_FLUSH);
	raw_tlv(&r, NICSEC_CTL_T_SA_ID, 4, zero);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_UNEXPECTED, "SA_ID in FLUSH: TLV_UNEXPECTED");

	bad = 0;
	for (t = 1; t < NICSEC_CTL_T_MAX; t++) {
		int in_sa = (NICSEC_CTL_SA_REQUIRED | NICSEC_CTL_SA_OPTIONAL) & NICSEC_CTL_F(t);
		uint8_t type = t == NICSEC_CTL_T_SA_ID ? NICSEC_CTL_QUERY :
			       t == NICSEC_CTL_T_SA_IDS ? NICSEC_CTL_DELETE : NICSEC_CTL_STATUS;
		int got;

		if (t == NICSEC_CTL_T_SA)
			continue;	/* a list: its length is its content's */
		if (in_sa) {
			raw_install_open(&r, t);
			raw_tlv(&r, (uint16_t)t, wrong[t], zero);
			raw_sa_close(&r);
		} else {
			raw_init(&r, type);
			raw_tlv(&r, (uint16_t)t, wrong[t], zero);
		}
		got = raw_status(&r);
		if (got != NICSEC_CTL_E_TLV_LEN) {
			diag("type %u length %u: got %d", t, wrong[t], got);
			bad++;
		}
	}
	ok(!bad, "a wrong length for each of the 14 TLV types of fixed length: TLV_LEN");
	raw_init(&r, NICSEC_CTL_DELETE);
	raw_tlv(&r, NICSEC_CTL_T_SA_IDS, 4 * (NICSEC_CTL_MAX_IDS + 1), zero);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_LEN, "65 SA ids: TLV_LEN");
	raw_init(&r, NICSEC_CTL_DELETE);
	raw_tlv(&r, NICSEC_CTL_T_SA_IDS, 4 * NICSEC_CTL_MAX_IDS, zero);
	is_int(raw_status(&r), NICSEC_CTL_OK, "64 SA ids: OK");

	raw_install_open(&r, NICSEC_CTL_T_DIR);
	raw_tlv(&r, NICSEC_CTL_T_DIR, 1, "\3");
	raw_sa_close(&r);
	is_int(raw_status(&r), NICSEC_CTL_E_VALUE, "DIR 3: VALUE");
	raw_install_open(&r, NICSEC_CTL_T_ALG);
	raw_tlv(&r, NICSEC_CTL_T_ALG, 2, "\0\23");
	raw_sa_close(&r);
	is_int(raw_status(&r), NICSEC_CTL_E_VALUE, "ALG 19: VALUE");
	raw_install_open(&r, NICSEC_CTL_T_SPI);
	raw_tlv(&r, NICSEC_CTL_T_SPI, 4, "\0\0\0\377");
	raw_sa_close(&r);
	is_int(raw_status(&r), NICSEC_CTL_E_VALUE, "SPI 255: VALUE");
	raw_install_open(&r, NICSEC_CTL_T_FLOW);
	raw_tlv(&r, NICSEC_CTL_T_FLOW, 16, "\12\115\0\1\12\115\0\2\0\0\0\0\6\0\1\0");
	raw_sa_close(&r);
	is_int(raw_status(&r), NICSEC_CTL_E_VALUE, "5-tuple reserved byte set: VALUE");
	raw_install_open(&r, NICSEC_CTL_T_FLOW);
	raw_tlv(&r, NICSEC_CTL_T_FLOW, 8, "\0\0\0\0\12\115\0\2");
	raw_sa_close(&r);
	is_int(raw_status(&r), NICSEC_CTL_E_VALUE, "2-tuple with address 0: VALUE");
	raw_install_open(&r, 0);
	raw_tlv(&r, NICSEC_CTL_T_ENCAP, 12, "\12\115\0\1\12\115\0\2\0\0\21\224");
	raw_sa_close(&r);
	is_int(raw_status(&r), NICSEC_CTL_E_VALUE, "ENCAP with port 0: VALUE");
	raw_init(&r, NICSEC_CTL_STATUS);
	raw_tlv(&r, NICSEC_CTL_T_CODE, 4, zero);
	raw_tlv(&r, NICSEC_CTL_T_INDEX, 4, "\0\0\0\20");
	is_int(raw_status(&r), NICSEC_CTL_E_VALUE, "INDEX 16: VALUE");

	raw_install_open(&r, NICSEC_CTL_T_DIR);
	raw_tlv(&r, NICSEC_CTL_T_DIR, 1, &one);
	r.b[r.len - 1] = 1;	/* padding after the DIR byte */
	raw_sa_close(&r);
	is_int(raw_status(&r), NICSEC_CTL_E_MALFORMED, "non-zero padding in an SA: MALFORMED");
	raw_install(&r, 0);
	r.b[r.len++] = 0;
	r.b[r.len++] = 0;
	is_int(raw_status(&r), NICSEC_CTL_E_MALFORMED, "2 trailing bytes: MALFORMED");
	raw_install_open(&r, 0);
	r.b[r.len++] = 0;
	r.b[r.len++] = 0;
	raw_sa_close(&r);
	r.b[r.len++] = 0;	/* the body stays 4-aligned */
	r.b[r.len++] = 0;
	is_int(raw_status(&r), NICSEC_CTL_E_MALFORMED, "2 trailing bytes inside an SA: MALFORMED");
	raw_install(&r, 0);
	r.b[r.len - 6] = 0x01;	/* SALT length 4 -> 260, past the SA and the body */
	is_int(raw_status(&r), NICSEC_CTL_E_MALFORMED, "TLV length past its SA: MALFORMED");
	raw_install(&r, 0);
	r.b[NICSEC_CTL_HDR_LEN + 2] = 0x10;	/* the SA's length past the body */
	is_int(raw_status(&r), NICSEC_CTL_E_MALFORMED, "SA length past the body: MALFORMED");

	raw_init(&r, NICSEC_CTL_FLUSH);
	for (i = 0; i < NICSEC_CTL_MAX_TLVS + 1; i++)
		raw_tlv(&r, 0x8000 | 100, 0, NULL);
	is_int(raw_status(&r), NICSEC_CTL_E_TOO_BIG, "17 TLVs: TOO_BIG");
	raw_init(&r, NICSEC_CTL_FLUSH);
	for (i = 0; i < NICSEC_CTL_MAX_TLVS; i++)
		raw_tlv(&r, 0x8000 | 100, 0, NULL);
	is_int(raw_status(&r), NICSEC_CTL_OK, "16 ignorable TLVs: OK");
	raw_install_open(&r, 0);
	for (i = 0; i < NICSEC_CTL_MAX_TLVS - 5; i++)
		raw_tlv(&r, 0x8000 | 100, 0, NULL);
	raw_sa_close(&r);
	is_int(raw_status(&r), NICSEC_CTL_E_TOO_BIG, "17 TLVs inside an SA: TOO_BIG");
	/* the smallest SAs (2-tuple, AES-128): 68 bytes each */
	raw_init(&r, NICSEC_CTL_INSTALL);
	for (i = 0; i < NICSEC_CTL_MAX_SAS; i++) {
		raw_sa_open(&r);
		raw_sa_body(&r, NICSEC_CTL_T_FLOW, i);
		raw_tlv(&r, NICSEC_CTL_T_FLOW, 8, "\12\115\0\1\12\115\0\2");
		raw_sa_close(&r);
	}
	is_int(raw_status(&r), NICSEC_CTL_OK, "16 SAs in one INSTALL: OK");
	raw_init(&r, NICSEC_CTL_INSTALL);
	for (i = 0; i < NICSEC_CTL_MAX_SAS + 1; i++) {
		raw_sa_open(&r);
		raw_sa_body(&r, NICSEC_CTL_T_FLOW, i);
		raw_tlv(&r, NICSEC_CTL_T_FLOW, 8, "\12\115\0\1\12\115\0\2");
		raw_sa_close(&r);
	}
	ok(r.len <= NICSEC_CTL_MAX_LEN - NICSEC_CTL_TAG_LEN &&
	   raw_status(&r) == NICSEC_CTL_E_TOO_BIG, "17 SAs in one INSTALL (%zu bytes): TOO_BIG",
	   r.len);
	raw_init(&r, NICSEC_CTL_FLUSH);
	raw_tlv(&r, 0x8000 | 100, NICSEC_CTL_MAX_BODY - 3, NULL);
	is_int(raw_status(&r), NICSEC_CTL_E_TOO_BIG, "body over 1192 bytes: TOO_BIG");
	raw_init(&r, NICSEC_CTL_FLUSH);
	raw_tlv(&r, 0x8000 | 100, NICSEC_CTL_MAX_BODY - 4, NULL);
	is_int(raw_status(&r), NICSEC_CTL_OK, "body of exactly 1192 bytes: OK");

	/* plaintext truncated at every length: never OK, never a crash */
	raw_init(&r, NICSEC_CTL_INSTALL);
	for (i = 0; i < 2; i++) {
		raw_sa_open(&r);
		raw_sa_body(&r, 0, i);
		raw_sa_close(&r);
		if (!i)
			t = (unsigned int)r.len;	/* where the first SA ends */
	}
	bad = 0;
	for (n = 0; n < r.len; n++) {
		int got = nicsec_ctl_parse(r.b, n, &m);

		/* cut right after the first SA, it is a valid INSTALL of one */
		if (n == t ? got != NICSEC_CTL_OK || m.n_sa != 1 :
		    got != NICSEC_CTL_E_MALFORMED && got != NICSEC_CTL_E_TLV_MISSING)
			bad++;
	}
	ok(!bad, "plaintext INSTALL of two SAs truncated at every length: MALFORMED or "
	   "TLV_MISSING (an INSTALL of the first SA where it ends)");
	nicsec_ctl_parse(r.b, r.len - 1, &m);
	ok(m.n_sa == 0 && m.sa[0].key_len == 0 && m.sa[0].key[0] == 0,
	   "keys wiped from the message after a fault");
}

static void test_replay(void)
{
	struct nicsec_ctl_replay r = { 0 };
	int bad = 0;
	uint64_t c;

	is_int(nicsec_ctl_replay_check(&r, 0), NICSEC_CTL_E_REPLAY, "counter 0: REPLAY");
	nicsec_ctl_replay_update(&r, 1000);
	is_int(nicsec_ctl_replay_check(&r, 1000), NICSEC_CTL_E_REPLAY, "same counter: REPLAY");
	is_int(nicsec_ctl_replay_check(&r, 999), NICSEC_CTL_OK, "older, in window: new");
	is_int(nicsec_ctl_replay_check(&r, 1000 - 64), NICSEC_CTL_E_REPLAY,
	       "64 below the top: REPLAY");
	for (c = 937; c < 1000; c++) {
		if (nicsec_ctl_replay_check(&r, c))
			bad++;
		nicsec_ctl_replay_update(&r, c);
		if (!nicsec_ctl_replay_check(&r, c))
			bad++;
	}
	ok(!bad, "whole window filled out of order, each once");
	nicsec_ctl_replay_update(&r, 1u << 20);
	ok(nicsec_ctl_replay_check(&r, 1001) == NICSEC_CTL_E_REPLAY &&
	   nicsec_ctl_replay_check(&r, (1u << 20) + 1) == NICSEC_CTL_OK,
	   "big jump: old counters refused, next accepted");
}

/* ---- the device handler ---- */

static int applied[8];

/* SA ids 42, 43, ... in the order of the request; an SPI of 0xdead
 * refuses the whole INSTALL with EXISTS naming that SA. */
static int op_install(void *ctx, const struct nicsec_ctl_msg *req, struct nicsec_ctl_msg *reply)
{
	uint32_t i;

	applied[NICSEC_CTL_INSTALL]++;
	for (i = 0; i < req->n_sa; i++) {
		if (req->sa[i].spi == 0xdead) {
			reply->index = i;
			reply->present |= F(INDEX);
			return NICSEC_CTL_E_EXISTS;
		}
		reply->ids[i] = 42 + i;
	}
	reply->n_ids = req->n_sa;
	reply->present |= F(SA_IDS);
	return NICSEC_CTL_OK;
}

static int op_del(void *ctx, const struct nicsec_ctl_msg *req, struct nicsec_ctl_msg *reply)
{
	applied[NICSEC_CTL_DELETE]++;
	return req->n_ids == 1 && req->ids[0] == 42 ? NICSEC_CTL_OK : NICSEC_CTL_E_NO_SA;
}

static int op_flush(void *ctx, const struct nicsec_ctl_msg *req, struct nicsec_ctl_msg *reply)
{
	applied[NICSEC_CTL_FLUSH]++;
	return NICSEC_CTL_OK;
}

static int op_query(void *ctx, const struct nicsec_ctl_msg *req, struct nicsec_ctl_msg *reply)
{
	applied[NICSEC_CTL_QUERY]++;
	reply->devinfo.sa_max = 1024;
	reply->present |= F(DEVINFO) | F(KEY);	/* KEY must be filtered out */
	return NICSEC_CTL_OK;
}

static const struct nicsec_ctl_ops ops = {
	.install = op_install, .del = op_del, .flush = op_flush, .query = op_query,
};

static int handle(struct nicsec_ctl_dev *dev, const struct nicsec_ctl_msg *req,
		  const uint8_t *key, struct nicsec_ctl_msg *reply, int *status)
{
	uint8_t in[NICSEC_CTL_MAX_LEN], out[NICSEC_CTL_MAX_LEN];
	int len = nicsec_ctl_seal(req, key, in, sizeof(in));

	memset(reply, 0, sizeof(*reply));
	len = nicsec_ctl_dev_handle(dev, in, (size_t)len, out, sizeof(out), status);
	if (len > 0 && open_dgram(out, (size_t)len, reply))
		return -1;
	return len;
}

static void test_device(void)
{
	struct nicsec_ctl_msg req = ex[EX_INSTALL].msg, reply;
	struct nicsec_ctl_dev_stats st;
	struct nicsec_ctl_dev *dev;
	uint8_t key2[32];
	int status, len;

	if (nicsec_ctl_dev_create(&dev, ex_key, EX_DEV_COUNTER, &ops, NULL))
		tap_bail("dev_create failed");
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len > 0 && reply.type == NICSEC_CTL_STATUS && reply.code == 0 &&
	   reply.n_ids == 1 && reply.ids[0] == 42 && reply.request_id == req.request_id &&
	   reply.sender_id == 0 && applied[NICSEC_CTL_INSTALL] == 1,
	   "INSTALL applied, sealed STATUS ok with SA id and request id");
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len == 0 && status == NICSEC_CTL_E_REPLAY && applied[NICSEC_CTL_INSTALL] == 1,
	   "same datagram again: dropped as REPLAY, not applied");
	req.counter++;
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len > 0 && reply.code == 0 && reply.n_ids == 1 && reply.ids[0] == 42 &&
	   applied[NICSEC_CTL_INSTALL] == 1,
	   "retransmission (new counter, same request id): same STATUS, applied once");
	{
		struct nicsec_ctl_msg late = req;

		req.counter += 2;	/* the next request goes first ... */
		req.request_id++;
		req.sa[0].spi++;
		len = handle(dev, &req, ex_key, &reply, &status);
		late.counter++;		/* ... then a delayed, unseen, older one */
		late.request_id += 7;
		len = len > 0 ? handle(dev, &late, ex_key, &reply, &status) : -1;
		ok(len == 0 && status == NICSEC_CTL_E_REPLAY &&
		   applied[NICSEC_CTL_INSTALL] == 2,
		   "new request with an older counter than the newest: REPLAY, not applied");
	}
	memcpy(key2, ex_key, 32);
	key2[0] ^= 0x80;
	req.counter++;
	req.request_id++;
	len = handle(dev, &req, key2, &reply, &status);
	ok(len == 0 && status == NICSEC_CTL_E_AUTH && applied[NICSEC_CTL_INSTALL] == 2,
	   "wrong enrollment key: dropped as AUTH, nothing applied");
	req.counter++;
	req.version = 1;
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len > 0 && reply.code == NICSEC_CTL_E_VERSION && applied[NICSEC_CTL_INSTALL] == 2,
	   "version 1: sealed STATUS VERSION, nothing applied");

	/* two SAs in one request: both ids, and the same ids again from the
	 * cache for a retransmission */
	req = ex[EX_INSTALL2].msg;
	req.request_id = 0x510000a0;	/* ids 0x51000001.. were used above */
	req.counter = EX_COUNTER + 90;
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len > 0 && reply.code == 0 && reply.n_ids == 2 && reply.ids[0] == 42 &&
	   reply.ids[1] == 43 && applied[NICSEC_CTL_INSTALL] == 3,
	   "INSTALL of two SAs: one STATUS with both SA ids in order");
	req.counter++;
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len > 0 && reply.code == 0 && reply.n_ids == 2 && reply.ids[1] == 43 &&
	   applied[NICSEC_CTL_INSTALL] == 3, "its retransmission: the same two ids, applied once");
	req.counter++;
	req.request_id++;
	req.sa[1].spi = 0xdead;
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len > 0 && reply.code == NICSEC_CTL_E_EXISTS && (reply.present & F(INDEX)) &&
	   reply.index == 1 && !(reply.present & F(SA_IDS)),
	   "refused because of its second SA: EXISTS with INDEX 1, no SA ids");
	{
		/* a fault inside the second SA of a request: the STATUS says which */
		uint8_t in[NICSEC_CTL_MAX_LEN], out[NICSEC_CTL_MAX_LEN];
		struct raw r;
		int i;

		raw_init(&r, NICSEC_CTL_INSTALL);
		/* the header's request id and counter, in place */
		memcpy(r.b + 8, "\x51\x00\x00\x77", 4);
		memcpy(r.b + 16, "\x18\x7b\x2c\x3d\x00\x00\x00\x99", 8);
		for (i = 0; i < 2; i++) {
			raw_sa_open(&r);
			raw_sa_body(&r, i ? NICSEC_CTL_T_ALG : 0, (uint32_t)i);
			if (i)
				raw_tlv(&r, NICSEC_CTL_T_ALG, 2, "\0\25");
			raw_sa_close(&r);
		}
		len = nicsec_ctl_seal_raw(r.b, r.len, ex_key, in, sizeof(in));
		len = nicsec_ctl_dev_handle(dev, in, (size_t)len, out, sizeof(out), &status);
		ok(len > 0 && !open_dgram(out, (size_t)len, &reply) &&
		   reply.code == NICSEC_CTL_E_VALUE && (reply.present & F(INDEX)) &&
		   reply.index == 1 && applied[NICSEC_CTL_INSTALL] == 4,
		   "ALG 21 in the second SA: STATUS VALUE with INDEX 1, nothing applied");
	}
	req = ex[EX_STATUS_OK].msg;	/* a STATUS, sent to the device */
	req.sender_id = EX_AGENT;
	req.counter = EX_COUNTER + 100;
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len == 0 && status == NICSEC_CTL_E_TYPE, "STATUS sent to the device: dropped");
	req = ex[EX_STATUS_OK].msg;	/* the device's own STATUS reflected back */
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len == 0 && status == NICSEC_CTL_E_SENDER, "sender id 0: dropped as SENDER");
	req = ex[EX_QUERY_DEV].msg;
	req.counter = EX_COUNTER + 201;
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len > 0 && reply.code == 0 && reply.devinfo.sa_max == 1024 &&
	   !(reply.present & F(KEY)), "QUERY: DEVINFO, a callback cannot add a KEY");
	req = ex[EX_DELETE].msg;	/* DELETE 8, 9 */
	req.counter = EX_COUNTER + 202;
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len > 0 && reply.code == NICSEC_CTL_E_NO_SA, "DELETE of unknown SAs: NO_SA");
	req = ex[EX_FLUSH].msg;
	req.counter = EX_COUNTER + 203;
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len > 0 && reply.code == 0 && applied[NICSEC_CTL_FLUSH] == 1, "FLUSH applied");
	{
		uint8_t junk[NICSEC_CTL_MAX_LEN + 1] = { 0 };
		uint8_t out[NICSEC_CTL_MAX_LEN];

		ok(nicsec_ctl_dev_handle(dev, junk, sizeof(junk), out, sizeof(out), &status) == 0 &&
		   status == NICSEC_CTL_E_TOO_BIG &&
		   nicsec_ctl_dev_handle(dev, junk, 10, out, sizeof(out), &status) == 0 &&
		   status == NICSEC_CTL_E_MALFORMED, "oversized and runt datagrams dropped");
	}
	nicsec_ctl_dev_get_stats(dev, &st);
	ok(st.retransmits == 2 && st.drops[NICSEC_CTL_E_REPLAY] == 2 &&
	   st.drops[NICSEC_CTL_E_AUTH] == 1, "device stats count drops and retransmits");
	nicsec_ctl_dev_destroy(dev);

	/* a restarted device: what was sealed before its start is a replay */
	if (nicsec_ctl_dev_create(&dev, ex_key, EX_COUNTER + 50, &ops, NULL))
		tap_bail("dev_create failed");
	req = ex[EX_INSTALL].msg;
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len == 0 && status == NICSEC_CTL_E_REPLAY && applied[NICSEC_CTL_INSTALL] == 4,
	   "request recorded before a device restart: dropped as REPLAY");
	req.counter = EX_COUNTER + 51;
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len > 0 && reply.code == 0 && reply.counter == EX_COUNTER + 50 &&
	   applied[NICSEC_CTL_INSTALL] == 5,
	   "counter above the device's start: applied, STATUS counter from the start");
	nicsec_ctl_dev_destroy(dev);
}

static void test_strerror(void)
{
	int i, bad = 0;

	for (i = -200; i < NICSEC_CTL_STATUS_MAX + 5; i++)
		if (!nicsec_ctl_strerror(i) || !*nicsec_ctl_strerror(i))
			bad++;
	ok(!bad, "strerror words every status and errno");
	ok(strstr(nicsec_ctl_strerror(-ETIMEDOUT), "timed out") != NULL,
	   "timeout explained");
}

static void test_keyfile(void)
{
	char dir[] = "/tmp/nicsec-ctlkey-XXXXXX", path[64], cmd[96];
	uint8_t k1[32], k2[32];
	struct stat st;

	if (!mkdtemp(dir))
		tap_bail("mkdtemp failed");
	snprintf(path, sizeof(path), "%s/enroll.key", dir);
	is_int(nicsec_ctl_key_generate(path, k1), 0, "enrollment key generated");
	ok(!stat(path, &st) && (st.st_mode & 07777) == 0600 && st.st_size == 65,
	   "key file mode 0600, 64 hex digits and a newline");
	is_int(nicsec_ctl_key_load(path, k2), 0, "key file loads");
	ok(!memcmp(k1, k2, 32), "loaded key is the generated one");
	is_int(nicsec_ctl_key_generate(path, NULL), -EEXIST, "existing key file not overwritten");
	snprintf(path, sizeof(path), "%s/short.key", dir);
	{
		FILE *f = fopen(path, "w");

		fputs("00112233\n", f);
		fclose(f);
		chmod(path, 0600);
	}
	is_int(nicsec_ctl_key_load(path, k2), -EKEYREJECTED, "16-digit key refused");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		diag("cannot remove %s", dir);
}

int main(void)
{
	ex_fill(ex, &nex);
	tap_plan(nex + 3 + 6 + 7 + 44 + 6 + 19 + 2 + 6);
	test_round_trips();
	test_seal_faults();
	test_header_faults();
	test_tlv_faults();
	test_replay();
	test_device();
	test_strerror();
	test_keyfile();
	return tap_done();
}
