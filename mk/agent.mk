# SPDX-License-Identifier: GPL-2.0
# nicsec-agent (userspace/agent): not part of libnicsec.a. Its unit tests
# link the agent objects they exercise beside the library; this specific
# rule beats the generic tests/unit/% pattern.
AGENT_CFLAGS := -Iuserspace/agent -Iuserspace/ike -Ibpf

$(BUILD)/userspace/agent/%.o: CFLAGS += $(AGENT_CFLAGS)

AGENT_CONF_OBJS := $(patsubst %,$(BUILD)/userspace/agent/%.o,conf conf_lex conf_value)

$(BUILD)/tests/unit/test_agent_conf: tests/unit/test_agent_conf.c tests/tap.h \
		$(AGENT_CONF_OBJS) $(LIB)
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(AGENT_CFLAGS) -o $@ $< $(AGENT_CONF_OBJS) $(LIB)

# proposal.c needs nothing of the agent but itself (log_msg() is the
# library's).
$(BUILD)/tests/unit/test_agent_proposal: tests/unit/test_agent_proposal.c tests/tap.h \
		$(BUILD)/userspace/agent/proposal.o $(LIB)
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(AGENT_CFLAGS) -o $@ $< $(BUILD)/userspace/agent/proposal.o $(LIB)

AGENT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard userspace/agent/*.c))

$(BUILD)/bin/nicsec-agent: $(AGENT_OBJS) $(LIB)
	@echo "  LD      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lcrypto

userspace: $(BUILD)/bin/nicsec-agent

# libFuzzer target of the agent's message path (tests/fuzz/fuzz_agent.c):
# the agent's sources but main.c and clock.c (the harness has its own clock and
# logger), the IKE codec and crypto, and the library sources device.c's
# control channel needs, all built with FUZZ_CFLAGS (mk/fuzz.mk) like
# fuzz_ike. "make fuzz" runs it FUZZ_SECS; the unit suite briefly through
# the TAP wrapper build/tests/unit/test_fuzz_agent.
FUZZ_AGENT      := $(BUILD)/tests/fuzz/fuzz_agent
FUZZ_AGENT_SRCS := tests/fuzz/fuzz_agent.c \
		   $(filter-out userspace/agent/main.c userspace/agent/clock.c,$(wildcard userspace/agent/*.c)) \
		   $(wildcard userspace/ike/*.c) \
		   $(addprefix userspace/lib/,ctl_agent.c ctl_enroll.c ctl_error.c \
		   ctl_codec.c ctl_seal.c ctl_replay.c keyfile.c hex.c)

$(FUZZ_AGENT): $(FUZZ_AGENT_SRCS) $(wildcard userspace/agent/*.h userspace/ike/*.h userspace/lib/*.h)
	@echo "  FUZZ    $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(AGENT_CFLAGS) -o $@ $(FUZZ_AGENT_SRCS) -lcrypto

$(BUILD)/tests/unit/test_fuzz_agent: tests/fuzz/fuzz_tap.sh $(FUZZ_AGENT)
	@echo "  GEN     $@"
	$(Q)mkdir -p $(@D)
	$(Q)install -m 755 $< $@

tests: $(BUILD)/tests/unit/test_fuzz_agent

.PHONY: fuzz-agent
fuzz: fuzz-agent
fuzz-agent: $(FUZZ_AGENT)
	$(Q)rm -rf $(BUILD)/fuzz/agent && mkdir -p $(BUILD)/fuzz/agent
	$(Q)cp tests/fuzz/corpus/agent/* $(BUILD)/fuzz/agent/
	$(Q)$(FUZZ_AGENT) -max_total_time=$(FUZZ_SECS) -print_final_stats=1 $(BUILD)/fuzz/agent
