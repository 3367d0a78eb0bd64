#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The IKEv2 codec (userspace/ike) against what a real peer sends: two
# strongSwan charons negotiate (PSK, NAT-T forced, so IKE_AUTH travels in
# UDP 4500 behind the non-ESP marker); the responder takes only ecp256, so
# the initiator's x25519 KE draws INVALID_KE_PAYLOAD and a retry. Every IKE
# message captured on the wire is parsed by build/bin/ikedump and by
# tshark, and the fields each prints (header, payload chain with proposals
# and transforms, transform ids, key length, DH group, nonce, notify
# types) must be the same.
#
#   ns vm: charon (responder), lo 10.78.0.1  ns cli: charon (initiator), lo 10.78.0.2
#   v0 10.77.0.1 ----------- veth ----------- c0 10.77.0.2 (tcpdump)
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ktap.sh"
. "$(dirname "$0")/../ike_lib.sh"

IKEDUMP=$TB_BIN/ikedump
PREFIX=ik$$-
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
[ "$(id -u)" = 0 ] || { ktap_skip "IKE codec against strongSwan" "needs root"; ktap_finish; }
for c in /usr/lib/ipsec/charon swanctl tshark tcpdump "$IKEDUMP"; do
	command -v "$c" >/dev/null ||
		{ ktap_skip "IKE codec against strongSwan" "no $c"; ktap_finish; }
done

umask 077
TMP=$(mktemp -d /tmp/nicsec-ike-codec.XXXXXX) || exit 1

# charon's configuration and start-up: tests/ike_lib.sh
IKE_CHARON_PSK="nicsec codec test only"
charon_conf()	# SIDE LOCAL REMOTE ID REMOTE_ID PROPOSALS INNER_LOCAL INNER_REMOTE
{
	ike_charon_conf "$TMP/$1" "$2" "$3" "$4" "$5" "$7/32" "$8/32" "$6" \
		"aes256gcm16, aes128gcm16"
}
charon_start() { ike_charon_start "$TMP/$1" "$2"; }	# SIDE NS

if ! tb_ns_add "$NS_VM" || ! tb_ns_add "$NS_CLI" ||
   ! tb_link "$NS_VM" v0 1500 "$NS_CLI" c0 1500 ||
   ! ip -n "$NS_VM" addr add 10.77.0.1/24 dev v0 ||
   ! ip -n "$NS_CLI" addr add 10.77.0.2/24 dev c0 ||
   ! ip -n "$NS_VM" addr add 10.78.0.1/32 dev lo ||
   ! ip -n "$NS_CLI" addr add 10.78.0.2/32 dev lo; then
	ktap_fail "namespaces up" "setup failed"
	ktap_finish
fi

# the initiator offers two proposals, x25519 first; the responder ecp256 only
charon_conf vm 10.77.0.1 10.77.0.2 vm cli "aes256gcm16-prfsha256-ecp256" 10.78.0.1 10.78.0.2
charon_conf cli 10.77.0.2 10.77.0.1 cli vm \
	"aes256gcm16-prfsha256-x25519-ecp256, aes128-sha256-prfsha384-ecp384" 10.78.0.2 10.78.0.1
if charon_start vm "$NS_VM" && charon_start cli "$NS_CLI"; then
	ktap_ok "charon up in both namespaces, connections loaded"
else
	ktap_fail "charon up in both namespaces, connections loaded" "see below"
	cat "$TMP"/*/stdout "$TMP"/*/swanctl.log 2>/dev/null | sed 's/^/# /'
	ktap_finish
fi

ip netns exec "$NS_CLI" timeout 30 tcpdump -Z root -n -i c0 --immediate-mode -U \
	-w "$TMP/ike.pcap" udp port 500 or udp port 4500 > "$TMP/tcpdump.log" 2>&1 &
