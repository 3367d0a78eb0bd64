/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bpf engine's state and its GF(2^128) arithmetic, shared by the
 * device (engine_bpf.h), the key-install programs (keyset_bpf.bpf.c) and
 * the engine's test object.
 *
 * gcm_slots: one value per key slot (= SA id): the crypto context of the
 * slot's AES key as a kptr (made by bpf_crypto_ctx_create() in a SYSCALL
 * program; the raw key is never in a map), the 4-byte RFC 4106 salt, and
 * Shoup's 4-bit GHASH table M[n] = H * n, H = E_K(0^128) (256 bytes),
 * filled once per key by an XDP program (E_K is not callable from SYSCALL
 * programs), and the addresses of the cipher's state in the kernel (engine_touch()
 * loads from them early): 296 bytes, 5 or 6 cache lines, all a packet reads.
 * The table reveals H, not K: see Documentation/threat-model.md.
 *
 * 128-bit field elements are two u64 {hi, lo}: the block read big-endian,
 * bit 0 of the block (x^0) is the top bit of hi (GCM's reflected order,
 * NIST SP 800-38D 6.3).
 */
#ifndef NICSEC_GCM_BPF_H
#define NICSEC_GCM_BPF_H

#include "maps.h"
#include <bpf/bpf_core_read.h>

#define GCM_BLOCK_LEN		16
/* Largest ESP payload (inner packet + trailer) the bpf engine takes: every
 * wire MTU up to 4096 + 62 B. Larger packets get -EMSGSIZE (engine drop). */
#define GCM_BPF_MAX_LEN		4096
#define GCM_BPF_MAX_BLOCKS	(GCM_BPF_MAX_LEN / GCM_BLOCK_LEN)

extern struct bpf_crypto_ctx *
bpf_crypto_ctx_create(const struct bpf_crypto_params *params, __u32 params__sz,
		      int *err) __ksym;
extern void bpf_crypto_ctx_release(struct bpf_crypto_ctx *ctx) __ksym;
extern void *bpf_rdonly_cast(const void *obj__ign, __u32 btf_id__k) __ksym;
extern int bpf_crypto_encrypt(struct bpf_crypto_ctx *ctx,
			      const struct bpf_dynptr *src,
			      const struct bpf_dynptr *dst,
			      const struct bpf_dynptr *siv__nullable) __ksym;

/* clang 14 drops the type tag on "struct X __kptr *": tag a typedef. */
typedef struct bpf_crypto_ctx gcm_cctx_t;
#define GCM_KPTR __attribute__((btf_type_tag("kptr")))

struct gcm_slot {
	gcm_cctx_t GCM_KPTR *cctx;	/* ecb(aes) with the slot's key */
	__u32 ready;			/* htab holds this cctx's H */
	__u8 salt[4];
	__u64 htab[16][2];		/* M[n] = H * n (n as a leading nibble) */
	/* Where the kernel keeps this cctx and its cipher, found once by
	 * key_prep. engine_touch() loads from them so that those cache
	 * misses start together, not one after another down the pointer
	 * chain. Only ever read through bpf_rdonly_cast() (a faulting load
	 * reads 0); never followed to encrypt. */
	struct nicsec_warm warm;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NICSEC_OBJ_MAX_SA);
	__type(key, __u32);
	__type(value, struct gcm_slot);
} gcm_slots SEC(".maps");

/* Per-CPU work area of one packet: counter blocks -> keystream, and the
 * payload copied out of (and back into) the frame. */
struct gcm_scratch {
	__u8 ks[(GCM_BPF_MAX_BLOCKS + 1) * GCM_BLOCK_LEN]; /* E(J0), E(ctr 2), ... */
	__u8 buf[GCM_BPF_MAX_LEN];
	__u64 icv[2];		/* the received ICV (open) */
	__u64 hdr[2];		/* SPI | seq, IV */
	__u64 tag[2];		/* the computed ICV */
	/* (here, not on the stack: the port programs' frames are near the
	 * 512-byte limit) */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gcm_scratch);
} gcm_scratch SEC(".maps");

