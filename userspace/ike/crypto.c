// SPDX-License-Identifier: GPL-2.0
/*
 * The cryptography of IKEv2 over OpenSSL 3's EVP interfaces: ephemeral
 * Diffie-Hellman (X25519, P-256, P-384), the HMAC-SHA2 PRFs and prf+, and
 * the SK payload (AES-GCM-16 per RFC 5282, AES-CBC + HMAC-SHA2 per RFC 7296
 * 3.14 and RFC 4868). Each call makes and frees its own OpenSSL contexts, so
 * no expanded key outlives the call (the _free functions cleanse them);
 * every local buffer that held a secret is wiped before returning.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include "ike.h"
#include "ike_crypto.h"

#define GCM_SALT_LEN	4	/* RFC 5282 7.1 */
#define GCM_IV_LEN	8	/* RFC 5282 3.1: the explicit part of the nonce */
#define GCM_ICV_LEN	16
#define AES_BLOCK	16

static void put16(uint8_t *p, uint16_t v)
{
	v = htobe16(v);
	memcpy(p, &v, sizeof(v));
}

static void put32(uint8_t *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, sizeof(v));
}

/* ---- Diffie-Hellman ---- */

struct ike_dh {
	uint16_t group;
	EVP_PKEY *pkey;
};

/* OpenSSL's name of an ECP group and its coordinate size; NULL if not ECP. */
static const char *ec_name(uint16_t group, size_t *coord, int *nid)
{
	switch (group) {
	case IKE_DH_ECP256:
		*coord = 32;
		*nid = NID_X9_62_prime256v1;
		return SN_X9_62_prime256v1;
	case IKE_DH_ECP384:
		*coord = 48;
		*nid = NID_secp384r1;
		return SN_secp384r1;
	}
	return NULL;
}

int ike_dh_pub_len(uint16_t group)
{
	switch (group) {
	case IKE_DH_CURVE25519:
		return 32;
	case IKE_DH_ECP256:
		return 64;
	case IKE_DH_ECP384:
		return 96;
	}
	return 0;
}

static int dh_wrap(uint16_t group, EVP_PKEY *pkey, struct ike_dh **dh)
{
	struct ike_dh *d = calloc(1, sizeof(*d));

	if (!d) {
		EVP_PKEY_free(pkey);
		return -ENOMEM;
	}
	d->group = group;
	d->pkey = pkey;
	*dh = d;
	return 0;
}

int ike_dh_new(uint16_t group, struct ike_dh **dh)
{
	const char *name;
	EVP_PKEY *pkey;
	size_t coord;
	int nid;

	*dh = NULL;
	name = ec_name(group, &coord, &nid);
	if (group == IKE_DH_CURVE25519)
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	else if (name)
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", name);
	else
		return -EINVAL;
	if (!pkey)
		return -EIO;
	return dh_wrap(group, pkey, dh);
}

/*
 * An ECP key pair from a big-endian private scalar: OpenSSL 3.0 does not
 * derive the public point on import, so compute it here.
 */
static int ec_from_priv(uint16_t group, const uint8_t *priv, size_t len, EVP_PKEY **out)
{
	uint8_t pub[1 + IKE_DH_MAX_PUB];
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EC_GROUP *grp = NULL;
	EC_POINT *pt = NULL;
	BIGNUM *d = NULL;
	const char *name;
	size_t coord;
	int nid, ret = -EIO;

	name = ec_name(group, &coord, &nid);
	if (!name || len != coord)
		return -EINVAL;
	grp = EC_GROUP_new_by_curve_name(nid);
	d = BN_secure_new();
	if (!grp || !d || !BN_bin2bn(priv, (int)len, d))
		goto out;
	if (BN_is_zero(d) || BN_cmp(d, EC_GROUP_get0_order(grp)) >= 0) {
		ret = -EINVAL;
		goto out;
	}
	pt = EC_POINT_new(grp);
	if (!pt || !EC_POINT_mul(grp, pt, d, NULL, NULL, NULL) ||
	    EC_POINT_point2oct(grp, pt, POINT_CONVERSION_UNCOMPRESSED, pub, sizeof(pub),
			       NULL) != 1 + 2 * coord)
		goto out;
	bld = OSSL_PARAM_BLD_new();
	if (!bld ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, name, 0) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, 1 + 2 * coord))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, out, EVP_PKEY_KEYPAIR, params) != 1)
		goto out;
	ret = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);	/* d is secure: its copy here is cleared too */
	OSSL_PARAM_BLD_free(bld);
	EC_POINT_free(pt);
	EC_GROUP_free(grp);
	BN_clear_free(d);
	return ret;
}

