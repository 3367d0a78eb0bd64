// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for aead.c, nicsec's AES-GCM over a linear buffer: published
 * known answers sealed and opened in place, every tag bit (and every
 * ciphertext, AAD and nonce byte) tampered with must give -EBADMSG and
 * leave no plaintext behind, out-of-range lengths and key sizes must be
 * refused before a byte is written, and the largest lengths the API
 * allows must work. The vector table is shared with keyslot_kunit.c.
 */
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "nicsec_kunit.h"

/*
 * Known answers, hex as published, each checked against OpenSSL too.
 *
 * "GCM TCn": D. McGrew and J. Viega, "The Galois/Counter Mode of Operation
 * (GCM)", revised 2005, Appendix B, test cases 1-18, keeping those with a
 * 96-bit IV and a 128- or 256-bit key (1-4, 13-16): 5-6, 11-12 and 17-18
 * use 64- and 480-bit IVs, 7-12 AES-192; the engine takes neither.
 *
 * "ESP ...": D. McGrew, "Test Cases for the use of GCM and GMAC in IPsec
 * ESP", draft-mcgrew-gcm-test-01, Section 4: ESP packets formed as RFC 4106
 * Sections 4-5 say, nonce = salt || explicit IV, AAD = SPI || sequence
 * number (SPI || extended sequence number for the 12-byte AAD one).
 */
