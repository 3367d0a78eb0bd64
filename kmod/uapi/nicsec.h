/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * nicsec.ko's interface to BPF programs and user space: the argument
 * blocks of the key-set and slot-table kfuncs, which the device daemon
 * passes as the context of a BPF_PROG_TYPE_SYSCALL program run
 * (BPF_PROG_TEST_RUN), and the bound on the slot table. The key-set kfunc
 * wipes key and salt in its block before it returns.
 */
#ifndef _UAPI_NICSEC_H
#define _UAPI_NICSEC_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define NICSEC_KEY_MAX_LEN	32	/* AES-256 */
#define NICSEC_KEY_SALT_LEN	4	/* RFC 4106 salt */

struct nicsec_key_args {
	__u32 slot;
	__u32 key_len;				/* 16 or 32 */
	__u8 key[NICSEC_KEY_MAX_LEN];
	__u8 salt[NICSEC_KEY_SALT_LEN];
};

/*
 * The largest key-slot table a resize accepts (16M slots: a 128 MiB array
 * of pointers on 64-bit; keys cost only in the slots that hold one).
 */
#define NICSEC_SLOTS_MAX	(1U << 24)

/* Slot-table size, in (resize) or out (capacity). */
struct nicsec_slots_args {
	__u32 nr;
};

#endif /* _UAPI_NICSEC_H */
