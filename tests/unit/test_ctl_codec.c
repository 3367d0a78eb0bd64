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

	return la > 0 && la == lb && !memcmp(ea, eb, (size_t)la) &&
	       a->present == b->present;
}

/* A plaintext builder: header from @type, TLVs appended raw. */
struct raw {
	uint8_t b[1024];
	size_t len;
};

static void raw_init(struct raw *r, uint8_t type)
{
	struct nicsec_ctl_msg m = { .version = 1, .type = type, .request_id = 9,
				    .sender_id = EX_AGENT, .counter = 77 };

	r->len = (size_t)nicsec_ctl_encode(&m, r->b, sizeof(r->b));
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

/* A valid INSTALL body, optionally leaving out type @skip or adding TLVs. */
static void raw_install(struct raw *r, unsigned int skip)
{
	static const uint8_t flow5[16] = { 10, 77, 0, 1, 10, 77, 0, 2, 0x9c, 0x40, 1, 0xbb, 6 };
	static const uint8_t dir = 1, spi[4] = { 0, 0, 1, 0 }, alg[2] = { 0, 20 };
	static const uint8_t key[16] = { 1 }, salt[4] = { 2 };

	raw_init(r, NICSEC_CTL_INSTALL);
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
	len = nicsec_ctl_seal(&ex[0].msg, ex_key, d, sizeof(d));
	open_dgram(d, (size_t)len, &m);
	ok(m.flow.ntuple == 5 && m.flow.proto == 6 && m.flow.sport == htons(40000) &&
	   m.spi == 0xc0de0001 && m.key_len == 16 && !memcmp(m.key, ex[0].msg.key, 16) &&
	   m.lifetime.seconds == 3600 && m.request_id == 0x51000001 &&
	   m.counter == EX_COUNTER + 1, "INSTALL fields decoded");
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
	ok(m.key_len == 0 && m.present == 0, "nothing decoded under the wrong key");
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
	       "513-byte datagram: TOO_BIG");
	is_int(open_dgram(d, (size_t)len, &m), NICSEC_CTL_OK, "original still opens");
}

static void test_header_faults(void)
{
	struct nicsec_ctl_msg m = ex[8].msg;	/* DELETE */
	uint8_t d[NICSEC_CTL_MAX_LEN];
	struct nicsec_ctl_msg out;
	int len;

	m.version = 2;
	len = nicsec_ctl_seal(&m, ex_key, d, sizeof(d));
	is_int(open_dgram(d, (size_t)len, &out), NICSEC_CTL_E_VERSION, "version 2: VERSION");
	ok(out.request_id == m.request_id, "header kept for the STATUS after a fault");
	m.version = 0;
	len = nicsec_ctl_seal(&m, ex_key, d, sizeof(d));
	is_int(open_dgram(d, (size_t)len, &out), NICSEC_CTL_E_VERSION, "version 0: VERSION");
	m = ex[8].msg;
	m.type = 0;
	len = nicsec_ctl_seal(&m, ex_key, d, sizeof(d));
	is_int(open_dgram(d, (size_t)len, &out), NICSEC_CTL_E_TYPE, "type 0: TYPE");
	m.type = 6;
	len = nicsec_ctl_seal(&m, ex_key, d, sizeof(d));
	is_int(open_dgram(d, (size_t)len, &out), NICSEC_CTL_E_TYPE, "type 6: TYPE");
	m.type = 255;
	len = nicsec_ctl_seal(&m, ex_key, d, sizeof(d));
	is_int(open_dgram(d, (size_t)len, &out), NICSEC_CTL_E_TYPE, "type 255: TYPE");
	m = ex[8].msg;
	m.flags = 0x8000;
	len = nicsec_ctl_seal(&m, ex_key, d, sizeof(d));
	is_int(open_dgram(d, (size_t)len, &out), NICSEC_CTL_E_FLAGS, "flag bit 15: FLAGS");
}

