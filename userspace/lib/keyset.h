/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Committing keys to the device's AES-GCM engine from process context.
 * kmod engine: a sleepable SYSCALL program calls nicsec.ko's key-set
 * kfunc; the key travels only in that program run's context, which the
 * kfunc wipes. No path reads a key back.
 * bpf engine: a SYSCALL program (bpf/keyset_bpf.bpf.c) makes an ecb(aes)
 * crypto context from the key in its run's context (wiped there) and swaps
 * it into the slot of the device's pinned gcm_slots map (@slots_fd) as a
 * kptr; an XDP program then fills the slot's GHASH table from H = E_K(0).
 */
#ifndef NICSEC_KEYSET_H
#define NICSEC_KEYSET_H

#include <stdint.h>

#define NICSEC_SALT_LEN 4

/*
 * Install @key (16 or 32 bytes) and @salt in @slot of @engine (enum
 * nicsec_engine_id); @slots_fd is the device's gcm_slots map (bpf engine). Returns 0 or -errno: -EOPNOTSUPP for an engine
 * without keys, -EINVAL/-ERANGE/-ENOMEM as the engine says.
 */
int nicsec_key_set(unsigned int engine, int slots_fd, uint32_t slot,
		   const uint8_t *key, uint32_t key_len,
		   const uint8_t salt[NICSEC_SALT_LEN]);
/* Load and verify @engine's key-commit programs now (they are kept for
 * the process), so that the first key set is as quick as the others. */
int nicsec_key_prepare(unsigned int engine, int slots_fd);
/* Wipe and empty @slot; -ENOENT if it was empty. */
int nicsec_key_clear(unsigned int engine, int slots_fd, uint32_t slot);
/*
 * Wipe and empty the @n slots at @slots (empty ones too), in as few calls
 * as the engine allows: the bpf engine's slots with map batch updates of
 * zeros (the kernel releases a slot's crypto context when its value is
 * written), the module's one by one. Returns 0 or the first -errno.
 */
int nicsec_key_clear_many(unsigned int engine, int slots_fd, const uint32_t *slots,
			  uint32_t n);

/*
 * The kmod engine's slot table (nicsec.ko must be loaded): make it @nr
 * slots long (1..NICSEC_SLOTS_MAX of uapi/nicsec.h, e.g. the daemon's SA
 * capacity), or read its length into @nr. Keys in slots below the new
 * size keep working. Return 0 or -errno: -EINVAL for a size out of range,
 * -EBUSY when shrinking would cut off a slot that holds a key, -ENOMEM.
 * Without nicsec.ko the programs do not load (libbpf gives -EINVAL for
 * the kfuncs it cannot resolve): capacity fails only that way, so read it
 * first to tell a missing module from a bad size.
 */
int nicsec_kmod_slots_resize(uint32_t nr);
int nicsec_kmod_slots_capacity(uint32_t *nr);

/* The AES driver the bpf engine asks the kernel for: "aes-generic"
 * (ecb(aes-generic)) or anything else for ecb(aes). Chosen by measurement
 * (make bench). */
#define NICSEC_BPF_AES_DEFAULT "aes-generic"
/* The bpf engine's key set with a choice of AES driver; for tests and the
 * benchmark. @slots_fd: a gcm_slots map. */
int nicsec_bpf_key_set(int slots_fd, uint32_t slot, const uint8_t *key,
		       uint32_t key_len, const uint8_t salt[NICSEC_SALT_LEN],
		       const char *aes);

#endif