const struct nicsec_gcm_vector nicsec_gcm_vectors[] = {
	{
		.name	= "GCM TC1 (AES-128, no data)",
		.key	= "00000000000000000000000000000000",
		.nonce	= "000000000000000000000000",
		.aad	= "",
		.pt	= "",
		.ct	= "",
		.tag	= "58e2fccefa7e3061367f1d57a4e7455a",
	}, {
		.name	= "GCM TC2 (AES-128, one block)",
		.key	= "00000000000000000000000000000000",
		.nonce	= "000000000000000000000000",
		.aad	= "",
		.pt	= "00000000000000000000000000000000",
		.ct	= "0388dace60b6a392f328c2b971b2fe78",
		.tag	= "ab6e47d42cec13bdf53a67b21257bddf",
	}, {
		.name	= "GCM TC3 (AES-128, 64 bytes)",
		.key	= "feffe9928665731c6d6a8f9467308308",
		.nonce	= "cafebabefacedbaddecaf888",
		.aad	= "",
		.pt	= "d9313225f88406e5a55909c5aff5269a"
			  "86a7a9531534f7da2e4c303d8a318a72"
			  "1c3c0c95956809532fcf0e2449a6b525"
			  "b16aedf5aa0de657ba637b391aafd255",
		.ct	= "42831ec2217774244b7221b784d0d49c"
			  "e3aa212f2c02a4e035c17e2329aca12e"
			  "21d514b25466931c7d8f6a5aac84aa05"
			  "1ba30b396a0aac973d58e091473f5985",
		.tag	= "4d5c2af327cd64a62cf35abd2ba6fab4",
	}, {
		.name	= "GCM TC4 (AES-128, 60 bytes, 20-byte AAD)",
		.key	= "feffe9928665731c6d6a8f9467308308",
		.nonce	= "cafebabefacedbaddecaf888",
		.aad	= "feedfacedeadbeeffeedfacedeadbeef"
			  "abaddad2",
		.pt	= "d9313225f88406e5a55909c5aff5269a"
			  "86a7a9531534f7da2e4c303d8a318a72"
			  "1c3c0c95956809532fcf0e2449a6b525"
			  "b16aedf5aa0de657ba637b39",
		.ct	= "42831ec2217774244b7221b784d0d49c"
			  "e3aa212f2c02a4e035c17e2329aca12e"
			  "21d514b25466931c7d8f6a5aac84aa05"
			  "1ba30b396a0aac973d58e091",
		.tag	= "5bc94fbc3221a5db94fae95ae7121a47",
	}, {
		.name	= "GCM TC13 (AES-256, no data)",
		.key	= "00000000000000000000000000000000"
			  "00000000000000000000000000000000",
		.nonce	= "000000000000000000000000",
		.aad	= "",
		.pt	= "",
		.ct	= "",
		.tag	= "530f8afbc74536b9a963b4f1c4cb738b",
	}, {
		.name	= "GCM TC14 (AES-256, one block)",
		.key	= "00000000000000000000000000000000"
			  "00000000000000000000000000000000",
		.nonce	= "000000000000000000000000",
		.aad	= "",
		.pt	= "00000000000000000000000000000000",
		.ct	= "cea7403d4d606b6e074ec5d3baf39d18",
		.tag	= "d0d1c8a799996bf0265b98b5d48ab919",
	}, {
		.name	= "GCM TC15 (AES-256, 64 bytes)",
		.key	= "feffe9928665731c6d6a8f9467308308"
			  "feffe9928665731c6d6a8f9467308308",
		.nonce	= "cafebabefacedbaddecaf888",
		.aad	= "",
		.pt	= "d9313225f88406e5a55909c5aff5269a"
			  "86a7a9531534f7da2e4c303d8a318a72"
			  "1c3c0c95956809532fcf0e2449a6b525"
			  "b16aedf5aa0de657ba637b391aafd255",
		.ct	= "522dc1f099567d07f47f37a32a84427d"
			  "643a8cdcbfe5c0c97598a2bd2555d1aa"
			  "8cb08e48590dbb3da7b08b1056828838"
			  "c5f61e6393ba7a0abcc9f662898015ad",
		.tag	= "b094dac5d93471bdec1a502270e3cc6c",
	}, {
		.name	= "GCM TC16 (AES-256, 60 bytes, 20-byte AAD)",
		.key	= "feffe9928665731c6d6a8f9467308308"
			  "feffe9928665731c6d6a8f9467308308",
		.nonce	= "cafebabefacedbaddecaf888",
		.aad	= "feedfacedeadbeeffeedfacedeadbeef"
			  "abaddad2",
		.pt	= "d9313225f88406e5a55909c5aff5269a"
			  "86a7a9531534f7da2e4c303d8a318a72"
			  "1c3c0c95956809532fcf0e2449a6b525"
			  "b16aedf5aa0de657ba637b39",
		.ct	= "522dc1f099567d07f47f37a32a84427d"
			  "643a8cdcbfe5c0c97598a2bd2555d1aa"
			  "8cb08e48590dbb3da7b08b1056828838"
			  "c5f61e6393ba7a0abcc9f662",
		.tag	= "76fc6ece0f4e1768cddf8853bb2d551b",
	}, {
		.name	= "ESP SPI 0x0000a5f8 seq 10 (AES-128)",
		.key	= "feffe9928665731c6d6a8f9467308308",
		.nonce	= "cafebabe" "facedbaddecaf888",
		.aad	= "0000a5f8" "0000000a",
		.pt	= "4500003e698f000080114dccc0a80102"
			  "c0a801010a980035002a2343b2d00100"
			  "0001000000000000037369700963796265"
			  "726369747902646b00000100010001",
		.ct	= "deb22cd9b07c72c16e3a65beeb8df304"
			  "a5a5897d33ae530f1ba76d5d114d2a5c"
			  "3de81827c10e9a4f51330d0eec416642"
			  "cfbb85a5b47e48a4ec3b9ba95d918bd1",
		.tag	= "83b70d3aa8bc6ee4c309e9d85a41ad4a",
		.esp	= true,
	}, {
		.name	= "ESP SPI 0x4a2cbfe3 seq 2 (AES-256)",
		.key	= "abbccddef00112233445566778899aab"
			  "abbccddef00112233445566778899aab",
		.nonce	= "11223344" "0102030405060708",
		.aad	= "4a2cbfe3" "00000002",
		.pt	= "4500003069a6400080062690c0a80102"
			  "9389155e0a9e008b2dc57ee000000000"
			  "7002400020bf0000020405b401010402"
			  "01020201",
		.ct	= "ff425c9b724599df7a3bcd510194e00d"
			  "6a78107f1b0b1cbf06efae9d65a5d763"
			  "748a637985771d347f0545659f14e99d"
			  "ef842d8e",
		.tag	= "b335f4eecfdbf831824b4c4915956c96",
		.esp	= true,
	}, {
		.name	= "ESP SPI 0 seq 1 (AES-128, zero key)",
		.key	= "00000000000000000000000000000000",
		.nonce	= "00000000" "0000000000000000",
		.aad	= "00000000" "00000001",
		.pt	= "4500003c99c500008001cb7a40679318"
			  "010101010800075c0200440061626364"
			  "65666768696a6b6c6d6e6f7071727374"
			  "75767761626364656667686901020201",
		.ct	= "4688daf2f973a392732909c331d56d60"
			  "f694abaa414b5e7ff5fdcdfff5e9a284"
			  "456476492719ffb64de7d9dca1e1d894"
			  "bc3bd57873ed4d181d19d4d5c8c18af3",
		.tag	= "f821d496eeb096e98ad2b69e4799c71d",
		.esp	= true,
	}, {
		.name	= "ESP SPI 0x00004321 ESN 0x8765432100000000 (AES-128)",
		.key	= "4c80cdefbb5d10da906ac73c3613a634",
		.nonce	= "2e443b68" "4956ed7e3b244cfe",
		.aad	= "00004321" "8765432100000000",
		.pt	= "45000048699a000080114db7c0a80102"
			  "c0a801010a9bf15638d3010000010000"
			  "00000000045f736970045f7564700373"
			  "69700963796265726369747902646b00"
			  "0021000101020201",
		.ct	= "fecf537e729d5b07dc30df528dd22b76"
			  "8d1b98736696a6fd348509fa13ceac34"
			  "cfa2436f14a3f3cf65925bf1f4a13c5d"
			  "15b21e1884f5ff6247aeabb786b93bce"
			  "61bc17d768fd9732",
		.tag	= "459018148f6cbe722fd04796562dfdb4",
		.esp	= true,
	},
};
const unsigned int nicsec_gcm_vectors_count = ARRAY_SIZE(nicsec_gcm_vectors);

