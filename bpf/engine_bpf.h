/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bpf engine: RFC 4106 AES-GCM-16 on the kernel's BPF crypto kfuncs,
 * no module. Same contract as the kmod engine (kmod/kfuncs.c): the ESP
 * packet at @esp_off is SPI | seq | IV (8) | payload (@len) | ICV (16),
 * AAD = SPI | seq, nonce = slot salt || IV; returns 0, -EBADMSG (bad ICV,
 * payload zeroed), -ERANGE (region or slot), -EINVAL (empty payload),
 * -ENOKEY (empty slot), -EMSGSIZE (@len > GCM_BPF_MAX_LEN).
 *
 * Per packet, in the per-CPU gcm_scratch area:
 *   1. counter blocks J0 = salt||IV||1, then salt||IV||2.. (SP 800-38D 7.1)
 *   2. one bpf_crypto_encrypt() with ecb(aes) turns them into E(J0) and
 *      the CTR keystream
 *   3. the payload is copied out of the frame, XORed with the keystream
 *      (seal) and hashed with GHASH over AAD, ciphertext and lengths using
 *      the slot's 4-bit table; open hashes first and XORs only when the ICV
 *      matches
 *   4. the result is copied back, the ICV written (seal) or compared in
 *      constant time (open).
 * Every loop is a bpf_loop() over at most GCM_BPF_MAX_BLOCKS blocks, in
 * groups of GCM_GROUP, so the verifier sees each body once.
 */
#ifndef NICSEC_ENGINE_BPF_H
#define NICSEC_ENGINE_BPF_H

#include "gcm_bpf.h"

#define GCM_EINVAL	22
#define GCM_ERANGE	34
#define GCM_ENOMEM	12
#define GCM_ENOKEY	126
#define GCM_EMSGSIZE	90

struct gcm_walk {
	__u32 slot;
	__u32 nblk;		/* payload blocks, the last one maybe partial */
	__u32 salt;		/* as in memory */
	__u32 iv0, iv1;
	__u32 zero;		/* gcm_scratch's key: callbacks keep no stack */
	__u64 yh, yl;		/* GHASH accumulator */
};

static __always_inline struct gcm_scratch *gcm_scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&gcm_scratch, &zero);
}

/*
 * bpf_loop() callbacks handle GCM_GROUP blocks per call: each call is an
 * indirect call, which costs more than a block's XOR.
 */
#define GCM_GROUP	4
#define GCM_GROUPS(n)	(((n) + GCM_GROUP - 1) / GCM_GROUP)
/* GHASH blocks per call; the port program and this callback share the
 * 512-byte stack limit, so check `bpftool -d prog loadall` ("stack depth")
 * when raising it */
#ifndef GCM_GHASH_GROUP
#define GCM_GHASH_GROUP	4
#endif
#define GCM_GHASH_GROUPS(n) (((n) + GCM_GHASH_GROUP - 1) / GCM_GHASH_GROUP)

/* Blocks 4g.. of the counter area: salt || IV || be32(block + 1). */
static long gcm_ctr_cb(__u64 g, void *arg)
{
	struct gcm_walk *w = arg;
	struct gcm_scratch *sc = bpf_map_lookup_elem(&gcm_scratch, &w->zero);
	__u32 *c, b;

	if (!sc)
		return 1;
#pragma unroll
	for (int k = 0; k < GCM_GROUP; k++) {
		b = (__u32)g * GCM_GROUP + k;
		if (b > w->nblk || b > GCM_BPF_MAX_BLOCKS)
			break;
		barrier_var(b);		/* keep the mask below */
		c = (__u32 *)&sc->ks[(b & 0x1ff) * GCM_BLOCK_LEN];
		if ((void *)(c + 4) > (void *)sc->ks + sizeof(sc->ks))
			break;
		c[0] = w->salt;
		c[1] = w->iv0;
		c[2] = w->iv1;
		c[3] = bpf_htonl(b + 1);
	}
	return 0;
}

