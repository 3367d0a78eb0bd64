// SPDX-License-Identifier: GPL-2.0
/*
 * nicsec.ko: module init and exit. Each part is set up in order and undone
 * in reverse through labels named for the step. kfuncs are registered last:
 * the registration cannot be undone (it lives in the module's BTF), so
 * nothing may fail after it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include "nicsec.h"

static unsigned int nr_slots = 1024;
module_param(nr_slots, uint, 0444);
MODULE_PARM_DESC(nr_slots,
		 "number of key slots at load (1..1048576, default 1024); resizable at run time");

static int __init nicsec_init(void)
{
	int err;

	err = nicsec_aead_init();
	if (err)
		return err;
	err = nicsec_keyslot_init(nr_slots);
	if (err) {
		pr_err("cannot allocate %u key slots: %d\n", nr_slots, err);
		goto err_aead;
	}
	err = nicsec_kfuncs_init();
	if (err) {
		pr_err("cannot register kfuncs: %d\n", err);
		goto err_keyslot;
	}
	pr_info("loaded, %u key slots\n", nr_slots);
	return 0;

err_keyslot:
	nicsec_keyslot_exit();
err_aead:
	nicsec_aead_exit();
	return err;
}

static void __exit nicsec_exit(void)
{
	/* No program can still hold a kfunc of ours: they pin the module. */
	nicsec_keyslot_exit();
	nicsec_aead_exit();
	pr_info("unloaded, keys wiped\n");
}

module_init(nicsec_init);
module_exit(nicsec_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nicsec: AES-GCM ESP engine for XDP, keys held in the device");
MODULE_AUTHOR("nicsec developers");