/* A vector decoded into kmalloc buffers. */
struct gcm_case {
	u8 *key, *nonce, *aad;
	u8 *pt;		/* plaintext, room for the tag after it */
	u8 *sealed;	/* ciphertext || tag */
	u32 key_len, aad_len, len;
};

static void gcm_case_load(struct kunit *test, const struct nicsec_gcm_vector *v,
			  struct gcm_case *c)
{
	u32 nonce_len, ct_len, tag_len;
	u8 *tag;

	c->key = nicsec_kunit_unhex(test, v->key, 0, &c->key_len);
	c->nonce = nicsec_kunit_unhex(test, v->nonce, 0, &nonce_len);
	c->aad = nicsec_kunit_unhex(test, v->aad, 0, &c->aad_len);
	c->pt = nicsec_kunit_unhex(test, v->pt, NICSEC_ICV_LEN, &c->len);
	c->sealed = nicsec_kunit_unhex(test, v->ct, NICSEC_ICV_LEN, &ct_len);
	tag = nicsec_kunit_unhex(test, v->tag, 0, &tag_len);
	KUNIT_ASSERT_EQ_MSG(test, nonce_len, NICSEC_NONCE_LEN, "%s", v->name);
	KUNIT_ASSERT_EQ_MSG(test, ct_len, c->len, "%s", v->name);
	KUNIT_ASSERT_EQ_MSG(test, tag_len, NICSEC_ICV_LEN, "%s", v->name);
	memcpy(c->sealed + ct_len, tag, NICSEC_ICV_LEN);
}

KUNIT_DEFINE_ACTION_WRAPPER(aead_free_action, nicsec_aead_free,
			    struct crypto_aead *);

/* A transform freed when the test ends (or by aead_put()). */
static struct crypto_aead *aead_get(struct kunit *test, const char *name,
				    const u8 *key, u32 key_len)
{
	struct crypto_aead *tfm = nicsec_aead_alloc(key, key_len);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_OR_NULL(tfm),
			       "%s: nicsec_aead_alloc: %ld", name, PTR_ERR(tfm));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, aead_free_action, tfm), 0);
	return tfm;
}