/*
 * Y * H with the 4-bit table, one 64-bit word of Y at a time. Nibble i of
 * a word (from the top) stands for n * x^(4i) (n's top bit is x^0), so the
 * word times H is the sum over i of M[n] * x^(4i): M[n] shifted right by
 * 4i bits into a 192-bit {w0, w1, w2}. The 64 bits past x^127 are folded
 * back once per word (GCM_FOLD) instead of Shoup's remainder per nibble,
 * which made a 1400-byte seal about 30 % slower here (see
 * Documentation/performance.md); both are arithmetic, as the device object
 * must not have a .rodata map (bpffs refuses to pin names with a dot). The
 * terms do not depend on each other, only the XORs into {w0, w1, w2} do.
 */
#define GCM_TERM(w0, w1, w2, m, src, i) do {				\
	__u64 n_ = ((src) >> (60 - 4 * (i))) & 0xf;			\
	__u64 mh_ = (m)[n_][0], ml_ = (m)[n_][1];			\
	if ((i) == 0) {							\
		(w0) ^= mh_;						\
		(w1) ^= ml_;						\
	} else {							\
		(w0) ^= mh_ >> (4 * (i));				\
		(w1) ^= (ml_ >> (4 * (i))) ^ (mh_ << (64 - 4 * (i)));	\
		(w2) ^= ml_ << (64 - 4 * (i));				\
	}								\
	/* one term at a time: hoisted loads spill onto the stack */	\
	asm volatile("" : "+r"(w0), "+r"(w1), "+r"(w2));		\
} while (0)

/* {w0, w1} += w2 * x^128 mod x^128 + x^7 + x^2 + x + 1: w2 times
 * 1 + x + x^2 + x^7, which reaches degree 70 at most (no second fold). */
#define GCM_FOLD(w0, w1, w2) do {					\
	(w0) ^= (w2) ^ ((w2) >> 1) ^ ((w2) >> 2) ^ ((w2) >> 7);		\
	(w1) ^= ((w2) << 63) ^ ((w2) << 62) ^ ((w2) << 57);		\
} while (0)

/* {*yh, *yl} = {*yh, *yl} * H = (Y_lo * H) * x^64 + Y_hi * H. */
static __always_inline void gcm_mul_h(__u64 *yh, __u64 *yl, __u64 (*m)[2])
{
	__u64 w0 = 0, w1 = 0, w2 = 0, h = *yh, l = *yl;

#pragma unroll
	for (int i = 0; i < 16; i++)
		GCM_TERM(w0, w1, w2, m, l, i);
	GCM_FOLD(w0, w1, w2);
	w2 = w1;			/* times x^64 */
	w1 = w0;
	w0 = 0;
#pragma unroll
	for (int i = 0; i < 16; i++)
		GCM_TERM(w0, w1, w2, m, h, i);
	GCM_FOLD(w0, w1, w2);
	*yh = w0;
	*yl = w1;
}

/* Fill M from H: M[8] = H, halving the nibble multiplies by x, and
 * M[a ^ b] = M[a] ^ M[b]. */
static __always_inline void gcm_table_fill(__u64 (*m)[2], __u64 hh, __u64 hl)
{
	__u32 b, top;

	m[0][0] = 0;
	m[0][1] = 0;
	for (b = 8; b; b >>= 1) {
		m[b & 0xf][0] = hh;
		m[b & 0xf][1] = hl;
		/* times x: shift toward x^127, reduce what falls off */
		hl = (hl >> 1) | (hh << 63);
		hh = (hh >> 1) ^ ((m[b & 0xf][1] & 1) ? 0xe100000000000000ULL : 0);
	}
	for (b = 3; b < 16; b++) {
		top = b >= 8 ? 8 : b >= 4 ? 4 : 2;
		if (b == top)
			continue;
		m[b & 0xf][0] = m[top][0] ^ m[(b - top) & 0xf][0];
		m[b & 0xf][1] = m[top][1] ^ m[(b - top) & 0xf][1];
	}
}

#endif /* NICSEC_GCM_BPF_H */
