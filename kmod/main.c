// SPDX-License-Identifier: GPL-2.0
/*
 * nicsec.ko: module init and exit. Each subsystem registers in order here
 * and is undone in reverse through labels named for the step.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include "nicsec.h"

static int __init nicsec_init(void)
{
	int err;

	err = nicsec_kfuncs_init();
	if (err) {
		pr_err("cannot register kfuncs: %d\n", err);
		return err;
	}
	pr_info("loaded\n");
	return 0;
}

static void __exit nicsec_exit(void)
{
	/* kfunc sets live in the module's BTF and go away with it. */
	pr_info("unloaded\n");
}

module_init(nicsec_init);
module_exit(nicsec_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nicsec: AES-GCM ESP engine for XDP, keys held in the device");
MODULE_AUTHOR("nicsec developers");