static void aead_put(struct kunit *test, struct crypto_aead *tfm)
{
	kunit_release_action(test, aead_free_action, tfm);
}

static void aead_seal_vectors(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < nicsec_gcm_vectors_count; i++) {
		const struct nicsec_gcm_vector *v = &nicsec_gcm_vectors[i];
		struct crypto_aead *tfm;
		struct gcm_case c;
		u8 *aad_before;
		int err;

		gcm_case_load(test, v, &c);
		aad_before = kunit_kmalloc(test, c.aad_len + 1, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, aad_before);
		memcpy(aad_before, c.aad, c.aad_len);
		tfm = aead_get(test, v->name, c.key, c.key_len);

		err = nicsec_aead_seal(tfm, c.nonce, c.aad, c.aad_len, c.pt, c.len);
		KUNIT_EXPECT_EQ_MSG(test, err, 0, "%s: seal", v->name);
		KUNIT_EXPECT_MEMEQ_MSG(test, c.pt, c.sealed, c.len + NICSEC_ICV_LEN,
				       "%s: ciphertext || tag", v->name);
		KUNIT_EXPECT_MEMEQ_MSG(test, c.aad, aad_before, c.aad_len,
				       "%s: AAD changed", v->name);
		aead_put(test, tfm);
	}
}

static void aead_open_vectors(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < nicsec_gcm_vectors_count; i++) {
		const struct nicsec_gcm_vector *v = &nicsec_gcm_vectors[i];
		struct crypto_aead *tfm;
		struct gcm_case c;
		int err;

		gcm_case_load(test, v, &c);
		tfm = aead_get(test, v->name, c.key, c.key_len);

		err = nicsec_aead_open(tfm, c.nonce, c.aad, c.aad_len, c.sealed, c.len);
		KUNIT_EXPECT_EQ_MSG(test, err, 0, "%s: open", v->name);
		KUNIT_EXPECT_MEMEQ_MSG(test, c.sealed, c.pt, c.len,
				       "%s: plaintext", v->name);
		aead_put(test, tfm);
	}
}

enum tamper { TAMPER_SEALED, TAMPER_AAD, TAMPER_NONCE };

/*
 * Open a copy of @c's sealed data with @bit flipped in byte @pos of the
 * region @what (ciphertext || tag, AAD or nonce); true if the engine said
 * -EBADMSG and left the @c->len bytes zeroed.
 */

static bool aead_rejects(struct kunit *test, struct crypto_aead *tfm,
			 const struct gcm_case *c, u8 *buf, u8 *aad,
			 enum tamper what, u32 pos, u8 bit, int *err)
{
	u8 nonce[NICSEC_NONCE_LEN];

	memcpy(buf, c->sealed, c->len + NICSEC_ICV_LEN);
	memcpy(aad, c->aad, c->aad_len);
	memcpy(nonce, c->nonce, NICSEC_NONCE_LEN);
	switch (what) {
	case TAMPER_SEALED:
		buf[pos] ^= bit;
		break;
	case TAMPER_AAD:
		aad[pos] ^= bit;
		break;
	case TAMPER_NONCE:
		nonce[pos] ^= bit;
		break;
	}
	*err = nicsec_aead_open(tfm, nonce, aad, c->aad_len, buf, c->len);
	return *err == -EBADMSG && !nicsec_kunit_not_all(buf, c->len, 0);
}

