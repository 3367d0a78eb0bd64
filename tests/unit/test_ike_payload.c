// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the IKEv2 codec (userspace/ike/payload.c, build.c):
 * a known answer (an IKE_SA_INIT request captured from strongSwan 5.9.8's
 * charon, proposal aes256gcm16-prfsha256-x25519, with the fields tshark -V
 * printed for the same capture), rebuilt byte for byte by the builders;
 * round trips of every payload type, plain and inside SK, and SKF;
 * truncation at every length; every length field off by one; duplicate,
 * misplaced, unknown and critical payloads; per-payload malformations
 * against the error (and notify) they must give; bounded builders; the
 * strongSwan captures of the seed corpus parse.
 *
 * With an argument DIR it also writes the messages it builds into DIR as
 * the fuzzer's seeds (tests/fuzz/corpus/ike/ was made that way).
 */
#include <endian.h>
#include <stdio.h>
#include "hex.h"
#include "ike.h"
#include "../tap.h"

/*
 * charon 5.9.8 initiating to 10.99.0.2 from 10.99.0.1 (swanctl proposals =
 * aes256gcm16-prfsha256-x25519), the UDP payload of its first datagram.
 */
static const char strongswan_sa_init_hex[] =
	"78cf84993a66cc97000000000000000021202208000000000000"
	"00e82200002800000024010100030300000c01000014800e0100"
	"0300000802000005000000080400001f28000028001f0000dfea"
	"97af42a09562da6833fa9fb487750ec8dd88753a697bb1b9ff77"
	"9025ee0829000024753c942c464d8196d4dd3b06197f7a40d5ab"
	"559d4878bf9698cfd92754bd2dd02900001c000040042437df4f"
	"d68dad568d42e91e2e6757658b4d84852900001c00004005d272"
	"0b66aa5d31a6bccda32e4229e985b5ee70a9290000080000402e"
	"290000100000402f00020003000400050000000800004016";

static uint8_t kat[512];
static size_t kat_len;
static const char *corpus_dir;

