/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Committing keys to the device's AES-GCM engine from process context.
 * kmod engine: a sleepable SYSCALL program calls nicsec.ko's key-set
 * kfunc; the key travels only in that program run's context, which the
 * kfunc wipes. No path reads a key back.
 */
#ifndef NICSEC_KEYSET_H
#define NICSEC_KEYSET_H

#include <stdint.h>

#define NICSEC_SALT_LEN 4

/*
 * Install @key (16 or 32 bytes) and @salt in @slot of @engine (enum
 * nicsec_engine_id). Returns 0 or -errno: -EOPNOTSUPP for an engine
 * without keys, -EINVAL/-ERANGE/-ENOMEM as the engine says.
 */
int nicsec_key_set(unsigned int engine, uint32_t slot, const uint8_t *key,
		   uint32_t key_len, const uint8_t salt[NICSEC_SALT_LEN]);
/* Wipe and empty @slot; -ENOENT if it was empty. */
int nicsec_key_clear(unsigned int engine, uint32_t slot);

#endif
