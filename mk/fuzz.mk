# SPDX-License-Identifier: GPL-2.0
# libFuzzer target of the control protocol codec and unseal path, built with
# clang's ASan+UBSan from the library sources themselves (libnicsec.a is gcc
# and uninstrumented). "make fuzz" runs it for FUZZ_SECS (60) over a scratch
# copy of the seed corpus; the unit suite runs it briefly through
# build/tests/unit/test_fuzz_ctl, a TAP wrapper.
FUZZ_SECS     ?= 60
FUZZ_CTL      := $(BUILD)/tests/fuzz/fuzz_ctl
FUZZ_CTL_SRCS := tests/fuzz/fuzz_ctl.c $(addprefix userspace/lib/,ctl_codec.c \
		 ctl_seal.c ctl_replay.c ctl_device.c ctl_error.c keyfile.c hex.c)
FUZZ_CFLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined \
		 -fno-sanitize-recover=all -Wall -Wextra -Wno-unused-parameter \
		 -D_GNU_SOURCE -Iuserspace/lib

$(FUZZ_CTL): $(FUZZ_CTL_SRCS) $(wildcard userspace/lib/ctl*.h)
	@echo "  FUZZ    $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -o $@ $(FUZZ_CTL_SRCS) -lcrypto

$(BUILD)/tests/unit/test_fuzz_ctl: tests/fuzz/fuzz_tap.sh $(FUZZ_CTL)
	@echo "  GEN     $@"
	$(Q)mkdir -p $(@D)
	$(Q)install -m 755 $< $@

tests: $(BUILD)/tests/unit/test_fuzz_ctl

.PHONY: fuzz
fuzz: $(FUZZ_CTL)
	$(Q)rm -rf $(BUILD)/fuzz/ctl && mkdir -p $(BUILD)/fuzz/ctl
	$(Q)cp tests/fuzz/corpus/ctl/* $(BUILD)/fuzz/ctl/
	$(Q)$(FUZZ_CTL) -max_total_time=$(FUZZ_SECS) -print_final_stats=1 $(BUILD)/fuzz/ctl
