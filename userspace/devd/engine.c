// SPDX-License-Identifier: GPL-2.0
/*
 * Engine choice. The device programs are compiled once per engine; the
 * objects are embedded in devd through their skeletons' ELF bytes.
 */
#include <string.h>
#include <unistd.h>
#include "device_kmod.skel.h"
#include "device_none.skel.h"
#include "maps.h"
#include "log.h"
#include "devd.h"

static const void *kmod_elf(size_t *sz) { return device_kmod_bpf__elf_bytes(sz); }
static const void *none_elf(size_t *sz) { return device_none_bpf__elf_bytes(sz); }

static const struct devd_engine engines[] = {
	{ "kmod", NICSEC_ENGINE_ID_KMOD, kmod_elf },
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

const struct devd_engine *devd_engine_pick(const char *want)
{
	const struct devd_engine *e;

	if (!strcmp(want, "auto")) {
		if (kmod_loaded()) {
			log_info("engine: kmod (nicsec.ko is loaded)");
			return by_name("kmod");
		}
		log_err("no engine: nicsec.ko is not loaded and this build has no "
			"module-less engine; load nicsec.ko or use --engine none "
			"(forwarding only)");
		return NULL;
	}
	e = by_name(want);
	if (!e) {
		log_err("unknown engine \"%s\" (auto, kmod, none)", want);
		return NULL;
	}
	if (e->id == NICSEC_ENGINE_ID_KMOD && !kmod_loaded()) {
		log_err("engine kmod: nicsec.ko is not loaded (no /sys/kernel/btf/nicsec)");
		return NULL;
	}
	log_info("engine: %s (chosen with --engine)", e->name);
	return e;
}
