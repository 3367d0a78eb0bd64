#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The control channel end to end on the host, through the real device
# (nicsec-devd with the engine `auto` picks: bpf here): the agent side
# (`nicsec ctl` and tools/ctlload, in ns vm) sends sealed requests from an
# OS-assigned port to the device's control address; nic_host steers them to
# devd over AF_XDP and answers ARP for the address; devd installs into the
# device and seals a STATUS back. Checked: every message type round trip;
# data of an installed SA verified by tshark on the wire; nothing of the
# flow leaves in clear after the STATUS; a capture in ns vm holds no key
# bytes; a wrong enrollment key installs nothing and the device keeps
# serving; 1000 installs with 30% of control datagrams dropped both ways
# (switch test bed, XDP loss on the plain bridge's ports) all complete,
# each applied exactly once.
set -u
# tests/net/ on the host; the guest (tests/vm/guest/test_ctl.sh) has all in one place
T=$(dirname "$0")/..
[ -f "$T/lib.sh" ] || T=$(dirname "$0")
. "$T/lib.sh"
. "$T/ktap.sh"
. "$T/esp_tshark.sh"

PREFIX=ct$$-
CTL=10.77.0.254
BG=
trap '[ -z "$BG" ] || kill $BG 2>/dev/null; tb_down' EXIT
trap 'exit 1' INT TERM

ktap_header
[ "$(id -u)" = 0 ] || { ktap_skip "control channel" "needs root"; ktap_finish; }

vm() { ip netns exec "$TB_VM" "$@"; }
ctl() { vm "$TB_BIN/nicsec" -j ctl dev $CTL key "$TB_RUN/agent.key" "$@"; }
newkey() { ( umask 077; head -c 20 /dev/urandom | od -An -tx1 -v | tr -d ' \n' > "$1" ); }
sa_count() { "$TB_BIN/nicsec" -j -d "$TB_BPFFS/dev" sa show | jq length; }

# ---- adapter: every message type, data, no clear text, no key in sight -----
if ! tb_up adapter "$PREFIX" || ! tb_device_start --ctl-addr $CTL --enroll "$TB_RUN/agent.key"; then
	ktap_fail "adapter: device with a control channel" "$(cat "$TB_RUN/devd.log" 2>/dev/null)"
	ktap_finish
fi
ktap_check "adapter: devd serves the control channel on $CTL:7447" \
	grep -q "control channel on $CTL:7447" "$TB_RUN/devd.log"
ktap_check "adapter: the agent's enrollment key file is mode 0600" \
	[ "$(stat -c %a "$TB_RUN/agent.key")" = 600 ]
ktap_check "adapter: QUERY (liveness) answered: alive" \
	eval '[ "$(ctl query | jq -r .status)" = alive ]'
ktap_check "adapter: the device answered ARP for $CTL" \
	eval 'ip -n $TB_VM neigh show $CTL | grep -q lladdr'

newkey "$TB_RUN/k1"; newkey "$TB_RUN/k2"
ip netns exec "$TB_VM" tcpdump -q -n -U -Z root -i vm0 -s 0 -w "$TB_RUN/vm.pcap" udp port 7447 2>/dev/null &
BG=$!
tb_wait 10 test -s "$TB_RUN/vm.pcap"	# the capture is running once its header is out
sleep 1
out=$(ctl install dir out spi 0x3001 flow $TB_VM_ADDR $TB_CLI_ADDR proto udp sport 7100 dport 7000 \
	sakey "$TB_RUN/k1")
ktap_check "adapter: INSTALL out answered ok with an SA id" eval '[ "$(echo "$out" | jq -r .status)" = ok ]'
id1=$(echo "$out" | jq -r .sa_id)
out=$(ctl install dir in spi 0x4001 flow $TB_CLI_ADDR $TB_VM_ADDR proto udp sport 7000 dport 7100 \
	sakey - < "$TB_RUN/k2")
