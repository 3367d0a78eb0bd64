/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device's maps and their small accessors. device.bpf.c includes this
 * once, with both port programs, so both ports share every map in one
 * object. (bpftool 7.1's static linker mislays the offsets of extern maps,
 * which is why the device is one translation unit.)
 */
#ifndef NICSEC_MAPS_BPF_H
#define NICSEC_MAPS_BPF_H

#include "maps.h"


/* port -> ifindex of that port, for XDP_REDIRECT between ports */
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

/* NICSEC_DROP_IDX(port, reason) -> count */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NICSEC_PORT_MAX * NICSEC_DROP_MAX);
	__type(key, __u32);
	__type(value, __u64);
} drop_stats SEC(".maps");

/* port -> its interface, MAC and names */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NICSEC_PORT_MAX);
	__type(key, __u32);
	__type(value, struct nicsec_port_info);
} port_info SEC(".maps");

/* ifindex -> host port: which tenant a frame on nic_host came from */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NICSEC_PORT_MAX);
	__type(key, __u32);
	__type(value, __u32);
} port_of SEC(".maps");

/* IPv4 prefix -> the host port of the tenant that owns it */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, NICSEC_MAX_PREFIXES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct nicsec_prefix);
	__type(value, __u32);
} owner SEC(".maps");

/* SA id -> SA; the id is also the engine's key slot. The SA tables are
 * sized by nicsec-devd --max-sas before the object is loaded. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NICSEC_OBJ_MAX_SA);
	__type(key, __u32);
	__type(value, struct nicsec_sa);
} sa_table SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NICSEC_OBJ_MAX_SA);
	__type(key, __u32);
	__type(value, struct nicsec_replay);
} sa_replay SEC(".maps");

/*
 * outbound: (port, 5-tuple), then (port, 2-tuple) -> SA id, a cuckoo
 * table of two-way buckets (bpf/flow_hash.h; nicsec-devd sizes it to two
 * ways per SA, rounded up to a power of two: at most half full). An array
 * rather than a kernel hash map: a lookup is one cache line found by
 * arithmetic, not a bucket and then an element. BPF_F_MMAPABLE: user
 * space (userspace/lib/flowtab.c) maps it and writes single ways in place,
 * and the values start page-aligned, so a bucket is one cache line. A
 * packet may see a way half-written: that is why the SA entry holds its
 * flow and the data path checks it, and why a move between buckets is
 * bracketed by flow_gen.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * NICSEC_OBJ_MAX_SA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct nicsec_flow_way);
} flow_tab SEC(".maps");

/* flow_gen[0]: odd while user space moves a flow between its buckets, and
 * one more after; a lookup that missed while it changed looks again.
 * Mapped by user space, which adds to it atomically. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u32);
} flow_gen SEC(".maps");

/* inbound: (SPI, outer destination) -> SA id. Elements allocated as they
 * come (kmalloc, in the kernel's large-page linear map) rather than
 * preallocated in vmalloc'ed 4 KiB pages: one TLB miss less per packet
 * with a million SAs. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NICSEC_OBJ_MAX_SA);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct nicsec_spi_key);
	__type(value, __u32);
} spi_in SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nicsec_dev_info);
} dev_info SEC(".maps");

/* devd's pid and management socket, for the CLI; no program reads it */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nicsec_devd_info);
} devd_info SEC(".maps");

/* The wire MTU devd recorded; 1500 until it has. */
static __always_inline __u32 dev_wire_mtu(void)
{
	__u32 zero = 0;
	struct nicsec_dev_info *di = bpf_map_lookup_elem(&dev_info, &zero);

	return di && di->wire_mtu >= 576 ? di->wire_mtu : 1500;
}

/* host port -> devd's AF_XDP socket for that tenant's control datagrams
 * (bound to the port's queue 0: host ports are single-queue) */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, NICSEC_PORT_MAX);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

/* The frame's length as a plain number (never 32-bit pointer arithmetic). */
static __always_inline __u64 xdp_len(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u64 len = end - data;

	barrier_var(len);
	return len;
}

static __always_inline struct nicsec_dev_info *dev_info_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&dev_info, &zero);
}

static __always_inline struct nicsec_port_stats *port_stats_get(__u32 port)
{
	return bpf_map_lookup_elem(&port_stats, &port);
}

static __always_inline void count_drop(struct nicsec_port_stats *st, __u32 port,
				       __u32 reason)
{
	__u32 idx = NICSEC_DROP_IDX(port, reason);
	__u64 *c = bpf_map_lookup_elem(&drop_stats, &idx);

	if (c)
		(*c)++;
	st->dropped++;
}

/* The host port of the tenant that owns IPv4 address @addr; 0 if none. */
static __always_inline __u32 owner_of(__be32 addr)
{
	struct nicsec_prefix k = { .prefixlen = 32, .addr = addr };
	__u32 *p = bpf_map_lookup_elem(&owner, &k);

	return p ? *p : 0;
}

/*
 * Send the frame out of the other port. The devmap lookup fails over to
 * XDP_DROP (the low bits of the flags) when that port is not set up.
 */
static __always_inline int port_forward(struct xdp_md *ctx,
					struct nicsec_port_stats *st, __u32 out)
{
	__u64 len = xdp_len(ctx);
	int act = bpf_redirect_map(&tx_port, out, XDP_DROP);

	if (act == XDP_REDIRECT) {
		st->fwd_packets++;
		st->fwd_bytes += len;
	} else {
		st->drop_no_peer++;
	}
	return act;
}

/* Count the frame as received; NULL only if the map is broken. */
static __always_inline struct nicsec_port_stats *port_rx(struct xdp_md *ctx, __u32 port)
{
	struct nicsec_port_stats *st = port_stats_get(port);

	if (st) {
		st->rx_packets++;
		st->rx_bytes += xdp_len(ctx);
	}
	return st;
}

#endif /* NICSEC_MAPS_BPF_H */