/*
 * For tests only (known-answer vectors): a key pair from a fixed private
 * value. Never use it for a real exchange: the private value must be fresh.
 */
int ike_dh_new_from_priv(uint16_t group, const uint8_t *priv, size_t len, struct ike_dh **dh)
{
	EVP_PKEY *pkey = NULL;
	int ret;

	*dh = NULL;
	if (group == IKE_DH_CURVE25519) {
		if (len != 32)
			return -EINVAL;
		pkey = EVP_PKEY_new_raw_private_key_ex(NULL, "X25519", NULL, priv, len);
		if (!pkey)
			return -EIO;
	} else {
		ret = ec_from_priv(group, priv, len, &pkey);
		if (ret)
			return ret;
	}
	return dh_wrap(group, pkey, dh);
}

void ike_dh_free(struct ike_dh *dh)
{
	if (!dh)
		return;
	EVP_PKEY_free(dh->pkey);
	free(dh);
}

int ike_dh_pub(const struct ike_dh *dh, uint8_t *out, size_t cap, size_t *len)
{
	uint8_t pt[1 + IKE_DH_MAX_PUB];
	size_t want = (size_t)ike_dh_pub_len(dh->group), n;

	if (!want || cap < want)
		return -EINVAL;
	if (dh->group == IKE_DH_CURVE25519) {
		n = cap;
		if (EVP_PKEY_get_raw_public_key(dh->pkey, out, &n) != 1 || n != want)
			return -EIO;
		*len = n;
		return 0;
	}
	/* RFC 5903 7: x | y, without SEC1's 0x04 "uncompressed" prefix */
	if (EVP_PKEY_get_octet_string_param(dh->pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
					    pt, sizeof(pt), &n) != 1 ||
	    n != 1 + want || pt[0] != POINT_CONVERSION_UNCOMPRESSED)
		return -EIO;
	memcpy(out, pt + 1, want);
	*len = want;
	return 0;
}

/*
 * The peer's public value as an EVP_PKEY. For ECP the fromdata import
 * decodes the point (EC_POINT_oct2point refuses one off the curve);
 * EVP_PKEY_derive_set_peer_ex() then runs the full public key check.
 */
static int peer_key(uint16_t group, const uint8_t *peer, size_t len, EVP_PKEY **out)
{
	uint8_t pt[1 + IKE_DH_MAX_PUB];
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *ctx;
	size_t coord;
	int nid, ret = -EINVAL;
	const char *name;

	*out = NULL;
	if (group == IKE_DH_CURVE25519) {
		*out = EVP_PKEY_new_raw_public_key_ex(NULL, "X25519", NULL, peer, len);
		return *out ? 0 : -EIO;
	}
	name = ec_name(group, &coord, &nid);
	pt[0] = POINT_CONVERSION_UNCOMPRESSED;
	memcpy(pt + 1, peer, len);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						     (char *)name, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pt, 1 + len);
	params[2] = OSSL_PARAM_construct_end();
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!ctx)
		return -ENOMEM;
	if (EVP_PKEY_fromdata_init(ctx) == 1 &&
	    EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, params) == 1)
		ret = 0;
	EVP_PKEY_CTX_free(ctx);
	return ret;
}

/* Constant time: the shared secret must not leak through its zero bytes. */
static int all_zero(const uint8_t *p, size_t len)
{
	uint8_t acc = 0;
	size_t i;

	for (i = 0; i < len; i++)
		acc |= p[i];
	return acc == 0;
}

