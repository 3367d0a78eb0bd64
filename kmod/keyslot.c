// SPDX-License-Identifier: GPL-2.0
/*
 * Key slots: a table of slots, each empty or holding one AES-GCM key (as a
 * crypto transform) and its 4-byte salt. The table is sized at load time
 * (nr_slots) and can be resized at run time (the device daemon sizes it to
 * its SA capacity when it starts); an unused slot costs one pointer.
 *
 * The slot array and its length live in one struct, published through one
 * RCU pointer, so a reader always sees an (array, length) pair that belong
 * together. Writers (set, clear, resize) run in process context under
 * nicsec_keyslot_lock; readers (seal, open from XDP) look the table and
 * then a slot up under RCU. A replaced or cleared key is unpublished, then
 * freed after a grace period (queue_rcu_work: the caller does not wait,
 * so clearing a million keys takes seconds, not a million grace periods),
 * so a packet in flight finishes with the key it started with. A resize copies the key pointers into a new array,
 * publishes it and frees the old array after a grace period: keys below
 * the new size are the same objects before and after, never missing.
 * Nothing returns key bytes: the transform holds them, and the crypto API
 * wipes its context on free; the salt is wiped with the slot.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include "nicsec.h"
#include "uapi/nicsec.h"

/* The load-time limit of the nr_slots parameter (main.c documents it). */
#define NICSEC_INIT_SLOTS_MAX	(1U << 20)

struct nicsec_key {
	struct crypto_aead *tfm;
	u8 salt[NICSEC_SALT_LEN];
	struct rcu_work free_work;	/* freed after a grace period */
};

/*
 * nr never changes once the table is published (a resize publishes a new
 * table); the slot pointers change under nicsec_keyslot_lock.
 */
struct nicsec_slot_table {
	u32 nr;
	struct nicsec_key __rcu *slot[] __counted_by(nr);
};

/* NULL only before init and after exit. */
static struct nicsec_slot_table __rcu *nicsec_table;
static DEFINE_MUTEX(nicsec_keyslot_lock);
/* frees unpublished keys in process context (freeing a transform may sleep) */
static struct workqueue_struct *nicsec_key_wq;

static void nicsec_key_destroy(struct nicsec_key *k)
{
	nicsec_aead_free(k->tfm);
	kfree_sensitive(k);		/* wipes the salt */
}

static void nicsec_key_free_work(struct work_struct *w)
{
	nicsec_key_destroy(container_of(to_rcu_work(w), struct nicsec_key, free_work));
}

/* @k is unpublished: free it once no reader can hold it any more. */
static void nicsec_key_retire(struct nicsec_key *k)
{
	INIT_RCU_WORK(&k->free_work, nicsec_key_free_work);
	queue_rcu_work(nicsec_key_wq, &k->free_work);
}

/* An empty table of @nr slots: pointers only, zeroed. May sleep. */
static struct nicsec_slot_table *nicsec_table_alloc(u32 nr)
{
	struct nicsec_slot_table *t;

	t = kvzalloc(struct_size(t, slot, nr), GFP_KERNEL);
	if (t)
		t->nr = nr;
	return t;
}

/* Caller holds nicsec_keyslot_lock. */
static struct nicsec_slot_table *nicsec_table_locked(void)
{
	lockdep_assert_held(&nicsec_keyslot_lock);
	return rcu_dereference_protected(nicsec_table,
					 lockdep_is_held(&nicsec_keyslot_lock));
}

