// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for keyslot.c, the table of key slots: a slot's lifecycle
 * (set, replace, clear, clear again), what each call returns for empty and
 * out-of-range slots and bad key lengths, that a failed set leaves the
 * slot as it was, that data sealed under one key does not open after the
 * slot is rekeyed, and that the slot nonce is salt || explicit IV (RFC 4106
 * ESP known answers). nicsec.ko's init sized the table (nr_slots); every
 * slot a test sets is cleared when the test ends, even if it fails.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include "nicsec_kunit.h"

static void keyslot_clear_action(void *slot)
{
	nicsec_keyslot_clear((uintptr_t)slot);	/* -ENOENT if already clear */
}

/* The test is about to set @slot: clear it when the test ends. */
static void ks_use(struct kunit *test, u32 slot)
{
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, keyslot_clear_action,
							(void *)(uintptr_t)slot), 0);
}

/* Two distinct test keys (not secrets), 16 and 32 bytes, and salts. */
struct ks_keys {
	u8 *a, *b, *salt_a, *salt_b;
};

static void ks_keys_make(struct kunit *test, struct ks_keys *k)
{
	k->a = nicsec_kunit_buf(test, 16, 0x41);
	k->b = nicsec_kunit_buf(test, 32, 0x42);
	k->salt_a = nicsec_kunit_buf(test, NICSEC_SALT_LEN, 0x51);
	k->salt_b = nicsec_kunit_buf(test, NICSEC_SALT_LEN, 0x52);
}

static u32 ks_capacity(struct kunit *test)
{
	u32 cap = nicsec_keyslot_capacity();

	KUNIT_ASSERT_GE_MSG(test, cap, 2U, "the suite needs two key slots");
	return cap;
}

static void keyslot_capacity(struct kunit *test)
{
	u32 cap = ks_capacity(test);

	kunit_info(test, "%u key slots (nicsec.ko nr_slots)\n", cap);
	KUNIT_EXPECT_LE(test, cap, 1U << 20);
}

static void keyslot_lifecycle(struct kunit *test)
{
	const u32 slot = 0, len = 100;
	u8 iv[NICSEC_IV_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	u8 *pt, *buf, *sealed_a, *aad;
	struct ks_keys k;
	u32 i;

	ks_capacity(test);
	ks_use(test, slot);
	ks_keys_make(test, &k);
	aad = nicsec_kunit_buf(test, 8, 0xa1);
	pt = nicsec_kunit_buf(test, len, 0);
	for (i = 0; i < len; i++)
		pt[i] = i;
	buf = nicsec_kunit_buf(test, len + NICSEC_ICV_LEN, 0);
	sealed_a = nicsec_kunit_buf(test, len + NICSEC_ICV_LEN, 0);

	/* empty: nothing to clear, nothing to seal or open with */
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_clear(slot), -ENOENT);
	memcpy(buf, pt, len);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_seal(slot, iv, aad, 8, buf, len), -ENOKEY);
	KUNIT_EXPECT_MEMEQ_MSG(test, buf, pt, len, "empty slot wrote the buffer");
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_open(slot, iv, aad, 8, buf, len), -ENOKEY);

	/* set: seal and open back */
	KUNIT_ASSERT_EQ(test, nicsec_keyslot_set(slot, k.a, 16, k.salt_a), 0);
	KUNIT_ASSERT_EQ(test, nicsec_keyslot_seal(slot, iv, aad, 8, buf, len), 0);
	KUNIT_EXPECT_NE_MSG(test, memcmp(buf, pt, len), 0, "seal left plaintext");
	memcpy(sealed_a, buf, len + NICSEC_ICV_LEN);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_open(slot, iv, aad, 8, buf, len), 0);
	KUNIT_EXPECT_MEMEQ(test, buf, pt, len);

	/* replace: the old key's data no longer opens, and is not leaked */
	KUNIT_ASSERT_EQ(test, nicsec_keyslot_set(slot, k.b, 32, k.salt_b), 0);
	memcpy(buf, sealed_a, len + NICSEC_ICV_LEN);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_open(slot, iv, aad, 8, buf, len), -EBADMSG);
	KUNIT_EXPECT_FALSE_MSG(test, nicsec_kunit_not_all(buf, len, 0),
			       "failed open left data behind");
	memcpy(buf, pt, len);
	KUNIT_ASSERT_EQ(test, nicsec_keyslot_seal(slot, iv, aad, 8, buf, len), 0);
	KUNIT_EXPECT_NE_MSG(test, memcmp(buf, sealed_a, len + NICSEC_ICV_LEN), 0,
			    "new key sealed like the old one");
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_open(slot, iv, aad, 8, buf, len), 0);
	KUNIT_EXPECT_MEMEQ(test, buf, pt, len);

	/* clear, then clear again */
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_clear(slot), 0);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_clear(slot), -ENOENT);
	memcpy(buf, pt, len);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_seal(slot, iv, aad, 8, buf, len), -ENOKEY);
	KUNIT_EXPECT_MEMEQ_MSG(test, buf, pt, len, "cleared slot wrote the buffer");
}