int ike_dh_shared(struct ike_dh *dh, const uint8_t *peer, size_t peer_len,
		  uint8_t *out, size_t cap, size_t *len)
{
	uint8_t sec[IKE_DH_MAX_SHARED];
	size_t want, n = sizeof(sec);
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	int ret;

	want = dh->group == IKE_DH_CURVE25519 ? 32 : (size_t)ike_dh_pub_len(dh->group) / 2;
	if (!want || peer_len != (size_t)ike_dh_pub_len(dh->group) || cap < want)
		return -EINVAL;
	ret = peer_key(dh->group, peer, peer_len, &pkey);
	if (ret)
		return ret;
	ret = -EIO;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->pkey, NULL);
	if (!ctx || EVP_PKEY_derive_init(ctx) != 1)
		goto out;
	/* validate: the full public key check of the peer's value */
	if (EVP_PKEY_derive_set_peer_ex(ctx, pkey, 1) != 1) {
		ret = -EINVAL;
		goto out;
	}
	/*
	 * X25519 fails here on a small-order point (the result is zero,
	 * RFC 7748 6.1); an ECP derive only fails on a bad point.
	 */
	if (EVP_PKEY_derive(ctx, sec, &n) != 1) {
		ret = -EINVAL;
		goto out;
	}
	if (n != want) {
		ret = -EIO;
		goto out;
	}
	if (all_zero(sec, n)) {
		ret = -EINVAL;
		goto out;
	}
	memcpy(out, sec, n);
	*len = n;
	ret = 0;
out:
	OPENSSL_cleanse(sec, sizeof(sec));
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return ret;
}

/* ---- PRF ---- */

/* One piece of a MAC's input. */
struct chunk {
	const uint8_t *p;
	size_t len;
};

static const char *prf_md(uint16_t prf, size_t *len)
{
	switch (prf) {
	case IKE_PRF_HMAC_SHA2_256:
		*len = 32;
		return "SHA256";
	case IKE_PRF_HMAC_SHA2_384:
		*len = 48;
		return "SHA384";
	case IKE_PRF_HMAC_SHA2_512:
		*len = 64;
		return "SHA512";
	}
	return NULL;
}

/* out = HMAC-@md(key, c[0] | c[1] | ...); out holds the full digest. */
static int hmac(const char *md, const uint8_t *key, size_t key_len,
		const struct chunk *c, unsigned int n, uint8_t *out, size_t out_len)
{
	static const uint8_t empty;
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx = NULL;
	EVP_MAC *mac;
	size_t got;
	unsigned int i;
	int ret = -EIO;

	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!mac)
		return -EIO;
	ctx = EVP_MAC_CTX_new(mac);
	if (!ctx) {
		ret = -ENOMEM;
		goto out;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)md, 0);
	params[1] = OSSL_PARAM_construct_end();
	/* a NULL key would mean "keep the previous one": pass a real pointer */
	if (EVP_MAC_init(ctx, key_len ? key : &empty, key_len, params) != 1)
		goto out;
	for (i = 0; i < n; i++)
		if (c[i].len && EVP_MAC_update(ctx, c[i].p, c[i].len) != 1)
			goto out;
	if (EVP_MAC_final(ctx, out, &got, out_len) != 1 || got != out_len)
		goto out;
	ret = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ret;
}

int ike_prf_len(uint16_t prf)
{
	size_t len;

	return prf_md(prf, &len) ? (int)len : 0;
}

int ike_prf(uint16_t prf, const uint8_t *key, size_t key_len,
	    const uint8_t *data, size_t data_len, uint8_t *out)
{
	return ike_prf2(prf, key, key_len, data, data_len, NULL, 0, out);
}

int ike_prf2(uint16_t prf, const uint8_t *key, size_t key_len,
	     const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len,
	     uint8_t *out)
{
	struct chunk c[2] = { { a, a_len }, { b, b_len } };
	const char *md;
	size_t len;

	md = prf_md(prf, &len);
	if (!md)
		return -EINVAL;
	return hmac(md, key, key_len, c, 2, out, len);
}