int nicsec_keyslot_init(unsigned int nr_slots)
{
	struct nicsec_slot_table *t;

	if (!nr_slots || nr_slots > NICSEC_INIT_SLOTS_MAX)
		return -EINVAL;
	nicsec_key_wq = alloc_workqueue("nicsec_keyfree", WQ_UNBOUND, 0);
	if (!nicsec_key_wq)
		return -ENOMEM;
	t = nicsec_table_alloc(nr_slots);
	if (!t) {
		destroy_workqueue(nicsec_key_wq);
		nicsec_key_wq = NULL;
		return -ENOMEM;
	}
	mutex_lock(&nicsec_keyslot_lock);
	rcu_assign_pointer(nicsec_table, t);
	mutex_unlock(&nicsec_keyslot_lock);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(nicsec_keyslot_init, NICSEC);

unsigned int nicsec_keyslot_capacity(void)
{
	const struct nicsec_slot_table *t;
	unsigned int nr;

	rcu_read_lock();
	t = rcu_dereference(nicsec_table);
	nr = t ? t->nr : 0;
	rcu_read_unlock();
	return nr;
}
EXPORT_SYMBOL_NS_GPL(nicsec_keyslot_capacity, NICSEC);

/*
 * Caller holds nicsec_keyslot_lock; returns the key it unpublished (NULL
 * if the slot was empty), or ERR_PTR(-ERANGE) for a slot past the table.
 */
static struct nicsec_key *nicsec_keyslot_swap_locked(u32 slot, struct nicsec_key *k)
{
	struct nicsec_slot_table *t = nicsec_table_locked();
	struct nicsec_key *old;

	if (!t || slot >= t->nr)
		return ERR_PTR(-ERANGE);
	old = rcu_dereference_protected(t->slot[slot],
					lockdep_is_held(&nicsec_keyslot_lock));
	rcu_assign_pointer(t->slot[slot], k);
	return old;
}

int nicsec_keyslot_set(u32 slot, const u8 *key, u32 keylen,
		       const u8 salt[NICSEC_SALT_LEN])
{
	struct nicsec_key *k, *old;

	might_sleep();
	/* early refusal before the costly part; the swap checks again */
	if (slot >= nicsec_keyslot_capacity())
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
	if (IS_ERR(old)) {
		/* the table shrank meanwhile; k was never published */
		nicsec_key_destroy(k);
		return PTR_ERR(old);
	}
	if (old)
		nicsec_key_retire(old);	/* packets using it finish first */
	return 0;
}
EXPORT_SYMBOL_NS_GPL(nicsec_keyslot_set, NICSEC);

int nicsec_keyslot_clear(u32 slot)
{
	struct nicsec_key *old;

	might_sleep();
	mutex_lock(&nicsec_keyslot_lock);
	old = nicsec_keyslot_swap_locked(slot, NULL);
	mutex_unlock(&nicsec_keyslot_lock);
	if (IS_ERR(old))
		return PTR_ERR(old);
	if (!old)
		return -ENOENT;
	nicsec_key_retire(old);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(nicsec_keyslot_clear, NICSEC);

/*
 * Caller holds nicsec_keyslot_lock. Moves the key pointers of @old that
 * fit into @new (empty, not yet published) and publishes @new, or returns
 * -EBUSY, publishing nothing, if a slot that would be cut off holds a key.
 */
static int nicsec_keyslot_move_locked(struct nicsec_slot_table *old,
				      struct nicsec_slot_table *new)
{
	u32 i, keep = min(old->nr, new->nr);

	lockdep_assert_held(&nicsec_keyslot_lock);
	for (i = keep; i < old->nr; i++)
		if (rcu_access_pointer(old->slot[i]))
			return -EBUSY;
	for (i = 0; i < keep; i++) {
		struct nicsec_key *k;

		k = rcu_dereference_protected(old->slot[i],
					      lockdep_is_held(&nicsec_keyslot_lock));
		RCU_INIT_POINTER(new->slot[i], k);
	}
	/* orders the copies above before the table becomes visible */
	rcu_assign_pointer(nicsec_table, new);
	return 0;
}

int nicsec_keyslot_resize(u32 nr)
{
	struct nicsec_slot_table *old, *new;
	int err = 0;

	might_sleep();
	if (!nr || nr > NICSEC_SLOTS_MAX)
		return -EINVAL;
	/* allocated outside the lock: key commits go on meanwhile */
	new = nicsec_table_alloc(nr);
	if (!new)
		return -ENOMEM;

	mutex_lock(&nicsec_keyslot_lock);
	old = nicsec_table_locked();
	if (!old) {
		err = -ENODEV;
		goto drop_new;
	}
	if (old->nr == nr)
		goto drop_new;		/* nothing to move, no grace period */
	err = nicsec_keyslot_move_locked(old, new);
	if (err)
		goto drop_new;
	mutex_unlock(&nicsec_keyslot_lock);

	synchronize_rcu();		/* no reader walks the old array any more */
	kvfree(old);
	return 0;

drop_new:
	mutex_unlock(&nicsec_keyslot_lock);
	kvfree(new);			/* never published */
	return err;
}
EXPORT_SYMBOL_NS_GPL(nicsec_keyslot_resize, NICSEC);

void nicsec_keyslot_exit(void)
{
	struct nicsec_slot_table *t;
	u32 i;

	mutex_lock(&nicsec_keyslot_lock);
	t = nicsec_table_locked();
	RCU_INIT_POINTER(nicsec_table, NULL);
	mutex_unlock(&nicsec_keyslot_lock);
	if (nicsec_key_wq) {
		/* keys cleared before: their grace periods end, their frees run */
		rcu_barrier();
		destroy_workqueue(nicsec_key_wq);	/* drains it */
		nicsec_key_wq = NULL;
	}
	if (!t)
		return;
	/* one grace period for the whole table: no reader can reach a key */
	synchronize_rcu();
	for (i = 0; i < t->nr; i++) {
		/* unpublished above: the table is ours alone */
		struct nicsec_key *k = rcu_dereference_protected(t->slot[i], true);

		if (k) {
			nicsec_key_destroy(k);
			cond_resched();
		}
	}
	kvfree(t);
}
EXPORT_SYMBOL_NS_GPL(nicsec_keyslot_exit, NICSEC);

static int nicsec_keyslot_crypt(u32 slot, const u8 iv[NICSEC_IV_LEN],
				const u8 *aad, u32 aadlen, u8 *buf, u32 len,
				bool enc)
{
	const struct nicsec_slot_table *t;
	u8 nonce[NICSEC_NONCE_LEN];
	struct nicsec_key *k;
	int err;

	rcu_read_lock();
	t = rcu_dereference(nicsec_table);
	if (!t || slot >= t->nr) {
		rcu_read_unlock();
		return -ERANGE;
	}
	k = rcu_dereference(t->slot[slot]);
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
