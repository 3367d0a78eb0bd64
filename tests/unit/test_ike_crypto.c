// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the IKEv2 cryptography (userspace/ike/crypto.c), against
 * sources other than the code under test:
 *  - Diffie-Hellman: RFC 7748 5.2 and 6.1 (X25519), RFC 5903 8.1 and 8.2
 *    (ECP-256, ECP-384), through the test-only ike_dh_new_from_priv();
 *    small-order X25519 points, points off the curve, bad lengths refused.
 *  - PRF: RFC 4231 test cases 1, 2 and 6 for HMAC-SHA-256/384/512.
 *  - prf+ and the SK payload: expected bytes computed at development time
 *    by Python (hmac/hashlib for prf+; the 'cryptography' package 48.0.0,
 *    whose wheel carries its own OpenSSL 4.0.0, not the system's 3.0 that
 *    crypto.c links, for AES-GCM/AES-CBC) from a layout written from
 *    RFC 7296 3.14 and RFC 5282 directly: nonce = salt | explicit IV,
 *    AAD = IKE header | SK generic header, pad length byte, final lengths.
 *    The generator is reproduced below each group of vectors.
 *  - strongSwan 5.9.8 (ike_crypto_strongswan.h): SKEYSEED and prf+'s key
 *    material from the secrets charon logged, and its IKE_AUTH messages
 *    (AES-GCM and AES-CBC + HMAC-SHA2-384-192) opened with its keys.
 *  - every ICV bit flip, every bit flip of the message, every truncation,
 *    bad padding, wrong keys: refused with the documented error.
 */
#include "ike.h"
#include <errno.h>
#include "hex.h"
#include "ike_crypto.h"
#include "ike_crypto_strongswan.h"
#include "../tap.h"

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	int n = hex_decode(hex, strlen(hex), out, cap);

	if (n < 0)
		tap_bail("bad hex in a test vector");
	return (size_t)n;
}

static int hexeq(const uint8_t *d, size_t len, const char *hex)
{
	uint8_t want[1024];
	size_t n = unhex(hex, want, sizeof(want));

	return n == len && !memcmp(d, want, len);
}

static void fill(uint8_t *p, size_t len, uint8_t first)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(first + i);
}

/* ---- Diffie-Hellman ---- */

/* Our key from @priv, the peer's value @peer: the shared secret is @want. */
static int dh_kat(uint16_t group, const char *priv, const char *peer, const char *want)
{
	uint8_t p[64], q[IKE_DH_MAX_PUB], out[IKE_DH_MAX_SHARED];
	struct ike_dh *dh;
	size_t pl = unhex(priv, p, sizeof(p)), ql = unhex(peer, q, sizeof(q)), len = 0;
	int r;

	if (ike_dh_new_from_priv(group, p, pl, &dh))
		return 0;
	r = ike_dh_shared(dh, q, ql, out, sizeof(out), &len);
	ike_dh_free(dh);
	return !r && hexeq(out, len, want);
}

/* The public value of the key from @priv is @want. */
static int dh_pub_kat(uint16_t group, const char *priv, const char *want)
{
	uint8_t p[64], out[IKE_DH_MAX_PUB];
	struct ike_dh *dh;
	size_t pl = unhex(priv, p, sizeof(p)), len = 0;
	int r;

	if (ike_dh_new_from_priv(group, p, pl, &dh))
		return 0;
	r = ike_dh_pub(dh, out, sizeof(out), &len);
	ike_dh_free(dh);
	return !r && hexeq(out, len, want);
}

/* The error ike_dh_shared() gives for the peer value @peer (@len bytes). */
static int dh_err(uint16_t group, const char *priv, const uint8_t *peer, size_t len)
{
	uint8_t p[64], out[IKE_DH_MAX_SHARED];
	struct ike_dh *dh;
	size_t pl = unhex(priv, p, sizeof(p)), n;
	int r;

	if (ike_dh_new_from_priv(group, p, pl, &dh))
		return 1;
	r = ike_dh_shared(dh, peer, len, out, sizeof(out), &n);
	ike_dh_free(dh);
	return r;
}

static int dh_err_hex(uint16_t group, const char *priv, const char *peer)
{
	uint8_t q[IKE_DH_MAX_PUB + 8];

	return dh_err(group, priv, q, unhex(peer, q, sizeof(q)));
}

/* RFC 7748 6.1 */
#define A_PRIV	"77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"
#define A_PUB	"8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
#define B_PRIV	"5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"
#define B_PUB	"de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
#define AB_K	"4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"

/* RFC 5903 8.1 */
#define P256_I	"C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433"
#define P256_GI	"DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180" \
		"5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3"
#define P256_R	"C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53"
#define P256_GR	"D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63" \
		"56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB"
#define P256_GIR "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE"

/* RFC 5903 8.2 */
#define P384_I	"099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655" \
		"E35B538041E649EE3FAEF896783AB194"
#define P384_GI	"667842D7D180AC2CDE6F74F37551F55755C7645C20EF73E31634FE72B4C55EE6" \
		"DE3AC808ACB4BDB4C88732AEE95F41AA9482ED1FC0EEB9CAFC4984625CCFC23F" \
		"65032149E0E144ADA024181535A0F38EEB9FCFF3C2C947DAE69B4C634573A81C"
#define P384_R	"41CB0779B4BDB85D47846725FBEC3C9430FAB46CC8DC5060855CC9BDA0AA2942" \
		"E0308312916B8ED2960E4BD55A7448FC"
#define P384_GR	"E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D" \
		"0D1AC43A0336DEF96FDA41D0774A3571DCFBEC7AACF3196472169E838430367F" \
		"66EEBE3C6E70C416DD5F0C68759DD1FFF83FA40142209DFF5EAAD96DB9E6386C"
