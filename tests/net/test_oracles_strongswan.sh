#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The ESP oracles against a real peer: two strongSwan charons (IKEv2, PSK,
# ESP AES-GCM-16-128 in UDP 4500 via kernel-libipsec) build a tunnel, the
# app's datagrams cross it, and the ESP captured on the wire must verify
# and decrypt in espgen open and tshark with the keys charon logs (chd=4),
# to the bytes the app sent. The other way round, frames that espgen seals
# with charon's key are accepted by charon and reach the app, and frames
# with a flipped bit are refused.
#
#   ns vm: charon, lo 10.78.0.1            ns cli: charon, lo 10.78.0.2
#   v0 10.77.0.1 ----------- veth ----------- c0 10.77.0.2 (tcpdump)
#
# The tunnel carries 10.78.0.1 <-> 10.78.0.2: kernel-libipsec will not
# route a host pair that is also the IKE pair through its TUN device.
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ktap.sh"
. "$(dirname "$0")/../esp_tshark.sh"
. "$(dirname "$0")/../ike_lib.sh"

ESPGEN=$TB_BIN/espgen
NSTRAFFIC=$TB_BIN/nstraffic
PREFIX=os$$-
NS_VM=${PREFIX}vm
NS_CLI=${PREFIX}cli
TMP=
BG_PIDS=
cleanup()
{
	local p
	IKE_PIDS="$IKE_PIDS $BG_PIDS"
	ike_stop_all
	ip netns del "$NS_VM" 2>/dev/null
	ip netns del "$NS_CLI" 2>/dev/null
	[ -z "$TMP" ] || rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ktap_header
[ "$(id -u)" = 0 ] || { ktap_skip "strongSwan as the ESP peer" "needs root"; ktap_finish; }
for c in /usr/lib/ipsec/charon swanctl tshark tcpdump "$ESPGEN" "$NSTRAFFIC"; do
	command -v "$c" >/dev/null ||
		{ ktap_skip "strongSwan as the ESP peer" "no $c"; ktap_finish; }
done

umask 077
TMP=$(mktemp -d /tmp/nicsec-oracles-ss.XXXXXX) || exit 1
chmod 700 "$TMP"

# charon's configuration, start-up and key extraction: tests/ike_lib.sh
# (chd = 4 makes charon log the ESP keys this test checks against)
IKE_CHARON_PSK="nicsec oracle test only"
IKE_CHARON_CHD=4
charon_conf()	# SIDE LOCAL REMOTE ID REMOTE_ID INNER_LOCAL INNER_REMOTE
{
	ike_charon_conf "$TMP/$1" "$2" "$3" "$4" "$5" "$6/32" "$7/32" \
		aes128gcm16-prfsha256-ecp256 aes128gcm16
}
charon_start() { ike_charon_start "$TMP/$1" "$2"; }	# SIDE NS
charon_keys() { ike_charon_keys "$1"; }			# LOG

kv()	# FIELD...: espgen open lines -> the named fields
{
	awk -v want="$*" 'BEGIN { n = split(want, w, " ") }
	/^frame=/ {
		delete f
		for (i = 1; i <= NF; i++) { p = index($i, "="); f[substr($i, 1, p - 1)] = substr($i, p + 1) }
		s = ""
		for (j = 1; j <= n; j++) s = s (j > 1 ? " " : "") ((w[j] in f) ? f[w[j]] : "-")
		print s
	}'
}

expect()	# NAME WANT GOT
{
	if [ "$2" = "$3" ]; then
		ktap_ok "$1"
	else
		ktap_fail "$1" "want \"$2\", got \"$3\""
	fi
}

if ! tb_ns_add "$NS_VM" || ! tb_ns_add "$NS_CLI" ||
   ! tb_link "$NS_VM" v0 1500 "$NS_CLI" c0 1500 ||
   ! ip -n "$NS_VM" addr add 10.77.0.1/24 dev v0 ||
   ! ip -n "$NS_CLI" addr add 10.77.0.2/24 dev c0 ||
   ! ip -n "$NS_VM" addr add 10.78.0.1/32 dev lo ||
   ! ip -n "$NS_CLI" addr add 10.78.0.2/32 dev lo; then
	ktap_fail "namespaces up" "setup failed"
	ktap_finish
fi
charon_conf vm 10.77.0.1 10.77.0.2 vm cli 10.78.0.1 10.78.0.2
charon_conf cli 10.77.0.2 10.77.0.1 cli vm 10.78.0.2 10.78.0.1
if charon_start vm "$NS_VM" && charon_start cli "$NS_CLI"; then
	ktap_ok "charon up in both namespaces, connections loaded"
else
	ktap_fail "charon up in both namespaces, connections loaded"
	cat "$TMP"/*/stdout "$TMP"/*/swanctl.log 2>/dev/null | sed 's/^/# /'
	ktap_finish
fi

CAP=$TMP/wire.pcap
ip netns exec "$NS_CLI" timeout 60 tcpdump -Z root -n -i c0 --immediate-mode -U \
	-w "$CAP" udp 2> "$TMP/tcpdump.log" &
TCPDUMP=$!
BG_PIDS="$BG_PIDS $TCPDUMP"
tb_wait 10 grep -q 'listening on' "$TMP/tcpdump.log"

ktap_check "IKEv2 + CHILD_SA (AES-GCM-16-128, UDP 4500) established" \
	ip netns exec "$NS_CLI" timeout 20 swanctl --initiate --child s \
	--uri "unix://$TMP/cli/charon.vici" --timeout 15

ip netns exec "$NS_VM" "$NSTRAFFIC" udp-echo -b 10.78.0.1 -p 7000 -n 20 -t 15 > /dev/null &
BG_PIDS="$BG_PIDS $!"
tb_wait 5 sh -c "ip netns exec $NS_VM ss -Hlun 'sport = :7000' | grep -q ."
ktap_check "20 x 300 B datagrams echoed intact through the tunnel" \
	ip netns exec "$NS_CLI" "$NSTRAFFIC" udp-send -a 10.78.0.1 -p 7000 -n 20 -s 300 -t 15

# charon logs both keys on both sides; the initiator (cli) key protects
# cli -> vm, whose SPI is the "_o" one in cli's log.
log=$TMP/cli/charon.log
spis=$(grep -o 'SPIs [0-9a-f]*_i [0-9a-f]*_o' "$log" | head -n 1)
read -r _ SPI_IN SPI_OUT <<< "$spis"
SPI_IN=0x${SPI_IN%_i} SPI_OUT=0x${SPI_OUT%_o}
charon_keys "$log" | awk '$1 == "initiator" { print $2; exit }' > "$TMP/k_out"
charon_keys "$log" | awk '$1 == "responder" { print $2; exit }' > "$TMP/k_in"
expect "SPIs ($SPI_OUT out, $SPI_IN in) and 20-byte keys read from charon's log" "10 10 41 41" \
	"${#SPI_OUT} ${#SPI_IN} $(wc -c < "$TMP/k_out") $(wc -c < "$TMP/k_in")"

OUT=("$SPI_OUT" 10.77.0.2 10.77.0.1 "$TMP/k_out")
IN=("$SPI_IN" 10.77.0.1 10.77.0.2 "$TMP/k_in")
open_sa()	# SPI SRC DST KEY [options]
{
	"$ESPGEN" open -r "$CAP" --spi "$1" --src "$2" --dst "$3" --key "$4" --skip-other-spi "${@:5}"
}
# tcpdump flushes each frame; wait until both directions are in the file
tb_wait 10 sh -c "[ \$('$ESPGEN' open -r '$CAP' --spi $SPI_IN --key '$TMP/k_in' --skip-other-spi --no-data |
	grep -c 'proto=17.*verdict=ok') -ge 20 ]"
