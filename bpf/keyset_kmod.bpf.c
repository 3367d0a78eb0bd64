// SPDX-License-Identifier: GPL-2.0
/*
 * Key commits for the kmod engine: sleepable SYSCALL programs that user
 * space runs with BPF_PROG_TEST_RUN, the key in the run's context, which
 * the module's kfunc wipes. Nothing here stores a key.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "uapi/nicsec.h"

extern int bpf_nicsec_key_set(struct nicsec_key_args *args, __u32 args__sz) __ksym;
extern int bpf_nicsec_key_clear(__u32 slot) __ksym;

SEC("syscall")
int key_set(struct nicsec_key_args *args)
{
	return bpf_nicsec_key_set(args, sizeof(*args));
}

SEC("syscall")
int key_clear(struct nicsec_key_args *args)
{
	return bpf_nicsec_key_clear(args->slot);
}

char LICENSE[] SEC("license") = "GPL";
