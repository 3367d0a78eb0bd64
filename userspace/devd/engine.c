// SPDX-License-Identifier: GPL-2.0
/*
 * Engine choice. The device programs are compiled once per engine; the
 * objects are embedded in devd through their skeletons' ELF bytes.
 */
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include "device_kmod.skel.h"
#include "device_bpf.skel.h"
#include "device_none.skel.h"
#include "maps.h"
#include "log.h"
#include "devd.h"

static const void *kmod_elf(size_t *sz) { return device_kmod_bpf__elf_bytes(sz); }
static const void *bpf_elf(size_t *sz) { return device_bpf_bpf__elf_bytes(sz); }
static const void *none_elf(size_t *sz) { return device_none_bpf__elf_bytes(sz); }

static const struct devd_engine engines[] = {
	{ "kmod", NICSEC_ENGINE_ID_KMOD, kmod_elf },
	{ "bpf", NICSEC_ENGINE_ID_BPF, bpf_elf },
	{ "none", NICSEC_ENGINE_ID_NONE, none_elf },
};

static const struct devd_engine *by_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(engines) / sizeof(engines[0]); i++)
		if (!strcmp(engines[i].name, name))
			return &engines[i];
	return NULL;
}

static bool kmod_loaded(void)
{
	return access("/sys/kernel/btf/nicsec", F_OK) == 0;
}

/* The bpf engine needs the BPF crypto kfuncs (Linux >= 6.10, CONFIG_BPF_SYSCALL
 * and CONFIG_CRYPTO_SKCIPHER): look for them in the kernel's BTF. */
static bool bpf_crypto_present(void)
{
	static const char *const need[] = {
		"bpf_crypto_ctx_create", "bpf_crypto_encrypt", "bpf_crypto_ctx_release",
	};
	struct btf *btf = btf__load_vmlinux_btf();
	bool ok = btf != NULL;
	size_t i;

	for (i = 0; ok && i < sizeof(need) / sizeof(need[0]); i++)
		ok = btf__find_by_name_kind(btf, need[i], BTF_KIND_FUNC) > 0;
	btf__free(btf);
	return ok;
}

const struct devd_engine *devd_engine_pick(const char *want)
{
	const struct devd_engine *e;

	if (!strcmp(want, "auto")) {
		if (kmod_loaded()) {
			log_info("engine: kmod (nicsec.ko is loaded)");
			return by_name("kmod");
		}
		if (bpf_crypto_present()) {
			log_info("engine: bpf (nicsec.ko is not loaded; the kernel has "
				 "the BPF crypto kfuncs)");
			return by_name("bpf");
		}
		log_err("no engine: nicsec.ko is not loaded and the kernel has no BPF "
			"crypto kfuncs (bpf_crypto_ctx_create, Linux >= 6.10); load "
			"nicsec.ko or use --engine none (forwarding only)");
		return NULL;
	}
	e = by_name(want);
	if (!e) {
		log_err("unknown engine \"%s\" (auto, kmod, bpf, none)", want);
		return NULL;
	}
	if (e->id == NICSEC_ENGINE_ID_KMOD && !kmod_loaded()) {
		log_err("engine kmod: nicsec.ko is not loaded (no /sys/kernel/btf/nicsec)");
		return NULL;
	}
	if (e->id == NICSEC_ENGINE_ID_BPF && !bpf_crypto_present()) {
		log_err("engine bpf: the kernel's BTF has no bpf_crypto_ctx_create "
			"(needs Linux >= 6.10 with BPF crypto)");
		return NULL;
	}
	log_info("engine: %s (chosen with --engine)", e->name);
	return e;
}