kill "$TCPDUMP" 2>/dev/null
wait "$TCPDUMP" 2>/dev/null

# What the app sent: nstraffic's datagram i is espgen's pattern for seed i.
"$ESPGEN" seal --spi 1 --src 10.0.0.1 --dst 10.0.0.2 --key "$TMP/k_out" --pattern 300 \
	--seq 0 --count 20 -w "$TMP/want.pcap"
WANT=$("$ESPGEN" open -r "$TMP/want.pcap" --spi 1 --key "$TMP/k_out" --window 0 | kv data)

for dir in out in; do
	if [ $dir = out ]; then sa=("${OUT[@]}"); what="cli -> vm"; else sa=("${IN[@]}"); what="vm -> cli"; fi
	got=$(open_sa "${sa[@]}" | kv verdict proto len | sort | uniq -c | sed 's/^ *//')
	expect "espgen open, charon's ESP $what: every frame ok, 20 of them UDP 300 B" \
		"20 ok 17 300" "$(echo "$got" | grep ' ok 17 300$')"
	expect "espgen open, $what: nothing but ok (no replay, pad or checksum errors)" \
		"" "$(echo "$got" | grep -v ' ok ')"
	expect "espgen open, $what: the payloads are exactly what the app sent" \
		"$WANT" "$(open_sa "${sa[@]}" | kv proto data | awk '$1 == 17 { print $2 }')"
	n=$(open_sa "${sa[@]}" --no-data | grep -c 'verdict=ok')
	r=$(ESP_TSHARK_Y="esp.spi == ${sa[0]}" esp_tshark_report "$CAP" "${sa[@]}")
	expect "tshark, $what: $r" "$n/$n ESP packets verified" "$r"
	t=$(ESP_TSHARK_Y="esp.spi == ${sa[0]}" esp_tshark_payloads "$CAP" "${sa[@]}")
	o=$(open_sa "${sa[@]}" | kv seq verdict data | awk '{ print $1, ($2 == "ok"), ($2 == "ok" ? "x" : "-") }')
	expect "tshark and espgen open agree frame by frame, $what" "$o" \
		"$(echo "$t" | awk '{ print $1, $2, ($3 != "-" ? "x" : "-") }')"
