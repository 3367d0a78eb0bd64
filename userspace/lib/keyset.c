// SPDX-License-Identifier: GPL-2.0
/* Key commits per engine; see keyset.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "keyset_kmod.skel.h"
#include "keyset_bpf.skel.h"
#include "uapi/nicsec.h"
#include "maps.h"
#include "keyfile.h"
#include "keyset.h"

/*
 * The key-commit programs are loaded (and verified) once per process and
 * kept: a daemon commits many keys, and loading is the expensive part.
 * They hold no key between runs.
 */
static struct keyset_kmod_bpf *kmod_keyset(void)
{
	static struct keyset_kmod_bpf *skel;

	if (!skel)
		skel = keyset_kmod_bpf__open_and_load();
	return skel;
}

static int kmod_run(int set, uint32_t slot, const uint8_t *key, uint32_t key_len,
		    const uint8_t *salt)
{
	struct nicsec_key_args args = { .slot = slot, .key_len = key_len };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &args, .ctx_size_in = sizeof(args));
	struct keyset_kmod_bpf *skel;
	int err;

	if (set) {
		if (key_len > sizeof(args.key))
			return -EINVAL;
		memcpy(args.key, key, key_len);
		memcpy(args.salt, salt, NICSEC_SALT_LEN);
	}
	skel = kmod_keyset();
	if (!skel) {
		err = -errno;
		goto out;
	}
	err = bpf_prog_test_run_opts(bpf_program__fd(set ? skel->progs.key_set :
							    skel->progs.key_clear), &opts);
	err = err ? -errno : (int)opts.retval;
out:
	nicsec_wipe(&args, sizeof(args));
	return err;
}

/* Runs one of the kmod slot-table programs with @args as its context. */
static int kmod_slots_run(int resize, struct nicsec_slots_args *args)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(*args));
	struct keyset_kmod_bpf *skel = kmod_keyset();

	if (!skel)
		return -errno;
	if (bpf_prog_test_run_opts(bpf_program__fd(resize ? skel->progs.slots_resize :
							     skel->progs.slots_capacity), &opts))
		return -errno;
	return (int)opts.retval;
}

int nicsec_kmod_slots_resize(uint32_t nr)
{
	struct nicsec_slots_args args = { .nr = nr };

	return kmod_slots_run(1, &args);
}

int nicsec_kmod_slots_capacity(uint32_t *nr)
{
	struct nicsec_slots_args args = { 0 };
	int err = kmod_slots_run(0, &args);

	if (!err)
		*nr = args.nr;
	return err;
}

/*
 * keyset_bpf.bpf.c with its gcm_slots replaced by the device's map; kept
 * for the next call while it is for the same map (by id, not fd number)
 * and AES driver.
 */
static struct keyset_bpf_bpf *bpf_keyset_open(int slots_fd, const char *aes)
{
	static struct keyset_bpf_bpf *cached;
	static __u32 cached_id;
	static bool cached_generic;
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	struct keyset_bpf_bpf *skel;
	bool generic = aes && !strcmp(aes, "aes-generic");
	int err;

	if (slots_fd < 0) {
		errno = EBADF;
		return NULL;
	}
	if (bpf_obj_get_info_by_fd(slots_fd, &info, &len))
		return NULL;
	if (cached && cached_id == info.id && (!aes || cached_generic == generic))
		return cached;
	keyset_bpf_bpf__destroy(cached);
	cached = NULL;
	skel = keyset_bpf_bpf__open();
	if (!skel)
		return NULL;
	skel->rodata->aes_generic = aes && !strcmp(aes, "aes-generic");
	err = bpf_map__reuse_fd(skel->maps.gcm_slots, slots_fd);
	if (!err)
		err = keyset_bpf_bpf__load(skel);
	if (err) {
		keyset_bpf_bpf__destroy(skel);
		errno = -err;
		return NULL;
	}
	cached = skel;
	cached_id = info.id;
	cached_generic = generic;
	return skel;
}

static int bpf_clear(struct keyset_bpf_bpf *skel, uint32_t slot)
{
	struct nicsec_key_args args = { .slot = slot };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &args, .ctx_size_in = sizeof(args));

	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.key_clear), &opts))
		return -errno;
	return (int)opts.retval;
}

