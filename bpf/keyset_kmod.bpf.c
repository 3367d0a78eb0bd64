// SPDX-License-Identifier: GPL-2.0
/*
 * Key commits for the kmod engine: sleepable SYSCALL programs that user
 * space runs with BPF_PROG_TEST_RUN, the key in the run's context, which
 * the module's kfunc wipes. Nothing here stores a key. Beside them, the
 * slot table's size: read it, or resize it (the daemon's SA capacity).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "uapi/nicsec.h"

extern int bpf_nicsec_key_set(struct nicsec_key_args *args, __u32 args__sz) __ksym;
extern int bpf_nicsec_key_clear(__u32 slot) __ksym;
extern int bpf_nicsec_slots_resize(__u32 nr) __ksym;
extern __u32 bpf_nicsec_slot_capacity(void) __ksym;

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

SEC("syscall")
int slots_resize(struct nicsec_slots_args *args)
{
	return bpf_nicsec_slots_resize(args->nr);
}

/* The capacity goes back in the context: a u32, no sign to lose. */
SEC("syscall")
int slots_capacity(struct nicsec_slots_args *args)
{
	args->nr = bpf_nicsec_slot_capacity();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