static void seed(const char *name, const uint8_t *m, size_t len)
{
	char path[512];
	FILE *f;

	if (!corpus_dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", corpus_dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(m, 1, len, f) != len)
		tap_bail("cannot write the corpus");
	fclose(f);
}

static int hexeq(const uint8_t *d, size_t len, const char *hex)
{
	uint8_t want[256];
	int n = hex_decode(hex, strlen(hex), want, sizeof(want));

	return n == (int)len && !memcmp(d, want, len);
}

/* ---- known answer ---- */

static void test_kat(void)
{
	static struct ike_msg m;
	static struct ike_sa sa;
	static const uint8_t types[] = { IKE_PLD_SA, IKE_PLD_KE, IKE_PLD_NONCE,
		IKE_PLD_NOTIFY, IKE_PLD_NOTIFY, IKE_PLD_NOTIFY, IKE_PLD_NOTIFY, IKE_PLD_NOTIFY };
	static const uint16_t ntypes[] = { IKE_N_NAT_DETECTION_SOURCE_IP,
		IKE_N_NAT_DETECTION_DESTINATION_IP, IKE_N_FRAGMENTATION_SUPPORTED,
		IKE_N_SIGNATURE_HASH_ALGORITHMS, 16406 /* REDIRECT_SUPPORTED */ };
	static const uint16_t nlens[] = { 20, 20, 0, 8, 0 };
	struct ike_notify n[5];
	struct ike_ke ke;
	struct ike_blob nonce;
	unsigned int i, good;
	int r, all = 0;

	r = hex_decode(strongswan_sa_init_hex, strlen(strongswan_sa_init_hex), kat, sizeof(kat));
	if (r != 232)
		tap_bail("the known-answer hex does not decode to 232 bytes");
	kat_len = (size_t)r;
	seed("strongswan-ike-sa-init", kat, kat_len);

	is_int(ike_pld_msg(kat, kat_len, &m), IKE_OK, "kat: charon's IKE_SA_INIT parses");
	ok(hexeq(m.hdr.spi_i, 8, "78cf84993a66cc97") && hexeq(m.hdr.spi_r, 8, "0000000000000000"),
	   "kat: SPIi 78cf84993a66cc97, SPIr zero (tshark)");
	ok(m.hdr.next == IKE_PLD_SA && m.hdr.version == 0x20 && m.hdr.exchange == IKE_SA_INIT &&
	   m.hdr.flags == IKE_FLAG_INITIATOR && m.hdr.msgid == 0 && m.hdr.length == 232,
	   "kat: header next SA, 2.0, IKE_SA_INIT, flags I, MID 0, length 232 (tshark)");
	good = m.n_pld == 8 && !m.n_skipped && !m.sk_next;
	for (i = 0; good && i < 8; i++)
		good = m.pld[i].type == types[i] && !m.pld[i].critical;
	ok(good, "kat: SA KE Nonce N N N N N, none critical (tshark)");
	ok(m.pld[0].len == 36 && m.pld[1].len == 36 && m.pld[2].len == 32 &&
	   m.pld[3].len == 24 && m.pld[5].len == 4 && m.pld[6].len == 12,
	   "kat: payload lengths 40 40 36 28 .. 8 16 (tshark)");

	r = ike_pld_sa(m.pld[0].body, m.pld[0].len, &sa);
	ok(!r && sa.n_prop == 1 && sa.prop[0].num == 1 && sa.prop[0].proto == IKE_PROTO_IKE &&
	   sa.prop[0].spi_len == 0 && sa.prop[0].n_xf == 3,
	   "kat: SA: one proposal #1, IKE, no SPI, 3 transforms (tshark)");
	ok(sa.prop[0].xf[0].type == IKE_XF_ENCR && sa.prop[0].xf[0].id == IKE_ENCR_AES_GCM_16 &&
	   sa.prop[0].xf[0].key_len == 256 && !sa.prop[0].xf[0].unknown_attr &&
	   sa.prop[0].xf[1].type == IKE_XF_PRF && sa.prop[0].xf[1].id == IKE_PRF_HMAC_SHA2_256 &&
	   !sa.prop[0].xf[1].key_len &&
	   sa.prop[0].xf[2].type == IKE_XF_DH && sa.prop[0].xf[2].id == IKE_DH_CURVE25519,
	   "kat: ENCR AES-GCM-16 key 256, PRF_HMAC_SHA2_256, D-H Curve25519 (tshark)");
	r = ike_pld_ke(m.pld[1].body, m.pld[1].len, &ke);
	ok(!r && ke.group == IKE_DH_CURVE25519 && ke.len == 32 &&
	   hexeq(ke.data, ke.len, "dfea97af42a09562da6833fa9fb487750ec8dd88753a697bb1b9ff779025ee08"),
	   "kat: KE group 31, the 32-byte x25519 value (tshark)");
	r = ike_pld_nonce(m.pld[2].body, m.pld[2].len, &nonce);
	ok(!r && nonce.len == 32 &&
	   hexeq(nonce.data, nonce.len, "753c942c464d8196d4dd3b06197f7a40d5ab559d4878bf9698cfd92754bd2dd0"),
	   "kat: Nonce, 32 bytes (tshark)");
	for (i = 0; i < 5; i++) {
		r = ike_pld_notify(m.pld[3 + i].body, m.pld[3 + i].len, &n[i]);
		all |= r || n[i].type != ntypes[i] || n[i].len != nlens[i] ||
		       n[i].spi_len || n[i].proto;
	}
	ok(!all, "kat: notify types NATD_S, NATD_D, FRAGMENTATION_SUPPORTED, SIGNATURE_HASH_ALGORITHMS, REDIRECT_SUPPORTED, no SPI (tshark)");
	ok(hexeq(n[0].data, 20, "2437df4fd68dad568d42e91e2e6757658b4d8485") &&
	   hexeq(n[1].data, 20, "d2720b66aa5d31a6bccda32e4229e985b5ee70a9") &&
	   hexeq(n[3].data, 8, "0002000300040005"),
	   "kat: NAT detection hashes and hash algorithms 2 3 4 5 (tshark)");

	/* the builders reproduce charon's bytes from the decoded fields */
	{
		uint8_t out[512];
		struct ike_buf b;
		int len;

		ike_build_begin(&b, out, sizeof(out), &m.hdr);
		ike_build_sa(&b, &sa);
		ike_build_ke(&b, &ke);
		ike_build_nonce(&b, nonce.data, nonce.len);
		for (i = 0; i < 5; i++)
			ike_build_notify(&b, &n[i]);
		len = ike_build_end(&b);
		ok(len == (int)kat_len && !memcmp(out, kat, kat_len),
		   "kat: rebuilt from the decoded fields, byte for byte");
	}
}

/* ---- a message with every payload type ---- */

static const uint8_t spi_i[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t spi_r[8] = { 9, 10, 11, 12, 13, 14, 15, 16 };
static const uint8_t ke_data[32] = { 0x55, 1, 2, 3 };
static const uint8_t nonce_data[32] = { 0xaa, 0xbb, 0xcc };
static const uint8_t psk_mic[32] = { 0x11, 0x22 };
static const uint8_t cert_der[5] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
static const uint8_t vid[16] = { 0x88, 0x2f, 0xe5, 0x6d };
static const uint8_t cookie[16] = { 0xc0, 0x0c, 0x1e };

static void fill_sa(struct ike_sa *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->n_prop = 2;
	sa->prop[0] = (struct ike_prop){ .num = 1, .proto = IKE_PROTO_IKE, .spi_len = 8,
		.spi = { 1, 2, 3, 4, 5, 6, 7, 8 }, .n_xf = 4, .xf = {
		{ .type = IKE_XF_ENCR, .id = IKE_ENCR_AES_CBC, .key_len = 128 },
		{ .type = IKE_XF_PRF, .id = IKE_PRF_HMAC_SHA2_384 },
		{ .type = IKE_XF_INTEG, .id = IKE_AUTH_HMAC_SHA2_256_128 },
		{ .type = IKE_XF_DH, .id = IKE_DH_ECP256 } } };
	sa->prop[1] = (struct ike_prop){ .num = 2, .proto = IKE_PROTO_ESP, .spi_len = 4,
		.spi = { 0xc1, 0, 0, 7 }, .n_xf = 3, .xf = {
		{ .type = IKE_XF_ENCR, .id = IKE_ENCR_AES_GCM_16, .key_len = 256 },
		{ .type = IKE_XF_ENCR, .id = IKE_ENCR_AES_GCM_16, .key_len = 128 },
		{ .type = IKE_XF_ESN, .id = IKE_ESN_NO } } };
}

static void fill_ts(struct ike_ts_set *t, int v6)
{
	memset(t, 0, sizeof(*t));
	t->n = v6 ? 2 : 1;
	t->ts[0] = (struct ike_ts){ .type = IKE_TS_IPV4_ADDR_RANGE, .proto = 17,
		.start_port = 7000, .end_port = 7000,
		.start = { 10, 78, 0, 1 }, .end = { 10, 78, 0, 255 } };
	if (v6)
		t->ts[1] = (struct ike_ts){ .type = IKE_TS_IPV6_ADDR_RANGE, .proto = 0,
			.start_port = 0, .end_port = 65535,
			.start = { 0xfd }, .end = { 0xfd, [15] = 0xff } };
}

static struct ike_hdr mkhdr(uint8_t exchange, uint8_t flags, uint32_t msgid)
{
	struct ike_hdr h;

	memset(&h, 0, sizeof(h));
	memcpy(h.spi_i, spi_i, 8);
	memcpy(h.spi_r, spi_r, 8);
	h.version = IKE_VERSION;
	h.exchange = exchange;
	h.flags = flags;
	h.msgid = msgid;
	return h;
}

/* Every payload in one chain (not a valid exchange: a codec test). */
static int build_all(struct ike_buf *b)
{
	struct ike_sa sa;
	struct ike_ts_set ts;
	struct ike_ke ke = { .group = IKE_DH_CURVE25519, .len = 32, .data = ke_data };
	struct ike_id idi = { .type = IKE_ID_FQDN, .len = 3, .data = (const uint8_t *)"cli" };
	struct ike_id idr = { .type = IKE_ID_IPV4_ADDR, .len = 4, .data = (const uint8_t *)"\x0a\x4e\x00\x01" };
	struct ike_auth auth = { .method = IKE_AUTH_SHARED_KEY_MIC, .len = 32, .data = psk_mic };
	struct ike_cert cert = { .encoding = 4, .len = 5, .data = cert_der };
	struct ike_cert creq = { .encoding = 4, .len = 0 };
	struct ike_notify rekey = { .proto = IKE_PROTO_ESP, .spi_len = 4, .type = IKE_N_REKEY_SA,
		.spi = { 0xc1, 0, 0, 7 } };
	struct ike_notify ck = { .type = IKE_N_COOKIE, .len = 16, .data = cookie };
	struct ike_delete del = { .proto = IKE_PROTO_ESP, .spi_len = 4, .n_spi = 2,
		.spi = { 0xc1000007, 0xc1000008 } };
	struct ike_delete delike = { .proto = IKE_PROTO_IKE };

	fill_sa(&sa);
	ike_build_notify(b, &ck);
	ike_build_sa(b, &sa);
	ike_build_ke(b, &ke);
	ike_build_nonce(b, nonce_data, sizeof(nonce_data));
	ike_build_id(b, IKE_PLD_IDI, &idi);
	ike_build_id(b, IKE_PLD_IDR, &idr);
	ike_build_cert(b, IKE_PLD_CERT, &cert);
	ike_build_cert(b, IKE_PLD_CERTREQ, &creq);
	ike_build_auth(b, &auth);
	ike_build_notify(b, &rekey);
	ike_build_delete(b, &del);
	ike_build_delete(b, &delike);
	ike_build_vendor(b, vid, sizeof(vid));
	fill_ts(&ts, 0);
	ike_build_ts(b, IKE_PLD_TSI, &ts);
	fill_ts(&ts, 1);
	ike_build_ts(b, IKE_PLD_TSR, &ts);
	ike_build_raw(b, IKE_PLD_CP, 0, (const uint8_t *)"\x01\0\0\0\0\x01\0\0", 8);
	ike_build_raw(b, IKE_PLD_EAP, 0, (const uint8_t *)"\x01\x01\x00\x05\x01", 5);
	return ike_build_end(b);
}

static uint8_t all_msg[2048];
static size_t all_len;

static void test_round_trip(void)
{
	static struct ike_msg m;
	static struct ike_sa sa, want_sa;
	static struct ike_ts_set ts, want_ts;
	static const uint8_t order[] = { IKE_PLD_NOTIFY, IKE_PLD_SA, IKE_PLD_KE, IKE_PLD_NONCE,
		IKE_PLD_IDI, IKE_PLD_IDR, IKE_PLD_CERT, IKE_PLD_CERTREQ, IKE_PLD_AUTH,
		IKE_PLD_NOTIFY, IKE_PLD_DELETE, IKE_PLD_DELETE, IKE_PLD_VENDOR, IKE_PLD_TSI,
		IKE_PLD_TSR, IKE_PLD_CP, IKE_PLD_EAP };
	struct ike_hdr h = mkhdr(IKE_AUTH, IKE_FLAG_INITIATOR, 1);
	struct ike_buf b;
	struct ike_ke ke;
	struct ike_blob bl;
	struct ike_id id;
	struct ike_auth auth;
	struct ike_cert cert;
	struct ike_notify n;
	struct ike_delete d;
	unsigned int i, good;
	int len;

	ike_build_begin(&b, all_msg, sizeof(all_msg), &h);
	len = build_all(&b);
	ok(len > 0, "round trip: every payload type builds (%d bytes)", len);
	all_len = len > 0 ? (size_t)len : 0;
	seed("every-payload", all_msg, all_len);

	is_int(ike_pld_msg(all_msg, all_len, &m), IKE_OK, "round trip: the message parses");
	good = m.n_pld == sizeof(order);
	for (i = 0; good && i < sizeof(order); i++)
		good = m.pld[i].type == order[i];
	ok(good && !memcmp(m.hdr.spi_i, spi_i, 8) && !memcmp(m.hdr.spi_r, spi_r, 8) &&
	   m.hdr.exchange == IKE_AUTH && m.hdr.msgid == 1 && m.hdr.length == all_len,
	   "round trip: header and the 17 payloads in order");

	ok(!ike_pld_notify(m.pld[0].body, m.pld[0].len, &n) && n.type == IKE_N_COOKIE &&
	   n.len == 16 && !memcmp(n.data, cookie, 16) && !n.spi_len, "round trip: Notify COOKIE");
	fill_sa(&want_sa);
	ok(!ike_pld_sa(m.pld[1].body, m.pld[1].len, &sa) && !memcmp(&sa, &want_sa, sizeof(sa)),
	   "round trip: SA, IKE (8-byte SPI) and ESP (4-byte SPI) proposals, KEY_LENGTH, ESN");
	ok(!ike_pld_ke(m.pld[2].body, m.pld[2].len, &ke) && ke.group == 31 && ke.len == 32 &&
	   !memcmp(ke.data, ke_data, 32), "round trip: KE");
	ok(!ike_pld_nonce(m.pld[3].body, m.pld[3].len, &bl) && bl.len == 32 &&
	   !memcmp(bl.data, nonce_data, 32), "round trip: Nonce");
	ok(!ike_pld_id(m.pld[4].body, m.pld[4].len, &id) && id.type == IKE_ID_FQDN &&
	   id.len == 3 && !memcmp(id.data, "cli", 3), "round trip: IDi FQDN");
	ok(!ike_pld_id(m.pld[5].body, m.pld[5].len, &id) && id.type == IKE_ID_IPV4_ADDR &&
	   id.len == 4 && !memcmp(id.data, "\x0a\x4e\x00\x01", 4), "round trip: IDr IPv4");
	ok(!ike_pld_cert(m.pld[6].body, m.pld[6].len, &cert) && cert.encoding == 4 &&
	   cert.len == 5 && !memcmp(cert.data, cert_der, 5), "round trip: CERT");
	ok(!ike_pld_cert(m.pld[7].body, m.pld[7].len, &cert) && cert.encoding == 4 &&
	   cert.len == 0, "round trip: CERTREQ");
	ok(!ike_pld_auth(m.pld[8].body, m.pld[8].len, &auth) &&
	   auth.method == IKE_AUTH_SHARED_KEY_MIC && auth.len == 32 &&
	   !memcmp(auth.data, psk_mic, 32), "round trip: AUTH shared key MIC");
	ok(!ike_pld_notify(m.pld[9].body, m.pld[9].len, &n) && n.type == IKE_N_REKEY_SA &&
	   n.proto == IKE_PROTO_ESP && n.spi_len == 4 && !memcmp(n.spi, "\xc1\0\0\x07", 4) &&
	   !n.len, "round trip: Notify REKEY_SA with an ESP SPI");
	ok(!ike_pld_delete(m.pld[10].body, m.pld[10].len, &d) && d.proto == IKE_PROTO_ESP &&
	   d.n_spi == 2 && d.spi[0] == 0xc1000007 && d.spi[1] == 0xc1000008,
	   "round trip: Delete of two ESP SPIs");
	ok(!ike_pld_delete(m.pld[11].body, m.pld[11].len, &d) && d.proto == IKE_PROTO_IKE &&
	   !d.n_spi && !d.spi_len, "round trip: Delete of the IKE SA");
	ok(!ike_pld_vendor(m.pld[12].body, m.pld[12].len, &bl) && bl.len == 16 &&
	   !memcmp(bl.data, vid, 16), "round trip: Vendor ID");
	fill_ts(&want_ts, 0);
	ok(!ike_pld_ts(m.pld[13].body, m.pld[13].len, &ts) && !memcmp(&ts, &want_ts, sizeof(ts)),
	   "round trip: TSi, one IPv4 range with protocol and ports");
	fill_ts(&want_ts, 1);
	ok(!ike_pld_ts(m.pld[14].body, m.pld[14].len, &ts) && !memcmp(&ts, &want_ts, sizeof(ts)),
	   "round trip: TSr, IPv4 and IPv6 ranges");
	ok(m.pld[15].len == 8 && m.pld[16].len == 5, "round trip: CP and EAP bounded");
}

static void test_sk(void)
{
	static struct ike_msg m, inner;
	uint8_t plain[2048], msg[2400], body[2100];
	struct ike_hdr h = mkhdr(IKE_AUTH, IKE_FLAG_RESPONSE, 1);
	struct ike_buf b;
	struct ike_blob sk;
	struct ike_skf skf;
	int plen, len, r;

	ike_build_chain(&b, plain, sizeof(plain));
	plen = build_all(&b);
	ok(plen > 0 && b.first == IKE_PLD_NOTIFY, "SK: a bare chain builds, first type recorded");
	r = ike_pld_chain(b.first, plain, (size_t)plen, &inner);
	ok(!r && inner.n_pld == 17 && inner.pld[16].type == IKE_PLD_EAP,
	   "SK: the bare chain parses with ike_pld_chain");

	/* IV (8) | "ciphertext" (the plaintext here) | ICV (16) */
	memset(body, 0x1f, sizeof(body));
	memcpy(body + 8, plain, (size_t)plen);
	ike_build_begin(&b, msg, sizeof(msg), &h);
	ike_build_sk(&b, IKE_PLD_NOTIFY, body, 8 + (size_t)plen + 16);
	r = ike_build_vendor(&b, vid, sizeof(vid));
	len = ike_build_end(&b);
	ok(r == IKE_E_INVAL && len == IKE_E_INVAL, "SK: nothing may be built after SK (sticky error)");

	ike_build_begin(&b, msg, sizeof(msg), &h);
	ike_build_notify(&b, &(struct ike_notify){ .type = IKE_N_INITIAL_CONTACT });
	ike_build_sk(&b, IKE_PLD_NOTIFY, body, 8 + (size_t)plen + 16);
	len = ike_build_end(&b);
	seed("ike-auth-sk", msg, len > 0 ? (size_t)len : 0);
	r = ike_pld_msg(msg, (size_t)len, &m);
	ok(!r && m.n_pld == 2 && m.pld[1].type == IKE_PLD_SK && m.sk_next == IKE_PLD_NOTIFY,
	   "SK: parses as the last payload, its next names the inner first");
	r = ike_pld_sk(m.pld[1].body, m.pld[1].len, &sk);
	ok(!r && sk.len == 8 + plen + 16 && !memcmp(sk.data + 8, plain, (size_t)plen),
	   "SK: its body is IV | ciphertext | ICV, untouched");
	r = ike_pld_chain(m.sk_next, sk.data + 8, sk.len - 24, &inner);
	ok(!r && inner.n_pld == 17, "SK: the inner chain parses from the SK body");

	/* SK inside a decrypted body */
	{
		uint8_t in[64];

		ike_build_chain(&b, in, sizeof(in));
		ike_build_sk(&b, IKE_PLD_NOTIFY, body, 24);
		len = ike_build_end(&b);
		is_int(ike_pld_chain(b.first, in, (size_t)len, &inner), IKE_E_SYNTAX,
		       "SK: an SK inside a decrypted chain is refused");
	}

	/* a 2-of-3 fragment */
	memcpy(body, "\x00\x02\x00\x03", 4);
	ike_build_begin(&b, msg, sizeof(msg), &h);
	ike_build_raw(&b, IKE_PLD_SKF, 0, body, 4 + 40);
	len = ike_build_end(&b);
	seed("ike-auth-skf", msg, len > 0 ? (size_t)len : 0);
	r = ike_pld_msg(msg, (size_t)len, &m);
	ok(!r && m.n_pld == 1 && !ike_pld_skf(m.pld[0].body, m.pld[0].len, &skf) &&
	   skf.frag_num == 2 && skf.total == 3 && skf.len == 40, "SKF: fragment 2 of 3");
	msg[IKE_HDR_LEN + 4 + 1] = 4;	/* fragment 4 of 3 */
	is_int(ike_pld_msg(msg, (size_t)len, &m), IKE_E_SYNTAX, "SKF: number beyond the total");
	msg[IKE_HDR_LEN + 4 + 1] = 0;
	is_int(ike_pld_msg(msg, (size_t)len, &m), IKE_E_SYNTAX, "SKF: number 0");
}

/* ---- truncation, off-by-one lengths ---- */

static void test_truncation(void)
{
	static struct ike_msg m;
	size_t l;
	int bad = 0;

	for (l = 0; l < kat_len; l++)
		bad += ike_pld_msg(kat, l, &m) == IKE_OK;
	ok(!bad, "truncated at each of %zu lengths: the known answer is rejected", kat_len);
	bad = 0;
	for (l = 0; l < all_len; l++)
		bad += ike_pld_msg(all_msg, l, &m) == IKE_OK;
	ok(!bad, "truncated at each of %zu lengths: the every-payload message is rejected", all_len);
	/* truncated with the header's length kept in step */
	bad = 0;
	for (l = IKE_HDR_LEN; l < all_len; l++) {
		uint8_t c[2048];
		uint32_t be = htobe32((uint32_t)l);

		memcpy(c, all_msg, l);
		memcpy(c + 24, &be, 4);
		bad += ike_pld_msg(c, l, &m) == IKE_OK;
	}
	ok(!bad, "truncated with the header length adjusted: rejected at every length");
}

/* Add @d to the 16-bit big-endian field at @p. */
static void bump16(uint8_t *p, int d)
{
	uint16_t v = (uint16_t)((p[0] << 8 | p[1]) + d);

	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Each generic payload length and the header length off by +-1 must fail. */
static void test_off_by_one(const uint8_t *msg, size_t len, const char *what)
{
	static struct ike_msg m;
	uint8_t c[2048];
	unsigned int i, n, bad = 0;
	int d;

	if (ike_pld_msg(msg, len, &m))
		tap_bail("off by one: the message does not parse");
	n = m.n_pld;
	for (i = 0; i < n; i++) {
		for (d = -1; d <= 1; d += 2) {
			static struct ike_msg m2;

			memcpy(c, msg, len);
			bump16(c + m.pld[i].off + 2, d);
			if (ike_pld_msg(c, len, &m2) == IKE_OK)
				bad++;
		}
	}
	for (d = -1; d <= 1; d += 2) {
		memcpy(c, msg, len);
		bump16(c + 26, d);
		bad += ike_pld_msg(c, len, &m) == IKE_OK;
	}
	ok(!bad, "%s: each of %u payload lengths and the header length off by one: rejected",
	   what, n);
}

/* Substructure lengths (proposal, transform, attribute, selector). */
static void test_sub_off_by_one(void)
{
	static struct ike_sa sa;
	struct ike_ts_set t;
	uint8_t buf[512], c[512];
	struct ike_buf b;
	const uint8_t *body;
	size_t blen, off, xoff;
	unsigned int bad = 0, tried = 0, i, j;
	int d;

	ike_build_chain(&b, buf, sizeof(buf));
	fill_sa(&sa);
	ike_build_sa(&b, &sa);
	body = buf + 4;
	blen = b.len - 4;
	/* walk the proposals and transforms, bumping each length */
	for (off = 0, i = 0; i < sa.n_prop; i++) {
		size_t plen = (size_t)(body[off + 2] << 8 | body[off + 3]);

		for (d = -1; d <= 1; d += 2) {
			memcpy(c, body, blen);
			bump16(c + off + 2, d);
			bad += ike_validate_sa(c, blen) == IKE_OK;
			tried++;
		}
		xoff = off + 8 + sa.prop[i].spi_len;
		for (j = 0; j < sa.prop[i].n_xf; j++) {
			size_t xlen = (size_t)(body[xoff + 2] << 8 | body[xoff + 3]);

			for (d = -1; d <= 1; d += 2) {
				memcpy(c, body, blen);
				bump16(c + xoff + 2, d);
				bad += ike_validate_sa(c, blen) == IKE_OK;
				tried++;
			}
			xoff += xlen;
		}
		off += plen;
	}
	/* number of transforms and SPI size off by one */
	for (d = -1; d <= 1; d += 2) {
		memcpy(c, body, blen);
		c[7] = (uint8_t)(c[7] + d);
		bad += ike_validate_sa(c, blen) == IKE_OK;
		memcpy(c, body, blen);
		c[6] = (uint8_t)(c[6] + d);
		bad += ike_validate_sa(c, blen) == IKE_OK;
		tried += 2;
	}
	ok(!bad, "SA: each of %u proposal/transform lengths and counts off by one: rejected", tried);

	ike_build_chain(&b, buf, sizeof(buf));
	fill_ts(&t, 1);
	ike_build_ts(&b, IKE_PLD_TSI, &t);
	body = buf + 4;
	blen = b.len - 4;
	bad = 0;
	for (d = -1; d <= 1; d += 2) {
		memcpy(c, body, blen);
		bump16(c + 4 + 2, d);		/* first selector */
		bad += ike_validate_ts(c, blen) == IKE_OK;
		memcpy(c, body, blen);
		bump16(c + 4 + 16 + 2, d);	/* second selector */
		bad += ike_validate_ts(c, blen) == IKE_OK;
		memcpy(c, body, blen);
		c[0] = (uint8_t)(c[0] + d);	/* number of selectors */
		bad += ike_validate_ts(c, blen) == IKE_OK;
	}
	ok(!bad, "TS: selector lengths and the selector count off by one: rejected");
}

/* ---- chain rules ---- */

/* Build header + raw payloads (type, flags, body length of 0x42 bytes). */
static size_t build_raw_msg(uint8_t *out, size_t cap, const uint8_t *types,
			    const uint8_t *flags, const size_t *lens, unsigned int n)
{
	struct ike_hdr h = mkhdr(IKE_INFORMATIONAL, IKE_FLAG_INITIATOR, 2);
	uint8_t body[300];
	struct ike_buf b;
	unsigned int i;
	int len;

	memset(body, 0x42, sizeof(body));
	ike_build_begin(&b, out, cap, &h);
	for (i = 0; i < n; i++)
		ike_build_raw(&b, types[i], flags ? flags[i] : 0, body, lens[i]);
	len = ike_build_end(&b);
	return len > 0 ? (size_t)len : 0;
}

static void test_chain_rules(void)
{
	static struct ike_msg m;
	static const uint8_t nt[] = { IKE_PLD_NONCE, IKE_PLD_NONCE };
	static const size_t nl[] = { 16, 16, 16, 16 };
	static const uint8_t un[] = { IKE_PLD_VENDOR, 49, IKE_PLD_VENDOR };
	static const uint8_t unc[] = { 0, IKE_PLD_CRITICAL, 0 };
	static const uint8_t skv[] = { IKE_PLD_SK, IKE_PLD_VENDOR };
	static const uint8_t vskf[] = { IKE_PLD_VENDOR, IKE_PLD_SKF };
	static const size_t skl[] = { 24, 24 };
	static const uint8_t vv[] = { IKE_PLD_VENDOR, IKE_PLD_VENDOR };
	uint8_t msg[2048], types[40];
	size_t len, lens[40];
	unsigned int i;

	len = build_raw_msg(msg, sizeof(msg), nt, NULL, nl, 2);
	is_int(ike_pld_msg(msg, len, &m), IKE_E_SYNTAX, "two Nonce payloads: INVALID_SYNTAX");
	len = build_raw_msg(msg, sizeof(msg), vv, NULL, nl, 2);
	ok(!ike_pld_msg(msg, len, &m) && m.n_pld == 2, "two Vendor IDs: allowed");

	len = build_raw_msg(msg, sizeof(msg), un, NULL, nl, 3);
	seed("unknown-noncritical", msg, len);
	ok(!ike_pld_msg(msg, len, &m) && m.n_pld == 2 && m.n_skipped == 1,
	   "unknown payload 49, not critical: skipped");
	len = build_raw_msg(msg, sizeof(msg), un, unc, nl, 3);
	seed("unknown-critical", msg, len);
	ok(ike_pld_msg(msg, len, &m) == IKE_E_CRITICAL && m.bad_type == 49 &&
	   ike_err_notify(IKE_E_CRITICAL) == IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD,
	   "unknown payload 49, critical: UNSUPPORTED_CRITICAL_PAYLOAD naming 49");
	/* a known payload with the critical bit is fine */
	{
		static const uint8_t cf[] = { IKE_PLD_CRITICAL, IKE_PLD_CRITICAL };

		len = build_raw_msg(msg, sizeof(msg), vv, cf, nl, 2);
		ok(!ike_pld_msg(msg, len, &m) && m.pld[0].critical, "known payloads marked critical: accepted");
	}

	/* a payload after SK (the SK length made to stop short) */
	len = build_raw_msg(msg, sizeof(msg), skv, NULL, skl, 2);
	is_int(ike_pld_msg(msg, len, &m), IKE_E_SYNTAX, "a payload after SK: INVALID_SYNTAX");
	len = build_raw_msg(msg, sizeof(msg), vskf, NULL, skl, 2);
	is_int(ike_pld_msg(msg, len, &m), IKE_E_SYNTAX, "SKF after another payload: INVALID_SYNTAX");

	/* trailing bytes after the last payload */
	len = build_raw_msg(msg, sizeof(msg), vv, NULL, nl, 2);
	msg[len] = 0;
	{
		uint32_t be = htobe32((uint32_t)len + 1);

		memcpy(msg + 24, &be, 4);
	}
	is_int(ike_pld_msg(msg, len + 1, &m), IKE_E_SYNTAX, "a byte after the chain's end: INVALID_SYNTAX");

	/* counts: 32 payloads fit, 33 do not */
	for (i = 0; i < 33; i++) {
		types[i] = IKE_PLD_VENDOR;
		lens[i] = 1;
	}
	len = build_raw_msg(msg, sizeof(msg), types, NULL, lens, 32);
	ok(!ike_pld_msg(msg, len, &m) && m.n_pld == 32, "32 payloads: accepted");
	len = build_raw_msg(msg, sizeof(msg), types, NULL, lens, 33);
	is_int(ike_pld_msg(msg, len, &m), IKE_E_LIMIT, "33 payloads: refused (limit)");

	/* the header */
	len = build_raw_msg(msg, sizeof(msg), vv, NULL, nl, 2);
	msg[17] = 0x30;
	is_int(ike_pld_msg(msg, len, &m), IKE_E_VERSION, "major version 3: INVALID_MAJOR_VERSION");
	msg[17] = 0x10;
	is_int(ike_pld_msg(msg, len, &m), IKE_E_VERSION, "major version 1: INVALID_MAJOR_VERSION");
	msg[17] = 0x21;
	ok(!ike_pld_msg(msg, len, &m) && m.hdr.version == 0x21, "minor version 1: accepted (RFC 7296 3.1)");
	msg[17] = 0x20;
	msg[19] = 0xff;
	ok(!ike_pld_msg(msg, len, &m) && m.hdr.flags == IKE_FLAGS_KNOWN,
	   "reserved header flags: ignored and cleared (RFC 7296 3.1)");
	memset(msg, 0, 8);
	is_int(ike_pld_msg(msg, len, &m), IKE_E_SYNTAX, "SPIi zero: INVALID_SYNTAX");
	msg[0] = 1;
	msg[16] = 0;
	is_int(ike_pld_msg(msg, len, &m), IKE_E_SYNTAX, "header next payload NONE with payloads following: INVALID_SYNTAX");
	ok(ike_pld_msg(msg, IKE_HDR_LEN, &m) == IKE_E_SYNTAX, "header only, length field disagreeing: INVALID_SYNTAX");
}

/* ---- payload bodies ---- */

static void test_bodies(void)
{
	static struct ike_sa sa;
	uint8_t b[600], sab[512];
	struct ike_buf bb;
	size_t salen;

	memset(b, 0, sizeof(b));
	is_int(ike_validate_nonce(b, 15), IKE_E_SYNTAX, "Nonce of 15 bytes: INVALID_SYNTAX");
	is_int(ike_validate_nonce(b, 16), IKE_OK, "Nonce of 16 bytes: accepted");
	is_int(ike_validate_nonce(b, 256), IKE_OK, "Nonce of 256 bytes: accepted");
	is_int(ike_validate_nonce(b, 257), IKE_E_SYNTAX, "Nonce of 257 bytes: INVALID_SYNTAX");

	b[1] = 31;
	is_int(ike_validate_ke(b, 4 + 31), IKE_E_SYNTAX, "KE x25519 with 31 bytes: INVALID_SYNTAX");
	is_int(ike_validate_ke(b, 4 + 33), IKE_E_SYNTAX, "KE x25519 with 33 bytes: INVALID_SYNTAX");
	b[1] = 19;
	is_int(ike_validate_ke(b, 4 + 64), IKE_OK, "KE ecp256 with 64 bytes: accepted");
	b[1] = 20;
	is_int(ike_validate_ke(b, 4 + 64), IKE_E_SYNTAX, "KE ecp384 with 64 bytes: INVALID_SYNTAX");
	b[1] = 99;
	is_int(ike_validate_ke(b, 4 + 7), IKE_OK, "KE of an unknown group: accepted (INVALID_KE_PAYLOAD is the exchange's)");
	is_int(ike_validate_ke(b, 4), IKE_E_SYNTAX, "KE without data: INVALID_SYNTAX");

	memset(b, 0, 8);
	b[1] = 3;	/* SPI size 3 */
	is_int(ike_validate_notify(b, 4 + 3), IKE_E_SYNTAX, "Notify with SPI size 3: INVALID_SYNTAX");
	b[1] = 4;
	is_int(ike_validate_notify(b, 4 + 3), IKE_E_SYNTAX, "Notify SPI size 4, 3 bytes there: INVALID_SYNTAX");
	b[0] = IKE_PROTO_ESP;
	is_int(ike_validate_notify(b, 4 + 4), IKE_OK, "Notify with an ESP SPI: accepted");
	b[0] = 0; b[1] = 0; b[2] = 0x40; b[3] = 0x04;	/* NATD_S */
	is_int(ike_validate_notify(b, 4 + 19), IKE_E_SYNTAX, "NAT_DETECTION_SOURCE_IP with 19 bytes: INVALID_SYNTAX");
	b[2] = 0x40; b[3] = 0x06;			/* COOKIE */
	is_int(ike_validate_notify(b, 4 + 65), IKE_E_SYNTAX, "COOKIE of 65 bytes: INVALID_SYNTAX");
	b[2] = 0; b[3] = 17;				/* INVALID_KE_PAYLOAD */
	is_int(ike_validate_notify(b, 4 + 2), IKE_OK, "INVALID_KE_PAYLOAD with a 2-byte group: accepted");
	b[2] = 0x40; b[3] = 0x09;			/* REKEY_SA without SPI */
	is_int(ike_validate_notify(b, 4), IKE_E_SYNTAX, "REKEY_SA without an SPI: INVALID_SYNTAX");

	memset(b, 0, 16);
	b[0] = IKE_PROTO_ESP; b[1] = 8; b[3] = 1;
	is_int(ike_validate_delete(b, 4 + 8), IKE_E_SYNTAX, "Delete ESP with 8-byte SPIs: INVALID_SYNTAX");
	b[1] = 4; b[3] = 2;
	is_int(ike_validate_delete(b, 4 + 4), IKE_E_SYNTAX, "Delete counting 2 SPIs with 1 there: INVALID_SYNTAX");
	b[0] = IKE_PROTO_IKE; b[1] = 0; b[3] = 0;
	is_int(ike_validate_delete(b, 4 + 4), IKE_E_SYNTAX, "Delete IKE SA with trailing bytes: INVALID_SYNTAX");

	memset(b, 0, 16);
	b[0] = IKE_ID_IPV4_ADDR;
	is_int(ike_validate_id(b, 4 + 5), IKE_E_SYNTAX, "ID_IPV4_ADDR of 5 bytes: INVALID_SYNTAX");
	b[0] = IKE_ID_FQDN; memcpy(b + 4, "a\0b", 3);
	is_int(ike_validate_id(b, 4 + 3), IKE_E_SYNTAX, "ID_FQDN with a NUL: INVALID_SYNTAX");
	b[0] = IKE_ID_KEY_ID;
	is_int(ike_validate_id(b, 4 + 3), IKE_OK, "ID_KEY_ID with any bytes: accepted");
	is_int(ike_validate_auth(b, 4), IKE_E_SYNTAX, "AUTH without data: INVALID_SYNTAX");

	memset(b, 0, 32);
	b[0] = 1; b[4] = 9; b[6] = 0; b[7] = 16;	/* TS type 9 */
	is_int(ike_validate_ts(b, 4 + 16), IKE_E_TS_TYPE, "TS of type 9: refused");
	is_int(ike_err_notify(IKE_E_TS_TYPE), IKE_N_TS_UNACCEPTABLE, "... and the notify is TS_UNACCEPTABLE");
	b[0] = 0;
	is_int(ike_validate_ts(b, 4), IKE_E_SYNTAX, "TS payload with no selectors: INVALID_SYNTAX");

	/* SA body malformations, from the valid two-proposal body */
	ike_build_chain(&bb, sab, sizeof(sab));
	fill_sa(&sa);
	ike_build_sa(&bb, &sa);
	salen = bb.len - 4;
	memcpy(b, sab + 4, salen);
	is_int(ike_validate_sa(b, salen), IKE_OK, "SA: the valid body");
	b[0] = 0;	/* first proposal says last */
	is_int(ike_validate_sa(b, salen), IKE_E_SYNTAX, "SA: a proposal after the one marked last");
	memcpy(b, sab + 4, salen);
	b[(size_t)(b[2] << 8 | b[3]) + 4] = 3;	/* second proposal numbered 3 */
	is_int(ike_validate_sa(b, salen), IKE_E_SYNTAX, "SA: proposals numbered 1, 3");
	memcpy(b, sab + 4, salen);
	b[5] = 7;	/* protocol 7 */
	is_int(ike_validate_sa(b, salen), IKE_E_SYNTAX, "SA: unknown protocol id");
	memcpy(b, sab + 4, salen);
	b[8 + 8 + 8] = 0x00;	/* KEY_LENGTH as TLV (AF bit cleared) */
	is_int(ike_validate_sa(b, salen), IKE_E_SYNTAX, "SA: KEY_LENGTH in TLV form");
	memcpy(b, sab + 4, salen);
	b[8 + 8] = 0;	/* first transform says last */
	is_int(ike_validate_sa(b, salen), IKE_E_SYNTAX, "SA: a transform's last flag disagrees with the count");
	memcpy(b, sab + 4, salen);
	b[8 + 8 + 9] = 5;	/* attribute type 5, TV */
	ok(!ike_pld_sa(b, salen, &sa) && sa.prop[0].xf[0].unknown_attr && !sa.prop[0].xf[0].key_len,
	   "SA: an unknown attribute marks the transform (RFC 7296 3.3.6)");
	is_int(ike_validate_sa(b, 0), IKE_E_SYNTAX, "SA: empty body");
}

/* ---- other exchanges' shapes (also the fuzzer's seeds) ---- */

static void test_exchanges(void)
{
	static struct ike_msg m;
	static struct ike_sa sa;
	static const uint8_t ke_grp[2] = { 0, IKE_DH_CURVE25519 };
	struct ike_ts_set ts;
	struct ike_ke ke = { .group = IKE_DH_CURVE25519, .len = 32, .data = ke_data };
	struct ike_notify n;
	struct ike_delete del = { .proto = IKE_PROTO_ESP, .spi_len = 4, .n_spi = 1, .spi = { 0xc1000007 } };
	uint8_t out[1024], chain[1100];
	struct ike_hdr h;
	struct ike_buf b;
	int len, bad = 0, clen;

	/* CREATE_CHILD_SA rekeying a CHILD_SA */
	h = mkhdr(IKE_CREATE_CHILD_SA, IKE_FLAG_INITIATOR, 3);
	ike_build_begin(&b, out, sizeof(out), &h);
	n = (struct ike_notify){ .proto = IKE_PROTO_ESP, .spi_len = 4, .type = IKE_N_REKEY_SA,
		.spi = { 0xc1, 0, 0, 7 } };
	ike_build_notify(&b, &n);
	fill_sa(&sa);
	sa.n_prop = 1;
	sa.prop[0] = sa.prop[1];
	sa.prop[0].num = 1;
	ike_build_sa(&b, &sa);
	ike_build_nonce(&b, nonce_data, sizeof(nonce_data));
	ike_build_ke(&b, &ke);
	fill_ts(&ts, 0);
	ike_build_ts(&b, IKE_PLD_TSI, &ts);
	ike_build_ts(&b, IKE_PLD_TSR, &ts);
	len = ike_build_end(&b);
	bad += len <= 0 || ike_pld_msg(out, (size_t)len, &m) || m.n_pld != 6;
	seed("create-child-sa-rekey", out, len > 0 ? (size_t)len : 0);
	/* the same chain bare, as the fuzzer's chain mode reads it */
	clen = len - IKE_HDR_LEN;
	if (clen > 0) {
		chain[0] = out[16];
		memcpy(chain + 1, out + IKE_HDR_LEN, (size_t)clen);
		seed("chain-create-child-sa", chain, (size_t)clen + 1);
	}

	/* INFORMATIONAL: Delete */
	h = mkhdr(IKE_INFORMATIONAL, IKE_FLAG_INITIATOR, 4);
	ike_build_begin(&b, out, sizeof(out), &h);
	ike_build_delete(&b, &del);
	len = ike_build_end(&b);
	bad += len <= 0 || ike_pld_msg(out, (size_t)len, &m) || m.n_pld != 1;
	seed("informational-delete", out, len > 0 ? (size_t)len : 0);

	/* IKE_SA_INIT responses: COOKIE, INVALID_KE_PAYLOAD */
	h = mkhdr(IKE_SA_INIT, IKE_FLAG_RESPONSE, 0);
	memset(h.spi_r, 0, 8);
	ike_build_begin(&b, out, sizeof(out), &h);
	n = (struct ike_notify){ .type = IKE_N_COOKIE, .len = 16, .data = cookie };
	ike_build_notify(&b, &n);
	len = ike_build_end(&b);
	bad += len <= 0 || ike_pld_msg(out, (size_t)len, &m);
	seed("sa-init-cookie", out, len > 0 ? (size_t)len : 0);
	ike_build_begin(&b, out, sizeof(out), &h);
	n = (struct ike_notify){ .type = IKE_N_INVALID_KE_PAYLOAD, .len = 2, .data = ke_grp };
	ike_build_notify(&b, &n);
	len = ike_build_end(&b);
	bad += len <= 0 || ike_pld_msg(out, (size_t)len, &m);
	seed("sa-init-invalid-ke", out, len > 0 ? (size_t)len : 0);

	/* IKE_AUTH failure: AUTHENTICATION_FAILED in a (fake) SK */
	ike_build_chain(&b, chain, sizeof(chain));
	n = (struct ike_notify){ .type = IKE_N_AUTHENTICATION_FAILED };
	ike_build_notify(&b, &n);
	clen = ike_build_end(&b);
	{
		uint8_t body[64];

		memset(body, 0x5a, sizeof(body));
		memcpy(body + 8, chain, (size_t)clen);
		h = mkhdr(IKE_AUTH, IKE_FLAG_RESPONSE, 1);
		ike_build_begin(&b, out, sizeof(out), &h);
		ike_build_sk(&b, IKE_PLD_NOTIFY, body, 8 + (size_t)clen + 16);
		len = ike_build_end(&b);
	}
	bad += len <= 0 || ike_pld_msg(out, (size_t)len, &m) || m.sk_next != IKE_PLD_NOTIFY;
	seed("ike-auth-failed-sk", out, len > 0 ? (size_t)len : 0);
	ok(!bad, "CREATE_CHILD_SA, INFORMATIONAL Delete, COOKIE, INVALID_KE_PAYLOAD, AUTH failure: build and parse");
}

/* The strongSwan captures among the fuzz seeds (tests/net/test_ike_codec.sh). */
static void test_captures(void)
{
	static const char *const names[] = {
		"strongswan-sa-init-req-x25519", "strongswan-sa-init-resp-invalid-ke",
		"strongswan-sa-init-req-ecp256", "strongswan-sa-init-resp",
		"strongswan-ike-auth-req", "strongswan-ike-auth-resp",
	};
	static struct ike_msg m;
	static uint8_t buf[IKE_MAX_MSG_LEN];
	unsigned int i, good = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[256];
		FILE *f;
		size_t n;

		snprintf(path, sizeof(path), "tests/fuzz/corpus/ike/%s", names[i]);
		f = fopen(path, "rb");
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		if (!ike_pld_msg(buf, n, &m))
			good++;
		else
			diag("%s does not parse", names[i]);
	}
	is_int(good, 6, "the 6 strongSwan captures of the seed corpus parse");
}

/* ---- builders ---- */

static void test_builders(void)
{
	uint8_t out[2048];
	struct ike_hdr h = mkhdr(IKE_AUTH, IKE_FLAG_INITIATOR, 1);
	struct ike_buf b;
	size_t cap;
	int bad = 0, len;

	for (cap = 0; cap < all_len; cap++) {
		ike_build_begin(&b, out, cap, &h);
		len = build_all(&b);
		bad += len != IKE_E_NOSPACE || b.len > cap;
	}
	ike_build_begin(&b, out, all_len, &h);
	len = build_all(&b);
	ok(!bad && len == (int)all_len && !memcmp(out, all_msg, all_len),
	   "builders: every capacity below %zu gives NOSPACE without writing past it; %zu fits",
	   all_len, all_len);

	ike_build_begin(&b, out, sizeof(out), &h);
	ok(ike_build_nonce(&b, nonce_data, 15) == IKE_E_INVAL && ike_build_end(&b) == IKE_E_INVAL,
	   "builders: a 15-byte nonce is refused and the error sticks");
	ike_build_begin(&b, out, sizeof(out), &h);
	ok(ike_build_notify(&b, &(struct ike_notify){ .spi_len = 3 }) == IKE_E_INVAL,
	   "builders: a notify with SPI size 3 is refused");
	ike_build_begin(&b, out, sizeof(out), &h);
	ok(ike_build_delete(&b, &(struct ike_delete){ .proto = IKE_PROTO_ESP }) == IKE_E_INVAL,
	   "builders: a Delete of no ESP SPIs is refused");
	ike_build_begin(&b, out, sizeof(out), &h);
	ok(ike_build_ts(&b, IKE_PLD_TSI, &(struct ike_ts_set){ .n = 1, .ts = { { .type = 9 } } }) == IKE_E_INVAL,
	   "builders: a selector of type 9 is refused");
	ok(!strcmp(ike_err_str(IKE_E_SYNTAX), "malformed") &&
	   ike_err_notify(IKE_E_SYNTAX) == IKE_N_INVALID_SYNTAX &&
	   ike_err_notify(IKE_E_LIMIT) == IKE_N_INVALID_SYNTAX &&
	   ike_err_notify(IKE_E_VERSION) == IKE_N_INVALID_MAJOR_VERSION &&
	   ike_err_notify(IKE_E_NOSPACE) == 0,
	   "errors map to INVALID_SYNTAX, INVALID_MAJOR_VERSION, or nothing for local ones");
}

int main(int argc, char **argv)
{
	if (argc > 1)
		corpus_dir = argv[1];
	tap_plan(108);
	test_kat();
	test_round_trip();
	test_sk();
	test_truncation();
	test_off_by_one(kat, kat_len, "known answer");
	test_off_by_one(all_msg, all_len, "every-payload message");
	test_sub_off_by_one();
	test_chain_rules();
	test_bodies();
	test_exchanges();
	test_captures();
	test_builders();
	return tap_done();
}