#define P384_GIR "11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4" \
		"D603135569B9E9D09CF5D4A270F59746"

static void test_dh_vectors(void)
{
	ok(ike_dh_pub_len(IKE_DH_CURVE25519) == 32 && ike_dh_pub_len(IKE_DH_ECP256) == 64 &&
	   ike_dh_pub_len(IKE_DH_ECP384) == 96 && !ike_dh_pub_len(IKE_DH_MODP2048) &&
	   !ike_dh_pub_len(IKE_DH_NONE), "dh: KE data lengths 32, 64, 96; MODP unsupported");

	ok(dh_kat(IKE_DH_CURVE25519,
		  "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
		  "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
		  "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"),
	   "x25519: RFC 7748 5.2 vector 1");
	/* its u has the top bit set: RFC 7748 5 says mask it */
	ok(dh_kat(IKE_DH_CURVE25519,
		  "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
		  "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
		  "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"),
	   "x25519: RFC 7748 5.2 vector 2 (high bit of u masked)");
	ok(dh_pub_kat(IKE_DH_CURVE25519, A_PRIV, A_PUB) && dh_pub_kat(IKE_DH_CURVE25519, B_PRIV, B_PUB),
	   "x25519: RFC 7748 6.1 public values of Alice and Bob");
	ok(dh_kat(IKE_DH_CURVE25519, A_PRIV, B_PUB, AB_K) &&
	   dh_kat(IKE_DH_CURVE25519, B_PRIV, A_PUB, AB_K),
	   "x25519: RFC 7748 6.1 shared secret K, both sides");

	ok(dh_pub_kat(IKE_DH_ECP256, P256_I, P256_GI) && dh_pub_kat(IKE_DH_ECP256, P256_R, P256_GR),
	   "ecp256: RFC 5903 8.1 g^i and g^r as x | y");
	ok(dh_kat(IKE_DH_ECP256, P256_I, P256_GR, P256_GIR) &&
	   dh_kat(IKE_DH_ECP256, P256_R, P256_GI, P256_GIR),
	   "ecp256: RFC 5903 8.1 g^ir is the x coordinate, both sides");
	ok(dh_pub_kat(IKE_DH_ECP384, P384_I, P384_GI) && dh_pub_kat(IKE_DH_ECP384, P384_R, P384_GR),
	   "ecp384: RFC 5903 8.2 g^i and g^r as x | y");
	ok(dh_kat(IKE_DH_ECP384, P384_I, P384_GR, P384_GIR) &&
	   dh_kat(IKE_DH_ECP384, P384_R, P384_GI, P384_GIR),
	   "ecp384: RFC 5903 8.2 g^ir is the x coordinate, both sides");
}

static void test_dh_refusals(void)
{
	/* u = 0, 1, points of order 8 and p (= 0): the result is all zero */
	static const char *const small[] = {
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0100000000000000000000000000000000000000000000000000000000000000",
		"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
		"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	};
	uint8_t q[IKE_DH_MAX_PUB + 1];
	struct ike_dh *dh;
	unsigned int i, good = 1;
	size_t n;

	for (i = 0; i < sizeof(small) / sizeof(small[0]); i++)
		good &= dh_err_hex(IKE_DH_CURVE25519, A_PRIV, small[i]) == -EINVAL;
	ok(good, "x25519: 5 small-order peer values (all-zero result) refused, -EINVAL");

	memset(q, 9, sizeof(q));
	ok(dh_err(IKE_DH_CURVE25519, A_PRIV, q, 31) == -EINVAL &&
	   dh_err(IKE_DH_CURVE25519, A_PRIV, q, 33) == -EINVAL &&
	   dh_err(IKE_DH_ECP256, P256_I, q, 63) == -EINVAL &&
	   dh_err(IKE_DH_ECP256, P256_I, q, 65) == -EINVAL &&
	   dh_err(IKE_DH_ECP384, P384_I, q, 64) == -EINVAL &&
	   dh_err(IKE_DH_ECP384, P384_I, q, 97) == -EINVAL,
	   "dh: peer values of the wrong length refused");

	/* the RFC's g^r with the last bit of y flipped: off the curve */
	n = unhex(P256_GR, q, sizeof(q));
	q[n - 1] ^= 1;
	good = dh_err(IKE_DH_ECP256, P256_I, q, n) == -EINVAL;
	n = unhex(P384_GR, q, sizeof(q));
	q[n - 1] ^= 1;
	good &= dh_err(IKE_DH_ECP384, P384_I, q, n) == -EINVAL;
	ok(good, "ecp: g^r with a bit of y flipped (off the curve) refused");

	memset(q, 0, sizeof(q));
	good = dh_err(IKE_DH_ECP256, P256_I, q, 64) == -EINVAL &&
	       dh_err(IKE_DH_ECP384, P384_I, q, 96) == -EINVAL;
	/* x = p, y = the RFC's: a coordinate out of the field */
	unhex("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF", q, 32);
	good &= dh_err(IKE_DH_ECP256, P256_I, q, 64) == -EINVAL;
	ok(good, "ecp: (0, 0) and x = p refused");

	memset(q, 0, sizeof(q));
	ok(ike_dh_new_from_priv(IKE_DH_ECP256, q, 32, &dh) == -EINVAL &&
	   ike_dh_new_from_priv(IKE_DH_ECP256,
				(const uint8_t *)"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
				"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
				"\xff\xff\xff\xff", 32, &dh) == -EINVAL &&
	   ike_dh_new_from_priv(IKE_DH_CURVE25519, q, 31, &dh) == -EINVAL &&
	   ike_dh_new(IKE_DH_MODP2048, &dh) == -EINVAL,
	   "dh: scalar 0 and >= n refused, short x25519 key, MODP group unsupported");

	/* fresh keys: both sides of each group agree */
	good = 1;
	for (i = 0; i < 3; i++) {
		static const uint16_t groups[] = { IKE_DH_CURVE25519, IKE_DH_ECP256, IKE_DH_ECP384 };
		uint8_t pa[IKE_DH_MAX_PUB], pb[IKE_DH_MAX_PUB], sa[IKE_DH_MAX_SHARED], sb[IKE_DH_MAX_SHARED];
		size_t la = 0, lb = 0, ka = 0, kb = 0;
		struct ike_dh *a = NULL, *b = NULL;

		good &= !ike_dh_new(groups[i], &a) && !ike_dh_new(groups[i], &b) &&
			!ike_dh_pub(a, pa, sizeof(pa), &la) && !ike_dh_pub(b, pb, sizeof(pb), &lb) &&
			la == (size_t)ike_dh_pub_len(groups[i]) && lb == la &&
			!ike_dh_shared(a, pb, lb, sa, sizeof(sa), &ka) &&
			!ike_dh_shared(b, pa, la, sb, sizeof(sb), &kb) &&
			ka == kb && ka == (i ? la / 2 : 32) && !memcmp(sa, sb, ka) &&
			ike_dh_pub(a, pa, la - 1, &la) == -EINVAL;
		ike_dh_free(a);
		ike_dh_free(b);
	}
	ok(good, "dh: fresh x25519, ecp256, ecp384 pairs agree; short output buffer refused");
}

/* ---- PRF ---- */

static const struct {
	const char *key, *data;
	const char *want[3];		/* SHA-256, -384, -512 */
} rfc4231[] = {
	{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265", {	/* case 1 */
		"b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
		"afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
		"faea9ea9076ede7f4af152e8b2fa9cb6",
		"87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
		"daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" } },
	{ "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f", {	/* case 2 */
		"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
		"af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
		"8e2240ca5e69e2c78b3239ecfab21649",
		"164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
		"9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" } },
	{ NULL /* 131 bytes of 0xaa */,
	  "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a"
	  "65204b6579202d2048617368204b6579204669727374", {	/* case 6 */
		"60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
		"4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
		"0c2ef6ab4030fe8296248df163f44952",
		"80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
		"6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598" } },
};
static const int case_no[] = { 1, 2, 6 };
static const uint16_t prfs[] = { IKE_PRF_HMAC_SHA2_256, IKE_PRF_HMAC_SHA2_384, IKE_PRF_HMAC_SHA2_512 };

