# SPDX-License-Identifier: GPL-2.0
# make bench-ike: IKEv2 handshake time to the first packet through the
# tunnel, strongSwan initiating to nicsec-agent + nicsec-devd and to a
# strongSwan responder, interleaved (tools/bench_ike.sh; a benchmark, not a
# test; needs root). A table on stdout and build/bench/ike.json.
# BENCH_IKE_RUNS sets the samples per responder.
BENCH_IKE_RUNS ?= 20
.PHONY: bench-ike

$(BUILD)/bin/bench_ike_probe: tools/bench_ike_probe.c
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $<

bench-ike: $(BUILD)/bin/bench_ike_probe $(BUILD)/bin/nicsec-agent $(BUILD)/bin/nicsec-devd \
		$(BUILD)/bin/nicsec $(BUILD)/bpf/xdp_pass.bpf.o
	$(Q)mkdir -p $(BUILD)/bench
	$(Q)BENCH_IKE_RUNS=$(BENCH_IKE_RUNS) bash tools/bench_ike.sh $(BUILD)