int ike_prf_plus(uint16_t prf, const uint8_t *key, size_t key_len,
		 const uint8_t *seed, size_t seed_len, uint8_t *out, size_t out_len)
{
	uint8_t t[IKE_PRF_MAX_LEN];
	uint8_t i = 1;
	struct chunk c[3];
	const char *md;
	size_t len, done = 0, n;
	int ret = 0;

	md = prf_md(prf, &len);
	if (!md || out_len > 255 * len)	/* the counter is one byte */
		return -EINVAL;
	/* T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n) */
	c[0] = (struct chunk){ t, 0 };
	c[1] = (struct chunk){ seed, seed_len };
	c[2] = (struct chunk){ &i, 1 };
	while (done < out_len) {
		ret = hmac(md, key, key_len, c, 3, t, len);
		if (ret)
			break;
		n = out_len - done < len ? out_len - done : len;
		memcpy(out + done, t, n);
		done += n;
		c[0].len = len;
		i++;
	}
	OPENSSL_cleanse(t, sizeof(t));
	if (ret)
		OPENSSL_cleanse(out, out_len);
	return ret;
}

/* ---- the SK payload ---- */

static int is_gcm(const struct ike_suite *s)
{
	return s->encr == IKE_ENCR_AES_GCM_16;
}

static const EVP_CIPHER *sk_cipher(const struct ike_suite *s)
{
	if (s->encr == IKE_ENCR_AES_GCM_16) {
		switch (s->encr_bits) {
		case 128: return EVP_aes_128_gcm();
		case 192: return EVP_aes_192_gcm();
		case 256: return EVP_aes_256_gcm();
		}
	} else if (s->encr == IKE_ENCR_AES_CBC) {
		switch (s->encr_bits) {
		case 128: return EVP_aes_128_cbc();
		case 192: return EVP_aes_192_cbc();
		case 256: return EVP_aes_256_cbc();
		}
	}
	return NULL;
}

/* RFC 4868 2.1: HMAC-SHA2-N-N/2, key as long as the digest. */
static const char *integ_md(uint16_t integ, size_t *key_len, size_t *icv_len)
{
	switch (integ) {
	case IKE_AUTH_HMAC_SHA2_256_128:
		*key_len = 32;
		*icv_len = 16;
		return "SHA256";
	case IKE_AUTH_HMAC_SHA2_384_192:
		*key_len = 48;
		*icv_len = 24;
		return "SHA384";
	case IKE_AUTH_HMAC_SHA2_512_256:
		*key_len = 64;
		*icv_len = 32;
		return "SHA512";
	}
	return NULL;
}

/* A usable suite: GCM without integrity, CBC with one. */
static int suite_ok(const struct ike_suite *s)
{
	size_t kl, il;

	if (!sk_cipher(s))
		return 0;
	if (is_gcm(s))
		return s->integ == IKE_AUTH_NONE;
	return integ_md(s->integ, &kl, &il) != NULL;
}

int ike_encr_key_len(const struct ike_suite *s)
{
	if (!suite_ok(s))
		return -EINVAL;
	return s->encr_bits / 8 + (is_gcm(s) ? GCM_SALT_LEN : 0);
}

int ike_integ_key_len(const struct ike_suite *s)
{
	size_t kl = 0, il;

	if (!suite_ok(s))
		return -EINVAL;
	if (!is_gcm(s))
		integ_md(s->integ, &kl, &il);
	return (int)kl;
}

int ike_sk_iv_len(const struct ike_suite *s)
{
	if (!suite_ok(s))
		return -EINVAL;
	return is_gcm(s) ? GCM_IV_LEN : AES_BLOCK;
}

int ike_sk_icv_len(const struct ike_suite *s)
{
	size_t kl, il = GCM_ICV_LEN;

	if (!suite_ok(s))
		return -EINVAL;
	if (!is_gcm(s))
		integ_md(s->integ, &kl, &il);
	return (int)il;
}

