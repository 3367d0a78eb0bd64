# SPDX-License-Identifier: GPL-2.0
# make bench: micro-benchmarks (not tests). The bpf engine's seal/open cost
# beside the bare ECB over the same bytes, with the slot's GHASH table hot
# in the caches and cold (a fresh slot per run after a 64 MiB flush), and
# the slot's size: build/bench/engine.json + a table.
.PHONY: bench

$(BUILD)/bin/bench_engine: tools/bench_engine.c $(BPF_SKELS) $(LIB)
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDLIBS_BPF)

bench: $(BUILD)/bin/bench_engine
	$(Q)mkdir -p $(BUILD)/bench
	$(Q)$(BUILD)/bin/bench_engine $(BUILD)/bench/engine.json
