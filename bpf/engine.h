/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AES-GCM engine behind the device's programs, chosen at build time:
 * each port program is compiled once per engine.
 *
 *   engine_seal(ctx, esp_off, len, slot)  encrypt in place, write the ICV
 *   engine_open(ctx, esp_off, len, slot)  verify and decrypt in place
 *   engine_touch(slot, hint)              start loading the slot's state
 *   engine_warm_keep(slot, hint)          refresh a flow's hint after a seal
 *
 * engine_touch() is called as soon as the SA id is known, so that the
 * cache misses on the slot's state overlap with the rest (a device with a
 * million SAs finds each packet's state cold in the cache). @hint is an
 * outbound flow's struct nicsec_warm (or NULL): where the engine's state
 * was last time, so that its loads need not wait for the slot's.
 *
 * Both see the ESP packet at @esp_off (SPI | seq | IV | @len bytes | ICV)
 * and return 0, -EBADMSG for a bad ICV, or another negative error.
 */
#ifndef NICSEC_ENGINE_H
#define NICSEC_ENGINE_H

#define NICSEC_EBADMSG	74

#if defined(NICSEC_ENGINE_KMOD)

extern int bpf_nicsec_esp_seal(struct xdp_md *ctx, __u32 esp_off, __u32 len,
			       __u32 slot) __ksym;
extern int bpf_nicsec_esp_open(struct xdp_md *ctx, __u32 esp_off, __u32 len,
			       __u32 slot) __ksym;

static __always_inline int engine_seal(struct xdp_md *ctx, __u32 esp_off,
				       __u32 len, __u32 slot)
{
	return bpf_nicsec_esp_seal(ctx, esp_off, len, slot);
}

static __always_inline int engine_open(struct xdp_md *ctx, __u32 esp_off,
				       __u32 len, __u32 slot)
{
	return bpf_nicsec_esp_open(ctx, esp_off, len, slot);
}

/* The module's slots are not visible from BPF. */
static __always_inline void engine_touch(__u32 slot, const struct nicsec_warm *hint)
{
}

static __always_inline void engine_warm_keep(__u32 slot, struct nicsec_warm *hint)
{
}

#elif defined(NICSEC_ENGINE_BPF)
#include "engine_bpf.h"
#elif defined(NICSEC_ENGINE_NONE)

/*
 * No crypto: the device forwards and passes through, and drops what an SA
 * would have encrypted or decrypted (counted as engine drops). A baseline
 * for benchmarks and for testing the forwarding paths alone.
 */
static __always_inline int engine_seal(struct xdp_md *ctx, __u32 esp_off,
				       __u32 len, __u32 slot)
{
	return -95;	/* -EOPNOTSUPP */
}

static __always_inline int engine_open(struct xdp_md *ctx, __u32 esp_off,
				       __u32 len, __u32 slot)
{
	return -95;
}

static __always_inline void engine_touch(__u32 slot, const struct nicsec_warm *hint)
{
}

static __always_inline void engine_warm_keep(__u32 slot, struct nicsec_warm *hint)
{
}

#else
#error "build with -DNICSEC_ENGINE_KMOD, _BPF or _NONE"
#endif

#endif /* NICSEC_ENGINE_H */
