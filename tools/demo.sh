#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The end-to-end demo, as far as nicsec goes today (the IKEv2 agent is not
# there yet, so the session key is made here instead of negotiated):
#  1. the test bed comes up and the device starts (engine chosen
#     automatically: kmod with nicsec.ko loaded, else the BPF crypto one);
#  2. unmatched traffic (ping, TCP) crosses the device unchanged;
#  3. the "agent" in the VM installs an outbound SA on the device through
#     the sealed control channel, from an OS-assigned port, and waits for
#     the completion status;
#  4. the app sends; the device encrypts; tshark on the client side
#     verifies every ESP packet with the key and shows the plaintext;
#  5. the device's counters, then everything is torn down.
#
# Usage: tools/demo.sh [BUILD_DIR]   (run by `make demo`)
set -u
BUILD=$(realpath "${1:-build}")
TB_BIN=$BUILD/bin
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib.sh"
. "$TOP/tests/esp_tshark.sh"

step() { printf '\n==> %s\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (namespaces, XDP)"
PREFIX=demo$$-
CTL=10.77.0.254
trap 'tb_down' EXIT
trap 'exit 1' INT TERM
vm() { ip netns exec "$TB_VM" "$@"; }

step "1. test bed: vm --- [nhost | device | nwire] --- cli (adapter mode)"
tb_up adapter "$PREFIX" || die "test bed setup failed"
tb_device_start --ctl-addr $CTL --enroll "$TB_RUN/agent.key" || die "device did not start"
sed 's/^/   /' "$TB_RUN/devd.log"

step "2. unmatched traffic crosses unchanged: ping and 4 MiB of TCP"
vm ping -c 2 -i 0.2 -W 2 $TB_CLI_ADDR | tail -2
ip netns exec "$TB_CLI" "$TB_BIN/nstraffic" tcp-echo -b $TB_CLI_ADDR -p 7001 -t 20 >/dev/null &
srv=$!
vm "$TB_BIN/nstraffic" tcp-send -a $TB_CLI_ADDR -p 7001 -B $((4 << 20)) -t 20 || die "TCP failed"
wait $srv

step "3. the agent installs an SA through the control channel (sealed, AF_XDP to devd)"
( umask 077; head -c 20 /dev/urandom | od -An -tx1 -v | tr -d ' \n' > "$TB_RUN/sa.key" )
vm "$TB_BIN/nicsec" ctl dev $CTL key "$TB_RUN/agent.key" query
vm "$TB_BIN/nicsec" ctl dev $CTL key "$TB_RUN/agent.key" install dir out spi 0x1001 \
	flow $TB_VM_ADDR $TB_CLI_ADDR proto udp sport 7100 dport 7000 sakey "$TB_RUN/sa.key" ||
	die "install failed"

step "4. the app sends 20 datagrams; the device encrypts them on the way out"
ip netns exec "$TB_CLI" tcpdump -q -n -U -i cli0 -s 0 -w "$TB_RUN/wire.pcap" udp 2>/dev/null &
dump=$!
sleep 1
vm "$TB_BIN/nstraffic" udp-send -a $TB_CLI_ADDR -p 7000 -P 7100 -n 20 -s 64 -x
sleep 1
kill $dump; wait $dump 2>/dev/null
echo "   on the wire (tshark, no key):"
tshark -n -r "$TB_RUN/wire.pcap" 2>/dev/null | head -3 | sed 's/^/     /'
echo "   tshark given the SA's key:"
echo "     $(ESP_TSHARK_Y='esp.spi == 0x1001' esp_tshark_report "$TB_RUN/wire.pcap" 0x1001 \
	$TB_VM_ADDR $TB_CLI_ADDR "$TB_RUN/sa.key")"
ESP_TSHARK_Y='esp.spi == 0x1001' esp_tshark_payloads "$TB_RUN/wire.pcap" 0x1001 \
	$TB_VM_ADDR $TB_CLI_ADDR "$TB_RUN/sa.key" | head -3 |
	awk '{ printf "     seq %s icv_good %s plaintext %s...\n", $1, $2, substr($3, 1, 32) }'

step "5. the device's view"
"$TB_BIN/nicsec" -d "$TB_BPFFS/dev" sa show
"$TB_BIN/nicsec" -d "$TB_BPFFS/dev" port show
"$TB_BIN/nicsec" -d "$TB_BPFFS/dev" stats

step "tearing down"
tb_down
echo "demo: done"
