// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for keyslot.c, the table of key slots: a slot's lifecycle
 * (set, replace, clear, clear again), what each call returns for empty and
 * out-of-range slots and bad key lengths, that a failed set leaves the
 * slot as it was, that data sealed under one key does not open after the
 * slot is rekeyed, and that the slot nonce is salt || explicit IV (RFC 4106
 * ESP known answers). Resizing the table at run time: a grow keeps every
 * key sealing the same bytes, a shrink is refused while a slot it would cut
 * off holds a key, the capacity follows, bad sizes are refused, a
 * million-slot table works at its last slot, and seals running on another
 * thread never miss their key while the table is resized under them.
 * nicsec.ko's init sized the table (nr_slots); every slot a test sets is
 * cleared, and every size it changes put back, when the test ends, even
 * if it fails.
 */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "nicsec_kunit.h"
#include "uapi/nicsec.h"

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

static void keyslot_resize_action(void *nr)
{
	nicsec_keyslot_resize((uintptr_t)nr);
}

/*
 * The test is about to resize the table: put its size back when the test
 * ends. Call it before ks_use(): actions run last-in first-out, so the
 * test's slots are cleared first and the shrink back is not refused.
 */
static void ks_keep_size(struct kunit *test)
{
	uintptr_t cap = nicsec_keyslot_capacity();

	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, keyslot_resize_action,
							(void *)cap), 0);
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

/* A plaintext, the IV it is sealed with, and a buffer to seal it in. */
struct ks_msg {
	u8 iv[NICSEC_IV_LEN];
	u8 *pt, *buf;
	u32 len;
};

static void ks_msg_make(struct kunit *test, struct ks_msg *m, u32 len)
{
	u32 i;

	for (i = 0; i < NICSEC_IV_LEN; i++)
		m->iv[i] = 0x10 + i;
	m->len = len;
	m->pt = nicsec_kunit_buf(test, len, 0);
	for (i = 0; i < len; i++)
		m->pt[i] = i * 7;
	m->buf = nicsec_kunit_buf(test, len + NICSEC_ICV_LEN, 0);
}

/* Seal the message with @slot into m->buf (ciphertext || tag). */
static int ks_seal(struct ks_msg *m, u32 slot)
{
	memcpy(m->buf, m->pt, m->len);
	memset(m->buf + m->len, 0, NICSEC_ICV_LEN);
	return nicsec_keyslot_seal(slot, m->iv, NULL, 0, m->buf, m->len);
}

/* Seal with @slot and keep a copy of ciphertext || tag. */
static u8 *ks_sealed(struct kunit *test, struct ks_msg *m, u32 slot)
{
	u8 *copy = nicsec_kunit_buf(test, m->len + NICSEC_ICV_LEN, 0);

	KUNIT_ASSERT_EQ_MSG(test, ks_seal(m, slot), 0, "seal with slot %u", slot);
	memcpy(copy, m->buf, m->len + NICSEC_ICV_LEN);
	return copy;
}

/* @slot still seals the message to @ref, byte for byte. */
static void ks_expect_seals(struct kunit *test, struct ks_msg *m, u32 slot,
			    const u8 *ref, const char *when)
{
	KUNIT_EXPECT_EQ_MSG(test, ks_seal(m, slot), 0, "slot %u %s", slot, when);
	KUNIT_EXPECT_MEMEQ_MSG(test, m->buf, ref, m->len + NICSEC_ICV_LEN,
			       "slot %u seals other bytes %s", slot, when);
}