/* Slot nonce = salt || IV, checked with the RFC 4106 ESP known answers. */
static void keyslot_esp_vectors(struct kunit *test)
{
	const u32 slot = 1;
	unsigned int i, n = 0;

	ks_capacity(test);
	ks_use(test, slot);
	for (i = 0; i < nicsec_gcm_vectors_count; i++) {
		const struct nicsec_gcm_vector *v = &nicsec_gcm_vectors[i];
		u32 key_len, nonce_len, aad_len, len, ct_len, tag_len;
		u8 *key, *nonce, *aad, *buf, *ct, *tag;

		if (!v->esp)
			continue;
		key = nicsec_kunit_unhex(test, v->key, 0, &key_len);
		nonce = nicsec_kunit_unhex(test, v->nonce, 0, &nonce_len);
		aad = nicsec_kunit_unhex(test, v->aad, 0, &aad_len);
		buf = nicsec_kunit_unhex(test, v->pt, NICSEC_ICV_LEN, &len);
		ct = nicsec_kunit_unhex(test, v->ct, NICSEC_ICV_LEN, &ct_len);
		tag = nicsec_kunit_unhex(test, v->tag, 0, &tag_len);
		KUNIT_ASSERT_EQ(test, nonce_len, NICSEC_NONCE_LEN);
		KUNIT_ASSERT_EQ(test, ct_len, len);
		KUNIT_ASSERT_EQ(test, tag_len, NICSEC_ICV_LEN);
		memcpy(ct + len, tag, NICSEC_ICV_LEN);

		KUNIT_ASSERT_EQ_MSG(test, nicsec_keyslot_set(slot, key, key_len, nonce), 0,
				    "%s: set", v->name);
		KUNIT_EXPECT_EQ_MSG(test, nicsec_keyslot_seal(slot, nonce + NICSEC_SALT_LEN,
							      aad, aad_len, buf, len),
				    0, "%s: seal", v->name);
		KUNIT_EXPECT_MEMEQ_MSG(test, buf, ct, len + NICSEC_ICV_LEN,
				       "%s: ciphertext || tag", v->name);
		KUNIT_EXPECT_EQ_MSG(test, nicsec_keyslot_open(slot, nonce + NICSEC_SALT_LEN,
							      aad, aad_len, buf, len),
				    0, "%s: open", v->name);
		n++;
	}
	KUNIT_EXPECT_GE(test, n, 1U);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_clear(slot), 0);
}

/* Slots [0, capacity) exist, nothing past them does. */
static void keyslot_bounds(struct kunit *test)
{
	const u32 len = 32;
	u8 iv[NICSEC_IV_LEN] = {};
	struct ks_keys k;
	u32 cap, last, i;
	u8 *buf;

	cap = ks_capacity(test);
	last = cap - 1;
	ks_use(test, last);
	ks_keys_make(test, &k);
	buf = nicsec_kunit_buf(test, len + NICSEC_ICV_LEN, 0xee);

	{
		const u32 bad[] = { cap, cap + 1, U32_MAX };

		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			u32 s = bad[i];

			KUNIT_EXPECT_EQ_MSG(test, nicsec_keyslot_set(s, k.a, 16, k.salt_a),
					    -ERANGE, "set slot %u", s);
			KUNIT_EXPECT_EQ_MSG(test, nicsec_keyslot_clear(s), -ERANGE,
					    "clear slot %u", s);
			KUNIT_EXPECT_EQ_MSG(test, nicsec_keyslot_seal(s, iv, NULL, 0, buf, len),
					    -ERANGE, "seal slot %u", s);
			KUNIT_EXPECT_EQ_MSG(test, nicsec_keyslot_open(s, iv, NULL, 0, buf, len),
					    -ERANGE, "open slot %u", s);
		}
		KUNIT_EXPECT_FALSE_MSG(test,
				       nicsec_kunit_not_all(buf, len + NICSEC_ICV_LEN, 0xee),
				       "out-of-range slot wrote the buffer");
	}

	/* the last slot is a real one */
	KUNIT_ASSERT_EQ(test, nicsec_keyslot_set(last, k.b, 32, k.salt_b), 0);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_seal(last, iv, NULL, 0, buf, len), 0);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_open(last, iv, NULL, 0, buf, len), 0);
	KUNIT_EXPECT_FALSE(test, nicsec_kunit_not_all(buf, len, 0xee));
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_clear(last), 0);
}

