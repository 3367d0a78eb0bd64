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
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gcm_scratch);
} gcm_scratch SEC(".maps");

/*
 * Z * x^8 drops 8 bits off the low end; rem8[r] is their reduction modulo
 * x^128 + x^7 + x^2 + x + 1, to be XORed into the top 16 bits (Shoup's
 * method; the same constants as OpenSSL's rem_8bit).
 */
static const __u16 gcm_rem8[256] = {
	0x0000, 0x01c2, 0x0384, 0x0246, 0x0708, 0x06ca, 0x048c, 0x054e,
	0x0e10, 0x0fd2, 0x0d94, 0x0c56, 0x0918, 0x08da, 0x0a9c, 0x0b5e,
	0x1c20, 0x1de2, 0x1fa4, 0x1e66, 0x1b28, 0x1aea, 0x18ac, 0x196e,
	0x1230, 0x13f2, 0x11b4, 0x1076, 0x1538, 0x14fa, 0x16bc, 0x177e,
	0x3840, 0x3982, 0x3bc4, 0x3a06, 0x3f48, 0x3e8a, 0x3ccc, 0x3d0e,
	0x3650, 0x3792, 0x35d4, 0x3416, 0x3158, 0x309a, 0x32dc, 0x331e,
	0x2460, 0x25a2, 0x27e4, 0x2626, 0x2368, 0x22aa, 0x20ec, 0x212e,
	0x2a70, 0x2bb2, 0x29f4, 0x2836, 0x2d78, 0x2cba, 0x2efc, 0x2f3e,
	0x7080, 0x7142, 0x7304, 0x72c6, 0x7788, 0x764a, 0x740c, 0x75ce,
	0x7e90, 0x7f52, 0x7d14, 0x7cd6, 0x7998, 0x785a, 0x7a1c, 0x7bde,
	0x6ca0, 0x6d62, 0x6f24, 0x6ee6, 0x6ba8, 0x6a6a, 0x682c, 0x69ee,
	0x62b0, 0x6372, 0x6134, 0x60f6, 0x65b8, 0x647a, 0x663c, 0x67fe,
	0x48c0, 0x4902, 0x4b44, 0x4a86, 0x4fc8, 0x4e0a, 0x4c4c, 0x4d8e,
	0x46d0, 0x4712, 0x4554, 0x4496, 0x41d8, 0x401a, 0x425c, 0x439e,
	0x54e0, 0x5522, 0x5764, 0x56a6, 0x53e8, 0x522a, 0x506c, 0x51ae,
	0x5af0, 0x5b32, 0x5974, 0x58b6, 0x5df8, 0x5c3a, 0x5e7c, 0x5fbe,
	0xe100, 0xe0c2, 0xe284, 0xe346, 0xe608, 0xe7ca, 0xe58c, 0xe44e,
	0xef10, 0xeed2, 0xec94, 0xed56, 0xe818, 0xe9da, 0xeb9c, 0xea5e,
	0xfd20, 0xfce2, 0xfea4, 0xff66, 0xfa28, 0xfbea, 0xf9ac, 0xf86e,
	0xf330, 0xf2f2, 0xf0b4, 0xf176, 0xf438, 0xf5fa, 0xf7bc, 0xf67e,
	0xd940, 0xd882, 0xdac4, 0xdb06, 0xde48, 0xdf8a, 0xddcc, 0xdc0e,
	0xd750, 0xd692, 0xd4d4, 0xd516, 0xd058, 0xd19a, 0xd3dc, 0xd21e,
	0xc560, 0xc4a2, 0xc6e4, 0xc726, 0xc268, 0xc3aa, 0xc1ec, 0xc02e,
	0xcb70, 0xcab2, 0xc8f4, 0xc936, 0xcc78, 0xcdba, 0xcffc, 0xce3e,
	0x9180, 0x9042, 0x9204, 0x93c6, 0x9688, 0x974a, 0x950c, 0x94ce,
	0x9f90, 0x9e52, 0x9c14, 0x9dd6, 0x9898, 0x995a, 0x9b1c, 0x9ade,
	0x8da0, 0x8c62, 0x8e24, 0x8fe6, 0x8aa8, 0x8b6a, 0x892c, 0x88ee,
	0x83b0, 0x8272, 0x8034, 0x81f6, 0x84b8, 0x857a, 0x873c, 0x86fe,
	0xa9c0, 0xa802, 0xaa44, 0xab86, 0xaec8, 0xaf0a, 0xad4c, 0xac8e,
	0xa7d0, 0xa612, 0xa454, 0xa596, 0xa0d8, 0xa11a, 0xa35c, 0xa29e,
	0xb5e0, 0xb422, 0xb664, 0xb7a6, 0xb2e8, 0xb32a, 0xb16c, 0xb0ae,
	0xbbf0, 0xba32, 0xb874, 0xb9b6, 0xbcf8, 0xbd3a, 0xbf7c, 0xbebe,
};

/* One byte step of Horner's rule: Z = Z * x^8 + M[b]. */
#define GCM_STEP(zh, zl, m, b) do {					\
	__u32 r_ = (__u32)(zl) & 0xff, b_ = (__u32)(b) & 0xff;		\
	(zl) = ((zl) >> 8) | ((zh) << 56);				\
	(zh) = ((zh) >> 8) ^ ((__u64)gcm_rem8[r_] << 48);		\
	(zh) ^= (m)[b_][0];						\
	(zl) ^= (m)[b_][1];						\
} while (0)

/* {*yh, *yl} = {*yh, *yl} * H, bytes 15 down to 0. */
static __always_inline void gcm_mul_h(__u64 *yh, __u64 *yl, __u64 (*m)[2])
{
	__u64 zh = 0, zl = 0, h = *yh, l = *yl;

#pragma unroll
	for (int i = 0; i < 8; i++)
		GCM_STEP(zh, zl, m, l >> (8 * i));
#pragma unroll
	for (int i = 0; i < 8; i++)
		GCM_STEP(zh, zl, m, h >> (8 * i));
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
