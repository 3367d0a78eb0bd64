#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# nicsec-agent against strongSwan, through the device (host, bpf engine):
#
#   ns vm: nicsec-agent, app on 10.78.0.1     ns cli: charon (kernel-libipsec), app on 10.78.0.2
#   vm0 10.77.0.1 -- [nhost | device | nwire] -- cli0 10.77.0.2 (tcpdump)
#
# The tunnel carries 10.78.0.1 <-> 10.78.0.2 (kernel-libipsec will not
# route a host pair that is also the IKE pair through its TUN device); the
# device encrypts and decrypts the vm side, charon the cli side. Checked:
#  - both directions of initiation: CHILD_SA up, ping, UDP and TCP pass,
#    the wire holds only IKE, ESP and ARP, tshark given the agent's key log
#    verifies every ESP ICV, decrypts IKE and finds the apps' datagrams;
#    no key byte in any log, status file, map dump or the keylog-free run;
#  - the proposal matrix: aes128gcm16/aes256gcm16 x x25519/ecp256/ecp384 x
#    prfsha256/prfsha384, each up and carrying traffic;
#  - rekeys under 100 datagrams/s, both kinds, started by either side: no
#    datagram lost, the old SAs gone from the device;
#  - inactivity rekey and life time expiry;
#  - wrong PSK -> AUTHENTICATION_FAILED, nothing installed; no common IKE or
#    ESP proposal -> NO_PROPOSAL_CHOSEN; COOKIE and INVALID_KE_PAYLOAD
#    round trips; malformed messages answered INVALID_SYNTAX or dropped,
#    and the agent still serves.
#
# In the VM (tests/vm/guest/test_agent.sh: kmod engine, no tshark or python3
# in the guest) the tshark and malformed-input checks are skipped and
# AGENT_TEST_QUICK=1 trims the matrix and the rekeys for the emulated CPU.
set -u
# tests/net/ on the host; the guest has everything in one directory
T=$(dirname "$0")/..
[ -f "$T/lib.sh" ] || T=$(dirname "$0")
. "$T/lib.sh"
. "$T/ktap.sh"
. "$T/ike_lib.sh"