/*
 * AES-GCM over @len bytes in place at @buf. RFC 5282 4: nonce = salt (the
 * last 4 bytes of the key material) | the 8-byte IV on the wire.
 */
static int sk_gcm(const struct ike_suite *s, const struct ike_sk_keys *k, int enc,
		  const uint8_t *iv, const uint8_t *aad, size_t aad_len,
		  uint8_t *buf, size_t len, uint8_t *icv)
{
	size_t kb = s->encr_bits / 8;
	uint8_t nonce[GCM_SALT_LEN + GCM_IV_LEN];
	EVP_CIPHER_CTX *ctx;
	int n, ret = -EIO;

	memcpy(nonce, k->ek + kb, GCM_SALT_LEN);
	memcpy(nonce + GCM_SALT_LEN, iv, GCM_IV_LEN);
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -ENOMEM;
	if (EVP_CipherInit_ex(ctx, sk_cipher(s), NULL, NULL, NULL, enc) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, sizeof(nonce), NULL) != 1 ||
	    EVP_CipherInit_ex(ctx, NULL, NULL, k->ek, nonce, enc) != 1 ||
	    EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_len) != 1 ||
	    EVP_CipherUpdate(ctx, buf, &n, buf, (int)len) != 1)
		goto out;
	if (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, GCM_ICV_LEN, icv) != 1)
		goto out;
	/* the tag comparison inside is OpenSSL's, constant time */
	if (EVP_CipherFinal_ex(ctx, buf + len, &n) != 1) {
		ret = enc ? -EIO : -EBADMSG;
		goto out;
	}
	if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, GCM_ICV_LEN, icv) != 1)
		goto out;
	ret = 0;
out:
	OPENSSL_cleanse(nonce, sizeof(nonce));
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