/* Growing keeps every key where it was; new slots exist and start empty. */
static void keyslot_resize_grow(struct kunit *test)
{
	struct ks_keys k;
	struct ks_msg m;
	u32 cap, big;
	u8 *ref0, *ref_last;

	cap = ks_capacity(test);
	if (cap > NICSEC_SLOTS_MAX / 2)
		kunit_skip(test, "nr_slots %u leaves no room to double", cap);
	big = 2 * cap;
	ks_keep_size(test);
	ks_use(test, 0);
	ks_use(test, cap - 1);
	ks_use(test, big - 1);
	ks_keys_make(test, &k);
	ks_msg_make(test, &m, 80);

	KUNIT_ASSERT_EQ(test, nicsec_keyslot_set(0, k.a, 16, k.salt_a), 0);
	KUNIT_ASSERT_EQ(test, nicsec_keyslot_set(cap - 1, k.b, 32, k.salt_b), 0);
	ref0 = ks_sealed(test, &m, 0);
	ref_last = ks_sealed(test, &m, cap - 1);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_set(big - 1, k.a, 16, k.salt_a), -ERANGE);

	KUNIT_ASSERT_EQ(test, nicsec_keyslot_resize(big), 0);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_capacity(), big);
	ks_expect_seals(test, &m, 0, ref0, "after the grow");
	ks_expect_seals(test, &m, cap - 1, ref_last, "after the grow");
	KUNIT_EXPECT_EQ(test, ks_seal(&m, cap), -ENOKEY);
	KUNIT_EXPECT_EQ(test, ks_seal(&m, big - 1), -ENOKEY);
	KUNIT_EXPECT_EQ(test, ks_seal(&m, big), -ERANGE);
	/* a new slot is a real one: the same key there seals the same bytes */
	KUNIT_ASSERT_EQ(test, nicsec_keyslot_set(big - 1, k.a, 16, k.salt_a), 0);
	ks_expect_seals(test, &m, big - 1, ref0, "(new slot, key of slot 0)");

	/* the same size again changes nothing */
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_resize(big), 0);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_capacity(), big);
	ks_expect_seals(test, &m, big - 1, ref0, "after a resize to the same size");

	/* and back */
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_clear(big - 1), 0);
	KUNIT_ASSERT_EQ(test, nicsec_keyslot_resize(cap), 0);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_capacity(), cap);
	ks_expect_seals(test, &m, 0, ref0, "after growing and shrinking back");
	ks_expect_seals(test, &m, cap - 1, ref_last, "after growing and shrinking back");
	KUNIT_EXPECT_EQ(test, ks_seal(&m, cap), -ERANGE);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_clear(0), 0);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_clear(cap - 1), 0);
}

/* A shrink that would cut off a key is refused and changes nothing. */
static void keyslot_resize_shrink(struct kunit *test)
{
	struct ks_keys k;
	struct ks_msg m;
	u32 cap, last;
	u8 *ref0, *ref_last;

	cap = ks_capacity(test);
	last = cap - 1;
	ks_keep_size(test);
	ks_use(test, 0);
	ks_use(test, last);
	ks_keys_make(test, &k);
	ks_msg_make(test, &m, 33);

	KUNIT_ASSERT_EQ(test, nicsec_keyslot_set(0, k.a, 16, k.salt_a), 0);
	KUNIT_ASSERT_EQ(test, nicsec_keyslot_set(last, k.b, 32, k.salt_b), 0);
	ref0 = ks_sealed(test, &m, 0);
	ref_last = ks_sealed(test, &m, last);

	KUNIT_EXPECT_EQ(test, nicsec_keyslot_resize(last), -EBUSY);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_resize(1), -EBUSY);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_capacity(), cap);
	ks_expect_seals(test, &m, 0, ref0, "after a refused shrink");
	ks_expect_seals(test, &m, last, ref_last, "after a refused shrink");

	/* cleared, the slot no longer holds the shrink back */
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_clear(last), 0);
	KUNIT_ASSERT_EQ(test, nicsec_keyslot_resize(last), 0);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_capacity(), last);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_set(last, k.b, 32, k.salt_b), -ERANGE);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_clear(last), -ERANGE);
	KUNIT_EXPECT_EQ(test, ks_seal(&m, last), -ERANGE);
	ks_expect_seals(test, &m, 0, ref0, "after the shrink");

	/* down to the one slot that holds a key, and up again */
	KUNIT_ASSERT_EQ(test, nicsec_keyslot_resize(1), 0);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_capacity(), 1U);
	ks_expect_seals(test, &m, 0, ref0, "in a one-slot table");
	KUNIT_ASSERT_EQ(test, nicsec_keyslot_resize(cap), 0);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_capacity(), cap);
	KUNIT_EXPECT_EQ_MSG(test, ks_seal(&m, last), -ENOKEY,
			    "a slot cut off and grown back starts empty");
	ks_expect_seals(test, &m, 0, ref0, "after growing back");
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_clear(0), 0);
}