ktap_check "adapter: INSTALL in (key on stdin) answered ok" eval '[ "$(echo "$out" | jq -r .status)" = ok ]'
id2=$(echo "$out" | jq -r .sa_id)
ktap_check "adapter: the device holds both SAs with their SPIs" \
	eval '[ "$("$TB_BIN/nicsec" -j -d "$TB_BPFFS/dev" sa show | jq -c "[.[].spi]")" = "[\"0x00003001\",\"0x00004001\"]" ]'
ktap_check "adapter: a second INSTALL of the same inbound SPI is refused" \
	eval '! ctl install dir in spi 0x4001 flow $TB_CLI_ADDR $TB_VM_ADDR sakey "$TB_RUN/k2" 2>/dev/null'

# the flow right after the STATUS: all of it ESP on the wire, none in clear
ip netns exec "$TB_CLI" tcpdump -q -n -U -Z root -i cli0 -s 0 -w "$TB_RUN/wire.pcap" udp 2>/dev/null &
DUMP=$!
tb_wait 10 test -s "$TB_RUN/wire.pcap"
sleep 1
vm "$TB_BIN/nstraffic" udp-send -a $TB_CLI_ADDR -p 7000 -P 7100 -n 50 -s 200 -x -t 5 >/dev/null
sleep 1
kill $DUMP; wait $DUMP 2>/dev/null
if command -v tshark >/dev/null; then
	oracle=tshark
	r=$(ESP_TSHARK_Y="esp.spi == 0x3001" esp_tshark_verify "$TB_RUN/wire.pcap" 0x3001 \
		$TB_VM_ADDR $TB_CLI_ADDR "$TB_RUN/k1")
	n=$(tshark -n -r "$TB_RUN/wire.pcap" -Y "udp.dstport == 7000 && !esp" 2>/dev/null | grep -c .)
else
	# in the VM: espgen, our OpenSSL decoder written from the RFCs alone
	oracle=espgen
	o=$("$TB_BIN/espgen" open -r "$TB_RUN/wire.pcap" --spi 0x3001 --key "$TB_RUN/k1" \
		--src $TB_VM_ADDR --dst $TB_CLI_ADDR --skip-other-spi)
	r="$(echo "$o" | grep -c 'verdict=ok') $(echo "$o" | grep -c 'verdict=')"
	n=$(tcpdump -Z root -n -r "$TB_RUN/wire.pcap" 'udp dst port 7000' 2>/dev/null | grep -c .)
	# the capture must be readable: the ESP of the flow is in it
	[ "$(tcpdump -Z root -n -r "$TB_RUN/wire.pcap" 'udp port 4500' 2>/dev/null | grep -c .)" -ge 50 ] || n=unreadable
fi
echo "# ${r% *}/${r#* } ESP packets verified ($oracle)"
ktap_check "adapter: $oracle verifies the 50 ESP packets of the installed SA" [ "$r" = "50 50" ]
ktap_check "adapter: none of the flow crossed in clear" [ "$n" = 0 ]
ktap_check "adapter: QUERY of the SA counts its 50 packets" \
	eval '[ "$(ctl query id $id1 | jq .packets)" = 50 ]'

kill $BG; wait $BG 2>/dev/null; BG=
leak=0
hex=$(od -An -tx1 -v "$TB_RUN/vm.pcap" | tr -d ' \n')
for k in k1 k2; do
	key=$(cat "$TB_RUN/$k")
	for part in ${key:0:32} ${key:0:8} ${key:8:8} ${key:16:8} ${key:24:8}; do
		case $hex in *"$part"*) leak=$((leak + 1)) ;; esac
	done
done
nctl=$(tcpdump -Z root -n -r "$TB_RUN/vm.pcap" 2>/dev/null | grep -c .)
echo "# $nctl control datagrams captured in ns vm"
ktap_check "adapter: the control traffic captured in ns vm holds no key bytes" \
	eval '[ $leak = 0 ] && [ "$nctl" -ge 4 ]'