int nicsec_bpf_key_set(int slots_fd, uint32_t slot, const uint8_t *key,
		       uint32_t key_len, const uint8_t salt[NICSEC_SALT_LEN],
		       const char *aes)
{
	struct nicsec_key_args args = { .slot = slot, .key_len = key_len };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &args, .ctx_size_in = sizeof(args));
	/* an XDP test run needs at least an Ethernet header's worth of data */
	uint32_t pkt[16] = { slot };
	LIBBPF_OPTS(bpf_test_run_opts, prep, .data_in = pkt, .data_size_in = sizeof(pkt));
	struct keyset_bpf_bpf *skel;
	int err;

	if (key_len > sizeof(args.key))
		return -EINVAL;
	memcpy(args.key, key, key_len);
	memcpy(args.salt, salt, NICSEC_SALT_LEN);
	skel = bpf_keyset_open(slots_fd, aes);
	if (!skel) {
		err = -errno;
		goto out;
	}
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.key_set), &opts);
	err = err ? -errno : (int)opts.retval;
	nicsec_wipe(&args, sizeof(args));
	if (err)
		goto out;
	/* H and the GHASH table: E_K runs only in XDP/TC programs */
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.key_prep), &prep);
	err = err ? -errno : skel->bss->prep_err;
	if (err)
		bpf_clear(skel, slot);
out:
	nicsec_wipe(&args, sizeof(args));
	return err;
}

/* Zero the gcm_slots values at @slots: table and salt wiped, and the
 * kernel drops the crypto context (an array value's kptr is released
 * when the value is written). */
static int bpf_clear_many(int slots_fd, const uint32_t *slots, uint32_t n)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), done = 0, k;
	void *zero;
	int err = 0;

	if (bpf_obj_get_info_by_fd(slots_fd, &info, &len))
		return -errno;
	zero = calloc(1024, info.value_size);
	if (!zero)
		return -ENOMEM;
	while (done < n && !err) {
		LIBBPF_OPTS(bpf_map_batch_opts, o);

		k = n - done < 1024 ? n - done : 1024;
		if (bpf_map_update_batch(slots_fd, slots + done, zero, &k, &o))
			err = -errno;
		done += k;
	}
	free(zero);
	return err;
}

int nicsec_key_clear_many(unsigned int engine, int slots_fd, const uint32_t *slots,
			  uint32_t n)
{
	uint32_t i;
	int err = 0, e;

	if (engine == NICSEC_ENGINE_ID_BPF)
		return bpf_clear_many(slots_fd, slots, n);
	for (i = 0; i < n; i++) {
		e = nicsec_key_clear(engine, slots_fd, slots[i]);
		if (e && e != -ENOENT && !err)
			err = e;
	}
	return err;
}

int nicsec_key_prepare(unsigned int engine, int slots_fd)
{
	switch (engine) {
	case NICSEC_ENGINE_ID_KMOD:
		return kmod_keyset() ? 0 : -errno;
	case NICSEC_ENGINE_ID_BPF:
		return bpf_keyset_open(slots_fd, NICSEC_BPF_AES_DEFAULT) ? 0 : -errno;
	default:
		return 0;
	}
}

int nicsec_key_set(unsigned int engine, int slots_fd, uint32_t slot,
		   const uint8_t *key, uint32_t key_len,
		   const uint8_t salt[NICSEC_SALT_LEN])
{
	if (key_len != 16 && key_len != 32)
		return -EINVAL;
	switch (engine) {
	case NICSEC_ENGINE_ID_KMOD:
		return kmod_run(1, slot, key, key_len, salt);
	case NICSEC_ENGINE_ID_BPF:
		return nicsec_bpf_key_set(slots_fd, slot, key, key_len, salt,
					  NICSEC_BPF_AES_DEFAULT);
	default:
		return -EOPNOTSUPP;
	}
}

int nicsec_key_clear(unsigned int engine, int slots_fd, uint32_t slot)
{
	struct keyset_bpf_bpf *skel;

	switch (engine) {
	case NICSEC_ENGINE_ID_KMOD:
		return kmod_run(0, slot, NULL, 0, NULL);
	case NICSEC_ENGINE_ID_BPF:
		skel = bpf_keyset_open(slots_fd, NULL);
		if (!skel)
			return -errno;
		return bpf_clear(skel, slot);
	default:
		return -EOPNOTSUPP;
	}
}