/* Every bit of the tag, one at a time: -EBADMSG, plaintext zeroed. */
static void aead_tag_bit_flips(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < nicsec_gcm_vectors_count; i++) {
		const struct nicsec_gcm_vector *v = &nicsec_gcm_vectors[i];
		unsigned int bad = 0, first = 0, byte, bit;
		bool first_left = false;
		struct crypto_aead *tfm;
		struct gcm_case c;
		int err, first_err = 0;
		u8 *buf, *aad;

		gcm_case_load(test, v, &c);
		tfm = aead_get(test, v->name, c.key, c.key_len);
		buf = nicsec_kunit_buf(test, c.len + NICSEC_ICV_LEN, 0);
		aad = nicsec_kunit_buf(test, c.aad_len, 0);

		for (byte = 0; byte < NICSEC_ICV_LEN; byte++) {
			for (bit = 0; bit < 8; bit++) {
				if (aead_rejects(test, tfm, &c, buf, aad, TAMPER_SEALED,
						 c.len + byte, BIT(bit), &err))
					continue;
				if (!bad++) {
					first = byte * 8 + bit;
					first_err = err;
					first_left = nicsec_kunit_not_all(buf, c.len, 0);
				}
			}
		}
		KUNIT_EXPECT_EQ_MSG(test, bad, 0,
				    "%s: %u of 128 one-bit tag changes not refused (first: tag bit %u: open gave %d, %s)",
				    v->name, bad, first, first_err,
				    first_left ? "data left behind" : "buffer zeroed");

		/* and the untouched tag still opens with this transform */
		memcpy(buf, c.sealed, c.len + NICSEC_ICV_LEN);
		KUNIT_EXPECT_EQ_MSG(test, nicsec_aead_open(tfm, c.nonce, c.aad,
							   c.aad_len, buf, c.len),
				    0, "%s: open after tag changes", v->name);
		aead_put(test, tfm);
	}
}

/* Each ciphertext, AAD and nonce byte changed in turn: all rejected. */
static void aead_open_rejects_tampering(struct kunit *test)
{
	static const struct {
		enum tamper what;
		const char *name;
	} regions[] = {
		{ TAMPER_SEALED, "ciphertext" },
		{ TAMPER_AAD, "AAD" },
		{ TAMPER_NONCE, "nonce" },
	};
	unsigned int i, r;

	for (i = 0; i < nicsec_gcm_vectors_count; i++) {
		const struct nicsec_gcm_vector *v = &nicsec_gcm_vectors[i];
		struct crypto_aead *tfm;
		struct gcm_case c;
		u8 *buf, *aad;

		gcm_case_load(test, v, &c);
		tfm = aead_get(test, v->name, c.key, c.key_len);
		buf = nicsec_kunit_buf(test, c.len + NICSEC_ICV_LEN, 0);
		aad = nicsec_kunit_buf(test, c.aad_len, 0);

		for (r = 0; r < ARRAY_SIZE(regions); r++) {
			u32 n = regions[r].what == TAMPER_SEALED ? c.len :
				regions[r].what == TAMPER_AAD ? c.aad_len :
				NICSEC_NONCE_LEN;
			unsigned int pos, bad = 0, first = 0;
			bool first_left = false;
			int err, first_err = 0;

			for (pos = 0; pos < n; pos++) {
				if (aead_rejects(test, tfm, &c, buf, aad,
						 regions[r].what, pos, 0x80, &err))
					continue;
				if (!bad++) {
					first = pos;
					first_err = err;
					first_left = nicsec_kunit_not_all(buf, c.len, 0);
				}
			}
			KUNIT_EXPECT_EQ_MSG(test, bad, 0,
					    "%s: %u of %u %s byte changes not refused (first: byte %u: open gave %d, %s)",
					    v->name, bad, n, regions[r].name, first,
					    first_err,
					    first_left ? "data left behind" : "buffer zeroed");
		}
		aead_put(test, tfm);
	}
}