static void test_tlv_faults(void)
{
	static const uint8_t zero[64], one = 1;
	static const unsigned int req[] = { NICSEC_CTL_T_FLOW, NICSEC_CTL_T_DIR,
		NICSEC_CTL_T_SPI, NICSEC_CTL_T_ALG, NICSEC_CTL_T_KEY, NICSEC_CTL_T_SALT };
	/* for each type: a wrong length (one off the valid ones) */
	static const uint16_t wrong[NICSEC_CTL_T_MAX] = {
		[NICSEC_CTL_T_FLOW] = 12, [NICSEC_CTL_T_DIR] = 4, [NICSEC_CTL_T_SPI] = 8,
		[NICSEC_CTL_T_ALG] = 4, [NICSEC_CTL_T_KEY] = 24, [NICSEC_CTL_T_SALT] = 3,
		[NICSEC_CTL_T_LIFETIME] = 16, [NICSEC_CTL_T_SA_ID] = 2,
		[NICSEC_CTL_T_COUNTERS] = 32, [NICSEC_CTL_T_ENCAP] = 8,
		[NICSEC_CTL_T_CODE] = 1, [NICSEC_CTL_T_DEVINFO] = 12,
	};
	struct nicsec_ctl_msg m;
	struct raw r;
	unsigned int i, t;
	size_t n;
	int bad;

	raw_install(&r, 0);
	is_int(raw_status(&r), NICSEC_CTL_OK, "hand-built INSTALL is valid");
	for (i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		raw_install(&r, req[i]);
		is_int(raw_status(&r), NICSEC_CTL_E_TLV_MISSING,
		       "INSTALL without TLV %u: TLV_MISSING", req[i]);
	}
	raw_init(&r, NICSEC_CTL_DELETE);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_MISSING, "DELETE without SA_ID: TLV_MISSING");
	raw_init(&r, NICSEC_CTL_STATUS);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_MISSING, "STATUS without CODE: TLV_MISSING");

	raw_install(&r, 0);
	raw_tlv(&r, NICSEC_CTL_T_SPI, 4, "\0\0\2\0");
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_DUP, "SPI twice: TLV_DUP");
	raw_install(&r, 0);
	raw_tlv(&r, 13, 4, zero);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_UNKNOWN, "type 13: TLV_UNKNOWN");
	raw_install(&r, 0);
	raw_tlv(&r, 0, 0, NULL);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_UNKNOWN, "type 0: TLV_UNKNOWN");
	raw_install(&r, 0);
	raw_tlv(&r, 0x8000 | 13, 5, "abcde");
	raw_tlv(&r, 0x8001, 4, zero);
	is_int(raw_status(&r), NICSEC_CTL_OK, "unknown types with may-ignore bit: skipped");
	raw_install(&r, 0);
	raw_tlv(&r, NICSEC_CTL_T_CODE, 4, zero);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_UNEXPECTED, "CODE in INSTALL: TLV_UNEXPECTED");
	raw_init(&r, NICSEC_CTL_DELETE);
	raw_tlv(&r, NICSEC_CTL_T_SA_ID, 4, zero);
	raw_tlv(&r, NICSEC_CTL_T_KEY, 16, zero);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_UNEXPECTED, "KEY in DELETE: TLV_UNEXPECTED");
	raw_init(&r, NICSEC_CTL_FLUSH);
	raw_tlv(&r, NICSEC_CTL_T_SA_ID, 4, zero);
	is_int(raw_status(&r), NICSEC_CTL_E_TLV_UNEXPECTED, "SA_ID in FLUSH: TLV_UNEXPECTED");

	bad = 0;
	for (t = 1; t < NICSEC_CTL_T_MAX; t++) {
		uint8_t type = t == NICSEC_CTL_T_CODE || t == NICSEC_CTL_T_COUNTERS ||
			       t == NICSEC_CTL_T_DEVINFO ? NICSEC_CTL_STATUS :
			       t == NICSEC_CTL_T_SA_ID ? NICSEC_CTL_DELETE : NICSEC_CTL_INSTALL;
		int got;

		raw_init(&r, type);
		raw_tlv(&r, (uint16_t)t, wrong[t], zero);
		got = raw_status(&r);
		if (got != NICSEC_CTL_E_TLV_LEN) {
			diag("type %u length %u: got %d", t, wrong[t], got);
			bad++;
		}
	}
	ok(!bad, "a wrong length for each of the 12 TLV types: TLV_LEN");

	raw_install(&r, NICSEC_CTL_T_DIR);
	raw_tlv(&r, NICSEC_CTL_T_DIR, 1, "\3");
	is_int(raw_status(&r), NICSEC_CTL_E_VALUE, "DIR 3: VALUE");
	raw_install(&r, NICSEC_CTL_T_ALG);
	raw_tlv(&r, NICSEC_CTL_T_ALG, 2, "\0\23");
	is_int(raw_status(&r), NICSEC_CTL_E_VALUE, "ALG 19: VALUE");
	raw_install(&r, NICSEC_CTL_T_SPI);
	raw_tlv(&r, NICSEC_CTL_T_SPI, 4, "\0\0\0\377");
	is_int(raw_status(&r), NICSEC_CTL_E_VALUE, "SPI 255: VALUE");
	raw_install(&r, NICSEC_CTL_T_FLOW);
	raw_tlv(&r, NICSEC_CTL_T_FLOW, 16, "\12\115\0\1\12\115\0\2\0\0\0\0\6\0\1\0");
	is_int(raw_status(&r), NICSEC_CTL_E_VALUE, "5-tuple reserved byte set: VALUE");
	raw_install(&r, NICSEC_CTL_T_FLOW);
	raw_tlv(&r, NICSEC_CTL_T_FLOW, 8, "\0\0\0\0\12\115\0\2");
	is_int(raw_status(&r), NICSEC_CTL_E_VALUE, "2-tuple with address 0: VALUE");
	raw_install(&r, 0);
	raw_tlv(&r, NICSEC_CTL_T_ENCAP, 12, "\12\115\0\1\12\115\0\2\0\0\21\224");
	is_int(raw_status(&r), NICSEC_CTL_E_VALUE, "ENCAP with port 0: VALUE");

	raw_install(&r, NICSEC_CTL_T_DIR);
	raw_tlv(&r, NICSEC_CTL_T_DIR, 1, &one);
	r.b[r.len - 1] = 1;	/* padding after the DIR byte */
	is_int(raw_status(&r), NICSEC_CTL_E_MALFORMED, "non-zero padding: MALFORMED");
	raw_install(&r, 0);
	r.b[r.len++] = 0;
	r.b[r.len++] = 0;
	is_int(raw_status(&r), NICSEC_CTL_E_MALFORMED, "2 trailing bytes: MALFORMED");
	raw_install(&r, 0);
	r.b[r.len - 6] = 0x01;	/* SALT length 4 -> 260, past the body */
	is_int(raw_status(&r), NICSEC_CTL_E_MALFORMED, "TLV length past the body: MALFORMED");

	raw_init(&r, NICSEC_CTL_FLUSH);
	for (i = 0; i < NICSEC_CTL_MAX_TLVS + 1; i++)
		raw_tlv(&r, 0x8000 | 100, 0, NULL);
	is_int(raw_status(&r), NICSEC_CTL_E_TOO_BIG, "17 TLVs: TOO_BIG");
	raw_init(&r, NICSEC_CTL_FLUSH);
	for (i = 0; i < NICSEC_CTL_MAX_TLVS; i++)
		raw_tlv(&r, 0x8000 | 100, 0, NULL);
	is_int(raw_status(&r), NICSEC_CTL_OK, "16 ignorable TLVs: OK");
	raw_init(&r, NICSEC_CTL_FLUSH);
	raw_tlv(&r, 0x8000 | 100, 480, NULL);
	is_int(raw_status(&r), NICSEC_CTL_E_TOO_BIG, "body over 472 bytes: TOO_BIG");

	/* plaintext truncated at every length: never OK, never a crash */
	raw_install(&r, 0);
	bad = 0;
	for (n = 0; n < r.len; n++) {
		int got = nicsec_ctl_parse(r.b, n, &m);

		if (got != NICSEC_CTL_E_MALFORMED && got != NICSEC_CTL_E_TLV_MISSING)
			bad++;
	}
	ok(!bad, "plaintext INSTALL truncated at every length: MALFORMED or TLV_MISSING");
	ok(m.key_len == 0, "key wiped from the message after a fault");
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

