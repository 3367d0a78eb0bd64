// SPDX-License-Identifier: GPL-2.0
/*
 * Test program for nicsec.ko's bpf_nicsec_xdp_region() kfunc: calls it with
 * the offset and length user space sets in .bss and records the result.
 * Loads only where the module is loaded (the kfunc is resolved from the
 * module's BTF at load time).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern int bpf_nicsec_xdp_region(struct xdp_md *ctx, __u32 off, __u32 len) __ksym;

__u32 arg_off;
__u32 arg_len;
int result;
__u32 calls;

SEC("xdp")
int kmod_region(struct xdp_md *ctx)
{
	result = bpf_nicsec_xdp_region(ctx, arg_off, arg_len);
	calls++;
	return result == 0 ? XDP_PASS : XDP_DROP;
}


/*
 * The same call from a tc program: the module registers its kfuncs for
 * XDP only, so the verifier must refuse to load this one.
 */
SEC("tc")
int kmod_region_tc(struct __sk_buff *skb)
{
	return bpf_nicsec_xdp_region((struct xdp_md *)skb, 0, 1);
}

char LICENSE[] SEC("license") = "GPL";
