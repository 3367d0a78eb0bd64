// SPDX-License-Identifier: GPL-2.0
/*
 * The bpf engine alone, for its tests and benchmark
 * (tests/bpf/test_engine_bpf.c, tools/bench_engine.c): XDP programs that
 * seal or open the ESP packet at esp_off in the test frame, and one that
 * runs the bare ecb(aes) over as many blocks as a seal would (the
 * benchmark's baseline). Arguments and results in .bss.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "esp.h"
#define NICSEC_ENGINE_BPF
#include "engine.h"

__u32 esp_off, len, slot;
int ret;

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

char LICENSE[] SEC("license") = "GPL";