static int op_install(void *ctx, const struct nicsec_ctl_msg *req, struct nicsec_ctl_msg *reply)
{
	applied[NICSEC_CTL_INSTALL]++;
	reply->sa_id = 42;
	reply->present |= F(SA_ID);
	return NICSEC_CTL_OK;
}

static int op_del(void *ctx, const struct nicsec_ctl_msg *req, struct nicsec_ctl_msg *reply)
{
	applied[NICSEC_CTL_DELETE]++;
	return req->sa_id == 42 ? NICSEC_CTL_OK : NICSEC_CTL_E_NO_SA;
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
	struct nicsec_ctl_msg req = ex[0].msg, reply;
	struct nicsec_ctl_dev_stats st;
	struct nicsec_ctl_dev *dev;
	uint8_t key2[32];
	int status, len;

	if (nicsec_ctl_dev_create(&dev, ex_key, EX_DEV_COUNTER, &ops, NULL))
		tap_bail("dev_create failed");
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len > 0 && reply.type == NICSEC_CTL_STATUS && reply.code == 0 &&
	   reply.sa_id == 42 && reply.request_id == req.request_id &&
	   reply.sender_id == 0 && applied[NICSEC_CTL_INSTALL] == 1,
	   "INSTALL applied, sealed STATUS ok with SA id and request id");
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len == 0 && status == NICSEC_CTL_E_REPLAY && applied[NICSEC_CTL_INSTALL] == 1,
	   "same datagram again: dropped as REPLAY, not applied");
	req.counter++;
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len > 0 && reply.code == 0 && reply.sa_id == 42 &&
	   applied[NICSEC_CTL_INSTALL] == 1,
	   "retransmission (new counter, same request id): same STATUS, applied once");
	{
		struct nicsec_ctl_msg late = req;

		req.counter += 2;	/* the next request goes first ... */
		req.request_id++;
		req.spi++;
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
	req.version = 2;
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len > 0 && reply.code == NICSEC_CTL_E_VERSION && applied[NICSEC_CTL_INSTALL] == 2,
	   "version 2: sealed STATUS VERSION, nothing applied");
	req = ex[1].msg;	/* a STATUS, sent to the device */
	req.sender_id = EX_AGENT;
	req.counter = EX_COUNTER + 100;
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len == 0 && status == NICSEC_CTL_E_TYPE, "STATUS sent to the device: dropped");
	req = ex[1].msg;	/* the device's own STATUS reflected back */
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len == 0 && status == NICSEC_CTL_E_SENDER, "sender id 0: dropped as SENDER");
	req = ex[6].msg;	/* QUERY the device */
	req.counter = EX_COUNTER + 101;
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len > 0 && reply.code == 0 && reply.devinfo.sa_max == 1024 &&
	   !(reply.present & F(KEY)), "QUERY: DEVINFO, a callback cannot add a KEY");
	req = ex[8].msg;	/* DELETE 7 */
	req.counter = EX_COUNTER + 102;
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len > 0 && reply.code == NICSEC_CTL_E_NO_SA, "DELETE of an unknown SA: NO_SA");
	req = ex[9].msg;
	req.counter = EX_COUNTER + 103;
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len > 0 && reply.code == 0 && applied[NICSEC_CTL_FLUSH] == 1, "FLUSH applied");
	{
		uint8_t junk[600] = { 0 };
		uint8_t out[NICSEC_CTL_MAX_LEN];

		ok(nicsec_ctl_dev_handle(dev, junk, 600, out, sizeof(out), &status) == 0 &&
		   status == NICSEC_CTL_E_TOO_BIG &&
		   nicsec_ctl_dev_handle(dev, junk, 10, out, sizeof(out), &status) == 0 &&
		   status == NICSEC_CTL_E_MALFORMED, "oversized and runt datagrams dropped");
	}
	nicsec_ctl_dev_get_stats(dev, &st);
	ok(st.retransmits == 1 && st.drops[NICSEC_CTL_E_REPLAY] == 2 &&
	   st.drops[NICSEC_CTL_E_AUTH] == 1, "device stats count drops and retransmits");
	nicsec_ctl_dev_destroy(dev);

	/* a restarted device: what was sealed before its start is a replay */
	if (nicsec_ctl_dev_create(&dev, ex_key, EX_COUNTER + 50, &ops, NULL))
		tap_bail("dev_create failed");
	req = ex[0].msg;
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len == 0 && status == NICSEC_CTL_E_REPLAY && applied[NICSEC_CTL_INSTALL] == 2,
	   "request recorded before a device restart: dropped as REPLAY");
	req.counter = EX_COUNTER + 51;
	len = handle(dev, &req, ex_key, &reply, &status);
	ok(len > 0 && reply.code == 0 && reply.counter == EX_COUNTER + 50 &&
	   applied[NICSEC_CTL_INSTALL] == 3,
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
	tap_plan(nex + 1 + 6 + 7 + 31 + 6 + 15 + 2 + 6);
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
