# SPDX-License-Identifier: GPL-2.0
# nicsec-agent (userspace/agent): not part of libnicsec.a. Its unit tests
# link the agent objects they exercise beside the library; this specific
# rule beats the generic tests/unit/% pattern.
AGENT_CFLAGS := -Iuserspace/agent -Iuserspace/ike

$(BUILD)/userspace/agent/%.o: CFLAGS += $(AGENT_CFLAGS)

$(BUILD)/tests/unit/test_agent_conf: tests/unit/test_agent_conf.c tests/tap.h \
		$(BUILD)/userspace/agent/conf.o $(LIB)
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(AGENT_CFLAGS) -o $@ $< $(BUILD)/userspace/agent/conf.o $(LIB)

AGENT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard userspace/agent/*.c))

$(BUILD)/bin/nicsec-agent: $(AGENT_OBJS) $(LIB)
	@echo "  LD      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lcrypto

userspace: $(BUILD)/bin/nicsec-agent
