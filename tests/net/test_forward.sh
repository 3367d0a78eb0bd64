#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The device as a bump in the wire, on the host, in both topologies:
# XDP programs on both device ports pass ARP, ping, UDP and TCP between vm
# and cli by redirect, and the per-port counters account for every frame.
# Removing the device stops the traffic (it was the device forwarding).
#
#   adapter:  vm0 --- [nhost | nic | nwire] --- cli0
#   switch:   vm0 --- [br0 nic] --- [shost | sw | swire] --- cli0
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ktap.sh"

PREFIX=nf$$-
TB_ENGINE=none		# forwarding and pass-through only: no SA here
BG_PID=
trap '[ -z "$BG_PID" ] || kill $BG_PID 2>/dev/null; tb_down' EXIT
trap 'exit 1' INT TERM

ktap_header
[ "$(id -u)" = 0 ] || { ktap_skip "forwarding tests" "needs root"; ktap_finish; }

vm() { ip netns exec "$TB_VM" "$@"; }
cli() { ip netns exec "$TB_CLI" "$@"; }
counter() { tb_counter "$@"; }

# Runs CMD in the background in NS, remembering its pid for cleanup.
bg_in() { ip netns exec "$@" > >(sed "s/^/# /") 2>&1 & BG_PID=$!; }

for mode in adapter switch; do
	t="$mode:"
	if ! tb_up $mode "$PREFIX" || ! tb_device_start; then
		ktap_fail "$t test bed up with the device" "setup failed"
		tb_down
		continue
	fi
	ktap_ok "$t test bed up with the device"

	for port in $TB_DEV_HOST $TB_DEV_WIRE; do
		xmode=$(ip -n "$TB_DEV" -j -d link show "$port" | jq -r '.[0].xdp.mode')
		# iproute2 reports 1 for driver (native) mode
		ktap_check "$t XDP attached natively on $port" [ "$xmode" = 1 ]
	done

	ktap_check "$t ping vm -> cli (ARP and ICMP through the device)" \
		vm ping -c 3 -i 0.2 -W 2 -q $TB_CLI_ADDR
	ktap_check "$t ping cli -> vm" cli ping -c 3 -i 0.2 -W 2 -q $TB_VM_ADDR
	ktap_check "$t full-MTU ping (1400 B, DF) vm -> cli" \
		vm ping -c 2 -i 0.2 -W 2 -q -M do -s $((TB_HOST_MTU - 28)) $TB_CLI_ADDR

	# From here on no ARP: the counts below must be exact.
	vm ip neigh replace $TB_CLI_ADDR dev vm0 nud permanent \
		lladdr "$(cli cat /sys/class/net/cli0/address)"
	cli ip neigh replace $TB_VM_ADDR dev cli0 nud permanent \
		lladdr "$(vm cat /sys/class/net/vm0/address)"

	h0=$(counter host rx_packets) hb0=$(counter host rx_bytes)
	w0=$(counter wire rx_packets) wb0=$(counter wire rx_bytes)
	bg_in "$TB_CLI" "$TB_BIN/nstraffic" udp-echo -b $TB_CLI_ADDR -p 7000 -n 200 -t 20
	tb_wait 5 sh -c "ip netns exec $TB_CLI ss -Hlun 'sport = :7000' | grep -q ."
	ktap_check "$t UDP vm -> cli: 200 x 1000 B echoed intact" \
		vm "$TB_BIN/nstraffic" udp-send -a $TB_CLI_ADDR -p 7000 -n 200 -s 1000 -t 20
	wait $BG_PID
	h1=$(counter host rx_packets) hb1=$(counter host rx_bytes)
	w1=$(counter wire rx_packets) wb1=$(counter wire rx_bytes)
	frame=$((14 + 20 + 8 + 1000))
	ktap_check "$t host port counted exactly 200 frames, $((200 * frame)) B" \
		eval '[ $((h1 - h0)) -eq 200 ] && [ $((hb1 - hb0)) -eq $((200 * frame)) ]'
	[ $((h1 - h0)) -eq 200 ] || ktap_diag "host rx delta $((h1 - h0)) packets, $((hb1 - hb0)) B"
	ktap_check "$t wire port counted exactly 200 echoes" \
		eval '[ $((w1 - w0)) -eq 200 ] && [ $((wb1 - wb0)) -eq $((200 * frame)) ]'

	bg_in "$TB_VM" "$TB_BIN/nstraffic" udp-echo -b $TB_VM_ADDR -p 7001 -n 50 -t 20
	tb_wait 5 sh -c "ip netns exec $TB_VM ss -Hlun 'sport = :7001' | grep -q ."
	ktap_check "$t UDP cli -> vm: 50 x 1372 B echoed intact" \
		cli "$TB_BIN/nstraffic" udp-send -a $TB_VM_ADDR -p 7001 -n 50 -s 1372 -t 20
	wait $BG_PID

	bg_in "$TB_CLI" "$TB_BIN/nstraffic" tcp-echo -b $TB_CLI_ADDR -p 7002 -t 30
	ktap_check "$t TCP vm -> cli: 8 MiB echoed intact" \
		vm "$TB_BIN/nstraffic" tcp-send -a $TB_CLI_ADDR -p 7002 -B $((8 << 20)) -t 30
	wait $BG_PID

	stats=$(tb_port_stats)
	ktap_check "$t every frame received was forwarded, none dropped" \
		[ "$(echo "$stats" | jq '[.[] | select(.rx_packets != .fwd_packets or
			.rx_bytes != .fwd_bytes or .drop_no_peer != 0)] | length')" = 0 ]
	ktap_check "$t TCP crossed both ports (> 8 MiB each way)" \
		[ "$(echo "$stats" | jq '[.[] | select(.rx_bytes > 8388608)] | length')" = 2 ]

	tb_device_stop
	ktap_check "$t device stopped: no XDP program left on its ports" \
		[ "$(ip -n "$TB_DEV" link show | grep -c 'prog/xdp')" = 0 ]
	ktap_check "$t device stopped: its pinned maps are gone" \
		[ ! -e "$TB_BPFFS/dev/port_stats" ]
	ktap_check "$t without the device, vm no longer reaches cli" \
		sh -c "! ip netns exec $TB_VM ping -c 1 -W 1 -q $TB_CLI_ADDR >/dev/null"
	tb_down
	ktap_check "$t test bed down: no namespace left" \
		sh -c "! ip netns list | grep -q '^$PREFIX'"
done
ktap_check "no bpffs mount left" sh -c "! mount | grep -q '/run/nicsec/$PREFIX'"
ktap_finish
