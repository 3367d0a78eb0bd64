// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection for the control-channel tests: attached to the plain
 * bridge's ports in the switch test bed, it drops 30% of the UDP datagrams
 * to or from the control port (7447), in both directions, and passes every
 * other frame. Drops are counted in .bss for the test to read.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define LOSS_PCT	30
#define CTL_PORT	7447

__u64 dropped, seen;

SEC("xdp")
int ctl_loss(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);

	if ((void *)(udp + 1) > end || eth->h_proto != bpf_htons(0x0800) ||
	    ip->ihl != 5 || ip->protocol != 17)
		return XDP_PASS;
	if (udp->dest != bpf_htons(CTL_PORT) && udp->source != bpf_htons(CTL_PORT))
		return XDP_PASS;
	__sync_fetch_and_add(&seen, 1);
	if (bpf_get_prandom_u32() % 100 < LOSS_PCT) {
		__sync_fetch_and_add(&dropped, 1);
		return XDP_DROP;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
