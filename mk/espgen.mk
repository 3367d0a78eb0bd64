# SPDX-License-Identifier: GPL-2.0
# espgen: the independent ESP-in-UDP oracle of the data-plane tests
# (tools/espgen*.c). It links OpenSSL only, never the project's own code.
ESPGEN_SRCS := $(wildcard tools/espgen*.c)

$(BUILD)/bin/espgen: $(ESPGEN_SRCS) tools/espgen.h
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $(ESPGEN_SRCS) -lcrypto

userspace: $(BUILD)/bin/espgen
