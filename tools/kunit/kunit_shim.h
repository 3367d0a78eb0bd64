/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compatibility shim for building KUnit (lib/kunit of the Debian 6.12
 * source package) as an out-of-tree kunit.ko for a kernel configured with
 * CONFIG_KUNIT unset. Kbuild force-includes this header first in every
 * KUnit source file. The one rule it exists for: nothing in kunit.ko may
 * see a kernel structure laid out differently from the running kernel.
 * CONFIG_KUNIT adds task_struct::kunit_test and four kunit fields to
 * struct module, so those two headers are included here while CONFIG_KUNIT
 * is still unset, and only then does the rest of KUnit's own code see
 * CONFIG_KUNIT_MODULE (as a real CONFIG_KUNIT=m build would) so that
 * include/kunit/ declares its full API. prepare.sh checks that no other
 * kernel header tests CONFIG_KUNIT, rewrites the few uses of
 * current->kunit_test into the kunit_shim_*current_test() calls below
 * (a per-task map, kunit_shim.c), and turns off the module notifier that
 * reads struct module's kunit fields; any use it misses does not compile.
 * kunit_shim.c also checks both structure sizes against the kernel's BTF.
 */
#ifndef NICSEC_KUNIT_SHIM_H
#define NICSEC_KUNIT_SHIM_H

#if IS_ENABLED(CONFIG_KUNIT)
#error "this kernel has its own KUnit: build its lib/kunit, not this shim"
#endif

/* The running kernel's layouts, fixed before CONFIG_KUNIT_MODULE below. */
#include <linux/sched.h>
#include <linux/module.h>
/* Its !CONFIG_KUNIT form: kunit_get_current_test() is NULL, no hooks. */
#include <kunit/test-bug.h>

struct kunit;

/*
 * What a CONFIG_KUNIT kernel keeps built in (lib/kunit/hooks.c) so that
 * code under test can reach KUnit. Here no such code exists: the table
 * and the kunit_running key are private to kunit.ko (kunit_shim.c).
 */
struct kunit_hooks_table {
	__printf(3, 4) void (*fail_current_test)(const char *file, int line,
						 const char *fmt, ...);
	void *(*get_static_stub_address)(struct kunit *test, void *real_fn_addr);
};
extern struct kunit_hooks_table kunit_hooks;

/* Replace current->kunit_test, which this kernel's task_struct lacks. */
struct kunit *kunit_shim_current_test(void);
void kunit_shim_set_current_test(struct kunit *test);

/* KUnit's own options, as Debian would set them for CONFIG_KUNIT=m. */
#define CONFIG_KUNIT_MODULE 1
#define CONFIG_KUNIT_DEBUGFS 1
#define CONFIG_KUNIT_DEFAULT_ENABLED 1

#endif /* NICSEC_KUNIT_SHIM_H */
