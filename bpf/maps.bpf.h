/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Map definitions of the device, included by each port's program. Every
 * program object gets its own declaration; the loader creates the maps once
 * and makes the other objects reuse them (bpf_map__reuse_fd), so both ports
 * share one devmap and one counter table.
 */
#ifndef NICSEC_MAPS_BPF_H
#define NICSEC_MAPS_BPF_H

#include "maps.h"

/* port role -> ifindex of that port, for XDP_REDIRECT between ports */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, NICSEC_PORT_MAX);
	__type(key, __u32);
	__type(value, __u32);
} tx_port SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NICSEC_PORT_MAX);
	__type(key, __u32);
	__type(value, struct nicsec_port_stats);
} port_stats SEC(".maps");

static __always_inline struct nicsec_port_stats *port_stats_get(__u32 port)
{
	return bpf_map_lookup_elem(&port_stats, &port);
}

/*
 * Forward the frame out of the other port. The devmap lookup fails over
 * to XDP_DROP (the low bits of the flags) when that port is not set up.
 */
static __always_inline int port_forward(struct xdp_md *ctx, __u32 in, __u32 out)
{
	struct nicsec_port_stats *st = port_stats_get(in);
	__u64 len = ctx->data_end - ctx->data;
	int act;

	if (!st)
		return XDP_ABORTED;
	st->rx_packets++;
	st->rx_bytes += len;
	act = bpf_redirect_map(&tx_port, out, XDP_DROP);
	if (act == XDP_REDIRECT) {
		st->fwd_packets++;
		st->fwd_bytes += len;
	} else {
		st->drop_no_peer++;
	}
	return act;
}

#endif /* NICSEC_MAPS_BPF_H */