static void test_prf(void)
{
	uint8_t key[131], data[128], out[IKE_PRF_MAX_LEN];
	size_t kl, dl, split;
	unsigned int c, h, good;

	ok(ike_prf_len(IKE_PRF_HMAC_SHA2_256) == 32 && ike_prf_len(IKE_PRF_HMAC_SHA2_384) == 48 &&
	   ike_prf_len(IKE_PRF_HMAC_SHA2_512) == 64 && !ike_prf_len(IKE_PRF_HMAC_SHA1) &&
	   ike_prf(IKE_PRF_HMAC_SHA1, key, 1, data, 1, out) == -EINVAL,
	   "prf: lengths 32, 48, 64; HMAC-SHA1 unsupported");
	for (c = 0; c < 3; c++) {
		if (rfc4231[c].key) {
			kl = unhex(rfc4231[c].key, key, sizeof(key));
		} else {
			memset(key, 0xaa, sizeof(key));
			kl = sizeof(key);
		}
		dl = unhex(rfc4231[c].data, data, sizeof(data));
		for (h = 0; h < 3; h++) {
			memset(out, 0, sizeof(out));
			ok(!ike_prf(prfs[h], key, kl, data, dl, out) &&
			   hexeq(out, (size_t)ike_prf_len(prfs[h]), rfc4231[c].want[h]),
			   "prf: RFC 4231 case %d, HMAC-SHA-%d", case_no[c], ike_prf_len(prfs[h]) * 8);
		}
		/* prf2: the same over every split of the data */
		good = 1;
		for (split = 0; split <= dl; split++)
			for (h = 0; h < 3; h++)
				good &= !ike_prf2(prfs[h], key, kl, data, split, data + split,
						  dl - split, out) &&
					hexeq(out, (size_t)ike_prf_len(prfs[h]), rfc4231[c].want[h]);
		ok(good, "prf2: RFC 4231 case %d at every split of the data", case_no[c]);
	}
}

/*
 * prf+ (RFC 7296 2.13), K = 00 01 .. 1f, S = 80 81 .. af, made with:
 *   def prfplus(m, k, s, n):
 *       out = b""; t = b""; i = 1
 *       while len(out) < n:
 *           t = hmac.new(k, t + s + bytes([i]), m).digest(); out += t; i += 1
 *       return out[:n]
 * for (hashlib.sha256, 100), (sha384, 130), (sha512, 200).
 */
