/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device's SA database as user space sees it: the maps nicsec-devd
 * pinned, and the ordered steps that install and remove an SA so that the
 * data path never sees a half-made one. Keys go to the engine (keyset.c),
 * never into a map.
 */
#ifndef NICSEC_SADB_H
#define NICSEC_SADB_H

#include <stdint.h>
#include "maps.h"

struct nicsec_sadb {
	int sa_fd, flow_fd, spi_fd, replay_fd, stats_fd, info_fd, drop_fd, port_fd;
	int slots_fd;		/* bpf engine: gcm_slots, else -1 */
	struct nicsec_dev_info info;
};

/* Open the maps pinned under @dir. Returns 0 or -errno; on error nothing
 * stays open. */
int sadb_open(struct nicsec_sadb *db, const char *dir);
void sadb_close(struct nicsec_sadb *db);

/*
 * Install SA @id: key into the engine, SA entry, fresh replay window and
 * counters, then the lookup entries (SPI for inbound; @flow for outbound),
 * last, so that packets find the SA only once it is complete. @key is
 * 16/32 bytes and @salt 4 bytes. Returns 0 or -errno; -EEXIST if @id is in
 * use, and undoes what it did on failure.
 */
int sadb_add(struct nicsec_sadb *db, uint32_t id, const struct nicsec_sa *sa,
	     const struct nicsec_flow *flow, const uint8_t *key, uint32_t key_len,
	     const uint8_t *salt);

/* Remove SA @id: lookup entries first, then the SA, then its key. */
int sadb_del(struct nicsec_sadb *db, uint32_t id);

/* Read SA @id; -ENOENT if not valid. */
int sadb_get(struct nicsec_sadb *db, uint32_t id, struct nicsec_sa *sa);

/* Sum the per-CPU counters of SA @id. */
int sadb_stats(struct nicsec_sadb *db, uint32_t id, struct nicsec_sa_stats *st);

#endif