/* AES-CBC without padding (ours is RFC 7296's) over whole blocks in place. */
static int sk_cbc(const struct ike_suite *s, const struct ike_sk_keys *k, int enc,
		  const uint8_t *iv, uint8_t *buf, size_t len)
{
	EVP_CIPHER_CTX *ctx;
	int n, ret = -EIO;

	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -ENOMEM;
	if (EVP_CipherInit_ex(ctx, sk_cipher(s), NULL, k->ek, iv, enc) == 1 &&
	    EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
	    EVP_CipherUpdate(ctx, buf, &n, buf, (int)len) == 1 && (size_t)n == len &&
	    EVP_CipherFinal_ex(ctx, buf + len, &n) == 1 && n == 0)
		ret = 0;
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

/* The truncated HMAC of @msg[0 .. @len) into @icv (icv_len bytes). */
static int sk_mac(const struct ike_suite *s, const struct ike_sk_keys *k,
		  const uint8_t *msg, size_t len, uint8_t *icv)
{
	uint8_t full[IKE_PRF_MAX_LEN];
	struct chunk c = { msg, len };
	size_t kl = 0, il = 0;
	const char *md = integ_md(s->integ, &kl, &il);
	int ret;

	if (!md)
		return -EINVAL;
	/* RFC 4868 2.1.1: the full digest (twice the ICV), truncated */
	ret = hmac(md, k->ak, kl, &c, 1, full, 2 * il);
	if (!ret)
		memcpy(icv, full, il);
	OPENSSL_cleanse(full, sizeof(full));
	return ret;
}

int ike_sk_seal(const struct ike_suite *s, const struct ike_sk_keys *k,
		uint64_t iv_counter, uint8_t *msg, size_t cap, size_t sk_off,
		size_t pt_len, size_t *out_len)
{
	size_t iv_len, icv_len, pad, ct_len, body, total;
	uint8_t *iv, *ct;
	uint64_t be;
	int ret;

	if (!suite_ok(s) || sk_off < IKE_HDR_LEN)
		return -EINVAL;
	iv_len = (size_t)ike_sk_iv_len(s);
	icv_len = (size_t)ike_sk_icv_len(s);
	/* RFC 7296 3.14: pad | pad length; GCM is a stream mode, CBC needs blocks */
	pad = is_gcm(s) ? 0 : (AES_BLOCK - (pt_len + 1) % AES_BLOCK) % AES_BLOCK;
	if (pt_len > IKE_MAX_MSG_LEN)
		return -EINVAL;
	ct_len = pt_len + pad + 1;
	body = IKE_GEN_HDR_LEN + iv_len + ct_len + icv_len;
	total = sk_off + body;
	if (total > cap || total > IKE_MAX_MSG_LEN)
		return -EINVAL;

	iv = msg + sk_off + IKE_GEN_HDR_LEN;
	ct = iv + iv_len;
	memset(ct + pt_len, 0, pad);
	ct[pt_len + pad] = (uint8_t)pad;
	/* both lengths are authenticated: final values before AAD / MAC */
	put16(msg + sk_off + 2, (uint16_t)body);
	put32(msg + offsetof(struct ike_hdr, length), (uint32_t)total);

	if (is_gcm(s)) {
		/* the caller keeps iv_counter unique per key: GCM dies on reuse */
		be = htobe64(iv_counter);
		memcpy(iv, &be, GCM_IV_LEN);
		ret = sk_gcm(s, k, 1, iv, msg, sk_off + IKE_GEN_HDR_LEN, ct, ct_len,
			     ct + ct_len);
	} else {
		ret = ike_random(iv, iv_len);
		if (!ret)
			ret = sk_cbc(s, k, 1, iv, ct, ct_len);
		if (!ret)
			ret = sk_mac(s, k, msg, total - icv_len, ct + ct_len);
	}
	if (ret) {
		/* never leave plaintext behind half-encrypted */
		OPENSSL_cleanse(ct, ct_len);
		return ret;
	}
	*out_len = total;
	return 0;
}

int ike_sk_open(const struct ike_suite *s, const struct ike_sk_keys *k,
		uint8_t *msg, size_t len, size_t sk_off,
		const uint8_t **pt, size_t *pt_len)
{
	uint8_t icv[IKE_PRF_MAX_LEN];
	size_t iv_len, icv_len, ct_len, pad;
	uint8_t *iv, *ct;
	int ret;

	if (!suite_ok(s) || sk_off < IKE_HDR_LEN || len < sk_off + IKE_GEN_HDR_LEN)
		return -EINVAL;
	iv_len = (size_t)ike_sk_iv_len(s);
	icv_len = (size_t)ike_sk_icv_len(s);
	/* at least the pad length byte between IV and ICV */
	if (len - sk_off - IKE_GEN_HDR_LEN < iv_len + 1 + icv_len)
		return -EINVAL;
	ct_len = len - sk_off - IKE_GEN_HDR_LEN - iv_len - icv_len;
	if (!is_gcm(s) && ct_len % AES_BLOCK)
		return -EINVAL;
	iv = msg + sk_off + IKE_GEN_HDR_LEN;
	ct = iv + iv_len;

	if (is_gcm(s)) {
		ret = sk_gcm(s, k, 0, iv, msg, sk_off + IKE_GEN_HDR_LEN, ct, ct_len,
			     ct + ct_len);
		/* in place: what failed authentication must not be readable */
		if (ret)
			OPENSSL_cleanse(ct, ct_len);
	} else {
		/* encrypt-then-MAC: check before decrypting anything */
		ret = sk_mac(s, k, msg, len - icv_len, icv);
		if (!ret && CRYPTO_memcmp(icv, ct + ct_len, icv_len))
			ret = -EBADMSG;
		if (!ret)
			ret = sk_cbc(s, k, 0, iv, ct, ct_len);
		OPENSSL_cleanse(icv, sizeof(icv));
	}
	if (ret)
		return ret;
	pad = ct[ct_len - 1];
	if (pad + 1 > ct_len)
		return -EBADMSG;
	*pt = ct;
	*pt_len = ct_len - 1 - pad;
	return 0;
}

int ike_random(void *out, size_t len)
{
	if (len > INT32_MAX)
		return -EINVAL;
	return RAND_bytes(out, (int)len) == 1 ? 0 : -EIO;
}