TCPDUMP=$!
BG_PIDS="$BG_PIDS $TCPDUMP"
tb_wait 5 grep -q listening "$TMP/tcpdump.log"
ktap_check "the CHILD_SA comes up (IKE_SA_INIT, INVALID_KE_PAYLOAD, retry, IKE_AUTH)" \
	ip netns exec "$NS_CLI" timeout 20 swanctl --initiate --child s \
	--uri "unix://$TMP/cli/charon.vici" --timeout 15
sleep 0.5
kill "$TCPDUMP" 2>/dev/null
tb_wait 5 sh -c "! kill -0 $TCPDUMP"

# the UDP payloads of the IKE messages, without the non-ESP marker on 4500
FIELDS="isakmp.ispi isakmp.rspi isakmp.exchangetype isakmp.flags isakmp.messageid
	isakmp.length isakmp.typepayload isakmp.prop.number isakmp.prop.protoid
	isakmp.tf.type isakmp.tf.id.encr isakmp.tf.id.prf isakmp.tf.id.integ
	isakmp.tf.id.dh isakmp.tf.id.esn isakmp.ike2.attr.key_length
	isakmp.key_exchange.dh_group isakmp.nonce isakmp.notify.msgtype"
tshark -r "$TMP/ike.pcap" -Y isakmp -T fields -e udp.dstport -e udp.payload 2>/dev/null |
	awk '{ p = $2; if ($1 == 4500 || substr(p, 1, 8) == "00000000") p = substr(p, 9); print p }' \
	> "$TMP/msgs.hex"
tshark -r "$TMP/ike.pcap" -Y isakmp -T fields -E separator=/s -E aggregator=, \
	$(for f in $FIELDS; do echo "-e $f"; done) 2>/dev/null > "$TMP/tshark.txt"
"$IKEDUMP" < "$TMP/msgs.hex" > "$TMP/ikedump.txt"
n=$(wc -l < "$TMP/msgs.hex")
if [ "$n" -ge 6 ]; then
	ktap_ok "captured $n IKE messages"
else
	ktap_fail "captured $n IKE messages" "want at least 6"
fi
i=0
while IFS= read -r want <&3 && IFS= read -r got <&4; do
	i=$((i + 1))
	exch=$(echo "$want" | cut -d' ' -f3,4)
	if [ "$want" = "$got" ]; then
		ktap_ok "message $i (exchange, flags $exch): codec and tshark agree"
	else
		ktap_fail "message $i (exchange, flags $exch): codec and tshark agree" \
			"tshark: $want"
		ktap_diag "ikedump: $got"
	fi
done 3< "$TMP/tshark.txt" 4< "$TMP/ikedump.txt"

# what the exchange must have shown
grep -q ' 0x20 0x00000000 [0-9]* 41 .* 17$' "$TMP/ikedump.txt" &&
	ktap_ok "the responder's INVALID_KE_PAYLOAD (notify 17) decoded" ||
	ktap_fail "the responder's INVALID_KE_PAYLOAD (notify 17) decoded" "not in ikedump's output"
[ "$(awk -F'[ ]' '$3 == 34 && $4 == "0x08" { print $17 }' "$TMP/ikedump.txt" | tr '\n' ' ')" = "31 19 " ] &&
	ktap_ok "IKE_SA_INIT requests: KE x25519 (32 bytes), then ecp256 (64 bytes)" ||
	ktap_fail "IKE_SA_INIT requests: KE x25519 (32 bytes), then ecp256 (64 bytes)" "other groups"
[ "$(awk -F'[ ]' '$3 == 35 { print $7 }' "$TMP/ikedump.txt" | sort -u)" = 46 ] &&
	ktap_ok "IKE_AUTH over UDP 4500: one SK payload each" ||
	ktap_fail "IKE_AUTH over UDP 4500: one SK payload each" "other payloads"
[ -z "${IKE_CODEC_SAVE:-}" ] || cp "$TMP/msgs.hex" "$IKE_CODEC_SAVE"
ktap_finish
