/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bpf engine's state and its GF(2^128) arithmetic, shared by the
 * device (engine_bpf.h), the key-install programs (keyset_bpf.bpf.c) and
 * the engine's test object.
 *
 * gcm_slots: one value per key slot (= SA id): the crypto context of the
 * slot's AES key as a kptr (made by bpf_crypto_ctx_create() in a SYSCALL
 * program; the raw key is never in a map), the 4-byte RFC 4106 salt, and
 * Shoup's 8-bit GHASH table M[b] = H * b, H = E_K(0^128), filled once per
 * key by an XDP program (E_K is not callable from SYSCALL programs).
 * The table reveals H, not K: see Documentation/threat-model.md.
 *
 * 128-bit field elements are two u64 {hi, lo}: the block read big-endian,
 * bit 0 of the block (x^0) is the top bit of hi (GCM's reflected order,
 * NIST SP 800-38D 6.3).
 */
#ifndef NICSEC_GCM_BPF_H
#define NICSEC_GCM_BPF_H

#include "maps.h"

#define GCM_BLOCK_LEN		16
/* Largest ESP payload (inner packet + trailer) the bpf engine takes: every
 * wire MTU up to 4096 + 62 B. Larger packets get -EMSGSIZE (engine drop). */
#define GCM_BPF_MAX_LEN		4096
#define GCM_BPF_MAX_BLOCKS	(GCM_BPF_MAX_LEN / GCM_BLOCK_LEN)

extern struct bpf_crypto_ctx *
bpf_crypto_ctx_create(const struct bpf_crypto_params *params, __u32 params__sz,
		      int *err) __ksym;
extern void bpf_crypto_ctx_release(struct bpf_crypto_ctx *ctx) __ksym;
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
	__u64 htab[256][2];		/* M[b] = H * b (b as a leading byte) */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NICSEC_MAX_SA);
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
 * Z * x^8 drops 8 bits r off the low end; their reduction modulo
 * x^128 + x^7 + x^2 + x + 1 goes into the top 16 bits of hi: r times
 * 0xE1 carry-less, shifted left once, i.e. OpenSSL's rem_8bit[r] (Shoup's
 * method), computed rather than looked up so that the device object has no
 * .rodata map (bpffs refuses to pin names with a dot).
 */
static __always_inline __u64 gcm_rem8(__u64 r)
{
	return ((r << 8) ^ (r << 7) ^ (r << 6) ^ (r << 1)) << 48;
}

/* One byte step of Horner's rule: Z = Z * x^8 + M[b]. */
#define GCM_STEP(zh, zl, m, b) do {					\
	__u32 r_ = (__u32)(zl) & 0xff, b_ = (__u32)(b) & 0xff;		\
	(zl) = ((zl) >> 8) | ((zh) << 56);				\
	(zh) = ((zh) >> 8) ^ gcm_rem8(r_);				\
	(zh) ^= (m)[b_][0];						\
	(zl) ^= (m)[b_][1];						\
	/* one step at a time: hoisted loads spill onto the stack */	\
	asm volatile("" : "+r"(zh), "+r"(zl));				\
} while (0)

/* {*yh, *yl} = {*yh, *yl} * H, bytes 15 down to 0. */
static __always_inline void gcm_mul_h(__u64 *yh, __u64 *yl, __u64 (*m)[2])
{
	__u64 zh = 0, zl = 0, h = *yh, l = *yl;

	/* consume the bytes by shifting: fewer live values, no spills */
#pragma unroll
	for (int i = 0; i < 8; i++) {
		GCM_STEP(zh, zl, m, l);
		l >>= 8;
	}
#pragma unroll
	for (int i = 0; i < 8; i++) {
		GCM_STEP(zh, zl, m, h);
		h >>= 8;
	}
	*yh = zh;
	*yl = zl;
}

/* Fill M from H: M[0x80] = H, halving the byte multiplies by x, and
 * M[a ^ b] = M[a] ^ M[b]. */
static __always_inline void gcm_table_fill(__u64 (*m)[2], __u64 hh, __u64 hl)
{
	__u32 b, top;

	m[0][0] = 0;
	m[0][1] = 0;
	for (b = 0x80; b; b >>= 1) {
		m[b & 0xff][0] = hh;
		m[b & 0xff][1] = hl;
		/* times x: shift toward x^127, reduce what falls off */
		hl = (hl >> 1) | (hh << 63);
		hh = (hh >> 1) ^ ((m[b & 0xff][1] & 1) ? 0xe100000000000000ULL : 0);
	}
	for (b = 3; b < 256; b++) {
		top = b >= 0x80 ? 0x80 : b >= 0x40 ? 0x40 : b >= 0x20 ? 0x20 :
		      b >= 0x10 ? 0x10 : b >= 8 ? 8 : b >= 4 ? 4 : 2;
		if (b == top)
			continue;
		m[b & 0xff][0] = m[top][0] ^ m[(b - top) & 0xff][0];
		m[b & 0xff][1] = m[top][1] ^ m[(b - top) & 0xff][1];
	}
}

#endif /* NICSEC_GCM_BPF_H */