static const char *const prf_plus_want[] = {
	"31548103e055178e43dc79e298ead223ecd076d4bd3fd4eb09eb8ad5a9910144"
	"92294fc24d07d900cbaf40ebf5baa3d57ab071b7a7116c402fc79e77949b5fd2"
	"51286ebd83200d17e0a8a9486ee8d8c7190eb5fb8e68be21a9d02e408c7b1d23"
	"4bdaf59c",
	"37280b86ae6f0c527f05e8af9bf5d05b44e99ce7250bcc94f98e6007f92df387"
	"6b2369480e47e0fdfd3b878b92bf9b034cbadb543bff0696df69b916a72f9f8a"
	"4a3c38e9c1a16b4ceeaadb6a566a9f55a17769c578bd16c37d44f29b19cf4310"
	"18ef89d07076c83e7835d622504d7e85b7cedea78c46da046b50d42729e100ff"
	"72aa",
	"a83aaee5dea2d2bfeaf11869db07996030fbffde9a9ab8208ae73f16af1ae369"
	"66c4ab7a41f85077c2a0731ff356f149618d858bf216a578f1830ac850b4992f"
	"a625540d83273a97aa99abd17b8da95901e3f4e6914f4c67ee1d7318706495bb"
	"6dccf31fcf533d5e13d5e76645a6b1008fecfb06aa4cd69d4ff6e6636370c0ee"
	"ed2e3bf8066824b88b13f855192753bd680fe026119777303ec18a149b9d47ca"
	"05eac674edac7849451406d994ea11d43a0dd7ce1e051a4784e5afcad21cc683"
	"d10da2fd6861961f",
};
static const size_t prf_plus_len[] = { 100, 130, 200 };

static void test_prf_plus(void)
{
	static uint8_t big[255 * 64 + 1];
	uint8_t k[32], s[48], out[200], part[200];
	unsigned int h, good = 1;
	size_t n;

	fill(k, sizeof(k), 0);
	fill(s, sizeof(s), 0x80);
	for (h = 0; h < 3; h++)
		ok(!ike_prf_plus(prfs[h], k, sizeof(k), s, sizeof(s), out, prf_plus_len[h]) &&
		   hexeq(out, prf_plus_len[h], prf_plus_want[h]),
		   "prf+: HMAC-SHA-%d, %zu bytes (Python hmac)", ike_prf_len(prfs[h]) * 8,
		   prf_plus_len[h]);
	/* a shorter output is a prefix of the longer one */
	for (n = 0; n <= 200; n++)
		good &= !ike_prf_plus(IKE_PRF_HMAC_SHA2_512, k, sizeof(k), s, sizeof(s), part, n) &&
			!memcmp(part, out, n);
	ok(good, "prf+: every length 0..200 is a prefix of the 200-byte output");
	ok(!ike_prf_plus(IKE_PRF_HMAC_SHA2_256, k, sizeof(k), s, sizeof(s), big, 255 * 32) &&
	   ike_prf_plus(IKE_PRF_HMAC_SHA2_256, k, sizeof(k), s, sizeof(s), big, 255 * 32 + 1) == -EINVAL &&
	   !ike_prf_plus(IKE_PRF_HMAC_SHA2_512, k, sizeof(k), s, sizeof(s), big, 255 * 64) &&
	   ike_prf_plus(IKE_PRF_HMAC_SHA2_512, k, sizeof(k), s, sizeof(s), big, 255 * 64 + 1) == -EINVAL,
	   "prf+: 255 blocks allowed, one byte more refused (one-byte counter)");
}

/* ---- suites ---- */

static struct ike_suite suite(uint16_t encr, uint16_t bits, uint16_t integ)
{
	return (struct ike_suite){ .encr = encr, .encr_bits = bits, .integ = integ,
				   .prf = IKE_PRF_HMAC_SHA2_256 };
}

static int lens(struct ike_suite s, int ek, int ak, int iv, int icv)
{
	return ike_encr_key_len(&s) == ek && ike_integ_key_len(&s) == ak &&
	       ike_sk_iv_len(&s) == iv && ike_sk_icv_len(&s) == icv;
}

static void test_suites(void)
{
	ok(lens(suite(IKE_ENCR_AES_GCM_16, 128, 0), 20, 0, 8, 16) &&
	   lens(suite(IKE_ENCR_AES_GCM_16, 192, 0), 28, 0, 8, 16) &&
	   lens(suite(IKE_ENCR_AES_GCM_16, 256, 0), 36, 0, 8, 16),
	   "suite: AES-GCM-16 keys 16/24/32 + 4 salt, no integrity key, IV 8, ICV 16");
	ok(lens(suite(IKE_ENCR_AES_CBC, 128, IKE_AUTH_HMAC_SHA2_256_128), 16, 32, 16, 16) &&
	   lens(suite(IKE_ENCR_AES_CBC, 192, IKE_AUTH_HMAC_SHA2_384_192), 24, 48, 16, 24) &&
	   lens(suite(IKE_ENCR_AES_CBC, 256, IKE_AUTH_HMAC_SHA2_512_256), 32, 64, 16, 32),
	   "suite: AES-CBC + HMAC-SHA2-256-128/384-192/512-256 (RFC 4868)");
	ok(lens(suite(IKE_ENCR_AES_GCM_16, 256, IKE_AUTH_HMAC_SHA2_256_128), -EINVAL, -EINVAL, -EINVAL, -EINVAL) &&
	   lens(suite(IKE_ENCR_AES_CBC, 256, IKE_AUTH_NONE), -EINVAL, -EINVAL, -EINVAL, -EINVAL) &&
	   lens(suite(IKE_ENCR_AES_CBC, 256, IKE_AUTH_HMAC_SHA1_96), -EINVAL, -EINVAL, -EINVAL, -EINVAL) &&
	   lens(suite(IKE_ENCR_AES_GCM_16, 100, 0), -EINVAL, -EINVAL, -EINVAL, -EINVAL) &&
	   lens(suite(IKE_ENCR_AES_GCM_8, 256, 0), -EINVAL, -EINVAL, -EINVAL, -EINVAL) &&
	   lens(suite(IKE_ENCR_AES_CTR, 128, IKE_AUTH_HMAC_SHA2_256_128), -EINVAL, -EINVAL, -EINVAL, -EINVAL),
	   "suite: GCM with integrity, CBC without or with SHA1, odd key size, GCM-8, CTR refused");
}

