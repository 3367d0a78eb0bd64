# SPDX-License-Identifier: GPL-2.0
# make bench-ctl: control channel install latency and rate over loopback UDP
# (tools/bench_ctl.c; a benchmark, not a test): a table on stdout and
# build/bench/ctl.json. BENCH_CTL_N sets the number of installs.
BENCH_CTL_N ?= 10000
.PHONY: bench-ctl

$(BUILD)/bin/bench_ctl: tools/bench_ctl.c $(LIB)
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LIB) -lcrypto -pthread

bench-ctl: $(BUILD)/bin/bench_ctl
	$(Q)mkdir -p $(BUILD)/bench
	$(Q)$(BUILD)/bin/bench_ctl $(BUILD)/bench/ctl.json $(BENCH_CTL_N)
