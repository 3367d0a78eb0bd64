// SPDX-License-Identifier: GPL-2.0
/*
 * espgen's AEAD: ESP payload protection with AES-GCM as RFC 4106 defines it
 * (nonce = 4-byte salt | 8-byte explicit IV, AAD = SPI | 32-bit sequence
 * number, 16-byte ICV after the ciphertext), done by OpenSSL EVP, and the
 * known-answer check that ties it to published ESP packets rather than to
 * itself: the non-ESN test cases of draft-mcgrew-gcm-test-01.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "espgen.h"

static const EVP_CIPHER *gcm_cipher(size_t key_len)
{
	switch (key_len) {
	case 16: return EVP_aes_128_gcm();
	case 24: return EVP_aes_192_gcm();
	case 32: return EVP_aes_256_gcm();
	}
	return NULL;
}

/*
 * RFC 4106: nonce = salt | explicit IV, AAD = SPI | 32-bit seq (no ESN).
 * Writes SPI|seq|IV|ciphertext|ICV to out (pt_len + ESP_OVERHEAD bytes).
 */
int esp_seal(const struct esp_key *k, uint32_t spi, uint32_t seq,
	     const uint8_t iv[ESP_IV_LEN], const uint8_t *pt, size_t pt_len,
		    uint8_t *out)
{
	struct esp_hdr h = { .spi = htonl(spi), .seq = htonl(seq) };
	uint8_t nonce[ESP_NONCE_LEN];
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int l, ok;

	memcpy(nonce, k->salt, ESP_SALT_LEN);
	memcpy(nonce + ESP_SALT_LEN, iv, ESP_IV_LEN);
	memcpy(out, &h, sizeof(h));
	memcpy(out + sizeof(h), iv, ESP_IV_LEN);
	ok = ctx && pt_len <= INT32_MAX &&
	     EVP_EncryptInit_ex(ctx, gcm_cipher(k->key_len), NULL, NULL, NULL) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, ESP_NONCE_LEN, NULL) &&
	     EVP_EncryptInit_ex(ctx, NULL, NULL, k->key, nonce) &&
	     EVP_EncryptUpdate(ctx, NULL, &l, out, sizeof(h)) &&
	     EVP_EncryptUpdate(ctx, out + sizeof(h) + ESP_IV_LEN, &l, pt, (int)pt_len) &&
	     EVP_EncryptFinal_ex(ctx, out + sizeof(h) + ESP_IV_LEN + l, &l) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, ESP_ICV_LEN,
				 out + sizeof(h) + ESP_IV_LEN + pt_len);
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(nonce, sizeof(nonce));
	return ok ? 0 : -EIO;
}

/* Verifies and decrypts esp (len bytes) into pt; -EBADMSG if the ICV fails,
 * and then pt holds nothing. */
int esp_open(const struct esp_key *k, const uint8_t *esp, size_t len,
	     uint8_t *pt, size_t *pt_len)
{
	uint8_t nonce[ESP_NONCE_LEN], icv[ESP_ICV_LEN];
	EVP_CIPHER_CTX *ctx;
	size_t ct_len;
	int l, ok;

	if (len < ESP_OVERHEAD || len - ESP_OVERHEAD > INT32_MAX)
		return -EINVAL;
	ct_len = len - ESP_OVERHEAD;
	memcpy(nonce, k->salt, ESP_SALT_LEN);
	memcpy(nonce + ESP_SALT_LEN, esp + sizeof(struct esp_hdr), ESP_IV_LEN);
	memcpy(icv, esp + len - ESP_ICV_LEN, ESP_ICV_LEN);
	ctx = EVP_CIPHER_CTX_new();
	ok = ctx &&
	     EVP_DecryptInit_ex(ctx, gcm_cipher(k->key_len), NULL, NULL, NULL) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, ESP_NONCE_LEN, NULL) &&
	     EVP_DecryptInit_ex(ctx, NULL, NULL, k->key, nonce) &&
	     EVP_DecryptUpdate(ctx, NULL, &l, esp, sizeof(struct esp_hdr)) &&
	     EVP_DecryptUpdate(ctx, pt, &l, esp + sizeof(struct esp_hdr) + ESP_IV_LEN,
			       (int)ct_len) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, ESP_ICV_LEN, icv) &&
	     EVP_DecryptFinal_ex(ctx, pt + l, &l) > 0;
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(nonce, sizeof(nonce));
	if (!ok) {
		OPENSSL_cleanse(pt, ct_len);
		return -EBADMSG;
	}
	*pt_len = ct_len;
	return 0;
}

/* Packet-level ESP test cases of draft-mcgrew-gcm-test-01 (AES-GCM in ESP,
 * RFC 4106) with 32-bit sequence numbers: key|salt, SPI|seq, IV, plaintext
 * (inner packet and ESP trailer), ciphertext|ICV. */