/* ---- SK ---- */

/*
 * Vectors made with Python ('cryptography' 48.0.0) from this layout:
 *   hdr = SPIi 00..07 | SPIr 08..0f | next 46 | 0x20 | IKE_AUTH | I | MID 1 | total
 *         | SK: next 35 (IDi) | 0 | SK length                (= the AAD for GCM)
 *   PT  = 40 41 .. 64 (37 bytes)
 * GCM:  body = PT | 00; nonce = ek[-4:] | IV (8 bytes BE counter);
 *       msg = hdr | IV | AESGCM(ek[:-4]).encrypt(nonce, body, hdr)
 * CBC:  body = PT | pad bytes 0xee | pad length (to 16); msg = hdr | IV |
 *       AES-CBC(ek, IV, body); msg |= HMAC(ak, msg)[:icv]
 */
#define SK_OFF	IKE_HDR_LEN
#define PT_LEN	37

/* AES-256-GCM, ek = a0 .. c3, counter 1 */
static const char gcm256_msg[] =
	"000102030405060708090a0b0c0d0e0f2e202308000000010000005e23000042"
	"00000000000000016385681797c202568c8dd1db6d9788976e2b97ce3d289788"
	"9df550d2b1a118af1be3ef4851605e2d8912f4d955893d2bc98bf73c1788";
/* AES-128-GCM, ek = 10 .. 23, counter 0x0102030405060708 */
static const char gcm128_msg[] =
	"000102030405060708090a0b0c0d0e0f2e202308000000010000005e23000042"
	"01020304050607083fb9f9af3d62888c3c57785d0a025af29ed68432243ad1e5"
	"21d07d6c217495da8dddf661b3bde4a8c7c2b5ac067672bc0e2202665c22";
/* AES-128-CBC, ek = 30 .. 3f, HMAC-SHA2-256-128, ak = 60 .. 7f, IV f0 .. ff */
static const char cbc128_msg[] =
	"000102030405060708090a0b0c0d0e0f2e202308000000010000007023000054"
	"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff0d10c899ab5dc46a0b0ba7903506bbb2"
	"e58e3d902cb860dad718c796a6ed963c652f67faa29651ee0b81200845b9de57"
	"3647f5d7f3224660a70c0da533e37d83";
/* AES-256-CBC, ek = 30 .. 4f, HMAC-SHA2-512-256, ak = 80 .. bf, IV e0 .. ef, PT[:15] */
static const char cbc256_msg[] =
	"000102030405060708090a0b0c0d0e0f2e202308000000010000006023000044"
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeefbad59b0295f9673e9999bb9563f28776"
	"07c17c29191d22d5143afcda78e8adadd89c0569391e5c7f2a99532041427fd4";
/* Same layout and keys as gcm256, counter 2: body "ABC" | 04 (pad length > 3) */
static const char gcm_badpad_msg[] =
	"000102030405060708090a0b0c0d0e0f2e202308000000010000003c23000020"
	"0000000000000002a92d5beb2906d37d7d9703cea61e0ba7f9b4487d";
/* counter 3: body "ABC" | 03, all padding: an empty plaintext */
static const char gcm_fullpad_msg[] =
	"000102030405060708090a0b0c0d0e0f2e202308000000010000003c23000020"
	"00000000000000038cc8a9e082be0c633711c66150ed3ca6ea661552";
/* As cbc128: body ee x 15 | 10 (pad length 16 > 15), then | 0f (all padding) */
static const char cbc_badpad_msg[] =
	"000102030405060708090a0b0c0d0e0f2e202308000000010000005023000034"
	"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff3c8ad05e1c2bcc3eb056688f743f4d54"
	"d5f1471eaa25d7386303cc69cf3fb92a";
static const char cbc_fullpad_msg[] =
	"000102030405060708090a0b0c0d0e0f2e202308000000010000005023000034"
	"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff5668d6340125a028e2b31119c22b4de9"
	"7d216b205618655b647a0fb501f84c8d";

/* The IKE header and SK's generic header of the vectors, lengths zero. */
static size_t vec_hdr(uint8_t *m)
{
	return unhex("000102030405060708090a0b0c0d0e0f2e20230800000001000000002300"
		     "0000", m, SK_OFF + IKE_GEN_HDR_LEN);
}

static struct ike_sk_keys keys(uint8_t ek, size_t ek_len, uint8_t ak, size_t ak_len)
{
	struct ike_sk_keys k;

	memset(&k, 0, sizeof(k));
	fill(k.ek, ek_len, ek);
	fill(k.ak, ak_len, ak);
	return k;
}

/* Seal PT with the vectors' header; 0 or the error. */
static int seal_vec(const struct ike_suite *s, const struct ike_sk_keys *k, uint64_t ctr,
		    uint8_t *m, size_t cap, size_t pt_len, size_t *len)
{
	int iv = ike_sk_iv_len(s);

	vec_hdr(m);
	fill(m + SK_OFF + IKE_GEN_HDR_LEN + iv, pt_len, 0x40);
	return ike_sk_seal(s, k, ctr, m, cap, SK_OFF, pt_len, len);
}

/* ike_sk_open() of a copy of @m[0 .. @len); the plaintext is PT[:@pt_len]. */
static int open_is(const struct ike_suite *s, const struct ike_sk_keys *k,
		   const uint8_t *m, size_t len, size_t want_len)
{
	uint8_t c[512], want[64];
	const uint8_t *pt = NULL;
	size_t pt_len = 0;

	memcpy(c, m, len);
	if (ike_sk_open(s, k, c, len, SK_OFF, &pt, &pt_len))
		return 0;
	fill(want, sizeof(want), 0x40);
	return pt_len == want_len && pt >= c && pt + pt_len <= c + len &&
	       !memcmp(pt, want, pt_len);
}