PREFIX=ag$$-
CTL=10.77.0.254
VM_IN=10.78.0.1
CLI_IN=10.78.0.2
TMP=
BG=
cleanup()
{
	local p
	for p in $BG; do
		kill "$p" 2>/dev/null
	done
	ike_stop_all
	tb_down
	[ -z "$TMP" ] || rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ktap_header
[ "$(id -u)" = 0 ] || { ktap_skip "nicsec-agent interop" "needs root"; ktap_finish; }
for c in /usr/lib/ipsec/charon swanctl tcpdump jq; do
	command -v "$c" >/dev/null || { ktap_skip "nicsec-agent interop" "no $c"; ktap_finish; }
done
QUICK=${AGENT_TEST_QUICK:-0}
HAVE_TSHARK=0
command -v tshark >/dev/null && HAVE_TSHARK=1

umask 077
TMP=$(mktemp -d /tmp/nicsec-agent-test.XXXXXX) || exit 1
chmod 700 "$TMP"

vm() { ip netns exec "$TB_VM" "$@"; }
cli() { ip netns exec "$TB_CLI" "$@"; }
dev_sa_count() { "$TB_BIN/nicsec" -j -d "$TB_BPFFS/dev" sa show | jq length; }
stat_of() { jq -r ".stats.$1" "$TMP/agent/status.json"; }
dev_drops_all() { "$TB_BIN/nicsec" -j -d "$TB_BPFFS/dev" stats | jq '[.drops[]] | add'; }

expect()	# NAME WANT GOT
{
	if [ "$2" = "$3" ]; then
		ktap_ok "$1"
	else
		ktap_fail "$1" "want \"$2\", got \"$3\""
	fi
}

if ! tb_up adapter "$PREFIX" || ! tb_device_start --ctl-addr $CTL --enroll "$TB_RUN/agent.key"; then
	ktap_fail "test bed with the device" "$(cat "$TB_RUN/devd.log" 2>/dev/null)"
	ktap_finish
fi
ip -n "$TB_VM" addr add $VM_IN/32 dev lo &&
ip -n "$TB_VM" route add $CLI_IN/32 via $TB_CLI_ADDR &&
ip -n "$TB_CLI" addr add $CLI_IN/32 dev lo || { ktap_fail "inner addresses"; ktap_finish; }
ktap_ok "test bed up, device running (engine $(sed -n 's/.*engine \([a-z]*\).*/\1/p' "$TB_RUN/devd.log" | head -n 1))"

ike_psk_file "$TMP/psk"
mkdir -p "$TMP/cli" "$TMP/keylog"
ALL_IKE=aes128gcm16-prfsha256-x25519,aes256gcm16-prfsha384-ecp384
MATRIX_IKE=
for e in aes128gcm16 aes256gcm16; do
	for p in prfsha256 prfsha384; do
		for g in x25519 ecp256 ecp384; do
			MATRIX_IKE="$MATRIX_IKE${MATRIX_IKE:+,}$e-$p-$g"
		done
	done
done

# agent_run START [PROPOSALS] [ESP] [CHILD_EXTRA] [CONN_EXTRA] [-- agent options]
agent_run()
{
	local start=$1 prop=${2:-$ALL_IKE} esp=${3:-aes128gcm16,aes256gcm16}
	local child=${4:-} conn=${5:-}
	shift 5 2>/dev/null || shift $#
	[ -z "${IKE_AGENT_PID:-}" ] || agent_stop
	ike_agent_conf "$TMP/agent.conf" $TB_VM_ADDR $TB_CLI_ADDR vm cli \
		"${AG_LTS:-$VM_IN/32}" "${AG_RTS:-$CLI_IN/32}" \
		"$prop" "$esp" "$start" "$TMP/psk" $CTL "$TB_RUN/agent.key" "$child" "$conn"
	ike_agent_start "$TB_VM" "$TMP/agent.conf" "$TMP/agent" "$@"
}

agent_stop()
{
	kill "$IKE_AGENT_PID" 2>/dev/null
	tb_wait 10 sh -c "! kill -0 $IKE_AGENT_PID 2>/dev/null"
	wait "$IKE_AGENT_PID" 2>/dev/null
	IKE_AGENT_PID=
}

# charon_load PROPOSALS ESP [CHILD_EXTRA] [CONN_EXTRA] [PSK]: (re)load cli's connection
charon_load()
{
	IKE_CHARON_PSK=${5:-} ike_charon_conf "$TMP/cli" $TB_CLI_ADDR $TB_VM_ADDR cli vm \
		"${CH_LTS:-$CLI_IN/32}" "${CH_RTS:-$VM_IN/32}" "$1" "$2" "${3:-}" "${4:-}"
	ike_swanctl "$TMP/cli" "$TB_CLI" --load-all --file "$TMP/cli/swanctl.conf" > /dev/null 2>&1
}

charon_terminate()
{
	ike_swanctl "$TMP/cli" "$TB_CLI" --terminate --ike c --timeout 5 > /dev/null 2>&1
	tb_wait 10 sh -c "[ \"\$(jq '.ike_sas | length' $TMP/agent/status.json)\" = 0 ]"
}

initiate() { ike_swanctl "$TMP/cli" "$TB_CLI" --initiate --child s --timeout 15; }

udp_echo_ok()	# COUNT: datagrams cli -> vm echoed intact
{
	cli "$TB_BIN/nstraffic" udp-send -a $VM_IN -p 7000 -n "$1" -s 200 -t 15 | grep -q "echoed intact $1,"
}

# Long-running UDP echo server on the vm side for every test.
ip netns exec "$TB_VM" "$TB_BIN/nstraffic" udp-echo -b $VM_IN -p 7000 -n 1000000 -t 400 > /dev/null &
BG="$BG $!"
tb_wait 5 sh -c "ip netns exec $TB_VM ss -Hlun 'sport = :7000' | grep -q ."

charon_load "$ALL_IKE" aes128gcm16
if ike_charon_start "$TMP/cli" "$TB_CLI" && agent_run no "" "" "" "" --keylog "$TMP/keylog"; then
	ktap_ok "charon in cli and nicsec-agent in vm running"
else
	ktap_fail "charon in cli and nicsec-agent in vm running"
	tail -n 20 "$TMP/cli/stdout" "$TMP/cli/charon.log" "$TMP/cli/swanctl.log" \
		"$TMP/agent/agent.log" 2>&1 | sed 's/^/# /'
	ktap_finish
fi

# ---- 1. strongSwan initiates -----------------------------------------------
CAP=$TMP/wire.pcap
ip netns exec "$TB_CLI" timeout 120 tcpdump -Z root -n -i cli0 --immediate-mode -U -w "$CAP" 2> "$TMP/tcpdump.log" &
DUMP=$!
BG="$BG $DUMP"
tb_wait 10 grep -q 'listening on' "$TMP/tcpdump.log"

ktap_check "strongSwan initiates: IKE SA and CHILD_SA up" initiate
expect "agent: one CHILD_SA, both directions on the device" "2 1" \
	"$(dev_sa_count) $(stat_of child_up)"
ktap_check "ping cli -> vm through the device" cli ping -c 3 -i 0.2 -W 2 $VM_IN
cli "$TB_BIN/nstraffic" udp-send -a $VM_IN -p 7000 -n 50 -s 300 -t 15 -L "$TMP/udp.sent" \
	> "$TMP/udp.out"
expect "50 UDP datagrams echoed intact" "udp: sent 50, echoed intact 50, corrupt 0, lost 0" \
	"$(cat "$TMP/udp.out")"
ip netns exec "$TB_VM" "$TB_BIN/nstraffic" tcp-echo -b $VM_IN -p 7001 -t 20 > /dev/null &
srv=$!
tb_wait 5 sh -c "ip netns exec $TB_VM ss -Hltn 'sport = :7001' | grep -q ."
ktap_check "1 MiB of TCP echoed intact" cli "$TB_BIN/nstraffic" tcp-send -a $VM_IN -p 7001 \
	-B $((1 << 20)) -t 20
wait $srv 2>/dev/null
sleep 0.5
kill "$DUMP"
wait "$DUMP" 2>/dev/null

if [ $HAVE_TSHARK = 0 ]; then
	ktap_skip "wire capture checked by tshark" "no tshark (the host run checks it)"
else
# What crossed the wire, without keys: IKE, ESP, ARP and nothing else.
other=$(tshark -n -r "$CAP" -Y 'not arp and not isakmp and not esp' 2>/dev/null | wc -l)
inner=$(tshark -n -r "$CAP" -Y "ip.addr == 10.78.0.0/24" 2>/dev/null | wc -l)
nesp=$(tshark -n -r "$CAP" -Y esp 2>/dev/null | wc -l)
nike=$(tshark -n -r "$CAP" -Y isakmp 2>/dev/null | wc -l)
expect "wire: only IKE ($nike), ESP ($nesp) and ARP; no inner address in clear" "0 0" \
	"$other $inner"
# With the key log (Wireshark's UAT files in a config directory)
ts() { WIRESHARK_CONFIG_DIR=$TMP/keylog tshark -n -r "$CAP" \
	-o esp.enable_encryption_decode:TRUE -o esp.enable_authentication_check:TRUE "$@" 2>/dev/null; }
good=$(ts -Y 'esp.icv_good == 1' | wc -l)
expect "tshark with the key log: every ESP ICV verifies ($nesp packets)" "$nesp" "$good"
[ "$nesp" -gt 1000 ] && ktap_ok "ESP packets seen: $nesp" || ktap_fail "ESP packets seen: $nesp"
dec=$(ts -Y 'isakmp.exchangetype == 35 and isakmp.typepayload == 35' | wc -l)
expect "tshark with the key log decrypts IKE_AUTH (IDi inside SK)" 1 "$dec"
ts -Y 'udp.dstport == 7000 and ip.dst == 10.78.0.1' -T fields -e udp.payload |
	awk -F, '{ print $NF }' | sort -u > "$TMP/udp.wire"
sort -u "$TMP/udp.sent" > "$TMP/udp.sent.sorted"
expect "the 50 datagrams tshark decrypted are the ones the app sent" "50" \
	"$(comm -12 "$TMP/udp.wire" "$TMP/udp.sent.sorted" | wc -l)"
fi

# Keys stay where they belong: only in the key log.
keys=$(awk -F'"' '{ sub(/^0x/, "", $12); print tolower($12) }' "$TMP/keylog/esp_sa")
dumps=$(for m in "$TB_BPFFS"/dev/*; do bpftool map dump pinned "$m" 2>/dev/null; done |
	tr -d ' \n,"[]{}:' | sed 's/0x//g' | tr 'A-F' 'a-f')
leak=0
for k in $keys; do
	k16=${k:0:32}
	if grep -qi "$k16" "$TMP/agent/agent.log" "$TMP/agent/status.json" "$TB_RUN/devd.log" ||
	   [[ "$dumps" == *"${k:0:16}"* ]]; then
		leak=1
	fi
done
expect "no ESP key in the agent's log, status file, devd's log or any map" "0 $(echo $keys | wc -w)" \
	"$leak $(($(wc -l < "$TMP/keylog/esp_sa")))"
charon_terminate
expect "terminate: the device holds no SA" 0 "$(dev_sa_count)"

# ---- 2. nicsec-agent initiates ------------------------------------------------
rm -rf "$TMP/keylog"/*
agent_run yes
if tb_wait 15 sh -c "[ \"\$(jq '.stats.child_up' $TMP/agent/status.json)\" = 1 ]"; then
	ktap_ok "nicsec-agent initiates: IKE SA and CHILD_SA up"
else
	ktap_fail "nicsec-agent initiates: IKE SA and CHILD_SA up" "$(tail -5 "$TMP/agent/agent.log")"
fi
ktap_check "ping, then 50 UDP datagrams and 1 MiB TCP through the device" eval "
	cli ping -c 2 -i 0.2 -W 2 $VM_IN >/dev/null && udp_echo_ok 50 &&
	{ ip netns exec $TB_VM $TB_BIN/nstraffic tcp-echo -b $VM_IN -p 7001 -t 20 >/dev/null & sleep 0.3;
	  cli $TB_BIN/nstraffic tcp-send -a $VM_IN -p 7001 -B 1048576 -t 20; }"
expect "no key log without --keylog" "" "$(ls "$TMP/keylog")"
charon_terminate

# ---- 3. proposal matrix -----------------------------------------------------
agent_run no "$MATRIX_IKE"
MATRIX="aes128gcm16,aes256gcm16 prfsha256,prfsha384 x25519,ecp256,ecp384"
[ "$QUICK" = 0 ] || MATRIX="aes128gcm16,aes256gcm16 prfsha256 x25519"
set -- $MATRIX
for e in ${1//,/ }; do
	for p in ${2//,/ }; do
		for g in ${3//,/ }; do
			charon_load "$e-$p-$g" "$e"
			if initiate > "$TMP/init.log" 2>&1 && udp_echo_ok 10; then
				ktap_ok "proposal $e-$p-$g, ESP $e: up, 10 datagrams echoed"
			else
				ktap_fail "proposal $e-$p-$g, ESP $e" "$(tail -3 "$TMP/init.log")"
			fi
			charon_terminate
		done
	done
done

# ---- 4. rekeys under continuous traffic --------------------------------------
# RATE datagrams/s for SECONDS while REKEY happens; every datagram must
# come back (each gets 1 s) and only the newest SA pair stays on the device.
RATE=100
SECS=12
[ "$QUICK" = 0 ] || RATE=20
rekey_case()	# NAME WANT_STAT [swanctl --rekey ARGS]
{
	local name=$1 stat=$2 out n
	shift 2
	initiate > "$TMP/init.log" 2>&1 || { ktap_fail "$name" "not up: $(tail -2 "$TMP/init.log")"; return; }
	local rk=
	if [ $# -gt 0 ]; then
		( for i in 1 2 3; do sleep 3; ike_swanctl "$TMP/cli" "$TB_CLI" --rekey "$@" >/dev/null 2>&1; done ) &
		rk=$!
	fi
	out=$(cli "$TB_BIN/nstraffic" udp-send -a $VM_IN -p 7000 -n $((RATE * SECS)) -s 200 \
		-r $RATE -t $((SECS + 10)))
	[ -z "$rk" ] || wait "$rk"
	sleep 0.5
	n=$(stat_of "$stat")
	if [ "$out" = "udp: sent $((RATE * SECS)), echoed intact $((RATE * SECS)), corrupt 0, lost 0" ] &&
	   [ "$n" -ge 3 ] && [ "$(dev_sa_count)" = 2 ]; then
		ktap_ok "$name: $n rekeys at $RATE datagrams/s, 0 lost, only the new SA pair on the device"
	else
		ktap_fail "$name" "$out; $stat=$n; device SAs $(dev_sa_count)"
	fi
	ktap_diag "$name: $out"
	charon_terminate
}
charon_load "$ALL_IKE" aes128gcm16
agent_run no "" "" "rekey_time = 3s"
rekey_case "CHILD_SA rekey started by nicsec-agent" rekeys_child
agent_run no
rekey_case "CHILD_SA rekey started by strongSwan" rekeys_child --child s
if [ "$QUICK" = 0 ]; then
agent_run no "" "" "" "rekey_time = 3s"
rekey_case "IKE SA rekey started by nicsec-agent" rekeys_ike
agent_run no
rekey_case "IKE SA rekey started by strongSwan" rekeys_ike --ike c
fi

# ---- 5. inactivity and life time ----------------------------------------------
agent_run no "" "" "inactivity = 2s"
initiate > /dev/null 2>&1
udp_echo_ok 5
if tb_wait 10 sh -c "[ \"\$(jq '.stats.rekeys_child' $TMP/agent/status.json)\" -ge 1 ]" &&
   udp_echo_ok 5; then
	ktap_ok "inactivity 2s: idle CHILD_SA rekeyed, traffic flows on the new one"
else
	ktap_fail "inactivity 2s" "$(grep -c inactive "$TMP/agent/agent.log")"
fi
charon_terminate
agent_run no "" "" "rekey_time = 0
life_time = 3s"
initiate > /dev/null 2>&1
n0=$(dev_sa_count)
if tb_wait 10 sh -c "[ \"\$($TB_BIN/nicsec -j -d $TB_BPFFS/dev sa show | jq length)\" = 0 ]" &&
   tb_wait 5 sh -c "! ip netns exec $TB_CLI timeout 5 swanctl --list-sas --uri unix://$TMP/cli/charon.vici | grep -q 'INSTALLED'"; then
	ktap_ok "life_time 3s: CHILD_SA deleted at both ends ($n0 -> 0 SAs on the device)"
else
	ktap_fail "life_time 3s" "device SAs $(dev_sa_count)"
fi
charon_terminate

# ---- 5b. the session's 5-tuple as traffic selectors --------------------------------
AG_LTS="$VM_IN/32[udp/7000]" AG_RTS="$CLI_IN/32[udp/7100]" agent_run no
CH_LTS="$CLI_IN/32[udp/7100]" CH_RTS="$VM_IN/32[udp/7000]" charon_load "$ALL_IKE" aes128gcm16
initiate > /dev/null 2>&1
out=$(cli "$TB_BIN/nstraffic" udp-send -a $VM_IN -p 7000 -P 7100 -n 10 -s 200 -t 10)
expect "5-tuple selectors (udp 7100 -> 7000): narrowed, on the device, 10 datagrams echoed" \
	"10.78.0.1/32[udp/7000] 10.78.0.2/32[udp/7100] 2 udp: sent 10, echoed intact 10, corrupt 0, lost 0" \
	"$(jq -r '.ike_sas[0].child_sas[0] | "\(.local_ts) \(.remote_ts)"' "$TMP/agent/status.json") \
$(dev_sa_count) $out"
charon_terminate
charon_load "$ALL_IKE" aes128gcm16

# ---- 6. refusals ---------------------------------------------------------------
agent_run no
ike_psk_file "$TMP/wrong.psk" "not the agent's secret"
charon_load "$ALL_IKE" aes128gcm16 "" "" "not the agent's secret"
initiate > "$TMP/init.log" 2>&1
expect "wrong PSK: AUTHENTICATION_FAILED to charon, nothing on the device" "1 1 0" \
	"$(grep -c 'received AUTHENTICATION_FAILED' "$TMP/init.log") $(stat_of auth_failed) $(dev_sa_count)"
charon_load aes256gcm16-prfsha512-ecp384 aes128gcm16
agent_run no aes128gcm16-prfsha256-x25519
initiate > "$TMP/init.log" 2>&1
expect "no common IKE proposal: NO_PROPOSAL_CHOSEN, nothing on the device" "1 0" \
	"$(grep -c 'received NO_PROPOSAL_CHOSEN' "$TMP/init.log") $(dev_sa_count)"
CH_RTS=10.78.0.9/32 charon_load "$ALL_IKE" aes128gcm16
agent_run no
initiate > "$TMP/init.log" 2>&1
sleep 1.2	# the status file is refreshed once a second
expect "selectors outside the configured ones: TS_UNACCEPTABLE, nothing on the device" "1 1 0" \
	"$(grep -c 'received TS_UNACCEPTABLE' "$TMP/init.log") $(stat_of ts_unacceptable) $(dev_sa_count)"
charon_terminate
charon_load "$ALL_IKE" aes256gcm16
agent_run no "" aes128gcm16
initiate > "$TMP/init.log" 2>&1
expect "no common ESP proposal: IKE SA up, CHILD_SA refused with NO_PROPOSAL_CHOSEN" "1 1 0" \
	"$(grep -c 'received NO_PROPOSAL_CHOSEN' "$TMP/init.log") $(stat_of ike_up) $(dev_sa_count)"
charon_terminate

# ---- 7. COOKIE, INVALID_KE_PAYLOAD --------------------------------------------------
charon_load "aes128gcm16-prfsha256-ecp256-x25519" aes128gcm16
agent_run no aes128gcm16-prfsha256-x25519 "" "" "" --cookie-threshold 0
: > "$TMP/cli/charon.log"
initiate > "$TMP/init.log" 2>&1
udp_echo_ok 5 && echoed=ok || echoed=lost
sleep 1.2	# the status file is refreshed once a second
grep -E 'COOKIE|DH group' "$TMP/cli/charon.log" | sed 's/^/# charon: /' | head -4
cookies=$(stat_of cookies_sent)
expect "COOKIE demanded ($cookies) and returned, INVALID_KE_PAYLOAD retry ecp256 -> x25519: up, traffic" \
	"1 1 1 ok" "$([ "$cookies" -ge 1 ] && echo 1) \
$(grep -c "peer didn't accept DH group ECP_256, it requested CURVE_25519" "$TMP/cli/charon.log") \
$(stat_of child_up) $echoed"
charon_terminate

# ---- 8. malformed messages -------------------------------------------------------
# An IKE_SA_INIT request whose SA payload claims more bytes than it has, a
# truncated header, garbage on 4500 without the marker, a valid-looking
# message for an unknown IKE SA: answered INVALID_SYNTAX (the first) or
# dropped, each counted, and a real negotiation still works afterwards.
if ! command -v python3 >/dev/null; then
	ktap_skip "malformed messages" "no python3 (the host run checks it)"
else
agent_run no
cat > "$TMP/bad.py" <<'EOT'
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.77.0.2", 5500))
s.settimeout(2)
dst = sys.argv[1]
hdr = lambda nxt, ln, exch=34, flags=0x08, spir=b"\0" * 8: \
	b"\x11" * 8 + spir + bytes([nxt, 0x20, exch, flags]) + struct.pack(">II", 0, ln)
sa = bytes([0, 0]) + struct.pack(">H", 200) + b"\0" * 12       # length 200, 16 present
msg = hdr(33, 28 + len(sa)) + sa
s.sendto(msg, (dst, 500))
try:
	r, _ = s.recvfrom(2048)
	# answer: header + Notify; its type at offset 28 + 6
	print("notify", struct.unpack(">H", r[34:36])[0] if len(r) >= 36 and r[16] == 41 else "none")
except socket.timeout:
	print("notify timeout")
s.sendto(b"\x11" * 20, (dst, 500))                                  # truncated header
s.sendto(b"\x01\x02\x03\x04garbage", (dst, 4500))                  # no non-ESP marker
s.sendto(b"\0\0\0\0" + hdr(46, 28 + 20, 37, 0x08, b"\x22" * 8) + bytes([0, 0, 0, 20]) + b"\0" * 16,
	 (dst, 4500))                                                 # unknown IKE SA
EOT
drops0=$(dev_drops_all)
ans=$(cli timeout 10 python3 "$TMP/bad.py" $TB_VM_ADDR)
sleep 1.5	# the status file is refreshed once a second
expect "malformed IKE_SA_INIT answered INVALID_SYNTAX (7)" "notify 7" "$ans"
# 4500 without the marker is ESP to the device: too short to be ESP, the
# device drops it (malformed) and the agent never sees it
expect "the four malformed datagrams dropped and counted (agent: 2 malformed, 1 unknown IKE SA; device: 1)" \
	"2 1 1" "$(stat_of drop_parse) $(stat_of drop_no_sa) $(($(dev_drops_all) - drops0))"
ktap_check "the agent still serves: a negotiation afterwards succeeds and carries traffic" \
	eval 'initiate >/dev/null && udp_echo_ok 5'
charon_terminate
fi
agent_stop

ktap_finish
