# SPDX-License-Identifier: GPL-2.0
# make bench-scale: the device filled to a million SAs through the real
# control path, install rate and latency, memory per SA, lookup + seal at
# 1, 1k, 100k and 1M SAs (tools/bench_scale.sh; a benchmark, not a test;
# needs root). build/bench/scale.json. BENCH_SCALE_N sets the size;
# `make bench-scale-quick` is the 10k-SA run make check does.
.PHONY: bench-scale bench-scale-quick

$(BUILD)/bin/bench_scale: tools/bench_scale.c $(LIB)
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDLIBS_BPF)

userspace: $(BUILD)/bin/bench_scale

bench-scale: all
	$(Q)bash tools/bench_scale.sh $(BUILD)

bench-scale-quick: all
	$(Q)bash tools/bench_scale.sh $(BUILD) --quick
