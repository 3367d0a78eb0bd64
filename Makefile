# SPDX-License-Identifier: GPL-2.0
#
# nicsec: one tree, every part.
#   make          user space, BPF objects and skeletons, kmod/nicsec.ko
#   make deps     Debian packages + the 6.12 cloud kernel cache (idempotent)
#   make check    deps, build, then every test suite (unit, bpf, net, vm)
#   make demo     the end-to-end demo in the namespace test bed
#   make clean
# Output goes under $(BUILD); the module builds in kmod/ (Kbuild's rule).

BUILD     ?= build
Q         := $(if $(V),,@)
CC        ?= gcc
CLANG     ?= clang
BPFTOOL   ?= bpftool
KCACHE    := $(BUILD)/kernel
KREL       = $(shell cat $(KCACHE)/release 2>/dev/null)
KDIR       = $(CURDIR)/$(KCACHE)/root/usr/src/linux-headers-$(KREL)
# BTF of the kernel the host programs run on; the fetched 6.12 kernel's if
# the running one exposes none.
VMLINUX_BTF ?= $(firstword $(wildcard /sys/kernel/btf/vmlinux) $(KDIR)/vmlinux)

CFLAGS    ?= -O2 -g
CFLAGS    += -Wall -Wextra -Wformat=2 -Wno-unused-parameter -std=gnu11 \
	     -D_GNU_SOURCE -fstack-protector-strong -D_FORTIFY_SOURCE=2 \
	     -I$(BUILD)/bpf -Ibpf -Ikmod -Iuserspace/lib
LDLIBS_BPF = -lbpf -lelf -lz
LDLIBS_DEVD = -lxdp -lcrypto
BPF_CFLAGS = -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -Wall -Wextra \
	     -Wno-unused-parameter -I$(BUILD)/bpf -Ibpf -Ikmod

# Standalone programs (one object, one skeleton each) ...
BPF_PROGS  := kmod_region kmod_esp keyset_kmod xdp_pass ctl_loss keyset_bpf engine_bpf_test
# ... and the device (device.bpf.c: both port programs and their maps),
# compiled once per AES-GCM engine.
ENGINES    := kmod bpf none
BPF_OBJS   := $(BPF_PROGS:%=$(BUILD)/bpf/%.bpf.o) $(ENGINES:%=$(BUILD)/bpf/device_%.bpf.o)
BPF_SKELS  := $(BPF_PROGS:%=$(BUILD)/bpf/%.skel.h) $(ENGINES:%=$(BUILD)/bpf/device_%.skel.h)

LIB_SRCS   := $(wildcard userspace/lib/*.c)
LIB_OBJS   := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB        := $(BUILD)/libnicsec.a

BINS       := $(BUILD)/bin/nicsec-devd $(BUILD)/bin/nicsec $(BUILD)/bin/nstraffic \
	      $(BUILD)/bin/ctlload
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(wildcard tests/unit/test_*.c))
BPF_TESTS  := $(patsubst tests/bpf/%.c,$(BUILD)/tests/bpf/%,$(wildcard tests/bpf/*.c))
KMOD       := kmod/nicsec.ko

.PHONY: all userspace bpf kmod tests deps check demo vm-image clean
all: userspace bpf kmod tests

deps:
	$(Q)bash tools/deps.sh $(BUILD)

# ---- BPF -------------------------------------------------------------------
$(BUILD)/bpf/vmlinux.h:
	$(Q)mkdir -p $(@D)
	$(Q)test -r "$(VMLINUX_BTF)" || { echo "no kernel BTF found: run 'make deps'" >&2; exit 1; }
	@echo "  GEN     $@ (from $(VMLINUX_BTF))"
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) $(BUILD)/bpf/vmlinux.h
	@echo "  CLANG   $@"
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

define device_rule
$(BUILD)/bpf/device_$(1).bpf.o: bpf/device.bpf.c $(wildcard bpf/*.h bpf/nic_*.bpf.c) $(BUILD)/bpf/vmlinux.h
	@echo "  CLANG   $$@"
	$(Q)$(CLANG) $(BPF_CFLAGS) -DNICSEC_ENGINE_$(shell echo $(1) | tr a-z A-Z) -c $$< -o $$@
endef
$(foreach e,$(ENGINES),$(eval $(call device_rule,$(e))))

$(BUILD)/bpf/%.skel.h: $(BUILD)/bpf/%.bpf.o
	@echo "  SKEL    $@"
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@.tmp && mv $@.tmp $@

bpf: $(BPF_OBJS) $(BPF_SKELS)

# ---- user space --------------------------------------------------------------
$(BUILD)/%.o: %.c $(BPF_SKELS) $(wildcard userspace/*/*.h bpf/*.h)
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/bin/nicsec-devd: $(patsubst %.c,$(BUILD)/%.o,$(wildcard userspace/devd/*.c)) $(LIB)
	@echo "  LD      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_BPF) $(LDLIBS_DEVD)

$(BUILD)/bin/nicsec: $(patsubst %.c,$(BUILD)/%.o,$(wildcard userspace/cli/*.c)) $(LIB)
	@echo "  LD      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_BPF) -lcrypto

$(BUILD)/bin/ctlload: tools/ctlload.c $(LIB)
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LIB) -lcrypto

$(BUILD)/bin/nstraffic: tools/nstraffic.c
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $<

userspace: $(BINS)

# ---- tests -------------------------------------------------------------------
$(BUILD)/tests/unit/%: tests/unit/%.c tests/tap.h $(LIB)
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LIB)

$(BUILD)/tests/bpf/%: tests/bpf/%.c tests/tap.h $(BPF_SKELS) $(LIB)
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDLIBS_BPF) -lcrypto

tests: $(UNIT_TESTS) $(BPF_TESTS)

# ---- kernel module -------------------------------------------------------------
kmod: $(KMOD)
$(KMOD): $(wildcard kmod/*.c kmod/*.h kmod/Kbuild) Kbuild
	$(Q)test -f $(KDIR)/Makefile || { echo "no 6.12 kernel headers in $(KCACHE): run 'make deps'" >&2; exit 1; }
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 $(if $(V),V=1) modules

# ---- test runs -------------------------------------------------------------------
vm-image: all
	$(Q)bash tests/vm/mkinitramfs.sh $(BUILD)

check: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory vm-image
	$(Q)bash tests/run.sh $(BUILD)

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)bash tools/demo.sh $(BUILD)

# Optional fragments (e.g. KUnit) keep their rules beside the code they build.
-include $(wildcard mk/*.mk)

clean:
	$(Q)rm -rf $(BUILD)/bin $(BUILD)/bpf $(BUILD)/tests $(BUILD)/userspace $(BUILD)/vm $(LIB)
	$(Q)test ! -f $(KDIR)/Makefile || $(MAKE) -C $(KDIR) M=$(CURDIR) clean >/dev/null