/* 0 and sizes above NICSEC_SLOTS_MAX: -EINVAL, table unchanged. */
static void keyslot_resize_bad_sizes(struct kunit *test)
{
	static const u32 bad[] = { 0, NICSEC_SLOTS_MAX + 1, NICSEC_SLOTS_MAX + 2,
				   U32_MAX };
	unsigned int i;
	u32 cap;
	int err;

	cap = ks_capacity(test);
	ks_keep_size(test);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, nicsec_keyslot_resize(bad[i]), -EINVAL,
				    "resize to %u", bad[i]);
		KUNIT_EXPECT_EQ_MSG(test, nicsec_keyslot_capacity(), cap,
				    "after a resize to %u", bad[i]);
	}
	/* the bound itself is a size, not an error (memory permitting) */
	err = nicsec_keyslot_resize(NICSEC_SLOTS_MAX);
	if (err == -ENOMEM) {
		kunit_info(test, "no memory for %u slots here\n", NICSEC_SLOTS_MAX);
		KUNIT_EXPECT_EQ(test, nicsec_keyslot_capacity(), cap);
	} else {
		KUNIT_EXPECT_EQ(test, err, 0);
		KUNIT_EXPECT_EQ(test, nicsec_keyslot_capacity(), NICSEC_SLOTS_MAX);
	}
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_resize(cap), 0);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_capacity(), cap);
}

/* A million slots (the device's tested SA capacity), used at the last. */
static void keyslot_resize_million(struct kunit *test)
{
	const u32 big = 1000000, last = big - 1;
	struct ks_keys k;
	struct ks_msg m;
	u8 *ref;
	u32 cap;

	cap = ks_capacity(test);
	if (cap >= big)
		kunit_skip(test, "nr_slots %u is not below %u", cap, big);
	ks_keep_size(test);
	ks_use(test, 0);
	ks_use(test, last);
	ks_keys_make(test, &k);
	ks_msg_make(test, &m, 100);

	KUNIT_ASSERT_EQ(test, nicsec_keyslot_set(0, k.b, 32, k.salt_b), 0);
	ref = ks_sealed(test, &m, 0);
	KUNIT_ASSERT_EQ(test, nicsec_keyslot_resize(big), 0);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_capacity(), big);
	ks_expect_seals(test, &m, 0, ref, "in a million-slot table");

	KUNIT_ASSERT_EQ(test, nicsec_keyslot_set(last, k.b, 32, k.salt_b), 0);
	ks_expect_seals(test, &m, last, ref, "(last of a million, key of slot 0)");
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_open(last, m.iv, NULL, 0, m.buf, m.len), 0);
	KUNIT_EXPECT_MEMEQ(test, m.buf, m.pt, m.len);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_set(big, k.b, 32, k.salt_b), -ERANGE);

	KUNIT_EXPECT_EQ(test, nicsec_keyslot_resize(cap), -EBUSY);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_capacity(), big);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_clear(last), 0);
	KUNIT_ASSERT_EQ(test, nicsec_keyslot_resize(cap), 0);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_capacity(), cap);
	ks_expect_seals(test, &m, 0, ref, "after the million-slot table");
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_clear(0), 0);
}

/* A reader on another thread: seals the message in a loop, counting. */
struct ks_traffic {
	struct ks_msg m;
	const u8 *ref;
	u32 slot;
	unsigned long seals, bad;	/* written by the thread only */
};