/* Payload blocks 4g.. ^= keystream (counter block + 2). */
static long gcm_xor_cb(__u64 g, void *arg)
{
	struct gcm_walk *w = arg;
	struct gcm_scratch *sc = bpf_map_lookup_elem(&gcm_scratch, &w->zero);
	__u64 *p, *k;
	__u32 b;

	if (!sc)
		return 1;
#pragma unroll
	for (int j = 0; j < GCM_GROUP; j++) {
		b = (__u32)g * GCM_GROUP + j;
		if (b >= w->nblk || b >= GCM_BPF_MAX_BLOCKS)
			break;
		barrier_var(b);		/* keep the mask below */
		p = (__u64 *)&sc->buf[(b & 0xff) * GCM_BLOCK_LEN];
		k = (__u64 *)&sc->ks[((b & 0xff) + 1) * GCM_BLOCK_LEN];
		p[0] ^= k[0];
		p[1] ^= k[1];
	}
	return 0;
}

static long gcm_zero_cb(__u64 i, void *arg)
{
	struct gcm_walk *w = arg;
	struct gcm_scratch *sc = bpf_map_lookup_elem(&gcm_scratch, &w->zero);
	__u64 *b;

	if (!sc || i >= GCM_BPF_MAX_BLOCKS)
		return 1;
	b = (__u64 *)&sc->buf[(i & 0xff) * GCM_BLOCK_LEN];
	b[0] = 0;
	b[1] = 0;
	return 0;
}

/* Y = (Y ^ payload block) * H for blocks 4g.. */
static long gcm_ghash_cb(__u64 g, void *arg)
{
	struct gcm_walk *w = arg;
	struct gcm_scratch *sc = bpf_map_lookup_elem(&gcm_scratch, &w->zero);
	struct gcm_slot *sl = bpf_map_lookup_elem(&gcm_slots, &w->slot);
	__u32 b;
	__u64 *p, yh = w->yh, yl = w->yl;

	if (!sc || !sl)
		return 1;
#pragma unroll
	for (int j = 0; j < GCM_GHASH_GROUP; j++) {
		b = (__u32)g * GCM_GHASH_GROUP + j;
		if (b >= w->nblk || b >= GCM_BPF_MAX_BLOCKS)
			break;
		barrier_var(b);		/* keep the mask below */
		p = (__u64 *)&sc->buf[(b & 0xff) * GCM_BLOCK_LEN];
		yh ^= __builtin_bswap64(p[0]);
		yl ^= __builtin_bswap64(p[1]);
		gcm_mul_h(&yh, &yl, sl->htab);
	}
	w->yh = yh;
	w->yl = yl;
	return 0;
}

/* GHASH(AAD = @aad, the @len bytes in sc->buf) ^ E(J0), as wire bytes. */
static __always_inline int gcm_tag(struct gcm_walk *w, struct gcm_scratch *sc,
				   struct gcm_slot *sl, __u64 aad, __u32 len,
				   __u64 tag[2])
{
	__u32 j, k, end = w->nblk * GCM_BLOCK_LEN;
	__u64 *e;

	/* GHASH pads the last block with zeros */
	for (j = 0; j < GCM_BLOCK_LEN - 1; j++) {
		k = len + j;
		if (k >= end)
			break;
		sc->buf[k & (GCM_BPF_MAX_LEN - 1)] = 0;
	}
	w->yh = __builtin_bswap64(aad);
	w->yl = 0;
	gcm_mul_h(&w->yh, &w->yl, sl->htab);
	if (bpf_loop(GCM_GHASH_GROUPS(w->nblk), gcm_ghash_cb, w, 0) != GCM_GHASH_GROUPS(w->nblk))
		return -GCM_ENOMEM;
	w->yh ^= 64;			/* len(A) in bits */
	w->yl ^= (__u64)len * 8;	/* len(C) in bits */
	gcm_mul_h(&w->yh, &w->yl, sl->htab);
	e = (__u64 *)sc->ks;		/* E(J0) */
	tag[0] = __builtin_bswap64(w->yh) ^ e[0];
	tag[1] = __builtin_bswap64(w->yl) ^ e[1];
	return 0;
}

/*
 * Check the arguments, read SPI|seq|IV, and make the keystream for @len
 * bytes. Returns the scratch area or NULL with *@err set.
 */
