#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench-ike: IKEv2 handshake time to the first packet through the
# tunnel, the same initiator against two responders (a benchmark, not a
# test: nothing is asserted).
#
#   initiator  strongSwan charon in ns cli (kernel-libipsec ESP), swanctl
#              --initiate --child s
#   (a)        nicsec-agent in ns vm, ESP done by nicsec-devd (engine auto)
#   (b)        strongSwan charon in ns vm, ESP done by kernel-libipsec
#
# Two test beds of the adapter layout (tests/lib.sh), one per responder,
# both up for the whole run so the runs interleave (ABBA order). Bed A has
# the device in ns nic; in bed B the same veths are joined by a Linux bridge
# in ns nic: nicsec-devd without SAs cannot carry charon's ESP (its wire port
# owns UDP 4500 and drops ESP with an unknown SPI as no_sa).
#
# One sample (tools/bench_ike_probe.c, run in ns cli): from the kernel
# timestamp of the first IKE_SA_INIT leaving cli0 to the kernel timestamp of
# the first ICMP echo reply from 10.78.0.1 (the vm-side inner address,
# reached through the tunnel), with echo requests every
# BENCH_IKE_INTERVAL_US (1000) from that first IKE packet on. swanctl's
# start-up lies before the first IKE packet and is excluded (reported apart).
# Between runs the IKE SA is terminated and both sides are seen to drop it.
#
# Usage: tools/bench_ike.sh [BUILD_DIR]   (make bench-ike)
#   BENCH_IKE_RUNS (20) samples per responder, BENCH_IKE_WARMUP (1) uncounted
#   runs per responder first, BENCH_IKE_INTERVAL_US (1000), BENCH_IKE_VERBOSE=1
#   prints each run.
# Output: a table on stdout and BUILD_DIR/bench/ike.json.
set -u
BUILD=$(realpath "${1:-build}")
TOP=$(cd "$(dirname "$0")/.." && pwd)
TB_BIN=$BUILD/bin
. "$TOP/tests/lib.sh"
. "$TOP/tests/ike_lib.sh"

RUNS=${BENCH_IKE_RUNS:-20}
WARMUP=${BENCH_IKE_WARMUP:-1}
INTERVAL_US=${BENCH_IKE_INTERVAL_US:-1000}
OUT=$BUILD/bench/ike.json
PROBE=$TB_BIN/bench_ike_probe
PROP=aes128gcm16-prfsha256-x25519
ESP=aes128gcm16
CTL=10.77.0.254
VM_IN=10.78.0.1
CLI_IN=10.78.0.2
PA=bka$$-
PB=bkb$$-

die() { echo "bench-ike: $*" >&2; exit 1; }

TMP=
BEDS=
PROBE_PID=
cleanup()
{
	local p
	trap - EXIT INT TERM HUP
	if [ -n "$PROBE_PID" ]; then
		kill "$PROBE_PID" 2>/dev/null
		wait "$PROBE_PID" 2>/dev/null
	fi
	ike_stop_all
	for p in $BEDS; do
		tb_load "$p" && tb_down
	done
	[ -z "$TMP" ] || rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

[ "$(id -u)" = 0 ] || die "needs root (namespaces, XDP)"
for c in /usr/lib/ipsec/charon swanctl jq "$PROBE" "$TB_BIN/nicsec-devd" \
	 "$TB_BIN/nicsec-agent" "$TB_BIN/nicsec"; do
	command -v "$c" >/dev/null || die "no $c (make bench-ike builds the nicsec parts)"
done
case $RUNS in ''|*[!0-9]*|0) die "BENCH_IKE_RUNS must be a positive number" ;; esac
case $WARMUP in ''|*[!0-9]*) die "BENCH_IKE_WARMUP must be a number" ;; esac
case $INTERVAL_US in ''|*[!0-9]*|0) die "BENCH_IKE_INTERVAL_US must be a positive number" ;; esac

umask 077
TMP=$(mktemp -d /tmp/nicsec-bench-ike.XXXXXX) || die "mktemp failed"
chmod 700 "$TMP"
mkdir -p "$TMP/a" "$TMP/b" "$BUILD/bench"

# charon's log at level 1 for every subsystem (the helper's default logs
# ike at level 2; chd 4, the keys, only if a test asks): less to write.
charon_quiet()	# DIR
{
	sed -i -e 's/^\(\t*\)ike = 2$/\1ike = 1/' -e 's/^\(\t*\)chd = 4$/\1chd = 1/' "$1/strongswan.conf"
}

