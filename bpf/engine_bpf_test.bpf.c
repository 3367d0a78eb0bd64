// SPDX-License-Identifier: GPL-2.0
/*
 * The bpf engine alone, for its tests and benchmark
 * (tests/bpf/test_engine_bpf.c, tools/bench_engine.c): XDP programs that
 * seal or open the ESP packet at esp_off in the test frame, and one that
 * runs the bare ecb(aes) over as many blocks as a seal would (the
 * benchmark's baseline). Arguments and results in .bss.
 *
 * raw_seal/raw_open run the engine's core (counter blocks, ECB keystream,
 * GHASH with the slot's table) on a frame that is just AAD (aad_len bytes)
 * | data (len bytes) | tag (16), nonce = slot salt || raw_iv: GCM with any
 * AAD length and empty data, for the Wycheproof cases ESP cannot express.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "esp.h"
#define NICSEC_ENGINE_BPF
#include "engine.h"

__u32 esp_off, len, slot;
int ret;
__u32 aad_len;
__u64 raw_iv;	/* the 8 nonce bytes after the salt, as in memory */

SEC("xdp")
int seal(struct xdp_md *ctx)
{
	ret = engine_seal(ctx, esp_off, len, slot);
	return XDP_PASS;
}

SEC("xdp")
int open(struct xdp_md *ctx)
{
	ret = engine_open(ctx, esp_off, len, slot);
	return XDP_PASS;
}

/* E_K over the (len + 15) / 16 + 1 blocks a seal of len bytes encrypts */
SEC("xdp")
int ecb(struct xdp_md *ctx)
{
	struct gcm_scratch *sc = gcm_scratch_get();
	__u32 s = slot, n = ((len + 15) / 16 + 1) * 16;
	struct bpf_crypto_ctx *cctx;
	struct gcm_slot *sl;
	struct bpf_dynptr dp;

	ret = -22;
	sl = bpf_map_lookup_elem(&gcm_slots, &s);
	if (!sc || !sl || n > sizeof(sc->ks))
		return XDP_PASS;
	cctx = sl->cctx;
	if (!cctx || bpf_dynptr_from_mem(sc->ks, n, 0, &dp))
		return XDP_PASS;
	ret = bpf_crypto_encrypt(cctx, &dp, &dp, NULL);
	return XDP_PASS;
}

static __always_inline void raw_pad(struct gcm_scratch *sc, __u32 n)
{
	__u32 j, k;

	for (j = 0; j < GCM_BLOCK_LEN - 1; j++) {
		k = n + j;
		if (k >= ((n + GCM_BLOCK_LEN - 1) & ~(GCM_BLOCK_LEN - 1)))
			break;
		sc->buf[k & (GCM_BPF_MAX_LEN - 1)] = 0;
	}
}

static __always_inline int raw(struct xdp_md *ctx, int enc)
{
	struct gcm_scratch *sc = gcm_scratch_get();
	__u32 s = slot, n = len, a = aad_len, ks_len, nb;
	struct bpf_crypto_ctx *cctx;
	struct gcm_walk w = {};
	struct gcm_slot *sl;
	struct bpf_dynptr dp;
	__u64 tag[2], *e;
	int err;

	sl = bpf_map_lookup_elem(&gcm_slots, &s);
	if (!sc || !sl || n > GCM_BPF_MAX_LEN || a > GCM_BPF_MAX_LEN)
		return -22;
	cctx = sl->cctx;
	if (!cctx || !sl->ready)
		return -126;
	w.slot = s;
	w.nblk = (n + GCM_BLOCK_LEN - 1) / GCM_BLOCK_LEN;
	__builtin_memcpy(&w.salt, sl->salt, 4);
	w.iv0 = (__u32)raw_iv;
	w.iv1 = (__u32)(raw_iv >> 32);
	bpf_loop(GCM_GROUPS(w.nblk + 1), gcm_ctr_cb, &w, 0);
	ks_len = (w.nblk + 1) * GCM_BLOCK_LEN;
	if (ks_len > sizeof(sc->ks) || bpf_dynptr_from_mem(sc->ks, ks_len, 0, &dp))
		return -22;
	err = bpf_crypto_encrypt(cctx, &dp, &dp, NULL);
	if (err)
		return err;

	if (a) {	/* GHASH over the AAD, zero-padded */
		if (bpf_xdp_load_bytes(ctx, 0, sc->buf, a))
			return -34;
		raw_pad(sc, a);
		nb = w.nblk;
		w.nblk = (a + GCM_BLOCK_LEN - 1) / GCM_BLOCK_LEN;
		bpf_loop(GCM_GHASH_GROUPS(w.nblk), gcm_ghash_cb, &w, 0);
		w.nblk = nb;
	}
	if (n) {	/* then over the ciphertext */
		if (bpf_xdp_load_bytes(ctx, a, sc->buf, n))
			return -34;
		if (enc) {
			bpf_loop(GCM_GROUPS(w.nblk), gcm_xor_cb, &w, 0);
			if (n > GCM_BPF_MAX_LEN || bpf_xdp_store_bytes(ctx, a, sc->buf, n))
				return -34;
		}
		raw_pad(sc, n);
		bpf_loop(GCM_GHASH_GROUPS(w.nblk), gcm_ghash_cb, &w, 0);
	}
	w.yh ^= (__u64)a * 8;
	w.yl ^= (__u64)n * 8;
	gcm_mul_h(&w.yh, &w.yl, sl->htab);
	e = (__u64 *)sc->ks;
	tag[0] = __builtin_bswap64(w.yh) ^ e[0];
	tag[1] = __builtin_bswap64(w.yl) ^ e[1];
	if (enc)
		return bpf_xdp_store_bytes(ctx, a + n, tag, 16) ? -34 : 0;
	if (bpf_xdp_load_bytes(ctx, a + n, sc->icv, 16))
		return -34;
	if ((tag[0] ^ sc->icv[0]) | (tag[1] ^ sc->icv[1]))
		return -74;
	if (n) {
		/* raw_pad zeroed bytes past n: XOR block-wise, store n */
		if (bpf_xdp_load_bytes(ctx, a, sc->buf, n))
			return -34;
		bpf_loop(GCM_GROUPS(w.nblk), gcm_xor_cb, &w, 0);
		if (n > GCM_BPF_MAX_LEN || bpf_xdp_store_bytes(ctx, a, sc->buf, n))
			return -34;
	}
	return 0;
}

SEC("xdp")
int raw_seal(struct xdp_md *ctx)
{
	ret = raw(ctx, 1);
	return XDP_PASS;
}

SEC("xdp")
int raw_open(struct xdp_md *ctx)
{
	ret = raw(ctx, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
