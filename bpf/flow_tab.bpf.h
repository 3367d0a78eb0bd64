/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Outbound flow lookup in flow_tab (bpf/maps.bpf.h, bpf/flow_hash.h): the
 * packet's flow gives two buckets by arithmetic; both lines are loaded at
 * once, and a way whose tag is the flow's leads to an SA that is taken
 * only if it is valid, outbound, the port's, and installed for exactly
 * this flow. So a way user space is halfway through writing, or a tag
 * shared by two flows, never lends a packet another flow's SA, let alone
 * another tenant's; and where the flow might be in the table but cannot be
 * read for certain, the packet is dropped rather than sent in clear.
 * The reads are ordered for x86 (TSO; BPF has no read barrier): volatile
 * loads in program order, user space's stores in program order.
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

enum { FLOW_MISS = 0, FLOW_FOUND = 1, FLOW_DROP = -1 };

/* SA @id for flow @f: FLOW_FOUND (its entry in *@sap), FLOW_DROP if the SA
 * is not valid (the way is being removed or moved to a rekey's new SA),
 * else FLOW_MISS (another flow's SA: a shared tag, or a way reused). */
static __always_inline int flow_sa_try(__u32 id, struct nicsec_flow_way *w,
				       const struct nicsec_flow *f, struct nicsec_sa **sap)
{
	struct nicsec_sa *sa;
	__u64 touched;

	/* every per-SA load first, so that their cache misses overlap */
	engine_touch(id, &w->warm);
	sa = bpf_map_lookup_elem(&sa_table, &id);
	if (!sa)
		return FLOW_DROP;
	/* and the line of seq and the counters (an SA spans two lines more
	 * often than not): the locked add on seq waits for every load
	 * before it, and would then miss on its own */
	touched = sa->flags ^ sa->st.bytes;
	asm volatile("" : : "r"(touched));
	if (!(sa->flags & NICSEC_SA_VALID) || !(sa->flags & NICSEC_SA_OUT))
		return FLOW_DROP;
	if (!flow_sa_is(sa, f))
		return FLOW_MISS;
	*sap = sa;
	return FLOW_FOUND;
}

/*
 * Way @idx, if its tag is @tag and its SA is the flow's: FLOW_FOUND, the
 * SA in *@sap and its id, as read and checked, in *@idp (the way may
 * change under the packet; the id checked is the one to use). A way whose
 * SA failed the check is read again once: a rekey stores the new SA's id
 * and then deletes the old SA, which a packet may see in that order.
 * FLOW_DROP: the tag is the flow's but its SA was not valid, twice (the
 * flow is being removed; failing closed, as for an SA that stopped).
 */
static __always_inline int flow_way_try(__u32 idx, __u32 tag, const struct nicsec_flow *f,
					struct nicsec_sa **sap, __u32 *idp)
{
	struct nicsec_flow_way *w = bpf_map_lookup_elem(&flow_tab, &idx);
	__u32 id, again;
	int r;

	if (!w || FLOW_READ(w->tag) != tag)
		return FLOW_MISS;
	id = FLOW_READ(w->id);
	r = flow_sa_try(id, w, f, sap);
	if (r == FLOW_FOUND) {
		*idp = id;
		return r;
	}
	again = FLOW_READ(w->id);
	if (again == id || FLOW_READ(w->tag) != tag)
		return r;
	r = flow_sa_try(again, w, f, sap);
	if (r == FLOW_FOUND)
		*idp = again;
	return r;
}

/*
 * Outbound flow @f: FLOW_FOUND with its way in *@wp, its SA and SA id
 * (flow_way_try()); FLOW_MISS (no SA for the flow: it may pass); or
 * FLOW_DROP: a way of the flow whose SA is going away, or user space
 * moving flows between buckets (flow_gen odd, or changed) through three
 * looks in a row, so that the flow might be there: the packet is dropped
 * (counted no_sa), never sent in clear or by a coarser flow's SA.
 */
static __always_inline int flow_find(const struct nicsec_flow *f,
				     const struct nicsec_dev_info *di,
				     struct nicsec_flow_way **wp, struct nicsec_sa **sap,
				     __u32 *idp)
{
	__u32 zero = 0, *gen = bpf_map_lookup_elem(&flow_gen, &zero);
	__u64 h = nicsec_flow_hash(f, di->flow_seed);
	__u32 tag = nicsec_flow_tag(h), bmask = di->flow_bmask;
	__u32 b1 = (__u32)h & bmask, b2 = b1 ^ nicsec_flow_alt(tag, bmask);
	__u32 g, i, k, idx[4] = { 2 * b1, 2 * b1 + 1, 2 * b2, 2 * b2 + 1 };
	struct nicsec_flow_way *w2;
	int r, dropped;
	__u64 t;

	if (!gen)
		return FLOW_DROP;
	/* the second bucket's line on its way while the first is looked at */
	w2 = bpf_map_lookup_elem(&flow_tab, &idx[2]);
	if (w2) {
		t = FLOW_READ(w2->tag);
		asm volatile("" : : "r"(t));
	}
	for (i = 0; i < 3; i++) {
		g = FLOW_READ(*gen);
		dropped = 0;
		for (k = 0; k < 4; k++) {
			r = flow_way_try(idx[k], tag, f, sap, idp);
			if (r == FLOW_FOUND) {
				*wp = bpf_map_lookup_elem(&flow_tab, &idx[k]);
				return *wp ? FLOW_FOUND : FLOW_DROP;
			}
			dropped |= r == FLOW_DROP;
		}
		if (!(g & 1) && FLOW_READ(*gen) == g)
			return dropped ? FLOW_DROP : FLOW_MISS;
	}
	return FLOW_DROP;
}

#endif /* NICSEC_FLOW_TAB_BPF_H */
