// SPDX-License-Identifier: GPL-2.0
/*
 * The device's host port (faces the VM). Today a bump in the wire: every
 * frame goes to the wire port. Outbound session matching and ESP sealing
 * plug in here.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "maps.bpf.h"

SEC("xdp")
int nic_host(struct xdp_md *ctx)
{
	return port_forward(ctx, NICSEC_PORT_HOST, NICSEC_PORT_WIRE);
}

char LICENSE[] SEC("license") = "GPL";
