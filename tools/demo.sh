#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The end-to-end demo, as far as nicsec goes today: the test bed comes up,
# the device's XDP programs carry ping, UDP and TCP between the server (vm)
# and the client (cli), and the device's per-port counters show that every
# frame went through it. Everything is torn down at the end.
#
# Usage: tools/demo.sh [BUILD_DIR]   (run by `make demo`)
set -u
BUILD=$(realpath "${1:-build}")
TB_BIN=$BUILD/bin
. "$(dirname "$0")/../tests/lib.sh"

step() { printf '\n==> %s\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (namespaces, XDP)"
PREFIX=demo$$-
TB_ENGINE=${TB_ENGINE:-none}
trap 'tb_down' EXIT
trap 'exit 1' INT TERM

step "test bed: vm --- [nhost | device | nwire] --- cli (adapter mode)"
tb_up adapter "$PREFIX" || die "test bed setup failed"
tb_device_start || die "device did not start"
cat "$TB_RUN/devd.log"

step "ping vm -> cli through the device"
ip netns exec "$TB_VM" ping -c 3 -i 0.2 -W 2 $TB_CLI_ADDR || die "ping failed"

step "UDP: 100 datagrams of 1000 B, echoed by cli"
ip netns exec "$TB_CLI" "$TB_BIN/nstraffic" udp-echo -b $TB_CLI_ADDR -p 7000 -n 100 -t 10 &
srv=$!
tb_wait 5 sh -c "ip netns exec $TB_CLI ss -Hlun 'sport = :7000' | grep -q ."
ip netns exec "$TB_VM" "$TB_BIN/nstraffic" udp-send -a $TB_CLI_ADDR -p 7000 -n 100 -s 1000 ||
	die "UDP failed"
wait $srv

step "TCP: 16 MiB echoed by cli"
ip netns exec "$TB_CLI" "$TB_BIN/nstraffic" tcp-echo -b $TB_CLI_ADDR -p 7001 -t 20 &
srv=$!
ip netns exec "$TB_VM" "$TB_BIN/nstraffic" tcp-send -a $TB_CLI_ADDR -p 7001 -B $((16 << 20)) -t 20 ||
	die "TCP failed"
wait $srv

step "device counters (nicsec port show)"
"$TB_BIN/nicsec" -d "$TB_BPFFS/dev" port show

step "tearing down"
tb_down
echo "demo: done"
