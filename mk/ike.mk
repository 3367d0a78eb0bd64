# SPDX-License-Identifier: GPL-2.0
# The IKEv2 codec (userspace/ike/*.c) joins libnicsec.a, so the unit tests
# and, later, nicsec-agent link it like the rest of the library. LIB_OBJS is
# already expanded by now: the objects become extra prerequisites of the
# archive, whose recipe archives $^. The fuzz target of the message parser
# (tests/fuzz/fuzz_ike.c) is built and run like fuzz_ctl (mk/fuzz.mk).
IKE_SRCS := $(wildcard userspace/ike/*.c)
IKE_OBJS := $(IKE_SRCS:%.c=$(BUILD)/%.o)
CFLAGS   += -Iuserspace/ike

$(IKE_OBJS): $(wildcard userspace/ike/*.h)
$(LIB): $(IKE_OBJS)

# crypto.c (OpenSSL) needs -lcrypto wherever it is linked: its unit test
# overrides the generic tests/unit/% rule, and the fuzzer, which compiles
# every userspace/ike/*.c, links it too.
$(BUILD)/tests/unit/test_ike_crypto: tests/unit/test_ike_crypto.c tests/unit/ike_crypto_strongswan.h \
				      tests/tap.h $(LIB)
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LIB) -lcrypto

FUZZ_IKE := $(BUILD)/tests/fuzz/fuzz_ike

$(FUZZ_IKE): tests/fuzz/fuzz_ike.c $(IKE_SRCS) $(wildcard userspace/ike/*.h)
	@echo "  FUZZ    $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -Iuserspace/ike -o $@ tests/fuzz/fuzz_ike.c $(IKE_SRCS) -lcrypto

$(BUILD)/tests/unit/test_fuzz_ike: tests/fuzz/fuzz_tap.sh $(FUZZ_IKE)
	@echo "  GEN     $@"
	$(Q)mkdir -p $(@D)
	$(Q)install -m 755 $< $@

tests: $(BUILD)/tests/unit/test_fuzz_ike

.PHONY: fuzz-ike
fuzz: fuzz-ike
fuzz-ike: $(FUZZ_IKE)
	$(Q)rm -rf $(BUILD)/fuzz/ike && mkdir -p $(BUILD)/fuzz/ike
	$(Q)cp tests/fuzz/corpus/ike/* $(BUILD)/fuzz/ike/
	$(Q)$(FUZZ_IKE) -max_total_time=$(FUZZ_SECS) -print_final_stats=1 $(BUILD)/fuzz/ike

# ikedump: the codec's view of captured messages in tshark's field format,
# for tests/net/test_ike_codec.sh.
$(BUILD)/bin/ikedump: tools/ikedump.c $(LIB)
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LIB)

userspace: $(BUILD)/bin/ikedump
