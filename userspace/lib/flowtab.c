// SPDX-License-Identifier: GPL-2.0
/* The outbound flow table; see flowtab.h and bpf/flow_hash.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include "flow_hash.h"
#include "flowtab.h"

/* How far a free way is looked for: buckets BFS_DEPTH moves away. */
#define BFS_DEPTH	4
#define BFS_NODES	(2 * ((1 << (BFS_DEPTH + 1)) - 1))

uint32_t flowtab_buckets(uint32_t max_sas)
{
	uint32_t b = 1;

	while (b < max_sas && b < (1u << 31))
		b <<= 1;
	return b;
}

static size_t page_round(size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return (n + pg - 1) / pg * pg;
}

int flowtab_open(struct nicsec_flowtab *ft, int fd, int gen_fd, int sa_fd,
		 const struct nicsec_dev_info *di)
{
	struct bpf_map_info mi = {};
	__u32 len = sizeof(mi);
	void *p;

	memset(ft, 0, sizeof(*ft));
	ft->fd = fd;
	ft->gen_fd = gen_fd;
	ft->sa_fd = sa_fd;
	ft->ways = MAP_FAILED;
	ft->gen = MAP_FAILED;
	if (bpf_obj_get_info_by_fd(fd, &mi, &len))
		return -errno;
	ft->bmask = di->flow_bmask;
	if (mi.value_size != sizeof(struct nicsec_flow_way) ||
	    (ft->bmask & (ft->bmask + 1)) ||
	    ((uint64_t)ft->bmask + 1) * NICSEC_FLOW_WAYS > mi.max_entries)
		return -EINVAL;
	ft->seed[0] = di->flow_seed[0];
	ft->seed[1] = di->flow_seed[1];
	ft->ways_len = page_round((size_t)mi.max_entries * sizeof(struct nicsec_flow_way));
	ft->gen_len = page_round(sizeof(uint32_t));
	p = mmap(NULL, ft->ways_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	ft->ways = p;
	p = mmap(NULL, ft->gen_len, PROT_READ | PROT_WRITE, MAP_SHARED, gen_fd, 0);
	if (p == MAP_FAILED) {
		int err = -errno;

		flowtab_close(ft);
		return err;
	}
	ft->gen = p;
	return 0;
}

void flowtab_close(struct nicsec_flowtab *ft)
{
	if (ft->ways != MAP_FAILED && ft->ways)
		munmap(ft->ways, ft->ways_len);
	if (ft->gen != MAP_FAILED && ft->gen)
		munmap(ft->gen, ft->gen_len);
	ft->ways = MAP_FAILED;
	ft->gen = MAP_FAILED;
}

struct place {
	uint32_t tag, b1, b2;
};

static struct place place_of(const struct nicsec_flowtab *ft, const struct nicsec_flow *flow)
{
	uint64_t h = nicsec_flow_hash(flow, ft->seed);
	struct place p = { .tag = nicsec_flow_tag(h) };

	p.b1 = (uint32_t)h & ft->bmask;
	p.b2 = p.b1 ^ nicsec_flow_alt(p.tag, ft->bmask);
	return p;
}

/* SA @id is outbound, valid and installed for @flow (flow_sa_is() in
 * bpf/flow_tab.bpf.h, the data path's own check). */
static int sa_is_flows(const struct nicsec_flowtab *ft, uint32_t id,
		       const struct nicsec_flow *f)
{
	struct nicsec_sa sa;

	if (bpf_map_lookup_elem(ft->sa_fd, &id, &sa))
		return 0;
	return (sa.flags & NICSEC_SA_VALID) && (sa.flags & NICSEC_SA_OUT) &&
	       sa.sel_local == f->saddr && sa.sel_remote == f->daddr &&
	       sa.sel_local_port == f->sport && sa.sel_remote_port == f->dport &&
	       sa.sel_proto == f->proto && sa.port == f->port;
}

static uint32_t way_idx(uint32_t bucket, uint32_t way)
{
	return bucket * NICSEC_FLOW_WAYS + way;
}

/* The way holding @flow, or -1. */
static long find_way(struct nicsec_flowtab *ft, const struct nicsec_flow *flow,
		     const struct place *p)
{
	uint32_t b[2] = { p->b1, p->b2 }, i, w, idx;

	for (i = 0; i < 2; i++) {
		for (w = 0; w < NICSEC_FLOW_WAYS; w++) {
			idx = way_idx(b[i], w);
			if (ft->ways[idx].tag == p->tag && sa_is_flows(ft, ft->ways[idx].id, flow))
				return idx;
		}
		if (p->b2 == p->b1)
			break;
	}
	return -1;
}

int flowtab_find(struct nicsec_flowtab *ft, const struct nicsec_flow *flow, uint32_t *id,
		 uint32_t *idx)
{
	struct place p = place_of(ft, flow);
	long i = find_way(ft, flow, &p);

	if (i < 0)
		return -ENOENT;
	*id = ft->ways[i].id;
	if (idx)
		*idx = (uint32_t)i;
	return 0;
}

/* Fill free way @idx: the SA and empty hints first, the tag last, so that
 * a packet that sees the tag sees the SA id too. */
static void way_fill(struct nicsec_flowtab *ft, uint32_t idx, uint32_t tag, uint32_t id,
		     const struct nicsec_warm *warm)
{
	struct nicsec_flow_way *w = &ft->ways[idx];

	__atomic_store_n(&w->id, id, __ATOMIC_RELAXED);
	if (warm)
		w->warm = *warm;
	else
		memset(&w->warm, 0, sizeof(w->warm));
	__atomic_store_n(&w->tag, tag, __ATOMIC_RELEASE);
}

static void way_free(struct nicsec_flowtab *ft, uint32_t idx)
{
	__atomic_store_n(&ft->ways[idx].tag, 0, __ATOMIC_RELEASE);
}

static long free_way(const struct nicsec_flowtab *ft, uint32_t bucket)
{
	uint32_t w;

	for (w = 0; w < NICSEC_FLOW_WAYS; w++)
		if (!ft->ways[way_idx(bucket, w)].tag)
			return way_idx(bucket, w);
	return -1;
}

/*
 * Make a way of bucket @b1 or @b2 free by moving flows each to its other
 * bucket: a breadth-first search for a free way at most BFS_DEPTH moves
 * away, then the moves from the free end back, each copying a flow before
 * its old way is taken, flow_gen odd meanwhile. The free way's index, or
 * -1.
 */
static long make_room(struct nicsec_flowtab *ft, uint32_t b1, uint32_t b2)
{
	struct node {
		uint32_t bucket;
		int parent;		/* -1: a root */
		uint32_t via;		/* the parent's way whose flow moves here */
		int depth;
	} q[BFS_NODES];
	int head = 0, tail = 0, n, a;
	long fw = -1;
	uint32_t w;

	q[tail++] = (struct node){ b1, -1, 0, 0 };
	if (b2 != b1)
		q[tail++] = (struct node){ b2, -1, 0, 0 };
	for (; head < tail && fw < 0; head++) {
		if (q[head].depth >= BFS_DEPTH)
			continue;
		for (w = 0; w < NICSEC_FLOW_WAYS && fw < 0; w++) {
			uint32_t idx = way_idx(q[head].bucket, w);
			uint32_t alt = q[head].bucket ^ nicsec_flow_alt(ft->ways[idx].tag, ft->bmask);
			int on_path = alt == q[head].bucket;

			/* a bucket already on this path cannot take a move */
			for (a = head; a >= 0 && !on_path; a = q[a].parent)
				on_path = q[a].bucket == alt;
			if (on_path || tail >= BFS_NODES)
				continue;
			q[tail] = (struct node){ alt, head, w, q[head].depth + 1 };
			fw = free_way(ft, alt);
			tail++;
		}
	}
	if (fw < 0)
		return -1;
	/* tail - 1 is the node with the free way fw: move back to a root */
	__atomic_fetch_add(ft->gen, 1, __ATOMIC_SEQ_CST);
	for (n = tail - 1; q[n].parent >= 0; n = q[n].parent) {
		uint32_t from = way_idx(q[q[n].parent].bucket, q[n].via);
		struct nicsec_flow_way copy = ft->ways[from];

		way_fill(ft, (uint32_t)fw, copy.tag, copy.id, &copy.warm);
		fw = from;
		ft->moves++;
	}
	way_free(ft, (uint32_t)fw);
	__atomic_fetch_add(ft->gen, 1, __ATOMIC_SEQ_CST);
	return fw;
}

int flowtab_set(struct nicsec_flowtab *ft, const struct nicsec_flow *flow, uint32_t id)
{
	struct place p = place_of(ft, flow);
	long i;

	if (!sa_is_flows(ft, id, flow))
		return -EINVAL;
	i = find_way(ft, flow, &p);
	if (i >= 0) {
		/* a rekey: the flow moves to the new SA (hints refilled by
		 * its next packet) */
		__atomic_store_n(&ft->ways[i].id, id, __ATOMIC_RELEASE);
		memset(&ft->ways[i].warm, 0, sizeof(ft->ways[i].warm));
		return 0;
	}
	i = free_way(ft, p.b1);
	if (i < 0)
		i = free_way(ft, p.b2);
	if (i < 0)
		i = make_room(ft, p.b1, p.b2);
	if (i < 0)
		return -ENOSPC;
	way_fill(ft, (uint32_t)i, p.tag, id, NULL);
	return 0;
}

int flowtab_del(struct nicsec_flowtab *ft, const struct nicsec_flow *flow, uint32_t id)
{
	struct place p = place_of(ft, flow);
	long i = find_way(ft, flow, &p);

	if (i < 0 || (id != UINT32_MAX && ft->ways[i].id != id))
		return -ENOENT;
	way_free(ft, (uint32_t)i);
	return 0;
}

long flowtab_del_ids(struct nicsec_flowtab *ft, const uint32_t *ids, uint32_t n,
		     uint32_t max_sas)
{
	uint8_t *gone = calloc((max_sas + 7) / 8, 1);
	uint64_t i, ways = ((uint64_t)ft->bmask + 1) * NICSEC_FLOW_WAYS;
	long freed = 0;

	if (!gone)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (ids[i] < max_sas)
			gone[ids[i] / 8] |= (uint8_t)(1u << (ids[i] % 8));
	for (i = 0; i < ways; i++) {
		uint32_t sid = ft->ways[i].id;

		if (ft->ways[i].tag && sid < max_sas && (gone[sid / 8] & (1u << (sid % 8)))) {
			way_free(ft, (uint32_t)i);
			freed++;
		}
	}
	free(gone);
	return freed;
}

uint32_t flowtab_count(const struct nicsec_flowtab *ft)
{
	uint64_t i, ways = ((uint64_t)ft->bmask + 1) * NICSEC_FLOW_WAYS;
	uint32_t n = 0;

	for (i = 0; i < ways; i++)
		n += !!ft->ways[i].tag;
	return n;
}
