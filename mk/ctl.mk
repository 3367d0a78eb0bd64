# SPDX-License-Identifier: GPL-2.0
# Control protocol unit tests: they seal with OpenSSL and run threads, so
# they link -lcrypto -pthread; the shorter stem beats the generic rule.
$(BUILD)/tests/unit/test_ctl_%: tests/unit/test_ctl_%.c tests/tap.h tests/unit/ctl_examples.h $(LIB)
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LIB) -lcrypto -pthread