done
expect "espgen open with the other direction's key: all bad-icv" "bad-icv" \
	"$(open_sa "$SPI_OUT" 10.77.0.2 10.77.0.1 "$TMP/k_in" --no-data | kv verdict | sort -u)"

# The other way: charon (vm) receives what espgen seals with cli's SA.
VM_MAC=$(ip netns exec "$NS_VM" cat /sys/class/net/v0/address)
seal_to_vm()	# PORT SEQ COUNT [mutation]
{
	ip netns exec "$NS_CLI" "$ESPGEN" seal --spi "$SPI_OUT" --src 10.77.0.2 --dst 10.77.0.1 \
		--key "$TMP/k_out" --inner-src 10.78.0.2:40001 --inner-dst "10.78.0.1:$1" \
		--pattern 300 --seq "$2" --count "$3" -i c0 --dmac "$VM_MAC" --interval 2000 "${@:4}"
}
echo_in_vm()	# PORT COUNT SEC: prints nstraffic's summary
{
	ip netns exec "$NS_VM" "$NSTRAFFIC" udp-echo -b 10.78.0.1 -p "$1" -n "$2" -t "$3"
}
echo_in_vm 7001 10 10 > "$TMP/echo1" &
pid=$!
tb_wait 5 sh -c "ip netns exec $NS_VM ss -Hlun 'sport = :7001' | grep -q ."
seal_to_vm 7001 1000 10
wait $pid
expect "charon accepts 10 frames espgen sealed, the app gets them" \
	"udp-echo: echoed 10 datagrams" "$(cat "$TMP/echo1")"
fails0=$(grep -c 'ICV verification failed' "$TMP/vm/charon.log")
echo_in_vm 7002 4 3 > "$TMP/echo2" &
pid=$!
tb_wait 5 sh -c "ip netns exec $NS_VM ss -Hlun 'sport = :7002' | grep -q ."
seal_to_vm 7002 2000 4 --flip-bit 400
wait $pid
fails1=$(grep -c 'ICV verification failed' "$TMP/vm/charon.log")
expect "charon refuses 4 frames with a flipped bit, the app gets none" \
	"udp-echo: echoed 0 datagrams, 4 ICV failures" "$(cat "$TMP/echo2"), $((fails1 - fails0)) ICV failures"
ktap_finish
