// SPDX-License-Identifier: GPL-2.0
/*
 * nicsec_kunit.ko: runs nicsec.ko's KUnit suites when loaded, and holds
 * the helpers they share. The suites are registered from module init, not
 * through the .kunit_test_suites section: the kernel we test on has no
 * CONFIG_KUNIT, so its module loader does not record that section and our
 * out-of-tree kunit.ko has no module notifier (tools/kunit/kunit_shim.h).
 * KTAP goes to the kernel log and, per suite, to
 * /sys/kernel/debug/kunit/<suite>/results until this module is removed.
 */
#include <linux/hex.h>
#include <linux/module.h>
#include <linux/string.h>
#include "nicsec_kunit.h"

static struct kunit_suite *nicsec_kunit_suites[] = {
	&nicsec_aead_suite,
	&nicsec_keyslot_suite,
	&nicsec_wycheproof_suite,
};

u8 *nicsec_kunit_unhex(struct kunit *test, const char *hex, size_t extra,
		       u32 *len)
{
	size_t hexlen = strlen(hex);
	u8 *buf;

	KUNIT_ASSERT_EQ_MSG(test, hexlen % 2, 0, "odd hex length %zu", hexlen);
	/* kmalloc, never 0 bytes: the engine maps it into a scatterlist */
	buf = kunit_kzalloc(test, hexlen / 2 + extra + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ_MSG(test, hex2bin(buf, hex, hexlen / 2), 0,
			    "malformed hex \"%.16s...\"", hex);
	*len = hexlen / 2;
	return buf;
}

u8 *nicsec_kunit_buf(struct kunit *test, size_t len, u8 fill)
{
	u8 *buf = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, fill, len);
	return buf;
}

static int __init nicsec_kunit_init(void)
{
	/* the KTAP document header that kunit's own executor would print */
	pr_info("KTAP version 1\n");
	pr_info("1..%zu\n", ARRAY_SIZE(nicsec_kunit_suites));
	return __kunit_test_suites_init(nicsec_kunit_suites,
					ARRAY_SIZE(nicsec_kunit_suites));
}

static void __exit nicsec_kunit_exit(void)
{
	__kunit_test_suites_exit(nicsec_kunit_suites,
				 ARRAY_SIZE(nicsec_kunit_suites));
}

module_init(nicsec_kunit_init);
module_exit(nicsec_kunit_exit);

MODULE_IMPORT_NS(NICSEC);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for nicsec.ko (AES-GCM engine, key slots)");
MODULE_AUTHOR("nicsec developers");