static int open_err(const struct ike_suite *s, const struct ike_sk_keys *k,
		    const uint8_t *m, size_t len)
{
	uint8_t c[512];
	const uint8_t *pt;
	size_t pt_len;

	memcpy(c, m, len);
	return ike_sk_open(s, k, c, len, SK_OFF, &pt, &pt_len);
}

static void test_sk_vectors(void)
{
	struct ike_suite g256 = suite(IKE_ENCR_AES_GCM_16, 256, 0);
	struct ike_suite g128 = suite(IKE_ENCR_AES_GCM_16, 128, 0);
	struct ike_suite c128 = suite(IKE_ENCR_AES_CBC, 128, IKE_AUTH_HMAC_SHA2_256_128);
	struct ike_suite c256 = suite(IKE_ENCR_AES_CBC, 256, IKE_AUTH_HMAC_SHA2_512_256);
	struct ike_sk_keys kg256 = keys(0xa0, 36, 0, 0), kg128 = keys(0x10, 20, 0, 0);
	struct ike_sk_keys kc128 = keys(0x30, 16, 0x60, 32), kc256 = keys(0x30, 32, 0x80, 64);
	uint8_t m[512], v[512];
	size_t len = 0, vl;

	ok(!seal_vec(&g256, &kg256, 1, m, sizeof(m), PT_LEN, &len) &&
	   hexeq(m, len, gcm256_msg),
	   "sk seal: AES-256-GCM-16 message = Python's (IV, AAD, pad length, both lengths, ICV)");
	ok(!seal_vec(&g128, &kg128, 0x0102030405060708ull, m, sizeof(m), PT_LEN, &len) &&
	   hexeq(m, len, gcm128_msg),
	   "sk seal: AES-128-GCM-16, explicit IV = counter big-endian = Python's");

	vl = unhex(gcm256_msg, v, sizeof(v));
	ok(open_is(&g256, &kg256, v, vl, PT_LEN), "sk open: Python's AES-256-GCM-16 message");
	vl = unhex(gcm128_msg, v, sizeof(v));
	ok(open_is(&g128, &kg128, v, vl, PT_LEN), "sk open: Python's AES-128-GCM-16 message");
	vl = unhex(cbc128_msg, v, sizeof(v));
	ok(open_is(&c128, &kc128, v, vl, PT_LEN),
	   "sk open: Python's AES-128-CBC + HMAC-SHA2-256-128 message (10 pad bytes 0xee)");
	vl = unhex(cbc256_msg, v, sizeof(v));
	ok(open_is(&c256, &kc256, v, vl, 15),
	   "sk open: Python's AES-256-CBC + HMAC-SHA2-512-256 message (no pad bytes)");

	vl = unhex(gcm_badpad_msg, v, sizeof(v));
	ok(open_err(&g256, &kg256, v, vl) == -EBADMSG, "sk open: GCM pad length > plaintext: -EBADMSG");
	vl = unhex(gcm_fullpad_msg, v, sizeof(v));
	ok(open_is(&g256, &kg256, v, vl, 0), "sk open: GCM pad length = all before it: empty plaintext");
	vl = unhex(cbc_badpad_msg, v, sizeof(v));
	ok(open_err(&c128, &kc128, v, vl) == -EBADMSG, "sk open: CBC pad length 16 of 16: -EBADMSG");
	vl = unhex(cbc_fullpad_msg, v, sizeof(v));
	ok(open_is(&c128, &kc128, v, vl, 0), "sk open: CBC pad length 15 of 16: empty plaintext");

	vl = unhex(gcm256_msg, v, sizeof(v));
	ok(open_err(&g256, &kg128, v, vl) == -EBADMSG && open_err(&g256, &kc256, v, vl) == -EBADMSG,
	   "sk open: GCM with another key: -EBADMSG");
	vl = unhex(cbc128_msg, v, sizeof(v));
	kc128.ak[0] ^= 1;
	ok(open_err(&c128, &kc128, v, vl) == -EBADMSG, "sk open: CBC with another integrity key: -EBADMSG");
}

/* Every single bit flip of @v, and of its ICV in particular, is refused. */
static void flips(const char *name, const struct ike_suite *s, const struct ike_sk_keys *k,
		  const char *hex)
{
	uint8_t v[512];
	size_t vl = unhex(hex, v, sizeof(v)), icv = (size_t)ike_sk_icv_len(s), i;
	unsigned int good = 1, bad_icv = 0, bad_any = 0;

	for (i = (vl - icv) * 8; i < vl * 8; i++) {
		v[i / 8] ^= 1 << (i % 8);
		bad_icv += open_err(s, k, v, vl) != -EBADMSG;
		v[i / 8] ^= 1 << (i % 8);
	}
	ok(!bad_icv, "%s: each of the %zu ICV bit flips: -EBADMSG", name, icv * 8);
	/* and everything it covers: header (AAD / MAC input), IV, ciphertext */
	for (i = 0; i < (vl - icv) * 8; i++) {
		v[i / 8] ^= 1 << (i % 8);
		bad_any += open_err(s, k, v, vl) != -EBADMSG;
		v[i / 8] ^= 1 << (i % 8);
	}
	good = !bad_any && open_err(s, k, v, vl) == 0;
	ok(good, "%s: each of the %zu other bit flips (header, IV, ciphertext): -EBADMSG",
	   name, (vl - icv) * 8);
}

/*
 * Every truncation: too short for IV + pad length + ICV (or not whole
 * blocks, CBC) is -EINVAL, the rest fails authentication.
 */
