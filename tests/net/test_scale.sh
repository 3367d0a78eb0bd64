#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The quick mode of `make bench-scale` (tools/bench_scale.sh --quick): a
# device sized for 10,000 SAs filled through the real control path (ctlload
# in ns vm -> host port -> AF_XDP -> nicsec-devd), lookup + seal measured at
# 1, 1000 and 10000 SAs. Checks that the run completes and its JSON holds
# every field the full run writes, with the table verified full; the
# figures themselves are not asserted (a benchmark's numbers are not a test
# on a noisy machine). The JSON goes to a private file, not build/bench/.
set -u
T=$(dirname "$0")/..
[ -f "$T/lib.sh" ] || T=$(dirname "$0")
. "$T/ktap.sh"
TOP=$(cd "$T/.." && pwd)
BIN=${TB_BIN:-$TOP/build/bin}
BUILD=$(dirname "$BIN")

ktap_header
if [ "$(id -u)" != 0 ]; then
	ktap_skip "bench-scale quick mode" "needs root"
	ktap_finish
fi
TMP=$(mktemp -d /tmp/nicsec-scale.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
J=$TMP/scale.json

ktap_check "bench-scale --quick: 10000 SAs installed, verified, sealed" \
	env BENCH_SCALE_OUT="$J" bash "$TOP/tools/bench_scale.sh" "$BUILD" --quick
[ -s "$J" ] || echo '{}' > "$J"
f() { jq -r "$1" "$J"; }
jqe() { jq -e "$1" "$J" > /dev/null; }	# true iff the filter holds
ktap_check "max_sas is 10000 (the table counted full)" [ "$(f .max_sas)" = 10000 ]
ktap_check "install_per_s and install_p50_us are positive numbers" \
	jqe '(.install_per_s | type == "number" and . > 0) and
	       (.install_p50_us | type == "number" and . > 0)'
ktap_check "bytes_per_sa = maps + engine, maps part positive" \
	jqe '.bytes_per_sa_maps > 0 and .bytes_per_sa_engine >= 0 and
	       (.bytes_per_sa - .bytes_per_sa_maps - .bytes_per_sa_engine | fabs) <= 1'
ktap_check "seal_ns at 1, 1000 and 10000 SAs (first packets, and in trains of 8)" \
	jqe '([.seal_ns, .seal_ns_first, .seal_ns_train8][] | (keys == ["1", "1000", "10000"]) and
	       ([.[]] | all(type == "number" and . > 0))) '
ktap_check "ratio_largest_to_1 is seal_ns[10000] / seal_ns[1]" \
	jqe '(.seal_ns["10000"] / .seal_ns["1"] - .ratio_largest_to_1 | fabs) < 0.001'
ktap_check "interleaved: 5 rounds hot/spread at 10000 SAs, ratio_median their median" \
	jqe '.interleaved | .sas == 10000 and (.hot_ns | length) == 5 and
	       (.spread_ns | length) == 5 and ([.hot_ns[], .spread_ns[]] | all(. > 0)) and
	       ([range(5) as $i | .spread_ns[$i] / .hot_ns[$i]] | sort | .[2]) as $m |
	       (.ratio_median - $m | fabs) < 0.002'
ktap_check "quick mode: no 1M figures claimed (fill_1m_s, ratio_1m_to_1 null)" \
	jqe '.quick == true and .fill_1m_s == null and .ratio_1m_to_1 == null and
	       .ratio_first_1m_to_1 == null'
ktap_check "no namespace of the run is left" \
	bash -c "! ip netns list | grep -q '^bsc'"
ktap_finish
