// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for userspace/agent/proposal.c: proposal selection as
 * responder (IKE against offers shaped like strongSwan's default lists,
 * with the KE group preference, CBC + HMAC, no match; ESP with ESN and
 * PFS on and off), acceptance of a responder's single proposal, traffic
 * selector narrowing to what the device matches (host pair or 5-tuple),
 * and TS payloads from configuration. Links proposal.o and libnicsec.a
 * (log.o) only: suites and selectors are written out here, not parsed.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include "agent.h"
#include "../tap.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- building offers ------------------------------------------------------ */

struct xf_spec {
	uint8_t type;
	uint16_t id, bits;
};

static void prop_set(struct ike_prop *p, uint8_t num, uint8_t proto, const uint8_t *spi,
		     uint8_t spi_len, const struct xf_spec *x, unsigned int n)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->num = num;
	p->proto = proto;
	p->spi_len = spi_len;
	if (spi_len)
		memcpy(p->spi, spi, spi_len);
	for (i = 0; i < n && i < IKE_MAX_XF; i++) {
		p->xf[i].type = x[i].type;
		p->xf[i].id = x[i].id;
		p->xf[i].key_len = x[i].bits;
	}
	p->n_xf = i;
}

#define PROP(sa, num, proto, spi, spi_len, xfs) \
	prop_set(&(sa)->prop[(sa)->n_prop++], num, proto, spi, spi_len, xfs, ARRAY_SIZE(xfs))

/* strongSwan 5.9's default IKE proposal lists: one AEAD, one classic. */
static const struct xf_spec ss_ike_aead[] = {
	{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128 }, { IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 192 },
	{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 256 }, { IKE_XF_ENCR, IKE_ENCR_CHACHA20_POLY1305, 0 },
	{ IKE_XF_PRF, IKE_PRF_HMAC_SHA2_256, 0 }, { IKE_XF_PRF, IKE_PRF_HMAC_SHA2_384, 0 },
	{ IKE_XF_PRF, IKE_PRF_HMAC_SHA2_512, 0 }, { IKE_XF_PRF, IKE_PRF_HMAC_SHA1, 0 },
	{ IKE_XF_DH, IKE_DH_CURVE25519, 0 }, { IKE_XF_DH, IKE_DH_ECP256, 0 },
	{ IKE_XF_DH, IKE_DH_ECP384, 0 }, { IKE_XF_DH, IKE_DH_ECP521, 0 },
	{ IKE_XF_DH, IKE_DH_CURVE448, 0 }, { IKE_XF_DH, IKE_DH_MODP2048, 0 },
};

static const struct xf_spec ss_ike_classic[] = {
	{ IKE_XF_ENCR, IKE_ENCR_AES_CBC, 128 }, { IKE_XF_ENCR, IKE_ENCR_AES_CBC, 192 },
	{ IKE_XF_ENCR, IKE_ENCR_AES_CBC, 256 }, { IKE_XF_ENCR, IKE_ENCR_AES_CTR, 128 },
	{ IKE_XF_INTEG, IKE_AUTH_HMAC_SHA2_256_128, 0 }, { IKE_XF_INTEG, IKE_AUTH_HMAC_SHA2_384_192, 0 },
	{ IKE_XF_INTEG, IKE_AUTH_HMAC_SHA2_512_256, 0 }, { IKE_XF_INTEG, IKE_AUTH_HMAC_SHA1_96, 0 },
	{ IKE_XF_PRF, IKE_PRF_HMAC_SHA2_256, 0 }, { IKE_XF_PRF, IKE_PRF_HMAC_SHA2_384, 0 },
	{ IKE_XF_PRF, IKE_PRF_HMAC_SHA2_512, 0 }, { IKE_XF_PRF, IKE_PRF_HMAC_SHA1, 0 },
	{ IKE_XF_DH, IKE_DH_CURVE25519, 0 }, { IKE_XF_DH, IKE_DH_ECP256, 0 },
	{ IKE_XF_DH, IKE_DH_ECP384, 0 }, { IKE_XF_DH, IKE_DH_ECP521, 0 },
	{ IKE_XF_DH, IKE_DH_CURVE448, 0 }, { IKE_XF_DH, IKE_DH_MODP2048, 0 },
};

/* ... and ESP: AEAD with both ESN choices, classic without ESN. */
static const struct xf_spec ss_esp_aead[] = {
	{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128 }, { IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 192 },
	{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 256 }, { IKE_XF_ENCR, IKE_ENCR_CHACHA20_POLY1305, 0 },
	{ IKE_XF_ESN, IKE_ESN_YES, 0 }, { IKE_XF_ESN, IKE_ESN_NO, 0 },
};

static const struct xf_spec ss_esp_classic[] = {
	{ IKE_XF_ENCR, IKE_ENCR_AES_CBC, 128 }, { IKE_XF_ENCR, IKE_ENCR_AES_CBC, 256 },
	{ IKE_XF_INTEG, IKE_AUTH_HMAC_SHA2_256_128, 0 }, { IKE_XF_INTEG, IKE_AUTH_HMAC_SHA1_96, 0 },
	{ IKE_XF_ESN, IKE_ESN_NO, 0 },
};

static const struct ike_suite gcm128_sha256_x25519 = {
	IKE_ENCR_AES_GCM_16, 128, IKE_AUTH_NONE, IKE_PRF_HMAC_SHA2_256, IKE_DH_CURVE25519 };
static const struct ike_suite gcm256_sha384_ecp384 = {
	IKE_ENCR_AES_GCM_16, 256, IKE_AUTH_NONE, IKE_PRF_HMAC_SHA2_384, IKE_DH_ECP384 };