static int ks_traffic_fn(void *arg)
{
	struct ks_traffic *t = arg;

	/* no KUnit calls here: this thread is not the test's */
	while (!kthread_should_stop()) {
		if (ks_seal(&t->m, t->slot) ||
		    memcmp(t->m.buf, t->ref, t->m.len + NICSEC_ICV_LEN))
			WRITE_ONCE(t->bad, t->bad + 1);
		WRITE_ONCE(t->seals, t->seals + 1);
		cond_resched();
	}
	return 0;
}

static void ks_traffic_stop(void *task)
{
	kthread_stop(task);
}

/* Wait (up to 2 s) until the thread has sealed a few more times. */
static void ks_traffic_wait(struct ks_traffic *t)
{
	unsigned long from = READ_ONCE(t->seals);
	unsigned long until = jiffies + 2 * HZ;

	while (READ_ONCE(t->seals) < from + 4 && time_before(jiffies, until))
		usleep_range(200, 500);
}

/* No seal misses its key, or seals other bytes, while the table moves. */
static void keyslot_resize_under_traffic(struct kunit *test)
{
	const unsigned int rounds = 24;
	struct task_struct *task;
	struct ks_traffic *t;
	struct ks_keys k;
	unsigned int i;
	u32 cap;

	cap = ks_capacity(test);
	if (cap > NICSEC_SLOTS_MAX - 64 * rounds)
		kunit_skip(test, "nr_slots %u leaves no room to grow", cap);
	ks_keep_size(test);
	ks_use(test, cap - 1);
	ks_keys_make(test, &k);
	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	ks_msg_make(test, &t->m, 64);
	t->slot = cap - 1;		/* the slot a shrink would cut first */
	KUNIT_ASSERT_EQ(test, nicsec_keyslot_set(t->slot, k.a, 16, k.salt_a), 0);
	t->ref = ks_sealed(test, &t->m, t->slot);

	task = kthread_run(ks_traffic_fn, t, "nicsec_ks_traffic");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ks_traffic_stop, task), 0);
	for (i = 0; i < rounds; i++) {
		/* grow by varying amounts, shrink back to the key's slot + 1 */
		u32 nr = i % 2 ? cap : cap + 1 + 64 * i;

		ks_traffic_wait(t);
		KUNIT_EXPECT_EQ_MSG(test, nicsec_keyslot_resize(nr), 0, "round %u: %u slots",
				    i, nr);
	}
	ks_traffic_wait(t);
	kunit_release_action(test, ks_traffic_stop, task);

	kunit_info(test, "%lu seals across %u resizes\n", t->seals, rounds);
	KUNIT_EXPECT_GE(test, t->seals, (unsigned long)rounds);
	KUNIT_EXPECT_EQ_MSG(test, t->bad, 0UL, "seals that failed or differed");
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_capacity(), cap);
	KUNIT_EXPECT_EQ(test, nicsec_keyslot_clear(t->slot), 0);
}

static struct kunit_case nicsec_keyslot_cases[] = {
	KUNIT_CASE(keyslot_capacity),
	KUNIT_CASE(keyslot_lifecycle),
	KUNIT_CASE(keyslot_esp_vectors),
	KUNIT_CASE(keyslot_bounds),
	KUNIT_CASE(keyslot_bad_key_length),
	KUNIT_CASE(keyslot_bad_lengths),
	KUNIT_CASE(keyslot_resize_grow),
	KUNIT_CASE(keyslot_resize_shrink),
	KUNIT_CASE(keyslot_resize_bad_sizes),
	KUNIT_CASE(keyslot_resize_million),
	KUNIT_CASE(keyslot_resize_under_traffic),
	{}
};

struct kunit_suite nicsec_keyslot_suite = {
	.name = "nicsec_keyslot",
	.test_cases = nicsec_keyslot_cases,
};
