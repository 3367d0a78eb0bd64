// SPDX-License-Identifier: GPL-2.0
/* Key commits per engine; see keyset.h. */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "keyset_kmod.skel.h"
#include "uapi/nicsec.h"
#include "maps.h"
#include "keyfile.h"
#include "keyset.h"

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
	skel = keyset_kmod_bpf__open_and_load();
	if (!skel) {
		err = -errno;
		goto out;
	}
	err = bpf_prog_test_run_opts(bpf_program__fd(set ? skel->progs.key_set :
							    skel->progs.key_clear), &opts);
	err = err ? -errno : (int)opts.retval;
	keyset_kmod_bpf__destroy(skel);
out:
	nicsec_wipe(&args, sizeof(args));
	return err;
}

int nicsec_key_set(unsigned int engine, uint32_t slot, const uint8_t *key,
		   uint32_t key_len, const uint8_t salt[NICSEC_SALT_LEN])
{
	if (key_len != 16 && key_len != 32)
		return -EINVAL;
	switch (engine) {
	case NICSEC_ENGINE_ID_KMOD:
		return kmod_run(1, slot, key, key_len, salt);
	default:
		return -EOPNOTSUPP;
	}
}

int nicsec_key_clear(unsigned int engine, uint32_t slot)
{
	switch (engine) {
	case NICSEC_ENGINE_ID_KMOD:
		return kmod_run(0, slot, NULL, 0, NULL);
	default:
		return -EOPNOTSUPP;
	}
}