inner_addrs()	# VM_NS CLI_NS
{
	ip -n "$1" addr add $VM_IN/32 dev lo &&
	ip -n "$2" addr add $CLI_IN/32 dev lo
}

# ---- bed A: nicsec-agent + the device -----------------------------------------
BEDS=$PA
tb_up adapter "$PA" || die "test bed A did not come up"
tb_device_start --ctl-addr $CTL --enroll "$TB_RUN/agent.key" || die "nicsec-devd did not start"
A_RUN=$TB_RUN A_VM=$TB_VM A_CLI=$TB_CLI A_BPFFS=$TB_BPFFS
ENGINE=$(sed -n 's/.*info: engine: \([a-z]*\).*/\1/p' "$A_RUN/devd.log" | head -1)
inner_addrs "$A_VM" "$A_CLI" || die "bed A addresses"
# the device encrypts what the VM sends to the client's inner address
ip -n "$A_VM" route add $CLI_IN/32 via $TB_CLI_ADDR || die "bed A route"
ike_psk_file "$TMP/a/psk"
ike_agent_conf "$TMP/a/agent.conf" $TB_VM_ADDR $TB_CLI_ADDR vm cli $VM_IN/32 $CLI_IN/32 \
	$PROP $ESP no "$TMP/a/psk" $CTL "$A_RUN/agent.key"
ike_agent_start "$A_VM" "$TMP/a/agent.conf" "$TMP/a/agent" ||
	{ cat "$TMP/a/agent/agent.log" >&2; die "nicsec-agent did not start"; }
A_STATUS=$TMP/a/agent/status.json
ike_charon_conf "$TMP/a/cli" $TB_CLI_ADDR $TB_VM_ADDR cli vm $CLI_IN/32 $VM_IN/32 $PROP $ESP
charon_quiet "$TMP/a/cli"
ike_charon_start "$TMP/a/cli" "$A_CLI" ||
	{ cat "$TMP/a/cli/stdout" "$TMP/a/cli/swanctl.log" >&2; die "charon (bed A, cli) did not start"; }

# ---- bed B: strongSwan charon as the responder ----------------------------------
BEDS="$PA $PB"
tb_up adapter "$PB" || die "test bed B did not come up"
B_VM=$TB_VM B_CLI=$TB_CLI
ip -n "$TB_NIC" link add br0 type bridge &&
ip -n "$TB_NIC" link set nhost master br0 &&
ip -n "$TB_NIC" link set nwire master br0 &&
ip -n "$TB_NIC" link set br0 up || die "bed B bridge"
inner_addrs "$B_VM" "$B_CLI" || die "bed B addresses"
ike_charon_conf "$TMP/b/vm" $TB_VM_ADDR $TB_CLI_ADDR vm cli $VM_IN/32 $CLI_IN/32 $PROP $ESP
charon_quiet "$TMP/b/vm"
ike_charon_start "$TMP/b/vm" "$B_VM" ||
	{ cat "$TMP/b/vm/stdout" "$TMP/b/vm/swanctl.log" >&2; die "charon (bed B, vm) did not start"; }
ike_charon_conf "$TMP/b/cli" $TB_CLI_ADDR $TB_VM_ADDR cli vm $CLI_IN/32 $VM_IN/32 $PROP $ESP
charon_quiet "$TMP/b/cli"
ike_charon_start "$TMP/b/cli" "$B_CLI" ||
	{ cat "$TMP/b/cli/stdout" "$TMP/b/cli/swanctl.log" >&2; die "charon (bed B, cli) did not start"; }

# ---- one run ---------------------------------------------------------------------
no_route()	# NS: no route to the vm-side inner address (the CHILD_SA is gone)
{
	! ip -n "$1" route get $VM_IN >/dev/null 2>&1
}

no_sas()	# DIR NS: charon holds no IKE SA
{
	local out
	out=$(ike_swanctl "$1" "$2" --list-sas --raw 2>/dev/null) || return 1
	! printf '%s\n' "$out" | grep -q 'list-sa event'
}

agent_clear()	# the agent holds no IKE SA and the device no SA
{
	[ "$(jq '.ike_sas | length' "$A_STATUS" 2>/dev/null)" = 0 ] &&
	[ "$("$TB_BIN/nicsec" -j -d "$A_BPFFS/dev" sa show 2>/dev/null | jq 'length')" = 0 ]
}

