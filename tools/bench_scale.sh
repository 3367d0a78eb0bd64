#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench-scale: the device at a million SAs (a benchmark, not a test:
# nothing about the figures is asserted; needs root).
#
# One test bed (tests/lib.sh, adapter mode, engine auto: bpf on this
# host), nicsec-devd with --max-sas N. Every SA is installed through the
# real path: ctlload in ns vm -> vm0 -> host port (XDP) -> AF_XDP ->
# nicsec-devd -> the engine and the maps, sealed control datagrams both
# ways. In stages, the table holding 1, 1000, 100000 and N SAs:
#   - at each stage, lookup + seal of 1400-byte packets whose flows hit
#     SAs spread over the table (tools/bench_scale.c: BPF_PROG_TEST_RUN of
#     the host port's program on the device's own maps), each packet
#     another random SA: first while the stage's new SAs have carried no
#     packet (seal_ns_first, the median), then after one packet of each
#     new SA in turn, as a device carrying traffic is (seal_ns; a flow
#     that has sent before holds the hints of its SA's cipher state,
#     bpf/maps.h), and again with each random SA's packets in trains of 8
#     (seal_ns_train8, the mean: one cold packet and seven warm ones);
#   - the SAs from 1 to 1000 one per INSTALL (single-install latency), the
#     rest as many per INSTALL as fit a datagram (the install rate);
#   - at the end, the SAs in the table counted (every one must be there),
#     the maps' memlock (bpftool) and the kernel's unreclaimable slab grown
#     while filling (the engine's per-key state: crypto contexts or
#     transforms), each per SA.
# Writes BUILD/bench/scale.json: max_sas (installed and verified),
# install_per_s, install_p50_us, fill_1m_s, bytes_per_sa, seal_ns (by SA
# count), ratio_1m_to_1, seal_ns_first and ratio_first_1m_to_1 (its 1M
# figure over seal_ns["1"]), and their parts; "interleaved": at the full
# table, one SA (hot) against random SAs over the table (spread) in five
# alternated rounds, and the median ratio (robust to the machine's drift
# between stages). Progress on stderr.
#
# Usage: tools/bench_scale.sh [BUILD_DIR] [--quick]
#   --quick: up to 10000 SAs (stages 1, 1000, 10000), a few seconds; what
#   make check runs (tests/net/test_scale.sh). BENCH_SCALE_N overrides N
#   (default 1000000), BENCH_SCALE_SAMPLES the seal runs per stage (20000),
#   BENCH_SCALE_OUT the JSON file (default BUILD/bench/scale.json).
set -u
BUILD=$(realpath "${1:-build}")
QUICK=0
[ "${2:-}" = --quick ] && QUICK=1
TOP=$(cd "$(dirname "$0")/.." && pwd)
TB_BIN=$BUILD/bin
. "$TOP/tests/lib.sh"

N=${BENCH_SCALE_N:-1000000}
SAMPLES=${BENCH_SCALE_SAMPLES:-20000}
STAGES="1 1000 100000 $N"
if [ $QUICK = 1 ]; then
	N=10000 SAMPLES=2000 STAGES="1 1000 10000"
fi
OUT=${BENCH_SCALE_OUT:-$BUILD/bench/scale.json}
CTL=10.77.0.254
PREFIX=bsc$$-

say() { echo "bench-scale: $*" >&2; }
die() { say "$*"; exit 1; }
trap 'tb_down' EXIT
trap 'exit 1' INT TERM

[ "$(id -u)" = 0 ] || die "needs root (namespaces, XDP)"
for b in nicsec-devd nicsec ctlload bench_scale; do
	[ -x "$TB_BIN/$b" ] || die "build first: no $TB_BIN/$b"
done
mkdir -p "$(dirname "$OUT")"

slab() { awk '/^SUnreclaim:/ { print $2 * 1024 }' /proc/meminfo; }
now() { date +%s.%N; }

tb_up adapter "$PREFIX" || die "test bed"
say "device with tables for $N SAs"
slab0=$(slab)
TB_MAX_SAS=$N tb_device_start --ctl-addr $CTL --enroll "$TB_RUN/agent.key" ||
	die "nicsec-devd: $(tail -3 "$TB_RUN/devd.log")"
slab1=$(slab)
engine=$(sed -n 's/.*engine: \([a-z]*\).*/\1/p' "$TB_RUN/devd.log" | head -n 1)

load()	# FIRST COUNT BATCH -> the ctlload JSON in $TMPJ
{
	ip netns exec "$TB_VM" "$TB_BIN/ctlload" -d $CTL -k "$TB_RUN/agent.key" -f "$1" \
		-n "$2" -b "$3" -P -j "$TB_RUN/load.json" >&2 || die "installs $1..$(($1 + $2 - 1)) failed"
	cat "$TB_RUN/load.json"
}
seal()	# SAS [TRAIN]
{
	ip netns exec "$TB_DEV" "$TB_BIN/bench_scale" seal "$TB_BPFFS/dev" "$TB_DEV_HOST" "$1" \
		"$SAMPLES" "${2:-1}" || die "seal at $1 SAs: not every packet sealed"
}