static void truncations(const char *name, const struct ike_suite *s,
			const struct ike_sk_keys *k, const char *hex)
{
	uint8_t v[512];
	size_t vl = unhex(hex, v, sizeof(v)), n, min, ct;
	size_t iv = (size_t)ike_sk_iv_len(s), icv = (size_t)ike_sk_icv_len(s);
	unsigned int bad = 0;
	int want, gcm = s->encr == IKE_ENCR_AES_GCM_16;

	min = SK_OFF + IKE_GEN_HDR_LEN + iv + 1 + icv;
	for (n = 0; n < vl; n++) {
		ct = n >= min ? n - (SK_OFF + IKE_GEN_HDR_LEN + iv + icv) : 0;
		if (n < min || (!gcm && ct % 16))
			want = -EINVAL;
		else
			want = -EBADMSG;
		bad += open_err(s, k, v, n) != want;
	}
	ok(!bad, "%s: every truncation (0..%zu bytes): -EINVAL when too short or partial "
	   "blocks, else -EBADMSG", name, vl - 1);
}

static void test_sk_tamper(void)
{
	struct ike_suite g256 = suite(IKE_ENCR_AES_GCM_16, 256, 0);
	struct ike_suite c128 = suite(IKE_ENCR_AES_CBC, 128, IKE_AUTH_HMAC_SHA2_256_128);
	struct ike_suite c256 = suite(IKE_ENCR_AES_CBC, 256, IKE_AUTH_HMAC_SHA2_512_256);
	struct ike_sk_keys kg256 = keys(0xa0, 36, 0, 0);
	struct ike_sk_keys kc128 = keys(0x30, 16, 0x60, 32), kc256 = keys(0x30, 32, 0x80, 64);

	flips("gcm256", &g256, &kg256, gcm256_msg);
	flips("cbc128-sha256", &c128, &kc128, cbc128_msg);
	flips("cbc256-sha512", &c256, &kc256, cbc256_msg);
	truncations("gcm256", &g256, &kg256, gcm256_msg);
	truncations("cbc128-sha256", &c128, &kc128, cbc128_msg);
}

/* Seal and open every plaintext length 0..48 (every pad length) in @s. */
static int round_trips(const struct ike_suite *s)
{
	struct ike_sk_keys k;
	uint8_t m[256];
	size_t len, pt_len, ct_len, iv = (size_t)ike_sk_iv_len(s), icv = (size_t)ike_sk_icv_len(s);
	uint16_t sk_len;
	uint32_t total;
	int gcm = s->encr == IKE_ENCR_AES_GCM_16;

	memset(&k, 0, sizeof(k));
	if (ike_random(k.ek, sizeof(k.ek)) || ike_random(k.ak, sizeof(k.ak)))
		return 0;
	for (pt_len = 0; pt_len <= 48; pt_len++) {
		if (seal_vec(s, &k, pt_len, m, sizeof(m), pt_len, &len))
			return 0;
		ct_len = len - SK_OFF - IKE_GEN_HDR_LEN - iv - icv;
		memcpy(&sk_len, m + SK_OFF + 2, 2);
		memcpy(&total, m + 24, 4);
		if (be16toh(sk_len) != len - SK_OFF || be32toh(total) != len ||
		    ct_len != (gcm ? pt_len + 1 : (pt_len / 16 + 1) * 16) ||
		    !open_is(s, &k, m, len, pt_len))
			return 0;
	}
	return 1;
}

static void test_sk_seal(void)
{
	static const struct { uint16_t encr, bits, integ; } all[] = {
		{ IKE_ENCR_AES_GCM_16, 128, 0 },
		{ IKE_ENCR_AES_GCM_16, 192, 0 },
		{ IKE_ENCR_AES_GCM_16, 256, 0 },
		{ IKE_ENCR_AES_CBC, 128, IKE_AUTH_HMAC_SHA2_256_128 },
		{ IKE_ENCR_AES_CBC, 192, IKE_AUTH_HMAC_SHA2_384_192 },
		{ IKE_ENCR_AES_CBC, 256, IKE_AUTH_HMAC_SHA2_512_256 },
	};
	struct ike_suite g256 = suite(IKE_ENCR_AES_GCM_16, 256, 0);
	struct ike_suite c128 = suite(IKE_ENCR_AES_CBC, 128, IKE_AUTH_HMAC_SHA2_256_128);
	struct ike_sk_keys kg256 = keys(0xa0, 36, 0, 0), kc128 = keys(0x30, 16, 0x60, 32);
	uint8_t m[512], m2[512];
	const uint8_t *pt;
	size_t len = 0, len2 = 0, need;
	unsigned int i, good = 1;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		struct ike_suite s = suite(all[i].encr, all[i].bits, all[i].integ);

		good &= round_trips(&s);
	}
	ok(good, "sk: seal/open of plaintexts 0..48 bytes in all 6 suites; lengths set, "
	   "CBC padded to blocks, GCM pad length 0");

	/* CBC's IV is fresh: the same plaintext twice gives two messages */
	ok(!seal_vec(&c128, &kc128, 0, m, sizeof(m), PT_LEN, &len) &&
	   !seal_vec(&c128, &kc128, 0, m2, sizeof(m2), PT_LEN, &len2) && len == len2 &&
	   memcmp(m + SK_OFF + 4, m2 + SK_OFF + 4, 16),
	   "sk seal: CBC IVs are random");

	need = SK_OFF + IKE_GEN_HDR_LEN + 8 + PT_LEN + 1 + 16;
	ok(seal_vec(&g256, &kg256, 1, m, need - 1, PT_LEN, &len) == -EINVAL &&
	   !seal_vec(&g256, &kg256, 1, m, need, PT_LEN, &len) && len == need &&
	   hexeq(m, len, gcm256_msg),
	   "sk seal: a buffer one byte short refused, the exact size suffices");
	vec_hdr(m);
	ok(ike_sk_seal(&g256, &kg256, 1, m, sizeof(m), SK_OFF - 1, 4, &len) == -EINVAL &&
	   ike_sk_open(&g256, &kg256, m, sizeof(m), SK_OFF - 1, &pt, &len) == -EINVAL &&
	   ike_sk_seal(&g256, &kg256, 1, m, sizeof(m), SK_OFF, IKE_MAX_MSG_LEN, &len) == -EINVAL,
	   "sk: SK inside the IKE header, or a message beyond 65535 bytes, refused");
}