# run_one a|b COUNT: one sample; appends it to $TMP/samples.a|b when COUNT=1
run_one()
{
	local r=$1 count=$2 cli dir line rc inst=null
	if [ "$r" = a ]; then cli=$A_CLI dir=$TMP/a/cli; else cli=$B_CLI dir=$TMP/b/cli; fi
	no_route "$cli" || { echo "bench-ike: ($r) a route to $VM_IN exists before the run" >&2; return 1; }
	ip netns exec "$cli" "$PROBE" -i cli0 -s $CLI_IN -d $VM_IN -I "$INTERVAL_US" -t 10000 -- \
		swanctl --initiate --child s --timeout 10 --uri "unix://$dir/charon.vici" \
		> "$TMP/probe.out" 2>> "$TMP/swanctl-$r.log" &
	PROBE_PID=$!
	wait "$PROBE_PID"
	rc=$?
	PROBE_PID=
	line=$(cat "$TMP/probe.out")
	[ "$r" = a ] && inst=$(jq '[.ike_sas[].child_sas[].install_us] | first // null' "$A_STATUS" 2>/dev/null)
	[ -n "$inst" ] || inst=null
	if [ "$count" = 0 ]; then
		echo "$line install_us=$inst" >> "$TMP/warmup.$r"
	elif [ $rc = 0 ]; then
		echo "$line install_us=$inst" >> "$TMP/samples.$r"
	else
		echo "$line" >> "$TMP/failed.$r"
	fi
	[ "${BENCH_IKE_VERBOSE:-0}" = 0 ] || echo "  ($r) $line install_us=$inst" >&2
	[ $rc = 0 ] || echo "bench-ike: ($r) run failed: rc $rc: $line" >&2

	# Tear down and wait until both sides have dropped the IKE SA.
	ike_swanctl "$dir" "$cli" --terminate --ike c --timeout 10 >> "$TMP/swanctl-$r.log" 2>&1
	tb_wait 10 no_route "$cli" && tb_wait 10 no_sas "$dir" "$cli" ||
		die "($r) the initiator kept its SA"
	if [ "$r" = a ]; then
		tb_wait 10 agent_clear || die "(a) the agent or the device kept an SA"
	else
		tb_wait 10 no_sas "$TMP/b/vm" "$B_VM" || die "(b) the responder charon kept its SA"
	fi
	sleep 0.1
	return 0
}

echo "bench-ike: $RUNS runs per responder (+$WARMUP warm-up), interleaved, probe every ${INTERVAL_US} us"
i=0
while [ $i -lt "$WARMUP" ]; do
	run_one a 0
	run_one b 0
	i=$((i + 1))
done
i=0
while [ $i -lt "$RUNS" ]; do
	if [ $((i % 2)) = 0 ]; then run_one a 1; run_one b 1; else run_one b 1; run_one a 1; fi
	i=$((i + 1))
	printf '\r  %d/%d' $i "$RUNS"
done
echo

# ---- statistics --------------------------------------------------------------------
# field KEY FILE: the values of KEY=... (microseconds) as milliseconds, in run order
field()
{
	[ -f "$2" ] || return 0
	sed -n "s/.*\\b$1=\\([-0-9.]*\\).*/\\1/p" "$2" | awk '$1 >= 0 { printf "%.3f\n", $1 / 1000 }'
}
# median / p90 (nearest rank) of the numbers on stdin; null when none
stat()	# median|p90
{
	sort -n | awk -v w="$1" '{ v[NR] = $1 } END {
		if (!NR) { print "null"; exit }
		if (w == "median") x = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		else { k = int(0.9 * NR); if (k < 0.9 * NR) k++; x = v[k] }
		printf "%.3f\n", x }'
}
# The numbers of responder R as a JSON object.
stats_json()	# R
{
	local s=$TMP/samples.$1
	jq -n -c \
		--argjson ok "$(cat "$s" 2>/dev/null | wc -l)" \
		--argjson failed "$(cat "$TMP/failed.$1" 2>/dev/null | wc -l)" \
		--argjson med "$(field sample_us "$s" | stat median)" \
		--argjson p90 "$(field sample_us "$s" | stat p90)" \
		--argjson route "$(field route_us "$s" | stat median)" \
		--argjson exec "$(field wire_after_exec_us "$s" | stat median)" \
		--argjson inst "$(field install_us "$s" | stat median)" \
		--argjson nokts "$(cat "$s" 2>/dev/null | grep -c 'kernel_ts=0')" \
		--argjson samples "$(field sample_us "$s" | jq -s -c .)" \
		--argjson warmup "$(field sample_us "$TMP/warmup.$1" | jq -s -c .)" \
		'{ samples: $ok, failed: $failed, median_ms: $med, p90_ms: $p90,
		   initiator_child_up_median_ms: $route }
		 + (if $inst != null then { agent_device_install_median_ms: $inst } else {} end)
		 + { swanctl_exec_to_wire_median_ms: $exec, samples_without_kernel_ts: $nokts,
		     samples_ms: $samples, warmup_samples_ms: $warmup }'
}
STATS_A=$(stats_json a) && STATS_B=$(stats_json b) || die "statistics failed"
# the device's counters over the whole run (a probe that reached it before
# its SA would count as a no_sa drop)
DEV_STATS=$("$TB_BIN/nicsec" -j -d "$A_BPFFS/dev" stats 2>/dev/null | jq -c . 2>/dev/null)
[ -n "$DEV_STATS" ] || DEV_STATS=null
SWAN_VER=$(dpkg-query -W -f '${Version}' strongswan-charon 2>/dev/null)