have=0 batched_sas=0 batched_s=0 fill_s=0 p50= seals= firsts= trains=
for stage in $STAGES; do
	[ "$stage" -gt "$have" ] || continue
	n=$((stage - have))
	if [ "$have" -lt 1000 ]; then
		# one SA per INSTALL up to 1000: the single-install latency
		say "installing SAs $have..$((stage - 1)), one per INSTALL"
		j=$(load $have $n 1)
		[ $have = 0 ] || p50=$(echo "$j" | jq .median_us)
	else
		say "installing SAs $have..$((stage - 1)), as many per INSTALL as fit"
		j=$(load $have $n 16)
		batched_sas=$((batched_sas + n))
		batched_s=$(echo "$batched_s $(echo "$j" | jq .seconds)" | awk '{ print $1 + $2 }')
	fi
	fill_s=$(echo "$fill_s $(echo "$j" | jq .seconds)" | awk '{ print $1 + $2 }')
	have=$stage
	say "lookup + seal at $have SAs ($SAMPLES packets), the new SAs' flows not used yet"
	s=$(seal $have)
	say "  $(echo "$s" | jq -c .)"
	firsts="$firsts${firsts:+,}\"$have\":$(echo "$s" | jq .median_ns)"
	say "one packet for each of SAs $((have - n))..$((have - 1)), in order"
	ip netns exec "$TB_DEV" "$TB_BIN/bench_scale" prime "$TB_BPFFS/dev" "$TB_DEV_HOST" \
		$((have - n)) $n > /dev/null || die "priming SAs $((have - n))..: not every packet sealed"
	say "lookup + seal at $have SAs ($SAMPLES packets), every flow has sent before"
	s=$(seal $have)
	say "  $(echo "$s" | jq -c .)"
	seals="$seals${seals:+,}\"$have\":$(echo "$s" | jq .median_ns)"
	s=$(seal $have 8)
	say "  in trains of 8: $(echo "$s" | jq -c .)"
	trains="$trains${trains:+,}\"$have\":$(echo "$s" | jq .mean_ns)"
done
# The stages run minutes apart on a shared machine whose speed drifts by
# 30 % and more: also, at the full table, the same SA every packet (hot)
# and random SAs over the whole table (spread), alternated in 5 rounds,
# and the median of the per-round ratios.
hots= spreads=
for r in 1 2 3 4 5; do
	hots="$hots${hots:+,}$(seal 1 | jq .median_ns)"
	spreads="$spreads${spreads:+,}$(seal $have | jq .median_ns)"
done
say "interleaved at $have SAs: hot $hots, spread $spreads (ns)"
slab2=$(slab)
c=$(ip netns exec "$TB_DEV" "$TB_BIN/bench_scale" count "$TB_BPFFS/dev") || die "count"
[ "$(echo "$c" | jq .sas)" = "$have" ] || die "the table holds $(echo "$c" | jq .sas) SAs, not $have"
say "the table holds all $have SAs; memory: $(echo "$c" | jq -c .maps)"

jq -n --argjson c "$c" --argjson seal "{$seals}" --argjson train "{$trains}" \
	--argjson first "{$firsts}" \
	--arg engine "$engine" \
	--argjson n "$have" --argjson quick $QUICK --argjson p50 "${p50:-null}" \
	--argjson bsas $batched_sas --argjson bs "$batched_s" --argjson fill "$fill_s" \
	--argjson slab0 "$slab0" --argjson slab1 "$slab1" --argjson slab2 "$slab2" \
	--argjson hots "[$hots]" --argjson spreads "[$spreads]" '
	($c.sa_maps_bytes / $c.max_sas) as $maps
	| (($slab2 - $slab1) / $n) as $engine_sa
	| {
	engine: $engine, quick: ($quick == 1), max_sas: $n,
	install_per_s: (if $bs > 0 then ($bsas / $bs | floor) else null end),
	install_p50_us: $p50,
	fill_1m_s: (if $n >= 1000000 then $fill else null end),
	fill_s: $fill,
	bytes_per_sa: (($maps + $engine_sa) | floor),
	bytes_per_sa_maps: ($maps | floor),
	bytes_per_sa_engine: ($engine_sa | floor),
	maps_bytes: $c.maps,
	seal_ns: $seal,
	seal_ns_train8: $train,
	seal_ns_first: $first,
	ratio_first_1m_to_1: (if $first["1000000"] then ($first["1000000"] / $seal["1"] * 1000 | round / 1000) else null end),
	ratio_1m_to_1: (if $seal["1000000"] then ($seal["1000000"] / $seal["1"] * 1000 | round / 1000) else null end),
	ratio_largest_to_1: ([$seal[]] | (.[-1] / .[0] * 1000 | round / 1000)),
	interleaved: ([range($hots | length) as $i | $spreads[$i] / $hots[$i] * 1000 | round / 1000]
		       | { sas: $n, hot_ns: $hots, spread_ns: $spreads, ratios: .,
			   ratio_median: (sort | .[2]) })
	}' > "$OUT"
cat "$OUT"
say "wrote $OUT"
