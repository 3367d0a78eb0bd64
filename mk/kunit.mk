# SPDX-License-Identifier: GPL-2.0
# KUnit for nicsec.ko, run in the 6.12 test VM (tests/vm/guest/test_kunit.sh).
# The VM kernel has no CONFIG_KUNIT, so KUnit itself is built here as an
# out-of-tree kunit.ko from lib/kunit of Debian's linux-source-6.12 (fetched
# by `make deps`, extracted under $(BUILD)/kunit, never committed) plus our
# shim (tools/kunit/), and the suites in kmod/tests/ become nicsec_kunit.ko.
# Both land in $(BUILD)/vm/extra/, which mkinitramfs.sh copies to the guest.
#   make kunit    $(BUILD)/vm/extra/kunit.ko and nicsec_kunit.ko

KUNIT_SRC_TAR    = $(KCACHE)/root/usr/src/linux-source-6.12.tar.xz
KUNIT_MOD       := $(BUILD)/kunit/mod
KUNIT_GEN       := $(BUILD)/kunit/gen
KUNIT_TESTS     := kmod/tests/nicsec_kunit.ko
WYCHEPROOF_JSON ?= $(abspath $(CURDIR)/../shared/testdata/wycheproof/aes_gcm_test.json)

.PHONY: kunit kunit-clean
kunit: $(BUILD)/vm/extra/kunit.ko $(BUILD)/vm/extra/nicsec_kunit.ko

vm-image: kunit
clean: kunit-clean

# kunit.ko: extract and shim (tools/kunit/prepare.sh), then Kbuild, no W=1.
$(KUNIT_MOD)/Kbuild: $(wildcard $(KUNIT_SRC_TAR)) tools/kunit/prepare.sh \
		     tools/kunit/Kbuild tools/kunit/kunit_shim.c tools/kunit/kunit_shim.h
	$(Q)test -f $(KDIR)/Makefile && test -f $(KUNIT_SRC_TAR) || \
		{ echo "no 6.12 kernel headers/source in $(KCACHE): run 'make deps'" >&2; exit 1; }
	$(Q)bash tools/kunit/prepare.sh $(KUNIT_SRC_TAR) $(KDIR) $(KUNIT_MOD)

$(KUNIT_MOD)/kunit.ko: $(KUNIT_MOD)/Kbuild
	$(Q)$(MAKE) -C $(KDIR) M=$(abspath $(KUNIT_MOD)) $(if $(V),V=1) modules

# The Wycheproof tables, generated from the shared JSON at build time.
$(KUNIT_GEN)/wycheproof_aes_gcm.h: tools/kunit/wycheproof2c.sh $(wildcard $(WYCHEPROOF_JSON))
	$(Q)test -f $(WYCHEPROOF_JSON) || \
		{ echo "no Wycheproof vectors at $(WYCHEPROOF_JSON) (set WYCHEPROOF_JSON)" >&2; exit 1; }
	@echo "  GEN     $@"
	$(Q)bash tools/kunit/wycheproof2c.sh $(WYCHEPROOF_JSON) $@

# nicsec_kunit.ko links against nicsec.ko's and kunit.ko's exports.
$(KUNIT_TESTS): $(wildcard kmod/tests/*.c kmod/tests/*.h kmod/tests/Kbuild) \
		$(KUNIT_GEN)/wycheproof_aes_gcm.h $(KMOD) $(KUNIT_MOD)/kunit.ko
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod/tests W=1 $(if $(V),V=1) \
		KBUILD_EXTRA_SYMBOLS="$(CURDIR)/Module.symvers $(abspath $(KUNIT_MOD))/Module.symvers" \
		NICSEC_KUNIT_GEN=$(abspath $(KUNIT_GEN)) modules

$(BUILD)/vm/extra/kunit.ko: $(KUNIT_MOD)/kunit.ko
	$(Q)mkdir -p $(@D) && cp $< $@

$(BUILD)/vm/extra/nicsec_kunit.ko: $(KUNIT_TESTS)
	$(Q)mkdir -p $(@D) && cp $< $@

kunit-clean:
	$(Q)rm -rf $(BUILD)/kunit $(BUILD)/vm/extra/kunit.ko $(BUILD)/vm/extra/nicsec_kunit.ko
	$(Q)test ! -f $(KDIR)/Makefile || $(MAKE) -C $(KDIR) M=$(CURDIR)/kmod/tests clean >/dev/null
