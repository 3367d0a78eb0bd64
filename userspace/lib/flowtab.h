/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The outbound flow table (flow_tab, bpf/maps.bpf.h) as user space keeps
 * it: a cuckoo table of two-way buckets laid out by bpf/flow_hash.h, read
 * and written through a shared mapping of the array, in an order the data
 * path can follow while it runs (a way's tag is written last when a flow
 * goes in and first when it goes out; a move between buckets is bracketed
 * by flow_gen). A way leads to an SA id; the SA entry holds the flow it
 * was installed for (struct nicsec_sa sel_*), which is how a way is known
 * to be a flow's. One writer at a time (nicsec-devd).
 */
#ifndef NICSEC_FLOWTAB_H
#define NICSEC_FLOWTAB_H

#include <stddef.h>
#include <stdint.h>
#include "maps.h"

struct nicsec_flowtab {
	int fd, gen_fd, sa_fd;
	uint32_t bmask;		/* buckets - 1 */
	__u64 seed[2];
	struct nicsec_flow_way *ways;	/* the mapped array, 2 per bucket */
	uint32_t *gen;			/* the mapped flow_gen[0] */
	size_t ways_len, gen_len;
	uint64_t moves;			/* flows moved to make room, so far */
};

/* Buckets for a device of @max_sas SAs: a power of two >= @max_sas, so
 * that the table (two ways a bucket) is at most half full. */
uint32_t flowtab_buckets(uint32_t max_sas);

/* Map flow_tab (@fd), flow_gen (@gen_fd) with the geometry and secret in
 * @di; @sa_fd is sa_table. The fds stay the caller's. 0 or -errno
 * (-EINVAL: @di does not fit the map). */
int flowtab_open(struct nicsec_flowtab *ft, int fd, int gen_fd, int sa_fd,
		 const struct nicsec_dev_info *di);
void flowtab_close(struct nicsec_flowtab *ft);

/* The SA id outbound @flow leads to, and (if @idx) its way's index.
 * 0, or -ENOENT. */
int flowtab_find(struct nicsec_flowtab *ft, const struct nicsec_flow *flow, uint32_t *id,
		 uint32_t *idx);

/* Lead @flow to SA @id, whose entry must already hold @flow: the flow's
 * way if it has one, else a free way of its buckets, else one made free
 * by moving other flows to their other bucket. 0, -EINVAL (the SA is not
 * an outbound one installed for @flow), -ENOSPC (no room found). */
int flowtab_set(struct nicsec_flowtab *ft, const struct nicsec_flow *flow, uint32_t id);

/* Remove @flow if it leads to SA @id (UINT32_MAX: whichever). 0, or
 * -ENOENT. */
int flowtab_del(struct nicsec_flowtab *ft, const struct nicsec_flow *flow, uint32_t id);

/* Remove every flow leading to one of the @n SA ids @ids (each below
 * @max_sas); returns how many ways were freed, or -ENOMEM. */
long flowtab_del_ids(struct nicsec_flowtab *ft, const uint32_t *ids, uint32_t n,
		     uint32_t max_sas);

/* Ways in use. */
uint32_t flowtab_count(const struct nicsec_flowtab *ft);

#endif /* NICSEC_FLOWTAB_H */