static const struct ike_suite cbc128_sha256_ecp256 = {
	IKE_ENCR_AES_CBC, 128, IKE_AUTH_HMAC_SHA2_256_128, IKE_PRF_HMAC_SHA2_256, IKE_DH_ECP256 };

static int suite_eq(const struct ike_suite *a, const struct ike_suite *b)
{
	return a->encr == b->encr && a->encr_bits == b->encr_bits && a->integ == b->integ &&
	       a->prf == b->prf && a->dh == b->dh;
}

static struct conf_conn conn;
static struct ike_sa offer;

static void conn_ike(const struct ike_suite *s, unsigned int n)
{
	memset(&conn, 0, sizeof(conn));
	memcpy(conn.ike, s, n * sizeof(*s));
	conn.n_ike = n;
}

static void offer_ss_ike(void)
{
	memset(&offer, 0, sizeof(offer));
	PROP(&offer, 1, IKE_PROTO_IKE, NULL, 0, ss_ike_aead);
	PROP(&offer, 2, IKE_PROTO_IKE, NULL, 0, ss_ike_classic);
}

/* ---- prop_select_ike ------------------------------------------------------- */

static void test_select_ike(void)
{
	const struct ike_suite two[] = { gcm128_sha256_x25519, gcm256_sha384_ecp384 };
	const struct ike_suite cbc[] = { cbc128_sha256_ecp256 };
	static const struct xf_spec gcm_integ[] = {
		{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128 }, { IKE_XF_INTEG, IKE_AUTH_HMAC_SHA2_256_128, 0 },
		{ IKE_XF_PRF, IKE_PRF_HMAC_SHA2_256, 0 }, { IKE_XF_DH, IKE_DH_CURVE25519, 0 },
	};
	static const struct xf_spec gcm_integ_none[] = {
		{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128 }, { IKE_XF_INTEG, IKE_AUTH_NONE, 0 },
		{ IKE_XF_PRF, IKE_PRF_HMAC_SHA2_256, 0 }, { IKE_XF_DH, IKE_DH_CURVE25519, 0 },
	};
	static const struct xf_spec legacy[] = {
		{ IKE_XF_ENCR, 3 /* 3DES */, 0 }, { IKE_XF_INTEG, IKE_AUTH_HMAC_SHA1_96, 0 },
		{ IKE_XF_PRF, IKE_PRF_HMAC_SHA1, 0 }, { IKE_XF_DH, 2 /* modp1024 */, 0 },
	};
	static const struct xf_spec gcm256_only[] = {
		{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 256 }, { IKE_XF_PRF, IKE_PRF_HMAC_SHA2_256, 0 },
		{ IKE_XF_DH, IKE_DH_CURVE25519, 0 },
	};
	static const uint8_t spi8[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t num, spi[8];
	struct ike_suite s;
	size_t spi_len;
	int r;

	/* strongSwan's defaults against two AEAD suites */
	conn_ike(two, 2);
	offer_ss_ike();
	r = prop_select_ike(&conn, &offer, IKE_DH_CURVE25519, &s, &num, spi, &spi_len);
	ok(!r && suite_eq(&s, &gcm128_sha256_x25519) && num == 1 && spi_len == 0,
	   "ike: strongSwan defaults, KE x25519: our first suite from proposal 1");

	/* the KE the peer sent picks the suite, not our order */
	r = prop_select_ike(&conn, &offer, IKE_DH_ECP384, &s, &num, spi, &spi_len);
	ok(!r && suite_eq(&s, &gcm256_sha384_ecp384) && num == 1,
	   "ike: KE ecp384 prefers our second suite (no INVALID_KE round trip)");

	/* a KE of a group we do not have: our first match, its group differs */
	r = prop_select_ike(&conn, &offer, IKE_DH_ECP256, &s, &num, spi, &spi_len);
	ok(!r && suite_eq(&s, &gcm128_sha256_x25519) && s.dh != IKE_DH_ECP256,
	   "ike: KE ecp256 not configured: first match, the caller answers INVALID_KE_PAYLOAD");

	/* CBC + HMAC comes from the classic proposal */
	conn_ike(cbc, 1);
	r = prop_select_ike(&conn, &offer, IKE_DH_CURVE25519, &s, &num, spi, &spi_len);
	ok(!r && suite_eq(&s, &cbc128_sha256_ecp256) && num == 2,
	   "ike: AES-CBC + HMAC-SHA2-256 chosen from proposal 2");

	/* AEAD in a proposal that also demands an integrity algorithm */
	conn_ike(two, 1);
	memset(&offer, 0, sizeof(offer));
	PROP(&offer, 1, IKE_PROTO_IKE, NULL, 0, gcm_integ);
	r = prop_select_ike(&conn, &offer, IKE_DH_CURVE25519, &s, &num, spi, &spi_len);
	ok(r == -1, "ike: GCM with a mandatory INTEG transform refused");
	memset(&offer, 0, sizeof(offer));
	PROP(&offer, 1, IKE_PROTO_IKE, NULL, 0, gcm_integ_none);
	r = prop_select_ike(&conn, &offer, IKE_DH_CURVE25519, &s, &num, spi, &spi_len);
	ok(!r && s.integ == IKE_AUTH_NONE, "ike: GCM with INTEG NONE among the choices accepted");

	/* no match */
	conn_ike(two, 2);
	memset(&offer, 0, sizeof(offer));
	PROP(&offer, 1, IKE_PROTO_IKE, NULL, 0, legacy);
	r = prop_select_ike(&conn, &offer, 2, &s, &num, spi, &spi_len);
	ok(r == -1, "ike: 3DES/SHA1/modp1024 only: no proposal");

	memset(&offer, 0, sizeof(offer));
	PROP(&offer, 1, IKE_PROTO_IKE, NULL, 0, gcm256_only);
	r = prop_select_ike(&conn, &offer, IKE_DH_CURVE25519, &s, &num, spi, &spi_len);
	ok(r == -1, "ike: key length must match (GCM-256 offered, GCM-128/prfsha256 wanted)");

	memset(&offer, 0, sizeof(offer));
	PROP(&offer, 1, IKE_PROTO_ESP, NULL, 0, ss_ike_aead);
	r = prop_select_ike(&conn, &offer, IKE_DH_CURVE25519, &s, &num, spi, &spi_len);
	ok(r == -1, "ike: an ESP proposal is not an IKE one");

	offer_ss_ike();
	offer.prop[0].xf[0].unknown_attr = 1;	/* GCM-128 with an unknown attribute */
	r = prop_select_ike(&conn, &offer, IKE_DH_ECP384, &s, &num, spi, &spi_len);
	ok(!r && suite_eq(&s, &gcm256_sha384_ecp384),
	   "ike: a transform with an unknown attribute is skipped, not the proposal");

	memset(&offer, 0, sizeof(offer));
	offer.n_prop = 0;
	r = prop_select_ike(&conn, &offer, IKE_DH_CURVE25519, &s, &num, spi, &spi_len);
	ok(r == -1, "ike: empty SA payload: no proposal");

	/* IKE SA rekey: the peer's new SPI comes back */
	memset(&offer, 0, sizeof(offer));
	PROP(&offer, 7, IKE_PROTO_IKE, spi8, 8, ss_ike_aead);
	memset(spi, 0, sizeof(spi));
	r = prop_select_ike(&conn, &offer, IKE_DH_CURVE25519, &s, &num, spi, &spi_len);
	ok(!r && num == 7 && spi_len == 8 && !memcmp(spi, spi8, 8),
	   "ike: rekey proposal: number and 8-byte SPI returned");
}

/* ---- prop_select_esp ------------------------------------------------------- */

static void esp_conf(struct conf_child *ch, uint16_t pfs)
{
	memset(ch, 0, sizeof(*ch));
	ch->n_esp = 2;
	ch->esp[0] = (struct ike_suite){ IKE_ENCR_AES_GCM_16, 128, IKE_AUTH_NONE, 0, pfs };
	ch->esp[1] = (struct ike_suite){ IKE_ENCR_AES_GCM_16, 256, IKE_AUTH_NONE, 0, pfs };
}

static void test_select_esp(void)
{
	static const uint8_t spi4[4] = { 0xc1, 0x02, 0x03, 0x04 }, spi8[8] = { 1 };
	static const struct xf_spec esn_yes[] = {
		{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128 }, { IKE_XF_ESN, IKE_ESN_YES, 0 },
	};
	static const struct xf_spec esn_none[] = {
		{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 256 },
	};
	static const struct xf_spec pfs_x25519[] = {
		{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128 }, { IKE_XF_DH, IKE_DH_CURVE25519, 0 },
		{ IKE_XF_ESN, IKE_ESN_NO, 0 },
	};
	static const struct xf_spec pfs_ecp256[] = {
		{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128 }, { IKE_XF_DH, IKE_DH_ECP256, 0 },
		{ IKE_XF_ESN, IKE_ESN_NO, 0 },
	};
	static const struct xf_spec pfs_or_none[] = {
		{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128 }, { IKE_XF_DH, IKE_DH_CURVE25519, 0 },
		{ IKE_XF_DH, IKE_DH_NONE, 0 }, { IKE_XF_ESN, IKE_ESN_NO, 0 },
	};
	static const struct xf_spec gcm_integ[] = {
		{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128 }, { IKE_XF_INTEG, IKE_AUTH_HMAC_SHA2_256_128, 0 },
		{ IKE_XF_ESN, IKE_ESN_NO, 0 },
	};
	struct conf_child ch;
	struct ike_suite s;
	uint32_t spi;
	uint8_t num;
	int r;

	/* strongSwan's defaults: AEAD with ESN and no ESN, then classic */
	esp_conf(&ch, IKE_DH_NONE);
	memset(&offer, 0, sizeof(offer));
	PROP(&offer, 1, IKE_PROTO_ESP, spi4, 4, ss_esp_aead);
	PROP(&offer, 2, IKE_PROTO_ESP, spi4, 4, ss_esp_classic);
	r = prop_select_esp(&ch, &offer, 0, &s, &num, &spi);
	ok(!r && s.encr == IKE_ENCR_AES_GCM_16 && s.encr_bits == 128 && s.dh == IKE_DH_NONE &&
	   num == 1 && spi == 0xc1020304,
	   "esp: strongSwan defaults: GCM-128 from proposal 1, SPI in host order");

	/* ESN: only "no ESN" is possible on the device */
	memset(&offer, 0, sizeof(offer));
	PROP(&offer, 1, IKE_PROTO_ESP, spi4, 4, esn_yes);
	r = prop_select_esp(&ch, &offer, 0, &s, &num, &spi);
	ok(r == -1, "esp: ESN required by the peer: no proposal");

	memset(&offer, 0, sizeof(offer));
	PROP(&offer, 1, IKE_PROTO_ESP, spi4, 4, esn_yes);
	PROP(&offer, 2, IKE_PROTO_ESP, spi4, 4, ss_esp_aead);
	r = prop_select_esp(&ch, &offer, 0, &s, &num, &spi);
	ok(!r && num == 2, "esp: an ESN-only proposal is passed over for the next one");

	memset(&offer, 0, sizeof(offer));
	PROP(&offer, 3, IKE_PROTO_ESP, spi4, 4, esn_none);
	r = prop_select_esp(&ch, &offer, 0, &s, &num, &spi);
	ok(!r && s.encr_bits == 256 && num == 3,
	   "esp: no ESN transform at all is taken as no ESN (our second suite)");

	memset(&offer, 0, sizeof(offer));
	PROP(&offer, 1, IKE_PROTO_ESP, spi4, 4, gcm_integ);
	r = prop_select_esp(&ch, &offer, 0, &s, &num, &spi);
	ok(r == -1, "esp: GCM with a mandatory INTEG transform refused");

	memset(&offer, 0, sizeof(offer));
	PROP(&offer, 1, IKE_PROTO_ESP, spi8, 8, ss_esp_aead);
	PROP(&offer, 2, IKE_PROTO_IKE, spi4, 4, ss_esp_aead);
	PROP(&offer, 3, IKE_PROTO_AH, spi4, 4, ss_esp_aead);
	r = prop_select_esp(&ch, &offer, 0, &s, &num, &spi);
	ok(r == -1, "esp: 8-byte SPI, IKE and AH proposals are not ESP ones");

	/* PFS off (IKE_AUTH, or CREATE_CHILD_SA without KE) */
	esp_conf(&ch, IKE_DH_CURVE25519);
	memset(&offer, 0, sizeof(offer));
	PROP(&offer, 1, IKE_PROTO_ESP, spi4, 4, ss_esp_aead);
	r = prop_select_esp(&ch, &offer, 0, &s, &num, &spi);
	ok(!r && s.dh == IKE_DH_NONE,
	   "esp: PFS configured, none asked (IKE_AUTH): chosen without a group");

	memset(&offer, 0, sizeof(offer));
	PROP(&offer, 1, IKE_PROTO_ESP, spi4, 4, pfs_x25519);
	r = prop_select_esp(&ch, &offer, 0, &s, &num, &spi);
	ok(r == -1, "esp: no KE but the proposal demands a group: refused");

	memset(&offer, 0, sizeof(offer));
	PROP(&offer, 1, IKE_PROTO_ESP, spi4, 4, pfs_or_none);
	r = prop_select_esp(&ch, &offer, 0, &s, &num, &spi);
	ok(!r && s.dh == IKE_DH_NONE, "esp: no KE, the proposal allows DH NONE: accepted");

	/* PFS on (CREATE_CHILD_SA with KE) */
	memset(&offer, 0, sizeof(offer));
	PROP(&offer, 1, IKE_PROTO_ESP, spi4, 4, pfs_x25519);
	r = prop_select_esp(&ch, &offer, 1, &s, &num, &spi);
	ok(!r && s.dh == IKE_DH_CURVE25519, "esp: PFS x25519 configured and offered");

	memset(&offer, 0, sizeof(offer));
	PROP(&offer, 1, IKE_PROTO_ESP, spi4, 4, pfs_ecp256);
	r = prop_select_esp(&ch, &offer, 1, &s, &num, &spi);
	ok(r == -1, "esp: PFS with another group than ours: refused");

	memset(&offer, 0, sizeof(offer));
	PROP(&offer, 1, IKE_PROTO_ESP, spi4, 4, ss_esp_aead);
	r = prop_select_esp(&ch, &offer, 1, &s, &num, &spi);
	ok(r == -1, "esp: PFS required here, the proposal has no group: refused");

	esp_conf(&ch, IKE_DH_NONE);
	memset(&offer, 0, sizeof(offer));
	PROP(&offer, 1, IKE_PROTO_ESP, spi4, 4, pfs_x25519);
	r = prop_select_esp(&ch, &offer, 1, &s, &num, &spi);
	ok(r == -1, "esp: PFS offered (group only) but not configured: refused");

	memset(&offer, 0, sizeof(offer));
	PROP(&offer, 1, IKE_PROTO_ESP, spi4, 4, pfs_or_none);
	r = prop_select_esp(&ch, &offer, 1, &s, &num, &spi);
	ok(!r && s.dh == IKE_DH_NONE,
	   "esp: PFS offered with DH NONE as a choice, not configured: chosen without");
}

/* ---- prop_accept ----------------------------------------------------------- */

static void test_accept(void)
{
	static const uint8_t spi4[4] = { 0, 0, 0x12, 0x34 }, spi8[8] = { 9, 8, 7, 6, 5, 4, 3, 2 };
	static const struct xf_spec ike_one[] = {
		{ IKE_XF_ENCR, IKE_ENCR_AES_CBC, 128 }, { IKE_XF_PRF, IKE_PRF_HMAC_SHA2_256, 0 },
		{ IKE_XF_INTEG, IKE_AUTH_HMAC_SHA2_256_128, 0 }, { IKE_XF_DH, IKE_DH_ECP256, 0 },
	};
	static const struct xf_spec esp_one[] = {
		{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 256 }, { IKE_XF_ESN, IKE_ESN_NO, 0 },
	};
	static const struct xf_spec esp_esn[] = {
		{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 256 }, { IKE_XF_ESN, IKE_ESN_YES, 0 },
	};
	static const struct xf_spec unknown_type[] = {
		{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 256 }, { 6, 1, 0 },
	};
	static const struct xf_spec two_encr[] = {
		{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128 }, { IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 256 },
		{ IKE_XF_PRF, IKE_PRF_HMAC_SHA2_256, 0 }, { IKE_XF_DH, IKE_DH_CURVE25519, 0 },
	};
	static const struct xf_spec two_dh[] = {
		{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128 }, { IKE_XF_PRF, IKE_PRF_HMAC_SHA2_256, 0 },
		{ IKE_XF_DH, IKE_DH_CURVE25519, 0 }, { IKE_XF_DH, IKE_DH_ECP256, 0 },
	};
	static const struct xf_spec two_esn[] = {
		{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128 }, { IKE_XF_ESN, IKE_ESN_NO, 0 },
		{ IKE_XF_ESN, IKE_ESN_NO, 0 },
	};
	static const struct xf_spec no_prf[] = {
		{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128 }, { IKE_XF_DH, IKE_DH_CURVE25519, 0 },
	};
	struct ike_sa resp, built;
	struct ike_suite s, back;
	uint8_t spi[8];
	size_t spi_len;
	int r;

	memset(&resp, 0, sizeof(resp));
	PROP(&resp, 1, IKE_PROTO_IKE, NULL, 0, ike_one);
	r = prop_accept(&resp, IKE_PROTO_IKE, &s, spi, &spi_len);
	ok(!r && suite_eq(&s, &cbc128_sha256_ecp256) && spi_len == 0,
	   "accept: IKE, one transform of each type");

	memset(&resp, 0, sizeof(resp));
	PROP(&resp, 2, IKE_PROTO_IKE, spi8, 8, ike_one);
	r = prop_accept(&resp, IKE_PROTO_IKE, &s, spi, &spi_len);
	ok(!r && spi_len == 8 && !memcmp(spi, spi8, 8), "accept: IKE rekey, 8-byte SPI returned");

	memset(&resp, 0, sizeof(resp));
	PROP(&resp, 1, IKE_PROTO_ESP, spi4, 4, esp_one);
	r = prop_accept(&resp, IKE_PROTO_ESP, &s, spi, &spi_len);
	ok(!r && s.encr_bits == 256 && s.integ == IKE_AUTH_NONE && s.dh == IKE_DH_NONE &&
	   spi_len == 4 && !memcmp(spi, spi4, 4), "accept: ESP GCM-256, no ESN, SPI");

	memset(&resp, 0, sizeof(resp));
	PROP(&resp, 1, IKE_PROTO_ESP, spi4, 4, esp_one);
	PROP(&resp, 2, IKE_PROTO_ESP, spi4, 4, esp_one);
	ok(prop_accept(&resp, IKE_PROTO_ESP, &s, spi, &spi_len) == -1,
	   "accept: two proposals in an answer refused");

	memset(&resp, 0, sizeof(resp));
	ok(prop_accept(&resp, IKE_PROTO_ESP, &s, spi, &spi_len) == -1,
	   "accept: no proposal refused");

	memset(&resp, 0, sizeof(resp));
	PROP(&resp, 1, IKE_PROTO_ESP, spi4, 4, esp_one);
	ok(prop_accept(&resp, IKE_PROTO_IKE, &s, spi, &spi_len) == -1,
	   "accept: ESP proposal where IKE was asked refused");

	memset(&resp, 0, sizeof(resp));
	PROP(&resp, 1, IKE_PROTO_ESP, spi8, 8, esp_one);
	ok(prop_accept(&resp, IKE_PROTO_ESP, &s, spi, &spi_len) == -1,
	   "accept: ESP with an 8-byte SPI refused");

	memset(&resp, 0, sizeof(resp));
	PROP(&resp, 1, IKE_PROTO_IKE, spi4, 4, ike_one);
	ok(prop_accept(&resp, IKE_PROTO_IKE, &s, spi, &spi_len) == -1,
	   "accept: IKE with a 4-byte SPI refused");

	memset(&resp, 0, sizeof(resp));
	PROP(&resp, 1, IKE_PROTO_ESP, spi4, 4, esp_esn);
	ok(prop_accept(&resp, IKE_PROTO_ESP, &s, spi, &spi_len) == -1,
	   "accept: ESN chosen by the responder refused");

	memset(&resp, 0, sizeof(resp));
	PROP(&resp, 1, IKE_PROTO_ESP, spi4, 4, unknown_type);
	ok(prop_accept(&resp, IKE_PROTO_ESP, &s, spi, &spi_len) == -1,
	   "accept: unknown transform type refused");

	/* RFC 7296 3.3.6: the chosen proposal has one transform of each type */
	memset(&resp, 0, sizeof(resp));
	PROP(&resp, 1, IKE_PROTO_IKE, NULL, 0, two_encr);
	ok(prop_accept(&resp, IKE_PROTO_IKE, &s, spi, &spi_len) == -1,
	     "accept: two ENCR transforms refused");
	memset(&resp, 0, sizeof(resp));
	PROP(&resp, 1, IKE_PROTO_IKE, NULL, 0, two_dh);
	ok(prop_accept(&resp, IKE_PROTO_IKE, &s, spi, &spi_len) == -1,
	     "accept: two DH transforms refused");
	memset(&resp, 0, sizeof(resp));
	PROP(&resp, 1, IKE_PROTO_ESP, spi4, 4, two_esn);
	ok(prop_accept(&resp, IKE_PROTO_ESP, &s, spi, &spi_len) == -1,
	     "accept: two ESN transforms refused");

	/* missing types are left to the caller (conn_has_suite / has_suite) */
	memset(&resp, 0, sizeof(resp));
	PROP(&resp, 1, IKE_PROTO_IKE, NULL, 0, no_prf);
	r = prop_accept(&resp, IKE_PROTO_IKE, &s, spi, &spi_len);
	ok(!r && s.prf == 0,
	   "accept: IKE without PRF parses, prf 0 (the caller's suite check refuses it)");

	/* what we build as responder, the initiator side accepts as is */
	prop_build_chosen(IKE_PROTO_IKE, NULL, 0, &gcm256_sha384_ecp384, 3, &built);
	r = prop_accept(&built, IKE_PROTO_IKE, &back, spi, &spi_len);
	ok(!r && suite_eq(&back, &gcm256_sha384_ecp384) && built.prop[0].num == 3,
	   "accept: prop_build_chosen(IKE) round trip");
	s = (struct ike_suite){ IKE_ENCR_AES_GCM_16, 128, IKE_AUTH_NONE, 0, IKE_DH_CURVE25519 };
	prop_build_chosen(IKE_PROTO_ESP, spi4, 4, &s, 1, &built);
	r = prop_accept(&built, IKE_PROTO_ESP, &back, spi, &spi_len);
	ok(!r && suite_eq(&back, &s) && !memcmp(spi, spi4, 4),
	   "accept: prop_build_chosen(ESP, PFS) round trip");
}

/* ---- traffic selectors ---------------------------------------------------- */

static uint32_t ip(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		tap_bail("bad address in test");
	return a.s_addr;
}

static struct conf_ts cts(const char *addr, uint8_t prefix, uint8_t proto, uint16_t port)
{
	struct conf_ts t = { .addr = ip(addr), .prefix = prefix, .proto = proto, .port = port };

	return t;
}

/* Append a TS (IPv4 range) to @set. */
static void ts_add(struct ike_ts_set *set, const char *lo, const char *hi, uint8_t proto,
		   uint16_t plo, uint16_t phi)
{
	struct ike_ts *t = &set->ts[set->n++];
	uint32_t a = ip(lo), b = ip(hi);

	memset(t, 0, sizeof(*t));
	t->type = IKE_TS_IPV4_ADDR_RANGE;
	t->proto = proto;
	t->start_port = plo;
	t->end_port = phi;
	memcpy(t->start, &a, 4);
	memcpy(t->end, &b, 4);
}

static struct ike_ts_set tl, tr;

static void ts_reset(void)
{
	memset(&tl, 0, sizeof(tl));
	memset(&tr, 0, sizeof(tr));
}

static int ts_is(const struct conf_ts *t, const char *addr, uint8_t proto, uint16_t port)
{
	return t->addr == ip(addr) && t->prefix == 32 && t->proto == proto && t->port == port;
}

static void test_narrow(void)
{
	struct conf_child ch;
	struct conf_ts l, r;
	int rc;

	/* host pair */
	memset(&ch, 0, sizeof(ch));
	ch.local_ts = cts("10.78.0.1", 32, 0, 0);
	ch.remote_ts = cts("10.78.0.2", 32, 0, 0);
	ts_reset();
	ts_add(&tl, "0.0.0.0", "255.255.255.255", 0, 0, 65535);
	ts_add(&tr, "0.0.0.0", "255.255.255.255", 0, 0, 65535);
	rc = ts_narrow(&ch, &tl, &tr, &l, &r);
	ok(!rc && ts_is(&l, "10.78.0.1", 0, 0) && ts_is(&r, "10.78.0.2", 0, 0),
	   "ts: host pair narrowed from 0.0.0.0/0 both ways");

	ts_reset();
	ts_add(&tl, "10.78.0.1", "10.78.0.1", 0, 0, 65535);
	ts_add(&tr, "10.78.0.2", "10.78.0.2", 0, 0, 65535);
	rc = ts_narrow(&ch, &tl, &tr, &l, &r);
	ok(!rc && ts_is(&l, "10.78.0.1", 0, 0) && ts_is(&r, "10.78.0.2", 0, 0),
	   "ts: host pair offered exactly");

	ts_reset();
	ts_add(&tl, "10.78.0.1", "10.78.0.1", 0, 1000, 2000);
	ts_add(&tr, "10.78.0.2", "10.78.0.2", 0, 0, 65535);
	ok(ts_narrow(&ch, &tl, &tr, &l, &r) == -1, "ts: a port range without a protocol refused");

	ts_reset();
	ts_add(&tl, "192.168.0.1", "192.168.0.1", 0, 0, 65535);
	ts_add(&tr, "10.78.0.2", "10.78.0.2", 0, 0, 65535);
	ok(ts_narrow(&ch, &tl, &tr, &l, &r) == -1, "ts: no overlap refused");

	/* several TS: the first that overlaps; IPv6 passed over */
	ts_reset();
	ts_add(&tl, "192.168.0.1", "192.168.0.1", 0, 0, 65535);
	tl.ts[tl.n].type = IKE_TS_IPV6_ADDR_RANGE;
	tl.ts[tl.n].end_port = 65535;
	memset(tl.ts[tl.n++].end, 0xff, 16);
	ts_add(&tl, "10.78.0.0", "10.78.0.255", 0, 0, 65535);
	ts_add(&tr, "10.78.0.2", "10.78.0.2", 0, 0, 65535);
	rc = ts_narrow(&ch, &tl, &tr, &l, &r);
	ok(!rc && ts_is(&l, "10.78.0.1", 0, 0), "ts: a later IPv4 TS of the set is used");

	ts_reset();
	tl.ts[tl.n].type = IKE_TS_IPV6_ADDR_RANGE;
	tl.ts[tl.n].end_port = 65535;
	memset(tl.ts[tl.n++].end, 0xff, 16);
	ts_add(&tr, "10.78.0.2", "10.78.0.2", 0, 0, 65535);
	ok(ts_narrow(&ch, &tl, &tr, &l, &r) == -1, "ts: IPv6 only refused");

	ts_reset();
	ts_add(&tr, "10.78.0.2", "10.78.0.2", 0, 0, 65535);
	ok(ts_narrow(&ch, &tl, &tr, &l, &r) == -1, "ts: an empty set refused");

	/* subnet in the configuration against /32 and wider offers */
	ch.remote_ts = cts("10.78.0.0", 24, 0, 0);
	ts_reset();
	ts_add(&tl, "10.78.0.1", "10.78.0.1", 0, 0, 65535);
	ts_add(&tr, "10.78.0.5", "10.78.0.5", 0, 0, 65535);
	rc = ts_narrow(&ch, &tl, &tr, &l, &r);
	ok(!rc && ts_is(&r, "10.78.0.5", 0, 0), "ts: configured /24, peer's /32 inside: narrowed to it");

	ts_reset();
	ts_add(&tl, "10.78.0.1", "10.78.0.1", 0, 0, 65535);
	ts_add(&tr, "10.78.0.0", "10.78.255.255", 0, 0, 65535);
	ok(ts_narrow(&ch, &tl, &tr, &l, &r) == -1,
	   "ts: configured /24, peer's /16: the /24 is a range the device cannot match");

	ts_reset();
	ts_add(&tl, "10.78.0.1", "10.78.0.1", 0, 0, 65535);
	ts_add(&tr, "10.78.0.250", "10.78.1.5", 0, 0, 65535);
	ok(ts_narrow(&ch, &tl, &tr, &l, &r) == -1,
	   "ts: overlap of several addresses refused");

	ts_reset();
	ts_add(&tl, "10.78.0.1", "10.78.0.1", 0, 0, 65535);
	ts_add(&tr, "10.78.0.255", "10.78.1.5", 0, 0, 65535);
	rc = ts_narrow(&ch, &tl, &tr, &l, &r);
	ok(!rc && ts_is(&r, "10.78.0.255", 0, 0), "ts: overlap of one address at the subnet's end");

	/* 5-tuple */
	ch.local_ts = cts("10.78.0.1", 32, IPPROTO_UDP, 7000);
	ch.remote_ts = cts("10.78.0.2", 32, IPPROTO_UDP, 7001);
	ts_reset();
	ts_add(&tl, "0.0.0.0", "255.255.255.255", 0, 0, 65535);
	ts_add(&tr, "0.0.0.0", "255.255.255.255", 0, 0, 65535);
	rc = ts_narrow(&ch, &tl, &tr, &l, &r);
	ok(!rc && ts_is(&l, "10.78.0.1", IPPROTO_UDP, 7000) &&
	   ts_is(&r, "10.78.0.2", IPPROTO_UDP, 7001), "ts: 5-tuple narrowed from everything");

	ts_reset();
	ts_add(&tl, "10.78.0.1", "10.78.0.1", IPPROTO_UDP, 7000, 7000);
	ts_add(&tr, "10.78.0.2", "10.78.0.2", IPPROTO_UDP, 7001, 7001);
	rc = ts_narrow(&ch, &tl, &tr, &l, &r);
	ok(!rc && ts_is(&l, "10.78.0.1", IPPROTO_UDP, 7000) &&
	   ts_is(&r, "10.78.0.2", IPPROTO_UDP, 7001), "ts: 5-tuple offered exactly");

	ts_reset();
	ts_add(&tl, "10.78.0.1", "10.78.0.1", IPPROTO_TCP, 0, 65535);
	ts_add(&tr, "10.78.0.2", "10.78.0.2", 0, 0, 65535);
	ok(ts_narrow(&ch, &tl, &tr, &l, &r) == -1, "ts: protocol mismatch (tcp offered, udp configured)");

	ts_reset();
	ts_add(&tl, "10.78.0.1", "10.78.0.1", IPPROTO_UDP, 6000, 6999);
	ts_add(&tr, "10.78.0.2", "10.78.0.2", IPPROTO_UDP, 0, 65535);
	ok(ts_narrow(&ch, &tl, &tr, &l, &r) == -1, "ts: port range without our port refused");

	/* a protocol without ports on one side: a range of ports, not a 5-tuple */
	ch.remote_ts = cts("10.78.0.2", 32, IPPROTO_UDP, 0);
	ts_reset();
	ts_add(&tl, "10.78.0.1", "10.78.0.1", 0, 0, 65535);
	ts_add(&tr, "10.78.0.2", "10.78.0.2", 0, 0, 65535);
	ok(ts_narrow(&ch, &tl, &tr, &l, &r) == -1,
	   "ts: remote [udp] any port, peer offers any: refused (not one port)");

	ts_reset();
	ts_add(&tl, "10.78.0.1", "10.78.0.1", 0, 0, 65535);
	ts_add(&tr, "10.78.0.2", "10.78.0.2", IPPROTO_UDP, 5000, 5000);
	rc = ts_narrow(&ch, &tl, &tr, &l, &r);
	ok(!rc && ts_is(&r, "10.78.0.2", IPPROTO_UDP, 5000) &&
	   ts_is(&l, "10.78.0.1", IPPROTO_UDP, 7000), "ts: remote [udp] any port, peer names one");

	ts_reset();
	ts_add(&tl, "10.78.0.1", "10.78.0.1", 0, 0, 65535);
	ts_add(&tr, "10.78.0.2", "10.78.0.2", IPPROTO_UDP, 5000, 5010);
	ok(ts_narrow(&ch, &tl, &tr, &l, &r) == -1, "ts: remote port range 5000-5010 refused");

	/* the protocol of one side carries to the other, whose ports must be one */
	ch.local_ts = cts("10.78.0.1", 32, 0, 0);
	ch.remote_ts = cts("10.78.0.2", 32, 0, 0);
	ts_reset();
	ts_add(&tl, "10.78.0.1", "10.78.0.1", IPPROTO_TCP, 443, 443);
	ts_add(&tr, "10.78.0.2", "10.78.0.2", 0, 0, 65535);
	ok(ts_narrow(&ch, &tl, &tr, &l, &r) == -1,
	   "ts: tcp/443 on one side, any port on the other: refused");

	ts_reset();
	ts_add(&tl, "10.78.0.1", "10.78.0.1", IPPROTO_TCP, 443, 443);
	ts_add(&tr, "10.78.0.2", "10.78.0.2", 0, 50000, 50000);
	rc = ts_narrow(&ch, &tl, &tr, &l, &r);
	ok(!rc && ts_is(&l, "10.78.0.1", IPPROTO_TCP, 443) &&
	   ts_is(&r, "10.78.0.2", IPPROTO_TCP, 50000),
	   "ts: tcp/443 and one port on the other side: a tcp 5-tuple");

	ts_reset();
	ts_add(&tl, "10.78.0.1", "10.78.0.1", IPPROTO_TCP, 443, 443);
	ts_add(&tr, "10.78.0.2", "10.78.0.2", IPPROTO_UDP, 50000, 50000);
	ok(ts_narrow(&ch, &tl, &tr, &l, &r) == -1, "ts: tcp one side, udp the other: refused");

	ts_reset();
	ts_add(&tl, "10.78.0.1", "10.78.0.1", IPPROTO_ICMP, 0, 0);
	ts_add(&tr, "10.78.0.2", "10.78.0.2", IPPROTO_ICMP, 0, 0);
	ok(ts_narrow(&ch, &tl, &tr, &l, &r) == -1, "ts: ICMP (not TCP/UDP) refused");

	ts_reset();
	ts_add(&tl, "10.78.0.1", "10.78.0.1", IPPROTO_UDP, 0, 65535);
	ts_add(&tr, "10.78.0.2", "10.78.0.2", IPPROTO_UDP, 0, 65535);
	ok(ts_narrow(&ch, &tl, &tr, &l, &r) == -1, "ts: udp with all ports refused");

	ts_reset();
	ts_add(&tl, "10.78.0.1", "10.78.0.1", 0, 65535, 0);
	ts_add(&tr, "10.78.0.2", "10.78.0.2", 0, 0, 65535);
	ok(ts_narrow(&ch, &tl, &tr, &l, &r) == -1, "ts: inverted port range refused");

	ts_reset();
	ts_add(&tl, "10.78.0.9", "10.78.0.0", 0, 0, 65535);
	ts_add(&tr, "10.78.0.2", "10.78.0.2", 0, 0, 65535);
	ok(ts_narrow(&ch, &tl, &tr, &l, &r) == -1, "ts: inverted address range refused");
}

static int ts_range_is(const struct ike_ts_set *set, const char *lo, const char *hi,
		       uint8_t proto, uint16_t plo, uint16_t phi)
{
	const struct ike_ts *t = &set->ts[0];
	uint32_t a = ip(lo), b = ip(hi);

	return set->n == 1 && t->type == IKE_TS_IPV4_ADDR_RANGE && t->proto == proto &&
	       t->start_port == plo && t->end_port == phi && !memcmp(t->start, &a, 4) &&
	       !memcmp(t->end, &b, 4);
}

static void test_from_conf(void)
{
	struct ike_ts_set set;
	struct conf_child ch;
	struct conf_ts t, l, r;

	t = cts("10.78.0.1", 32, IPPROTO_UDP, 7000);
	ts_from_conf(&t, &set);
	ok(ts_range_is(&set, "10.78.0.1", "10.78.0.1", IPPROTO_UDP, 7000, 7000),
	   "from_conf: /32 udp/7000");

	t = cts("10.78.0.0", 24, 0, 0);
	ts_from_conf(&t, &set);
	ok(ts_range_is(&set, "10.78.0.0", "10.78.0.255", 0, 0, 65535), "from_conf: /24, any");

	t = cts("10.78.0.77", 24, 0, 0);
	ts_from_conf(&t, &set);
	ok(ts_range_is(&set, "10.78.0.0", "10.78.0.255", 0, 0, 65535),
	   "from_conf: host bits beyond the prefix are masked");

	t = cts("10.1.2.3", 0, 0, 0);
	ts_from_conf(&t, &set);
	ok(ts_range_is(&set, "0.0.0.0", "255.255.255.255", 0, 0, 65535), "from_conf: /0");

	t = cts("10.78.0.1", 32, IPPROTO_TCP, 0);
	ts_from_conf(&t, &set);
	ok(ts_range_is(&set, "10.78.0.1", "10.78.0.1", IPPROTO_TCP, 0, 65535),
	   "from_conf: tcp, any port");

	/* our own TS, offered back, narrow to themselves */
	memset(&ch, 0, sizeof(ch));
	ch.local_ts = cts("10.78.0.1", 32, IPPROTO_UDP, 7000);
	ch.remote_ts = cts("10.78.0.2", 32, IPPROTO_UDP, 7001);
	ts_from_conf(&ch.local_ts, &tl);
	ts_from_conf(&ch.remote_ts, &tr);
	ok(!ts_narrow(&ch, &tl, &tr, &l, &r) && !memcmp(&l, &ch.local_ts, sizeof(l)) &&
	   !memcmp(&r, &ch.remote_ts, sizeof(r)), "from_conf: round trip through ts_narrow");
}

int main(void)
{
	tap_plan(73);
	test_select_ike();
	test_select_esp();
	test_accept();
	test_narrow();
	test_from_conf();
	return tap_done();
}