/* Bad key lengths: -EINVAL, and the slot keeps what it had. */
static void keyslot_bad_key_length(struct kunit *test)
{
	static const u32 lens[] = { 0, 1, 15, 17, 24, 31, 33, 64 };
	const u32 slot = 0, len = 48;
	u8 iv[NICSEC_IV_LEN] = { 9 };
	u8 *key, *buf, *sealed;
	struct ks_keys k;
	unsigned int i;

	ks_capacity(test);
	ks_use(test, slot);
	ks_keys_make(test, &k);
	key = nicsec_kunit_buf(test, 64, 0x77);
	buf = nicsec_kunit_buf(test, len + NICSEC_ICV_LEN, 0x33);
	sealed = nicsec_kunit_buf(test, len + NICSEC_ICV_LEN, 0);

	/* on an empty slot: it stays empty */
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		KUNIT_EXPECT_EQ_MSG(test, nicsec_keyslot_set(slot, key, lens[i], k.salt_a),
				    -EINVAL, "%u-byte key", lens[i]);
		KUNIT_EXPECT_EQ_MSG(test, nicsec_keyslot_seal(slot, iv, NULL, 0, buf, len),
				    -ENOKEY, "after a %u-byte key", lens[i]);
	}

	/* on a keyed slot: the key in it stays and still works */
	KUNIT_ASSERT_EQ(test, nicsec_keyslot_set(slot, k.a, 16, k.salt_a), 0);
	KUNIT_ASSERT_EQ(test, nicsec_keyslot_seal(slot, iv, NULL, 0, buf, len), 0);
	memcpy(sealed, buf, len + NICSEC_ICV_LEN);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		KUNIT_EXPECT_EQ_MSG(test, nicsec_keyslot_set(slot, key, lens[i], k.salt_b),
				    -EINVAL, "%u-byte key over a set slot", lens[i]);
		memcpy(buf, sealed, len + NICSEC_ICV_LEN);
		KUNIT_EXPECT_EQ_MSG(test, nicsec_keyslot_open(slot, iv, NULL, 0, buf, len),
				    0, "old key lost after a %u-byte key", lens[i]);
	}
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_clear(slot), 0);
}

/* The engine's length rules hold through a slot as well. */
static void keyslot_bad_lengths(struct kunit *test)
{
	const u32 slot = 0;
	const size_t room = NICSEC_BUF_MAX + 1 + NICSEC_ICV_LEN;
	u8 iv[NICSEC_IV_LEN] = {};
	struct ks_keys k;
	u8 *buf, *aad;

	ks_capacity(test);
	ks_use(test, slot);
	ks_keys_make(test, &k);
	buf = nicsec_kunit_buf(test, room, 0xa5);
	aad = nicsec_kunit_buf(test, NICSEC_AAD_MAX + 1, 0x5a);
	KUNIT_ASSERT_EQ(test, nicsec_keyslot_set(slot, k.b, 32, k.salt_b), 0);

	KUNIT_EXPECT_EQ(test, nicsec_keyslot_seal(slot, iv, aad, NICSEC_AAD_MAX + 1,
						  buf, 64), -EINVAL);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_open(slot, iv, aad, NICSEC_AAD_MAX + 1,
						  buf, 64), -EINVAL);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_seal(slot, iv, aad, 8, buf,
						  NICSEC_BUF_MAX + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_open(slot, iv, aad, 8, buf,
						  NICSEC_BUF_MAX + 1), -EINVAL);
	KUNIT_EXPECT_FALSE_MSG(test, nicsec_kunit_not_all(buf, room, 0xa5),
			       "refused request wrote the buffer");
	KUNIT_EXPECT_FALSE(test, nicsec_kunit_not_all(aad, NICSEC_AAD_MAX + 1, 0x5a));
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_clear(slot), 0);
}

static struct kunit_case nicsec_keyslot_cases[] = {
	KUNIT_CASE(keyslot_capacity),
	KUNIT_CASE(keyslot_lifecycle),
	KUNIT_CASE(keyslot_esp_vectors),
	KUNIT_CASE(keyslot_bounds),
	KUNIT_CASE(keyslot_bad_key_length),
	KUNIT_CASE(keyslot_bad_lengths),
	{}
};

struct kunit_suite nicsec_keyslot_suite = {
	.name = "nicsec_keyslot",
	.test_cases = nicsec_keyslot_cases,
};
