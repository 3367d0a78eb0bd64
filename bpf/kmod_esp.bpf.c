// SPDX-License-Identifier: GPL-2.0
/*
 * Test programs for nicsec.ko's engine kfuncs: SYSCALL programs that set
 * and clear key slots (the device daemon's path), and XDP programs that
 * seal or open the ESP packet at the offset user space puts in .bss.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "uapi/nicsec.h"

extern int bpf_nicsec_key_set(struct nicsec_key_args *args, __u32 args__sz) __ksym;
extern int bpf_nicsec_key_clear(__u32 slot) __ksym;
extern __u32 bpf_nicsec_slot_capacity(void) __ksym;
extern int bpf_nicsec_esp_seal(struct xdp_md *ctx, __u32 esp_off, __u32 len,
			       __u32 slot) __ksym;
extern int bpf_nicsec_esp_open(struct xdp_md *ctx, __u32 esp_off, __u32 len,
			       __u32 slot) __ksym;

__u32 arg_off, arg_len, arg_slot;
int result;
__u32 capacity;

SEC("syscall")
int key_set(struct nicsec_key_args *args)
{
	return bpf_nicsec_key_set(args, sizeof(*args));
}

struct slot_args {
	__u32 slot;
};

SEC("syscall")
int key_clear(struct slot_args *args)
{
	capacity = bpf_nicsec_slot_capacity();
	return bpf_nicsec_key_clear(args->slot);
}

SEC("xdp")
int esp_seal(struct xdp_md *ctx)
{
	result = bpf_nicsec_esp_seal(ctx, arg_off, arg_len, arg_slot);
	return result ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int esp_open(struct xdp_md *ctx)
{
	result = bpf_nicsec_esp_open(ctx, arg_off, arg_len, arg_slot);
	return result ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
