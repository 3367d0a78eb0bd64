// SPDX-License-Identifier: GPL-2.0
/*
 * Control protocol sealing: AES-256-GCM (OpenSSL EVP) under the device
 * enrollment key, nonce = sender id || counter exactly as the header carries
 * them, AAD = the 24-byte header, 16-byte tag at the end. Each call makes and
 * frees its own cipher context, so no expanded key outlives the call
 * (EVP_CIPHER_CTX_free cleanses it); plaintext scratch buffers are wiped.
 */
#include <errno.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include "ctl_codec.h"

/* Run GCM over @len bytes in place at @buf with @hdr as nonce source/AAD. */
static int gcm(int enc, const uint8_t *key, const uint8_t *hdr,
	       const uint8_t *in, uint8_t *out, size_t len, uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx;
	int n, ret = -EIO;

	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -ENOMEM;
	/* header bytes 12..23 are sender id || counter: the 96-bit nonce */
	if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, hdr + 12, enc) != 1)
		goto out;
	if (EVP_CipherUpdate(ctx, NULL, &n, hdr, NICSEC_CTL_HDR_LEN) != 1)
		goto out;
	if (len && EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1)
		goto out;
	if (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG,
					NICSEC_CTL_TAG_LEN, tag) != 1)
		goto out;
	if (EVP_CipherFinal_ex(ctx, out + len, &n) != 1) {
		ret = enc ? -EIO : NICSEC_CTL_E_AUTH;
		goto out;
	}
	if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG,
				       NICSEC_CTL_TAG_LEN, tag) != 1)
		goto out;
	ret = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

int nicsec_ctl_seal_raw(const uint8_t *plain, size_t len, const uint8_t *key,
			uint8_t *out, size_t cap)
{
	int err;

	if (len < NICSEC_CTL_HDR_LEN || len > NICSEC_CTL_MAX_LEN - NICSEC_CTL_TAG_LEN)
		return -EMSGSIZE;
	if (len + NICSEC_CTL_TAG_LEN > cap)
		return -EMSGSIZE;
	memmove(out, plain, NICSEC_CTL_HDR_LEN);
	err = gcm(1, key, out, plain + NICSEC_CTL_HDR_LEN, out + NICSEC_CTL_HDR_LEN,
		  len - NICSEC_CTL_HDR_LEN, out + len);
	return err ? err : (int)(len + NICSEC_CTL_TAG_LEN);
}

int nicsec_ctl_seal(const struct nicsec_ctl_msg *msg, const uint8_t *key,
		    uint8_t *out, size_t cap)
{
	uint8_t plain[NICSEC_CTL_MAX_LEN];
	int len;

	len = nicsec_ctl_encode(msg, plain, sizeof(plain) - NICSEC_CTL_TAG_LEN);
	if (len >= 0)
		len = nicsec_ctl_seal_raw(plain, (size_t)len, key, out, cap);
	OPENSSL_cleanse(plain, sizeof(plain));
	return len;
}

int nicsec_ctl_unseal(const uint8_t *in, size_t len, const uint8_t *key,
		      uint8_t *out, size_t cap, size_t *plain_len)
{
	uint8_t tag[NICSEC_CTL_TAG_LEN];
	size_t body;
	int err;

	err = nicsec_ctl_precheck(in, len);
	if (err)
		return err;
	if (cap < len - NICSEC_CTL_TAG_LEN)
		return -EMSGSIZE;
	body = len - NICSEC_CTL_MIN_LEN;
	memcpy(tag, in + len - NICSEC_CTL_TAG_LEN, sizeof(tag));
	memmove(out, in, NICSEC_CTL_HDR_LEN);
	err = gcm(0, key, in, in + NICSEC_CTL_HDR_LEN, out + NICSEC_CTL_HDR_LEN,
		  body, tag);
	if (err) {
		/* never hand out plaintext that did not authenticate */
		OPENSSL_cleanse(out, len - NICSEC_CTL_TAG_LEN);
		return err;
	}
	*plain_len = len - NICSEC_CTL_TAG_LEN;
	return NICSEC_CTL_OK;
}

int nicsec_ctl_open_msg(const uint8_t *in, size_t len, const uint8_t *key,
			struct nicsec_ctl_msg *msg)
{
	uint8_t plain[NICSEC_CTL_MAX_LEN];
	size_t plain_len;
	int err;

	memset(msg, 0, sizeof(*msg));
	err = nicsec_ctl_unseal(in, len, key, plain, sizeof(plain), &plain_len);
	if (!err)
		err = nicsec_ctl_parse(plain, plain_len, msg);
	OPENSSL_cleanse(plain, sizeof(plain));
	return err;
}