/* Out-of-range lengths: -EINVAL, and neither buffer nor AAD written. */
static void aead_bad_lengths(struct kunit *test)
{
	static const struct {
		const char *what;
		u32 aadlen;
		bool no_aad;
		u32 len;
	} cases[] = {
		{ "AAD one byte over NICSEC_AAD_MAX", NICSEC_AAD_MAX + 1, false, 64 },
		{ "AAD length U32_MAX", U32_MAX, false, 64 },
		{ "AAD length without AAD", 8, true, 64 },
		{ "buffer one byte over NICSEC_BUF_MAX", 8, false, NICSEC_BUF_MAX + 1 },
		{ "buffer length U32_MAX (wraps with the tag)", 8, false, U32_MAX },
	};
	const size_t room = NICSEC_BUF_MAX + 1 + NICSEC_ICV_LEN;
	const struct nicsec_gcm_vector *v = &nicsec_gcm_vectors[2];
	struct crypto_aead *tfm;
	struct gcm_case c;
	unsigned int i;
	u8 *buf, *aad;

	gcm_case_load(test, v, &c);
	tfm = aead_get(test, v->name, c.key, c.key_len);
	buf = nicsec_kunit_buf(test, room, 0xa5);
	aad = nicsec_kunit_buf(test, NICSEC_AAD_MAX + 1, 0x5a);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const u8 *a = aad;
		int err;

		if (cases[i].no_aad)
			a = NULL;
		memset(buf, 0xa5, room);
		memset(aad, 0x5a, NICSEC_AAD_MAX + 1);
		err = nicsec_aead_seal(tfm, c.nonce, a, cases[i].aadlen, buf,
				       cases[i].len);
		KUNIT_EXPECT_EQ_MSG(test, err, -EINVAL, "seal, %s", cases[i].what);
		err = nicsec_aead_open(tfm, c.nonce, a, cases[i].aadlen, buf,
				       cases[i].len);
		KUNIT_EXPECT_EQ_MSG(test, err, -EINVAL, "open, %s", cases[i].what);
		KUNIT_EXPECT_FALSE_MSG(test, nicsec_kunit_not_all(buf, room, 0xa5),
				       "buffer written, %s", cases[i].what);
		KUNIT_EXPECT_FALSE_MSG(test,
				       nicsec_kunit_not_all(aad, NICSEC_AAD_MAX + 1, 0x5a),
				       "AAD written, %s", cases[i].what);
	}
}

/* Only AES-128 and AES-256 keys; nothing else yields a transform. */
static void aead_bad_key_lengths(struct kunit *test)
{
	static const u32 lens[] = { 0, 1, 15, 17, 24, 31, 33, 64 };
	u8 *key = nicsec_kunit_buf(test, 64, 0x11);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		struct crypto_aead *tfm = nicsec_aead_alloc(key, lens[i]);

		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR_OR_ZERO(tfm), -EINVAL,
				    "%u-byte key", lens[i]);
		if (!IS_ERR_OR_NULL(tfm))
			nicsec_aead_free(tfm);
	}
}

/* The largest buffer and AAD the API allows seal and open back. */
static void aead_max_lengths(struct kunit *test)
{
	const struct nicsec_gcm_vector *v = &nicsec_gcm_vectors[6];	/* AES-256 */
	const u32 len = NICSEC_BUF_MAX;
	struct crypto_aead *tfm;
	struct gcm_case c;
	u8 *buf, *aad;
	u32 i;

	gcm_case_load(test, v, &c);
	tfm = aead_get(test, v->name, c.key, c.key_len);
	buf = nicsec_kunit_buf(test, len + NICSEC_ICV_LEN, 0);
	aad = nicsec_kunit_buf(test, NICSEC_AAD_MAX, 0x3c);
	for (i = 0; i < len; i++)
		buf[i] = i * 7;

	KUNIT_ASSERT_EQ(test, nicsec_aead_seal(tfm, c.nonce, aad, NICSEC_AAD_MAX,
					       buf, len), 0);
	KUNIT_EXPECT_EQ(test, nicsec_aead_open(tfm, c.nonce, aad, NICSEC_AAD_MAX,
					       buf, len), 0);
	for (i = 0; i < len; i++)
		if (buf[i] != (u8)(i * 7))
			break;
	KUNIT_EXPECT_EQ_MSG(test, i, len, "plaintext differs from byte %u", i);
}

static struct kunit_case nicsec_aead_cases[] = {
	KUNIT_CASE(aead_seal_vectors),
	KUNIT_CASE(aead_open_vectors),
	KUNIT_CASE(aead_tag_bit_flips),
	KUNIT_CASE(aead_open_rejects_tampering),
	KUNIT_CASE(aead_bad_lengths),
	KUNIT_CASE(aead_bad_key_lengths),
	KUNIT_CASE(aead_max_lengths),
	{}
};

struct kunit_suite nicsec_aead_suite = {
	.name = "nicsec_aead",
	.test_cases = nicsec_aead_cases,
};