static const struct kat {
	const char *name, *key, *aad, *iv, *pt, *ct;
} kats[] = {
	{ "AES-128 SPI 0000a5f8 seq 10",
	  "feffe9928665731c6d6a8f9467308308cafebabe", "0000a5f80000000a", "facedbaddecaf888",
	  "4500003e698f000080114dccc0a80102c0a801010a980035002a2343b2d00100"
	  "0001000000000000037369700963796265726369747902646b00000100010001",
	  "deb22cd9b07c72c16e3a65beeb8df304a5a5897d33ae530f1ba76d5d114d2a5c"
	  "3de81827c10e9a4f51330d0eec416642cfbb85a5b47e48a4ec3b9ba95d918bd1"
	  "83b70d3aa8bc6ee4c309e9d85a41ad4a" },
	{ "AES-256 SPI 4a2cbfe3 seq 2",
	  "abbccddef00112233445566778899aababbccddef00112233445566778899aab11223344",
	  "4a2cbfe300000002", "0102030405060708",
	  "4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee000000000"
	  "7002400020bf0000020405b40101040201020201",
	  "ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf06efae9d65a5d763"
	  "748a637985771d347f0545659f14e99def842d8e"
	  "b335f4eecfdbf831824b4c4915956c96" },
	{ "AES-128 all-zero key, SPI 0 seq 1",
	  "0000000000000000000000000000000000000000", "0000000000000001", "0000000000000000",
	  "4500003c99c500008001cb7a40679318010101010800075c0200440061626364"
	  "65666768696a6b6c6d6e6f707172737475767761626364656667686901020201",
	  "4688daf2f973a392732909c331d56d60f694abaa414b5e7ff5fdcdfff5e9a284"
	  "456476492719ffb64de7d9dca1e1d894bc3bd57873ed4d181d19d4d5c8c18af3"
	  "f821d496eeb096e98ad2b69e4799c71d" },
	{ "AES-192 SPI 0000a5f8 seq 10",
	  "feffe9928665731c6d6a8f9467308308feffe9928665731ccafebabe", "0000a5f80000000a",
	  "facedbaddecaf888",
	  "45000028a4ad4000400678800a01038f0a010612802306b8cb712602dd6bb03e"
	  "501016d075680001",
	  "a5b1f8066029aea40e598b8122de02420938b3ab33f828e687b8858b5bfbdbd0"
	  "315b27452144cc77"
	  "95457b9652037f5318027b5b4cd7a636" },
	{ "AES-128 SPI 335467ae seq 0xffffffff, trailer only",
	  "7d773d00c144c525ac619d18c84a3f47d9664267", "335467aeffffffff", "43457e9182443bc6",
	  "01020201", "437f866b" "cb3f699fe9b0822bac961c4504bef270" },
};

static int kat_n, kat_failed;

static void kat_result(bool ok, const char *name, const char *what)
{
	printf("%sok %d - draft-mcgrew-gcm-test-01 %s: %s\n", ok ? "" : "not ", ++kat_n, name, what);
	kat_failed += !ok;
}

/* TAP on stdout; 0 if every known answer matched. */
int esp_kat_run(void)
{
	static uint8_t pt[2048], ct[2048], out[2048], back[2048];
	struct esp_key k;
	uint8_t raw[MAX_KEY_LEN + ESP_SALT_LEN], aad[8], iv[8];
	size_t i, j;

	printf("TAP version 13\n");
	for (i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
		const struct kat *t = &kats[i];
		long kl = parse_hex(t->key, strlen(t->key), raw, sizeof(raw));
		long pl = parse_hex(t->pt, strlen(t->pt), pt, sizeof(pt));
		long cl = parse_hex(t->ct, strlen(t->ct), ct, sizeof(ct));
		size_t back_len = 0;
		bool ok;

		if (kl < 20 || pl < 0 || cl != pl + ESP_ICV_LEN ||
		    parse_hex(t->aad, 16, aad, 8) != 8 || parse_hex(t->iv, 16, iv, 8) != 8) {
			kat_result(false, t->name, "vector parses");
			continue;
		}
		k.key_len = (size_t)kl - ESP_SALT_LEN;
		memcpy(k.key, raw, k.key_len);
		memcpy(k.salt, raw + k.key_len, ESP_SALT_LEN);
		ok = !esp_seal(&k, (uint32_t)aad[0] << 24 | aad[1] << 16 | aad[2] << 8 | aad[3],
			       (uint32_t)aad[4] << 24 | aad[5] << 16 | aad[6] << 8 | aad[7],
			       iv, pt, (size_t)pl, out) &&
		     !memcmp(out, aad, 8) && !memcmp(out + 8, iv, 8) &&
		     !memcmp(out + 16, ct, (size_t)cl);
		kat_result(ok, t->name, "seal gives the published ciphertext and ICV");
		ok = !esp_open(&k, out, (size_t)cl + 16, back, &back_len) &&
		     back_len == (size_t)pl && !memcmp(back, pt, (size_t)pl);
		kat_result(ok, t->name, "open gives the published plaintext");
		/* every bit of SPI|seq|IV and of the ICV is authenticated */
		ok = true;
		for (j = 0; j < 2 * 128; j++) {
			size_t at = j < 128 ? j / 8 : (size_t)cl + 16 - ESP_ICV_LEN + (j - 128) / 8;

			out[at] ^= (uint8_t)(1 << (j % 8));
			ok &= esp_open(&k, out, (size_t)cl + 16, back, &back_len) == -EBADMSG;
			out[at] ^= (uint8_t)(1 << (j % 8));
		}
		kat_result(ok, t->name, "each flipped header, IV or ICV bit is rejected");
		OPENSSL_cleanse(&k, sizeof(k));
	}
	printf("1..%d\n", kat_n);
	return kat_failed ? 1 : 0;
}
