// SPDX-License-Identifier: GPL-2.0
/*
 * The device's wire port (faces the network). Today a bump in the wire:
 * every frame goes to the host port. Inbound ESP opening plugs in here.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "maps.bpf.h"

SEC("xdp")
int nic_wire(struct xdp_md *ctx)
{
	return port_forward(ctx, NICSEC_PORT_WIRE, NICSEC_PORT_HOST);
}

char LICENSE[] SEC("license") = "GPL";