static __always_inline struct gcm_scratch *
gcm_prepare(struct xdp_md *ctx, __u32 esp_off, __u32 len, __u32 slot,
	    struct gcm_walk *w, struct gcm_slot **slp, int *err)
{
	struct bpf_crypto_ctx *cctx;
	struct gcm_scratch *sc;
	struct gcm_slot *sl;
	struct bpf_dynptr dp;
	__u32 ks_len;
	__u64 end;

	*err = -GCM_EINVAL;
	if (!len)
		return NULL;
	*err = -GCM_EMSGSIZE;
	if (len > GCM_BPF_MAX_LEN)
		return NULL;
	*err = -GCM_ERANGE;
	end = (__u64)esp_off + 16 + len + ESP_ICV_LEN;
	if (end > bpf_xdp_get_buff_len(ctx))
		return NULL;
	sl = bpf_map_lookup_elem(&gcm_slots, &slot);	/* bounds the slot */
	if (!sl)
		return NULL;
	*err = -GCM_ENOKEY;
	cctx = sl->cctx;
	if (!cctx || !sl->ready)
		return NULL;
	*err = -GCM_ENOMEM;
	sc = gcm_scratch_get();
	if (!sc)
		return NULL;
	*err = -GCM_ERANGE;
	if (bpf_xdp_load_bytes(ctx, esp_off, sc->hdr, 16))
		return NULL;
	if (bpf_xdp_load_bytes(ctx, esp_off + 16, sc->buf, len))
		return NULL;

	w->slot = slot;
	w->nblk = (len + GCM_BLOCK_LEN - 1) / GCM_BLOCK_LEN;
	__builtin_memcpy(&w->salt, sl->salt, 4);
	w->iv0 = (__u32)sc->hdr[1];
	w->iv1 = (__u32)(sc->hdr[1] >> 32);
	*err = -GCM_ENOMEM;
	if (bpf_loop(GCM_GROUPS(w->nblk + 1), gcm_ctr_cb, w, 0) != GCM_GROUPS(w->nblk + 1))
		return NULL;
	*err = -GCM_EINVAL;
	ks_len = (w->nblk + 1) * GCM_BLOCK_LEN;
	if (ks_len > sizeof(sc->ks) ||
	    bpf_dynptr_from_mem(sc->ks, ks_len, 0, &dp))
		return NULL;
	*err = bpf_crypto_encrypt(cctx, &dp, &dp, NULL);
	if (*err)
		return NULL;
	*slp = sl;
	return sc;
}

/*
 * Start the cache misses of a crypto context, its ecb(aes) tfm and the AES
 * cipher tfm with its context (the encryption schedule and the key length
 * the rounds depend on), at addresses @w recorded: all at once, where the
 * cipher meets them one after another (context -> tfm -> cipher -> key).
 * Nothing waits for them.
 */
static __always_inline __u64 engine_warm_touch(const struct nicsec_warm *w)
{
	struct crypto_tfm *tfm, *cipher;
	struct bpf_crypto_ctx *cctx;
	struct crypto_aes_ctx *key;

	cctx = bpf_rdonly_cast((void *)w->cctx, bpf_core_type_id_kernel(struct bpf_crypto_ctx));
	tfm = bpf_rdonly_cast((void *)w->tfm, bpf_core_type_id_kernel(struct crypto_tfm));
	cipher = bpf_rdonly_cast((void *)w->cipher, bpf_core_type_id_kernel(struct crypto_tfm));
	/* the cipher's context, give or take its alignment (16 for aesni) */
	key = bpf_rdonly_cast((void *)(w->cipher + bpf_core_field_offset(struct crypto_tfm, __crt_ctx)),
			      bpf_core_type_id_kernel(struct crypto_aes_ctx));
	return cctx->siv_len ^ tfm->crt_flags ^ cipher->crt_flags ^ key->key_enc[0] ^
	       key->key_enc[16] ^ key->key_enc[32] ^ key->key_enc[48] ^ key->key_enc[59] ^
	       key->key_length;
}