/* ---- strongSwan's keys and messages ---- */

struct capture {
	const char *name;
	struct ike_suite s;
	const char *ni, *nr, *spis, *gir, *skeyseed, *keymat;
	const char *ei, *er, *ai, *ar;
	const char *req, *resp;
};

/* Open @hex with @ek/@ak: the plaintext must parse as a chain of @first. */
static int open_capture(const struct capture *c, const char *hex, const char *ek,
			const char *ak, uint8_t first)
{
	static uint8_t m[1024];
	static struct ike_msg chain;
	struct ike_sk_keys k;
	const uint8_t *pt;
	size_t len = unhex(hex, m, sizeof(m)), pt_len;
	int good;

	memset(&k, 0, sizeof(k));
	if (unhex(ek, k.ek, sizeof(k.ek)) != (size_t)ike_encr_key_len(&c->s) ||
	    (ak && unhex(ak, k.ak, sizeof(k.ak)) != (size_t)ike_integ_key_len(&c->s)))
		return 0;
	/* the message is SK only: it follows the header */
	good = m[16] == IKE_PLD_SK && m[SK_OFF] == first &&
	     !ike_sk_open(&c->s, &k, m, len, SK_OFF, &pt, &pt_len) &&
	     ike_pld_chain(first, pt, pt_len, &chain) == IKE_OK &&
	     chain.n_pld >= 3 && chain.pld[0].type == first;
	memset(&k, 0, sizeof(k));
	return good;
}

static void test_strongswan(void)
{
	static const struct capture caps[] = {
		{ "aes256gcm16-prfsha256-x25519", { IKE_ENCR_AES_GCM_16, 256, IKE_AUTH_NONE,
		  IKE_PRF_HMAC_SHA2_256, IKE_DH_CURVE25519 },
		  ss_gcm_ni, ss_gcm_nr, ss_gcm_spis, ss_gcm_gir, ss_gcm_skeyseed, ss_gcm_keymat,
		  ss_gcm_sk_ei, ss_gcm_sk_er, NULL, NULL, ss_gcm_auth_req, ss_gcm_auth_resp },
		{ "aes256-sha384-prfsha384-ecp384", { IKE_ENCR_AES_CBC, 256,
		  IKE_AUTH_HMAC_SHA2_384_192, IKE_PRF_HMAC_SHA2_384, IKE_DH_ECP384 },
		  ss_cbc_ni, ss_cbc_nr, ss_cbc_spis, ss_cbc_gir, ss_cbc_skeyseed, ss_cbc_keymat,
		  ss_cbc_sk_ei, ss_cbc_sk_er, ss_cbc_sk_ai, ss_cbc_sk_ar, ss_cbc_auth_req,
		  ss_cbc_auth_resp },
	};
	uint8_t nonces[128], seed[160], gir[64], skeyseed[64], km[512], want[512];
	size_t nl, sl, gl, kl, i;
	const struct capture *c;

	for (i = 0; i < 2; i++) {
		c = &caps[i];
		nl = unhex(c->ni, nonces, sizeof(nonces));
		nl += unhex(c->nr, nonces + nl, sizeof(nonces) - nl);
		memcpy(seed, nonces, nl);
		sl = nl + unhex(c->spis, seed + nl, sizeof(seed) - nl);
		gl = unhex(c->gir, gir, sizeof(gir));
		/* RFC 7296 2.14: SKEYSEED = prf(Ni | Nr, g^ir) */
		ok(!ike_prf(c->s.prf, nonces, nl, gir, gl, skeyseed) &&
		   hexeq(skeyseed, (size_t)ike_prf_len(c->s.prf), c->skeyseed),
		   "strongswan %s: SKEYSEED = prf(Ni | Nr, g^ir) as charon logged it", c->name);
		/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) */
		kl = unhex(c->keymat, want, sizeof(want));
		ok(!ike_prf_plus(c->s.prf, skeyseed, (size_t)ike_prf_len(c->s.prf), seed, sl, km, kl) &&
		   !memcmp(km, want, kl),
		   "strongswan %s: prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) = charon's SK_d .. SK_pr (%zu bytes)",
		   c->name, kl);
		ok(open_capture(c, c->req, c->ei, c->ai, IKE_PLD_IDI),
		   "strongswan %s: charon's IKE_AUTH request opens with SK_ei%s, IDi first inside",
		   c->name, c->ai ? "/SK_ai" : "");
		ok(open_capture(c, c->resp, c->er, c->ar, IKE_PLD_IDR),
		   "strongswan %s: charon's IKE_AUTH response opens with SK_er%s, IDr first inside",
		   c->name, c->ar ? "/SK_ar" : "");
	}
}

int main(void)
{
	tap_plan(68);
	test_dh_vectors();
	test_dh_refusals();
	test_prf();
	test_prf_plus();
	test_suites();
	test_sk_vectors();
	test_sk_tamper();
	test_sk_seal();
	test_strongswan();
	return tap_done();
}
