// SPDX-License-Identifier: GPL-2.0
/*
 * Key commits for the bpf engine. User space (userspace/lib/keyset.c)
 * loads this object with gcm_slots replaced by the device's pinned map and
 * runs, with BPF_PROG_TEST_RUN:
 *   key_set   (SYSCALL, sleepable): crypto context for the key, swapped
 *             into the slot as a kptr with the salt; the key travels only
 *             in the run's context, which is wiped here before returning
 *   key_prep  (XDP): H = E_K(0^128) with that context, then the GHASH
 *             table; marks the slot ready. The slot number is the first 4
 *             bytes of the test packet; the result is prep_err. It also
 *             records where the context and its cipher state live
 *             (the slot's warm) for engine_touch().
 *   key_clear (SYSCALL): drops the context and zeroes salt and table.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "uapi/nicsec.h"
#include "gcm_bpf.h"

/* set by the loader: 1 = ecb(aes-generic), 0 = ecb(aes) */
const volatile __u32 aes_generic = 0;
int prep_err;

static __always_inline void wipe(volatile __u8 *p, __u32 n)
{
	for (__u32 i = 0; i < n; i++)
		p[i] = 0;
}

SEC("syscall")
int key_set(struct nicsec_key_args *args)
{
	struct bpf_crypto_params params = {
		.type = "skcipher",
		.algo = "ecb(aes)",
	};
	struct bpf_crypto_ctx *cctx, *old;
	struct gcm_slot *sl;
	__u32 slot = args->slot;
	int err = 0;

	if (aes_generic)
		__builtin_memcpy(params.algo, "ecb(aes-generic)", 17);
	if (args->key_len != 16 && args->key_len != 32) {
		err = -22;
		goto out;
	}
	sl = bpf_map_lookup_elem(&gcm_slots, &slot);
	if (!sl) {
		err = -34;
		goto out;
	}
	__builtin_memcpy(params.key, args->key, NICSEC_KEY_MAX_LEN);
	params.key_len = args->key_len;
	cctx = bpf_crypto_ctx_create(&params, sizeof(params), &err);
	wipe(params.key, NICSEC_KEY_MAX_LEN);
	if (!cctx) {
		if (!err)
			err = -12;
		goto out;
	}
	sl->ready = 0;			/* until key_prep made the table */
	__builtin_memcpy(sl->salt, args->salt, 4);
	old = bpf_kptr_xchg(&sl->cctx, cctx);
	if (old)
		bpf_crypto_ctx_release(old);
out:
	wipe(args->key, NICSEC_KEY_MAX_LEN);
	wipe(args->salt, NICSEC_KEY_SALT_LEN);
	return err;
}

SEC("syscall")
int key_clear(struct nicsec_key_args *args)
{
	struct bpf_crypto_ctx *old;
	struct gcm_slot *sl;
	__u32 slot = args->slot;

	sl = bpf_map_lookup_elem(&gcm_slots, &slot);
	if (!sl)
		return -34;
	sl->ready = 0;
	old = bpf_kptr_xchg(&sl->cctx, NULL);
	if (old)
		bpf_crypto_ctx_release(old);
	__builtin_memset(sl->salt, 0, sizeof(sl->salt));
	for (int i = 0; i < 16; i++) {
		sl->htab[i][0] = 0;
		sl->htab[i][1] = 0;
	}
	__builtin_memset(&sl->warm, 0, sizeof(sl->warm));
	return old ? 0 : -2;		/* -ENOENT: the slot was empty */
}

/*
 * The addresses engine_touch() loads from: the context, the ecb(aes)
 * lskcipher tfm it holds, and the AES cipher tfm that tfm's context points
 * to (the ecb template's instance context is that one pointer; the
 * cipher's key schedule follows its tfm). A kernel laid out otherwise only
 * makes the early loads touch the wrong lines: nothing encrypts with these.
 */
static __always_inline void warm_record(struct gcm_slot *sl, struct bpf_crypto_ctx *cctx)
{
	__u64 tfm = (__u64)cctx->tfm, cipher = 0;

	if (bpf_probe_read_kernel(&cipher, sizeof(cipher),
				  (void *)(tfm + bpf_core_field_offset(struct crypto_tfm, __crt_ctx))))
		cipher = 0;
	sl->warm.cctx = (__u64)cctx;
	sl->warm.tfm = tfm;
	sl->warm.cipher = cipher;
}

SEC("xdp")
int key_prep(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct bpf_crypto_ctx *cctx;
	struct gcm_slot *sl;
	struct bpf_dynptr dp;
	__u64 hh, hl;
	__u32 slot;

	prep_err = -22;
	if (data + 4 > end)
		return XDP_ABORTED;
	slot = *(__u32 *)data;
	prep_err = -34;
	sl = bpf_map_lookup_elem(&gcm_slots, &slot);
	if (!sl)
		return XDP_ABORTED;
	prep_err = -126;
	cctx = sl->cctx;
	if (!cctx)
		return XDP_ABORTED;
	/* M[0] serves as the zero block, then holds H until the fill */
	sl->htab[0][0] = 0;
	sl->htab[0][1] = 0;
	prep_err = -22;
	if (bpf_dynptr_from_mem(sl->htab[0], GCM_BLOCK_LEN, 0, &dp))
		return XDP_ABORTED;
	prep_err = bpf_crypto_encrypt(cctx, &dp, &dp, NULL);
	if (prep_err)
		return XDP_ABORTED;
	hh = __builtin_bswap64(sl->htab[0][0]);
	hl = __builtin_bswap64(sl->htab[0][1]);
	gcm_table_fill(sl->htab, hh, hl);
	hh = hl = 0;
	warm_record(sl, cctx);
	sl->ready = 1;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
