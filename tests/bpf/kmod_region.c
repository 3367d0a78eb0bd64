// SPDX-License-Identifier: GPL-2.0
/*
 * In the VM, with nicsec.ko loaded: an XDP program calling the module's
 * bpf_nicsec_xdp_region() kfunc is accepted by the verifier and returns the
 * checked result under BPF_PROG_TEST_RUN; the same call from a tc program
 * is rejected (the kfunc set is registered for XDP only).
 */
#include <errno.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "kmod_region.skel.h"
#include "../tap.h"

static const struct {
	const char *name;
	__u32 frame, off, len;
	int want;
} cases[] = {
	{ "whole 64 B frame",		64, 0, 64, 0 },
	{ "last 4 bytes",		64, 60, 4, 0 },
	{ "one byte past the end",	64, 0, 65, -ERANGE },
	{ "offset at the end",		64, 64, 1, -ERANGE },
	{ "empty region",		64, 10, 0, -EINVAL },
	{ "offset+len overflows u32",	64, 0xffffffffu, 2, -ERANGE },
	{ "len near u32 max",		64, 1, 0xffffffffu, -ERANGE },
	{ "1514 B frame, ESP-sized region", 1514, 42, 1472, 0 },
};

#define NCASES (int)(sizeof(cases) / sizeof(cases[0]))

static int silent(enum libbpf_print_level l, const char *f, va_list ap)
{
	return 0;
}

int main(void)
{
	static unsigned char frame[1514];
	struct kmod_region_bpf *skel;
	int i, err;

	tap_plan(3 + 2 * NCASES);
	if (access("/sys/kernel/btf/nicsec", F_OK))
		tap_bail("nicsec.ko is not loaded (no /sys/kernel/btf/nicsec)");

	skel = kmod_region_bpf__open();
	if (!skel)
		tap_bail("cannot open kmod_region");
	bpf_program__set_autoload(skel->progs.kmod_region_tc, false);
	err = kmod_region_bpf__load(skel);
	if (!ok(!err, "verifier accepts an XDP program calling bpf_nicsec_xdp_region"))
		tap_bail("cannot continue without the program");

	for (i = 0; i < NCASES; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, opts,
			.data_in = frame, .data_size_in = cases[i].frame);

		skel->bss->arg_off = cases[i].off;
		skel->bss->arg_len = cases[i].len;
		skel->bss->result = 12345;
		err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.kmod_region), &opts);
		is_int(err ? -errno : skel->bss->result, cases[i].want, "%s: result",
		       cases[i].name);
		is_int(opts.retval, cases[i].want ? XDP_DROP : XDP_PASS, "%s: verdict",
		       cases[i].name);
	}
	is_int(skel->bss->calls, NCASES, "kfunc called once per run");
	kmod_region_bpf__destroy(skel);

	skel = kmod_region_bpf__open();
	if (!skel)
		tap_bail("cannot open kmod_region");
	bpf_program__set_autoload(skel->progs.kmod_region, false);
	libbpf_set_print(silent);	/* the expected verifier rejection is noisy */
	err = kmod_region_bpf__load(skel);
	libbpf_set_print(NULL);
	ok(err != 0, "verifier rejects the kfunc from a tc program (%d)", err);
	kmod_region_bpf__destroy(skel);
	return tap_done();
}
