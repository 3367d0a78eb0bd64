// SPDX-License-Identifier: GPL-2.0
/*
 * Key slots: a fixed-size table, sized at load time, each slot empty or
 * holding one AES-GCM key (as a crypto transform) and its 4-byte salt.
 * Writers (set, clear) run in process context under nicsec_keyslot_lock;
 * readers (seal, open from XDP) look a slot up under RCU. A replaced or
 * cleared key is unpublished, then freed after a grace period, so a packet
 * in flight finishes with the key it started with. Nothing returns key
 * bytes: the transform holds them, and the crypto API wipes its context on
 * free; the salt is wiped with the slot.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "nicsec.h"

struct nicsec_key {
	struct crypto_aead *tfm;
	u8 salt[NICSEC_SALT_LEN];
	struct rcu_head rcu;
};

static struct nicsec_key __rcu **nicsec_slots;
static unsigned int nicsec_nr_slots;
static DEFINE_MUTEX(nicsec_keyslot_lock);

static void nicsec_key_destroy(struct nicsec_key *k)
{
	nicsec_aead_free(k->tfm);
	kfree_sensitive(k);		/* wipes the salt */
}

int nicsec_keyslot_init(unsigned int nr_slots)
{
	if (!nr_slots || nr_slots > (1U << 20))
		return -EINVAL;
	nicsec_slots = kvcalloc(nr_slots, sizeof(*nicsec_slots), GFP_KERNEL);
	if (!nicsec_slots)
		return -ENOMEM;
	nicsec_nr_slots = nr_slots;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(nicsec_keyslot_init, NICSEC);

unsigned int nicsec_keyslot_capacity(void)
{
	return nicsec_nr_slots;
}
EXPORT_SYMBOL_NS_GPL(nicsec_keyslot_capacity, NICSEC);

/* Caller holds nicsec_keyslot_lock; returns the key it unpublished. */
static struct nicsec_key *nicsec_keyslot_swap_locked(u32 slot, struct nicsec_key *k)
{
	struct nicsec_key *old;

	lockdep_assert_held(&nicsec_keyslot_lock);
	old = rcu_dereference_protected(nicsec_slots[slot],
					lockdep_is_held(&nicsec_keyslot_lock));
	rcu_assign_pointer(nicsec_slots[slot], k);
	return old;
}

int nicsec_keyslot_set(u32 slot, const u8 *key, u32 keylen,
		       const u8 salt[NICSEC_SALT_LEN])
{
	struct nicsec_key *k, *old;

	might_sleep();
	if (slot >= nicsec_nr_slots)
		return -ERANGE;
	if (keylen != 16 && keylen != 32)
		return -EINVAL;
	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return -ENOMEM;
	k->tfm = nicsec_aead_alloc(key, keylen);
	if (IS_ERR(k->tfm)) {
		int err = PTR_ERR(k->tfm);

		kfree(k);
		return err;
	}
	memcpy(k->salt, salt, NICSEC_SALT_LEN);

	mutex_lock(&nicsec_keyslot_lock);
	old = nicsec_keyslot_swap_locked(slot, k);
	mutex_unlock(&nicsec_keyslot_lock);
	if (old) {
		synchronize_rcu();	/* no packet uses the old key any more */
		nicsec_key_destroy(old);
	}
	return 0;
}
EXPORT_SYMBOL_NS_GPL(nicsec_keyslot_set, NICSEC);

int nicsec_keyslot_clear(u32 slot)
{
	struct nicsec_key *old;

	might_sleep();
	if (slot >= nicsec_nr_slots)
		return -ERANGE;
	mutex_lock(&nicsec_keyslot_lock);
	old = nicsec_keyslot_swap_locked(slot, NULL);
	mutex_unlock(&nicsec_keyslot_lock);
	if (!old)
		return -ENOENT;
	synchronize_rcu();
	nicsec_key_destroy(old);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(nicsec_keyslot_clear, NICSEC);

void nicsec_keyslot_exit(void)
{
	unsigned int i;

	if (!nicsec_slots)
		return;
	mutex_lock(&nicsec_keyslot_lock);
	for (i = 0; i < nicsec_nr_slots; i++) {
		struct nicsec_key *old = nicsec_keyslot_swap_locked(i, NULL);

		if (old) {
			/* one grace period per key is slow but exit is rare */
			synchronize_rcu();
			nicsec_key_destroy(old);
		}
	}
	mutex_unlock(&nicsec_keyslot_lock);
	kvfree(nicsec_slots);
	nicsec_slots = NULL;
	nicsec_nr_slots = 0;
}
EXPORT_SYMBOL_NS_GPL(nicsec_keyslot_exit, NICSEC);

static int nicsec_keyslot_crypt(u32 slot, const u8 iv[NICSEC_IV_LEN],
				const u8 *aad, u32 aadlen, u8 *buf, u32 len,
				bool enc)
{
	u8 nonce[NICSEC_NONCE_LEN];
	struct nicsec_key *k;
	int err;

	if (slot >= nicsec_nr_slots)
		return -ERANGE;
	rcu_read_lock();
	k = rcu_dereference(nicsec_slots[slot]);
	if (!k) {
		rcu_read_unlock();
		return -ENOKEY;
	}
	memcpy(nonce, k->salt, NICSEC_SALT_LEN);
	memcpy(nonce + NICSEC_SALT_LEN, iv, NICSEC_IV_LEN);
	err = enc ? nicsec_aead_seal(k->tfm, nonce, aad, aadlen, buf, len) :
		    nicsec_aead_open(k->tfm, nonce, aad, aadlen, buf, len);
	rcu_read_unlock();
	memzero_explicit(nonce, sizeof(nonce));
	return err;
}

int nicsec_keyslot_seal(u32 slot, const u8 iv[NICSEC_IV_LEN], const u8 *aad,
			u32 aadlen, u8 *buf, u32 len)
{
	return nicsec_keyslot_crypt(slot, iv, aad, aadlen, buf, len, true);
}
EXPORT_SYMBOL_NS_GPL(nicsec_keyslot_seal, NICSEC);

int nicsec_keyslot_open(u32 slot, const u8 iv[NICSEC_IV_LEN], const u8 *aad,
			u32 aadlen, u8 *buf, u32 len)
{
	return nicsec_keyslot_crypt(slot, iv, aad, aadlen, buf, len, false);
}
EXPORT_SYMBOL_NS_GPL(nicsec_keyslot_open, NICSEC);
