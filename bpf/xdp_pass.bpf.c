// SPDX-License-Identifier: GPL-2.0
/*
 * XDP_PASS for the test bed's endpoint veths: a veth receives frames the
 * device sends back with XDP_TX only when it runs an XDP program itself
 * (its NAPI path). Attached to vm0 (or nic's nwire in switch mode) by
 * tests/lib.sh, standing in for the VM's NIC; it changes nothing.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
