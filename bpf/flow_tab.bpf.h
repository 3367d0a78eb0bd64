/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Outbound flow lookup in flow_tab (bpf/maps.bpf.h, bpf/flow_hash.h): the
 * packet's flow gives two buckets by arithmetic; both lines are loaded at
 * once, and a way whose tag is the flow's leads to an SA that is taken
 * only if it is valid, outbound, the port's, and installed for exactly
 * this flow. So a way user space is halfway through writing, or a tag
 * shared by two flows, can cost a miss but never lend a packet another
 * flow's SA, let alone another tenant's.
 */
#ifndef NICSEC_FLOW_TAB_BPF_H
#define NICSEC_FLOW_TAB_BPF_H

#include "flow_hash.h"
#include "engine.h"

#define FLOW_READ(x) (*(volatile typeof(x) *)&(x))

/* The SA's own flow (sel_*, in struct nicsec_flow's layout) is @f. */
static __always_inline int flow_sa_is(const struct nicsec_sa *sa, const struct nicsec_flow *f)
{
	return sa->sel_local == f->saddr && sa->sel_remote == f->daddr &&
	       sa->sel_local_port == f->sport && sa->sel_remote_port == f->dport &&
	       sa->sel_proto == f->proto && sa->port == f->port;
}

/* Way @idx, if its tag is @tag and its SA is the flow's: the SA in *@sap
 * and its id, as read once and checked, in *@idp (the way may change
 * under the packet; the id it was checked for is the one to use). */
static __always_inline struct nicsec_flow_way *
flow_way_try(__u32 idx, __u32 tag, const struct nicsec_flow *f, struct nicsec_sa **sap,
	     __u32 *idp)
{
	struct nicsec_flow_way *w = bpf_map_lookup_elem(&flow_tab, &idx);
	struct nicsec_sa *sa;
	__u64 touched;
	__u32 id;

	if (!w || FLOW_READ(w->tag) != tag)
		return NULL;
	id = FLOW_READ(w->id);
	/* every per-SA load first, so that their cache misses overlap */
	engine_touch(id, &w->warm);
	sa = bpf_map_lookup_elem(&sa_table, &id);
	if (!sa)
		return NULL;
	/* and the line of seq and the counters (an SA spans two lines more
	 * often than not): the locked add on seq waits for every load
	 * before it, and would then miss on its own */
	touched = sa->flags ^ sa->st.bytes;
	asm volatile("" : : "r"(touched));
	if (!(sa->flags & NICSEC_SA_VALID) || !(sa->flags & NICSEC_SA_OUT) || !flow_sa_is(sa, f))
		return NULL;
	*sap = sa;
	*idp = id;
	return w;
}

/*
 * The way of outbound flow @f, its SA and SA id (flow_way_try()), or NULL. A miss while user space
 * moved a flow between buckets (flow_gen odd, or changed) looks again,
 * twice at most.
 */
static __always_inline struct nicsec_flow_way *
flow_find(const struct nicsec_flow *f, const struct nicsec_dev_info *di, struct nicsec_sa **sap,
	  __u32 *idp)
{
	__u32 zero = 0, *gen = bpf_map_lookup_elem(&flow_gen, &zero);
	__u64 h = nicsec_flow_hash(f, di->flow_seed);
	__u32 tag = nicsec_flow_tag(h), bmask = di->flow_bmask;
	__u32 b1 = (__u32)h & bmask, b2 = b1 ^ nicsec_flow_alt(tag, bmask);
	struct nicsec_flow_way *w, *w2;
	__u32 g, i, i2 = 2 * b2;
	__u64 t;

	if (!gen)
		return NULL;
	/* the second bucket's line on its way while the first is looked at */
	w2 = bpf_map_lookup_elem(&flow_tab, &i2);
	if (w2) {
		t = FLOW_READ(w2->tag);
		asm volatile("" : : "r"(t));
	}
	for (i = 0; i < 3; i++) {
		g = FLOW_READ(*gen);
		w = flow_way_try(2 * b1, tag, f, sap, idp);
		if (w)
			return w;
		w = flow_way_try(2 * b1 + 1, tag, f, sap, idp);
		if (w)
			return w;
		w = flow_way_try(2 * b2, tag, f, sap, idp);
		if (w)
			return w;
		w = flow_way_try(2 * b2 + 1, tag, f, sap, idp);
		if (w)
			return w;
		if (!(g & 1) && FLOW_READ(*gen) == g)
			break;
	}
	return NULL;
}

#endif /* NICSEC_FLOW_TAB_BPF_H */
