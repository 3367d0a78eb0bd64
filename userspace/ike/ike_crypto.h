/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cryptography of IKEv2 (RFC 7296 2.13-2.17, 3.14), over OpenSSL:
 * Diffie-Hellman (groups 19, 20 (RFC 5903) and 31 (RFC 8031)), the PRFs
 * HMAC-SHA2-256/384/512 (RFC 4868) and prf+, the SK payload's protection
 * with AES-GCM-16 (RFC 5282) or AES-CBC + HMAC-SHA2 (RFC 3602, RFC 4868).
 *
 * Every function returns 0 or a negative errno (-EINVAL unsupported
 * algorithm or bad length, -EBADMSG authentication failed, -ENOMEM,
 * -EIO an OpenSSL failure). Buffers holding secrets are wiped by the
 * function that made them once they are no longer needed; what the caller
 * gets (shared secret, derived keys) the caller wipes.
 */
#ifndef NICSEC_IKE_CRYPTO_H
#define NICSEC_IKE_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define IKE_DH_MAX_PUB		96	/* ecp384: x | y */
#define IKE_DH_MAX_SHARED	48
#define IKE_PRF_MAX_LEN		64	/* SHA-512 */
#define IKE_ENCR_MAX_KEY	36	/* AES-256 + 4-byte GCM salt */
#define IKE_INTEG_MAX_KEY	64
#define IKE_SK_MAX_OVERHEAD	(16 + 16 + 32)	/* IV + padding + ICV, upper bound */

/* ---- Diffie-Hellman ---- */

struct ike_dh;

/* A fresh ephemeral key pair of @group (enum ike_dh). */
int ike_dh_new(uint16_t group, struct ike_dh **dh);
void ike_dh_free(struct ike_dh *dh);
/* The KE payload's data: x25519 32 bytes; ecp x | y (RFC 5903 7), 64 or 96. */
int ike_dh_pub_len(uint16_t group);	/* 0: group not supported */
int ike_dh_pub(const struct ike_dh *dh, uint8_t *out, size_t cap, size_t *len);
/*
 * g^ir from the peer's KE data (validated: length, point on the curve,
 * x25519 all-zero result refused). ecp: the x coordinate (RFC 5903 7).
 */
int ike_dh_shared(struct ike_dh *dh, const uint8_t *peer, size_t peer_len,
		  uint8_t *out, size_t cap, size_t *len);
/*
 * For tests only (known-answer vectors, RFC 7748 5.2/6.1, RFC 5903 8):
 * a key pair from a fixed private value (x25519: 32 bytes as RFC 7748
 * encodes them; ecp: the big-endian scalar, 32 or 48 bytes, in [1, n-1]).
 * Never for a real exchange, whose private value must be fresh.
 */
int ike_dh_new_from_priv(uint16_t group, const uint8_t *priv, size_t len,
			 struct ike_dh **dh);

/* ---- PRF ---- */

/* Output length of the PRF (enum ike_prf), 0 if unsupported. */
int ike_prf_len(uint16_t prf);
/* out = prf(key, data); out has ike_prf_len(prf) bytes. */
int ike_prf(uint16_t prf, const uint8_t *key, size_t key_len,
	    const uint8_t *data, size_t data_len, uint8_t *out);
/* Two-part data (prf(key, a | b)) without copying. */
int ike_prf2(uint16_t prf, const uint8_t *key, size_t key_len,
	     const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len,
	     uint8_t *out);
/* RFC 7296 2.13: prf+(key, seed) = T1 | T2 | ..., first @out_len bytes (<= 255 blocks). */
int ike_prf_plus(uint16_t prf, const uint8_t *key, size_t key_len,
		 const uint8_t *seed, size_t seed_len, uint8_t *out, size_t out_len);

/* ---- the SK payload's algorithms ---- */

/* A negotiated set: what an IKE or ESP proposal chose. */
struct ike_suite {
	uint16_t encr;		/* enum ike_encr: AES_GCM_16 or AES_CBC */
	uint16_t encr_bits;	/* 128, 192 or 256 */
	uint16_t integ;		/* enum ike_integ; NONE with GCM */
	uint16_t prf;		/* enum ike_prf (IKE SA only) */
	uint16_t dh;		/* enum ike_dh; NONE for a CHILD_SA without PFS */
};

/* Key material lengths: encryption key (GCM: + 4 bytes salt, RFC 5282 7.1),
 * integrity key (0 with GCM), IV on the wire, ICV on the wire. */
int ike_encr_key_len(const struct ike_suite *s);
int ike_integ_key_len(const struct ike_suite *s);
int ike_sk_iv_len(const struct ike_suite *s);
int ike_sk_icv_len(const struct ike_suite *s);

/* The SK keys of one direction. */
struct ike_sk_keys {
	uint8_t ek[IKE_ENCR_MAX_KEY];	/* GCM: key | salt */
	uint8_t ak[IKE_INTEG_MAX_KEY];
};

/*
 * Seal the SK payload of a message. @msg holds the whole message as built
 * so far: IKE header and every payload up to and including SK's generic
 * header (@sk_off its offset), plaintext at msg + sk_off + 4 + iv_len
 * (@pt_len bytes); *@out_len gets the final message length. The function
 * writes the IV (GCM: the 8-byte explicit IV from @iv_counter, CBC: random),
 * pads (pad length byte, RFC 7296 3.14), encrypts in place, appends the
 * ICV and fixes both the IKE header's length and SK's payload length
 * before authenticating (they are part of the AAD / MAC). @cap bounds
 * the message.
 */
int ike_sk_seal(const struct ike_suite *s, const struct ike_sk_keys *k,
		uint64_t iv_counter, uint8_t *msg, size_t cap, size_t sk_off,
		size_t pt_len, size_t *out_len);
/*
 * Open the SK payload at @sk_off of the message @msg (@len bytes, the
 * payload runs to the end of the message). On success the plaintext
 * (padding removed) is at *@pt, *@pt_len bytes, inside @msg (decrypted
 * in place). -EBADMSG on a bad ICV or bad padding, -EINVAL when the
 * payload is too short for IV + ICV or not a multiple of the block size.
 */
int ike_sk_open(const struct ike_suite *s, const struct ike_sk_keys *k,
		uint8_t *msg, size_t len, size_t sk_off,
		const uint8_t **pt, size_t *pt_len);

/* Random bytes (RAND_bytes). */
int ike_random(void *out, size_t len);

#endif