ktap_check "adapter: no key bytes in any map dump" eval '! for m in "$TB_BPFFS"/dev/*; do bpftool map dump pinned "$m"; done 2>/dev/null |
	tr -d " \n,\"[]{}:" | sed "s/0x//g" | grep -q "$(cut -c1-16 "$TB_RUN/k1")"'

# a wrong enrollment key: no STATUS (the device cannot trust the sender),
# nothing installed, and the device keeps serving the right one
( umask 077; head -c 32 /dev/urandom | od -An -tx1 -v | tr -d ' \n' > "$TB_RUN/wrong.key" )
before=$(sa_count)
ktap_check "adapter: a wrong enrollment key gets no answer (timeout)" \
	eval '! vm "$TB_BIN/nicsec" ctl dev $CTL key "$TB_RUN/wrong.key" install dir out spi 0x5001 \
		flow 10.1.1.1 10.1.1.2 sakey "$TB_RUN/k1" 2>&1 | grep -v "timed out"'
ktap_check "adapter: ... and installs nothing" eval '[ "$(sa_count)" = "$before" ]'
ktap_check "adapter: the device still answers the right key" \
	eval '[ "$(ctl query | jq -r .status)" = alive ]'

ktap_check "adapter: DELETE removes the SA" eval 'ctl delete id $id1 && [ "$(sa_count)" = 1 ]'
ktap_check "adapter: DELETE of a missing SA says so" \
	eval 'vm "$TB_BIN/nicsec" ctl dev $CTL key "$TB_RUN/agent.key" delete id $id1 2>&1 | grep -qi "no such SA"'
ktap_check "adapter: FLUSH empties the device" eval 'ctl flush && [ "$(sa_count)" = 0 ]'
tb_down

# ---- switch, 30% loss both ways on the plain bridge: 1000 installs ---------
if ! tb_up switch "$PREFIX" || ! tb_device_start --ctl-addr $CTL --enroll "$TB_RUN/agent.key"; then
	ktap_fail "switch: device with a control channel" "$(cat "$TB_RUN/devd.log" 2>/dev/null)"
	ktap_finish
fi
ok=1
for port in nhost nwire; do
	tb_xdp_attach "$TB_NIC" $port ctl_loss || ok=0
done
ktap_check "switch: 30% loss of control datagrams on both bridge ports" [ $ok = 1 ]
N=${CTL_INSTALLS:-1000}	# the VM (emulated) runs fewer
out=$(vm "$TB_BIN/ctlload" -d $CTL -k "$TB_RUN/agent.key" -n $N -r 20 2>&1)
echo "# $out"
ktap_check "switch: $N installs through 30% loss all completed" \
	eval 'echo "$out" | grep -q "installs: $N/$N ok"'
ktap_check "switch: each applied exactly once ($N SAs on the device)" [ "$(sa_count)" = $N ]
drops=0 seen=0
for port in nhost nwire; do
	id=$(ip -n "$TB_NIC" -j link show $port | jq '.[0].xdp.prog.id')
	for m in $(bpftool -j prog show id "$id" | jq '.map_ids[]'); do
		d=$(bpftool -p map dump id "$m" 2>/dev/null | grep -o '"dropped": [0-9]*' | grep -o '[0-9]*$')
		n=$(bpftool -p map dump id "$m" 2>/dev/null | grep -o '"seen": [0-9]*' | grep -o '[0-9]*$')
		drops=$((drops + ${d:-0})) seen=$((seen + ${n:-0}))
	done
done
echo "# the loss hop saw $seen control datagrams and dropped $drops"
ktap_check "switch: the loss hop really dropped datagrams" [ "$drops" -gt 100 ]
ktap_check "switch: FLUSH of $N SAs" eval 'ctl flush && [ "$(sa_count)" = 0 ]'
tb_down
ktap_check "no namespace or bpffs left" \
	eval '! ip netns list | grep -q "^$PREFIX" && ! grep -q "/run/nicsec/$PREFIX" /proc/mounts'
ktap_finish