/*
 * Load one word of each cache line of the slot (the context pointer and
 * salt, the four lines of the table) and of the cipher state, without
 * waiting for any: the loads only start the cache misses early. @hint (an
 * outbound flow's copy of the slot's warm, or NULL; zero until the flow's
 * first seal) starts the cipher state's misses without waiting for the
 * slot's line.
 */
static __always_inline void engine_touch(__u32 slot, const struct nicsec_warm *hint)
{
	struct gcm_slot *sl;
	__u64 t = 0;

	sl = bpf_map_lookup_elem(&gcm_slots, &slot);
	if (!sl)
		return;
	/* a flow that has sent before knows where; else the slot tells */
	if (hint && hint->cctx)
		t = engine_warm_touch(hint);
	else
		t = engine_warm_touch(&sl->warm);
	t ^= sl->ready ^ sl->htab[3][1] ^ sl->htab[7][1] ^ sl->htab[11][1] ^ sl->htab[15][1];
	asm volatile("" : : "r"(t));
}

/* After a seal: keep the flow's @hint equal to the slot's warm (it is
 * zero when user space installed the flow, stale after a rekey). */
static __always_inline void engine_warm_keep(__u32 slot, struct nicsec_warm *hint)
{
	struct gcm_slot *sl = bpf_map_lookup_elem(&gcm_slots, &slot);

	if (!sl || (hint->cctx == sl->warm.cctx && hint->tfm == sl->warm.tfm &&
		    hint->cipher == sl->warm.cipher))
		return;
	*hint = sl->warm;
}

static __always_inline int engine_seal(struct xdp_md *ctx, __u32 esp_off,
				       __u32 len, __u32 slot)
{
	struct gcm_walk w = {};
	struct gcm_scratch *sc;
	struct gcm_slot *sl = NULL;
	int err;

	sc = gcm_prepare(ctx, esp_off, len, slot, &w, &sl, &err);
	if (!sc || !sl)
		return err;
	if (bpf_loop(GCM_GROUPS(w.nblk), gcm_xor_cb, &w, 0) != GCM_GROUPS(w.nblk))
		return -GCM_ENOMEM;
	if (len > GCM_BPF_MAX_LEN)
		return -GCM_EMSGSIZE;
	if (bpf_xdp_store_bytes(ctx, esp_off + 16, sc->buf, len))
		return -GCM_ERANGE;
	err = gcm_tag(&w, sc, sl, sc->hdr[0], len, sc->tag);
	if (err)
		return err;
	if (bpf_xdp_store_bytes(ctx, esp_off + 16 + len, sc->tag, ESP_ICV_LEN))
		return -GCM_ERANGE;
	return 0;
}

static __always_inline int engine_open(struct xdp_md *ctx, __u32 esp_off,
				       __u32 len, __u32 slot)
{
	struct gcm_walk w = {};
	struct gcm_scratch *sc;
	struct gcm_slot *sl = NULL;
	int err;

	sc = gcm_prepare(ctx, esp_off, len, slot, &w, &sl, &err);
	if (!sc || !sl)
		return err;
	if (len > GCM_BPF_MAX_LEN)
		return -GCM_EMSGSIZE;
	if (bpf_xdp_load_bytes(ctx, esp_off + 16 + len, sc->icv, ESP_ICV_LEN))
		return -GCM_ERANGE;
	err = gcm_tag(&w, sc, sl, sc->hdr[0], len, sc->tag);
	if (err)
		return err;
	if ((sc->tag[0] ^ sc->icv[0]) | (sc->tag[1] ^ sc->icv[1])) {
		/* like the kmod engine: no unauthenticated plaintext */
		bpf_loop(w.nblk, gcm_zero_cb, &w, 0);
		bpf_xdp_store_bytes(ctx, esp_off + 16, sc->buf, len);
		return -NICSEC_EBADMSG;
	}
	if (bpf_loop(GCM_GROUPS(w.nblk), gcm_xor_cb, &w, 0) != GCM_GROUPS(w.nblk))
		return -GCM_ENOMEM;
	if (bpf_xdp_store_bytes(ctx, esp_off + 16, sc->buf, len))
		return -GCM_ERANGE;
	return 0;
}

#endif /* NICSEC_ENGINE_BPF_H */
