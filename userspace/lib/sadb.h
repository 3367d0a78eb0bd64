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
#include "flowtab.h"
#include "maps.h"

struct nicsec_sadb {
	int sa_fd, flow_fd, gen_fd, spi_fd, replay_fd, info_fd, drop_fd, port_fd;
	int slots_fd;		/* bpf engine: gcm_slots, else -1 */
	struct nicsec_dev_info info;
	uint32_t max_sas;	/* ids are 0..max_sas-1 (sa_table's size) */
	struct nicsec_flowtab flows;	/* flow_tab, mapped */
};

/* Open the maps pinned under @dir. Returns 0 or -errno; on error nothing
 * stays open. */
int sadb_open(struct nicsec_sadb *db, const char *dir);
void sadb_close(struct nicsec_sadb *db);

/*
 * Install SA @id: key into the engine, SA entry, fresh replay window and
 * counters, then the lookup entry (SPI and local address for inbound;
 * @flow for outbound, replacing the flow's previous SA), last, so that
 * packets find the SA only once it is complete. An outbound SA's entry
 * records @flow (its sel_* fields), whatever @sa says there. @key is 16/32 bytes and
 * @salt 4 bytes. Returns 0 or -errno; -EEXIST if @id is in use,
 * -EADDRINUSE if an inbound SA has that SPI for that address, -ENOSPC if
 * the flow table has no room for @flow; undoes what it did on failure. The caller picks a free @id (devd keeps the table).
 */
int sadb_add(struct nicsec_sadb *db, uint32_t id, const struct nicsec_sa *sa,
	     const struct nicsec_flow *flow, const uint8_t *key, uint32_t key_len,
	     const uint8_t *salt);

/*
 * Remove SA @id: its lookup entry first (inbound: its SPI; outbound: @flow,
 * the flow it was installed with, if that still points at @id: a rekey
 * moves a flow to the new SA), then the SA, then its key.
 */
int sadb_del(struct nicsec_sadb *db, uint32_t id, const struct nicsec_flow *flow);

/* The SA outbound @flow points at (0), or -ENOENT. */
int sadb_flow_lookup(struct nicsec_sadb *db, const struct nicsec_flow *flow, uint32_t *id);
/* Point outbound @flow at SA @id, an outbound SA installed for @flow
 * (else -EINVAL). */
int sadb_flow_point(struct nicsec_sadb *db, const struct nicsec_flow *flow, uint32_t id);

/*
 * Remove many SAs at once, as sadb_del() each but in map batches: the
 * lookup entries @spis (inbound SAs' (SPI, local address)) and every flow
 * leading to one of the SAs (one pass over the flow table), the SA
 * entries @ids, then their keys. For removing a tenant or flushing a
 * large table. Returns 0 or the first -errno; goes on after an error.
 */
int sadb_del_many(struct nicsec_sadb *db, const uint32_t *ids, uint32_t n,
		  const struct nicsec_spi_key *spis, uint32_t n_spis);

/* Is an inbound SA installed for @spi (network order) at @daddr? */
int sadb_spi_used(struct nicsec_sadb *db, uint32_t spi, uint32_t daddr);

/*
 * Call @fn for every valid SA, in id order, reading the table in batches
 * (a million SAs in a few calls); stops at the first non-zero return and
 * returns it, or 0, or -errno.
 */
int sadb_walk(struct nicsec_sadb *db,
	      int (*fn)(void *arg, uint32_t id, const struct nicsec_sa *sa), void *arg);

/* Read SA @id; -ENOENT if not valid. */
int sadb_get(struct nicsec_sadb *db, uint32_t id, struct nicsec_sa *sa);

/* The counters of SA @id. */
int sadb_stats(struct nicsec_sadb *db, uint32_t id, struct nicsec_sa_stats *st);

#endif