jq -n \
	--argjson runs "$RUNS" --argjson warmup "$WARMUP" --argjson interval "$INTERVAL_US" \
	--arg engine "${ENGINE:-unknown}" --arg prop "$PROP" --arg esp "$ESP" --arg swan "$SWAN_VER" \
	--argjson sa "$STATS_A" --argjson sb "$STATS_B" --argjson devstats "$DEV_STATS" '{
	benchmark: "ike_handshake_to_first_echo",
	unit: "ms",
	runs_per_responder: $runs, warmup_runs_per_responder: $warmup,
	order: "interleaved ABBA (a,b then b,a, ...)",
	probe_interval_us: $interval,
	initiator: ("strongSwan " + $swan + " charon in ns cli, kernel-libipsec, encap=yes; swanctl --initiate --child s; identical configuration in each bed"),
	ike_proposal: $prop, esp_proposal: $esp, auth: "psk",
	start: "kernel timestamp of the first IKE_SA_INIT datagram leaving cli0 (packet socket in ns cli)",
	end: "kernel receive timestamp of the first ICMP echo reply from 10.78.0.1 (vm-side inner address, through the tunnel both ways) on a raw socket in ns cli",
	responders: {
		a: ({ name: "nicsec-agent + nicsec-devd", esp: ("nicsec-devd, engine auto -> " + $engine),
		      bed: "test bed A (adapter layout), nicsec-devd in ns nic with the agent enrolled" }
		    + $sa + { device_stats_after_all_runs: $devstats }),
		b: ({ name: "strongSwan charon", esp: "kernel-libipsec in ns vm",
		      bed: "separate test bed B, same adapter layout and veths; ns nic joins nhost and nwire with a Linux bridge, no nicsec-devd (devd without SAs drops ESP-in-UDP to port 4500 as no_sa, so it cannot carry charon ESP)" }
		    + $sb) },
	ratio_median_a_over_b: (if $sa.median_ms != null and ($sb.median_ms // 0) > 0
		then ($sa.median_ms / $sb.median_ms * 1000 | round) / 1000 else null end),
	note: "sample = first IKE_SA_INIT on the wire -> first echo reply; swanctl process start-up (~15 ms), ip netns exec and the vici request lie before the first IKE packet and are excluded from both equally (swanctl_exec_to_wire_median_ms shows them). initiator_child_up = first IKE packet -> first echo request the kernel routed (the initiator CHILD_SA installed). Echo requests go every probe_interval_us, so samples are quantized by up to that much. The first CHILD_SA a fresh nicsec-devd installs takes tens of ms (later ones well under 1 ms): it falls in the uncounted warm-up run (warmup_samples_ms). Not a test: numbers move with the machine load."
}' > "$OUT" || die "writing $OUT failed"

jq -r --arg engine "${ENGINE:-?}" '
	def row(n; r): [n, (r.samples|tostring), (r.failed|tostring), (r.median_ms|tostring),
			(r.p90_ms|tostring), (r.initiator_child_up_median_ms|tostring)];
	((["responder", "runs", "failed", "median ms", "p90 ms", "child-up ms"],
	  row("(a) nicsec-agent + devd (engine " + $engine + ")"; .responders.a),
	  row("(b) strongSwan charon (kernel-libipsec)"; .responders.b))
	 | "\(.[0] | . + " " * (42 - length)) \(.[1:] | map(" " * (13 - length) + .) | join(""))"),
	"median(a)/median(b): \(.ratio_median_a_over_b)   agent device install median: \(.responders.a.agent_device_install_median_ms) ms",
	"excluded swanctl exec -> first IKE packet median: \(.responders.a.swanctl_exec_to_wire_median_ms) / \(.responders.b.swanctl_exec_to_wire_median_ms) ms"' "$OUT"
echo "  written  $OUT"
