// SPDX-License-Identifier: GPL-2.0
/*
 * Key derivation and authentication of RFC 7296: SKEYSEED and SK_* (2.14,
 * 2.18 for the IKE SA rekey), AUTH with a shared key (2.15), KEYMAT of a
 * CHILD_SA (2.17), NAT detection hashes (2.23) and cookies (2.6). Every
 * intermediate secret is wiped here; the results live in struct ike_keys
 * (wiped by sa_free()) or in the caller's buffers (wiped by the caller).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include "agent.h"

int keys_ike(struct ikesa *sa, const uint8_t *gir, size_t gir_len,
	     const uint8_t *old_sk_d, size_t old_len)
{
	const struct ike_suite *s = &sa->suite;
	int plen = ike_prf_len(s->prf), elen = ike_encr_key_len(s);
	int alen = ike_integ_key_len(s);
	uint8_t skeyseed[IKE_PRF_MAX_LEN];
	uint8_t seed[2 * IKE_NONCE_MAX_LEN + 16];
	uint8_t km[3 * IKE_PRF_MAX_LEN + 2 * IKE_INTEG_MAX_KEY + 2 * IKE_ENCR_MAX_KEY];
	size_t n = 0, kl;
	uint8_t *p;
	int err;

	if (plen <= 0 || elen <= 0 || alen < 0)
		return -EINVAL;
	memcpy(seed, sa->ni, sa->ni_len);
	memcpy(seed + sa->ni_len, sa->nr, sa->nr_len);
	n = sa->ni_len + sa->nr_len;
	if (old_sk_d)	/* 2.18: prf(SK_d (old), g^ir (new) | Ni | Nr) */
		err = ike_prf2(s->prf, old_sk_d, old_len, gir, gir_len, seed, n, skeyseed);
	else		/* 2.14: prf(Ni | Nr, g^ir) */
		err = ike_prf(s->prf, seed, n, gir, gir_len, skeyseed);
	if (err)
		goto out;
	memcpy(seed + n, sa->spi_i, 8);
	memcpy(seed + n + 8, sa->spi_r, 8);
	kl = 3 * plen + 2 * alen + 2 * elen;
	err = ike_prf_plus(s->prf, skeyseed, plen, seed, n + 16, km, kl);
	if (err)
		goto out;
	p = km;
	memcpy(sa->keys.sk_d, p, plen);		p += plen;
	memcpy(sa->keys.i.ak, p, alen);		p += alen;
	memcpy(sa->keys.r.ak, p, alen);		p += alen;
	memcpy(sa->keys.i.ek, p, elen);		p += elen;
	memcpy(sa->keys.r.ek, p, elen);		p += elen;
	memcpy(sa->keys.sk_pi, p, plen);	p += plen;
	memcpy(sa->keys.sk_pr, p, plen);
out:
	OPENSSL_cleanse(skeyseed, sizeof(skeyseed));
	OPENSSL_cleanse(km, sizeof(km));
	return err;
}

int keys_auth_psk(const struct ikesa *sa, int who_init, const uint8_t *psk, size_t psk_len,
		  const uint8_t *id_body, size_t id_len, uint8_t *out, size_t *out_len)
{
	static const char pad[] = "Key Pad for IKEv2";	/* 17 bytes, no NUL */
	uint16_t prf = sa->suite.prf;
	int plen = ike_prf_len(prf);
	uint8_t macid[IKE_PRF_MAX_LEN], kpad[IKE_PRF_MAX_LEN];
	const uint8_t *msg = who_init ? sa->init_req : sa->init_resp;
	size_t msg_len = who_init ? sa->init_req_len : sa->init_resp_len;
	const uint8_t *nonce = who_init ? sa->nr : sa->ni;
	size_t nonce_len = who_init ? sa->nr_len : sa->ni_len;
	const uint8_t *skp = who_init ? sa->keys.sk_pi : sa->keys.sk_pr;
	uint8_t *octets = NULL;
	size_t olen;
	int err;

	if (plen <= 0 || !msg)
		return -EINVAL;
	err = ike_prf(prf, skp, plen, id_body, id_len, macid);
	if (err)
		return err;
	olen = msg_len + nonce_len + plen;
	octets = malloc(olen);
	if (!octets) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(octets, msg, msg_len);
	memcpy(octets + msg_len, nonce, nonce_len);
	memcpy(octets + msg_len + nonce_len, macid, plen);
	err = ike_prf(prf, psk, psk_len, (const uint8_t *)pad, sizeof(pad) - 1, kpad);
	if (!err)
		err = ike_prf(prf, kpad, plen, octets, olen, out);
	if (!err)
		*out_len = plen;
	free(octets);
out:
	OPENSSL_cleanse(kpad, sizeof(kpad));
	return err;
}

int keys_child(const struct ikesa *sa, const struct ike_suite *esp,
	       const uint8_t *gir, size_t gir_len,
	       const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
	       uint8_t *k_ir, uint8_t *k_ri)
{
	int plen = ike_prf_len(sa->suite.prf), elen = ike_encr_key_len(esp);
	uint8_t seed[IKE_DH_MAX_SHARED + 2 * IKE_NONCE_MAX_LEN];
	uint8_t km[2 * IKE_ENCR_MAX_KEY];
	size_t n = 0;
	int err;

	if (elen <= 0 || ike_integ_key_len(esp) != 0 || gir_len > IKE_DH_MAX_SHARED ||
	    ni_len > IKE_NONCE_MAX_LEN || nr_len > IKE_NONCE_MAX_LEN)
		return -EINVAL;		/* AEAD only: the device has no integrity keys */
	if (gir) {
		memcpy(seed, gir, gir_len);
		n = gir_len;
	}
	memcpy(seed + n, ni, ni_len);
	memcpy(seed + n + ni_len, nr, nr_len);
	n += ni_len + nr_len;
	err = ike_prf_plus(sa->suite.prf, sa->keys.sk_d, plen, seed, n, km, 2 * elen);
	if (!err) {
		memcpy(k_ir, km, elen);
		memcpy(k_ri, km + elen, elen);
	}
	OPENSSL_cleanse(seed, sizeof(seed));
	OPENSSL_cleanse(km, sizeof(km));
	return err;
}

void keys_natd(const uint8_t *spi_i, const uint8_t *spi_r, uint32_t addr, uint16_t port,
	       uint8_t out[IKE_NATD_LEN])
{
	uint8_t in[8 + 8 + 4 + 2];
	unsigned int len = IKE_NATD_LEN;

	memcpy(in, spi_i, 8);
	memcpy(in + 8, spi_r, 8);
	memcpy(in + 16, &addr, 4);	/* network order already */
	port = htons(port);
	memcpy(in + 20, &port, 2);
	if (!EVP_Digest(in, sizeof(in), out, &len, EVP_sha1(), NULL))
		memset(out, 0, IKE_NATD_LEN);
}

int keys_cookie(const struct agent *a, const uint8_t *ni, size_t ni_len,
		uint32_t addr, const uint8_t *spi_i, uint8_t out[32])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int len = 32;
	int err = 0;

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(ctx, ni, ni_len) ||
	    !EVP_DigestUpdate(ctx, &addr, 4) ||
	    !EVP_DigestUpdate(ctx, spi_i, 8) ||
	    !EVP_DigestUpdate(ctx, a->cookie_secret, sizeof(a->cookie_secret)) ||
	    !EVP_DigestFinal_ex(ctx, out, &len))
		err = -EIO;	/* no cookie: the request is dropped */
	EVP_MD_CTX_free(ctx);
	return err;
}
