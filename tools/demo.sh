#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The end-to-end demo (`make demo`): session keys that live on the device.
#
#   ns vm: nicsec-agent + app 10.78.0.1    ns cli: strongSwan (charon) + app 10.78.0.2
#   vm0 10.77.0.1 --- [nhost | device (nicsec-devd, XDP) | nwire] --- cli0 10.77.0.2
#
#  1. test bed and device up (engine chosen automatically);
#  2. nicsec-agent in vm (responder), strongSwan in cli (kernel-libipsec);
#  3. strongSwan starts IKEv2; the agent negotiates, installs both ESP
#     directions on the device through the sealed control channel, waits
#     for the STATUS, then answers (the "pause");
#  4. an echo session (UDP + ping) and a 4 MiB TCP transfer through the
#     device, which encrypts and decrypts for vm;
#  5. status table: SAs, counters, install latency;
#  6. capture summary: only IKE and ESP crossed the wire, and tshark, given
#     the agent's key log, verifies every ESP packet and decrypts the
#     datagrams to exactly what the app sent.
#
# The key log (--keylog) is a debugging option, off by default; the demo
# turns it on in a private 0700 directory, removed at the end, to let tshark
# prove what is on the wire.
#
# Usage: tools/demo.sh [BUILD_DIR]
set -u
BUILD=$(realpath "${1:-build}")
TB_BIN=$BUILD/bin
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib.sh"
. "$TOP/tests/ike_lib.sh"

T0=$(date +%s.%N)
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
step() { printf '\n==> [%5ss] %s\n' "$(elapsed)" "$*"; }
die() { echo "demo: FAILED: $*" >&2; exit 1; }
vm() { ip netns exec "$TB_VM" "$@"; }
cli() { ip netns exec "$TB_CLI" "$@"; }

[ "$(id -u)" = 0 ] || die "needs root (namespaces, XDP)"
PREFIX=demo$$-
CTL=10.77.0.254
VM_IN=10.78.0.1
CLI_IN=10.78.0.2
D=
BG=
cleanup()
{
	local p
	for p in $BG; do
		kill "$p" 2>/dev/null
	done
	ike_stop_all
	tb_down
	[ -z "$D" ] || rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
umask 077
D=$(mktemp -d /tmp/nicsec-demo.XXXXXX) || exit 1
chmod 700 "$D"
mkdir -p "$D/cli" "$D/keylog"

step "1. test bed (adapter mode) and the device"
tb_up adapter "$PREFIX" || die "test bed setup failed"
tb_device_start --ctl-addr $CTL --enroll "$TB_RUN/agent.key" || die "device did not start"
grep -E 'engine|ready' "$TB_RUN/devd.log" | sed 's/^/   /'
ip -n "$TB_VM" addr add $VM_IN/32 dev lo &&
ip -n "$TB_VM" route add $CLI_IN/32 via $TB_CLI_ADDR &&
ip -n "$TB_CLI" addr add $CLI_IN/32 dev lo || die "inner addresses"

step "2. nicsec-agent in vm (responder), strongSwan in cli"
ike_psk_file "$D/psk"
ike_agent_conf "$D/agent.conf" $TB_VM_ADDR $TB_CLI_ADDR vm cli $VM_IN/32 $CLI_IN/32 \
	aes128gcm16-prfsha256-x25519,aes256gcm16-prfsha384-ecp384 aes128gcm16,aes256gcm16 no \
	"$D/psk" $CTL "$TB_RUN/agent.key"
ike_agent_start "$TB_VM" "$D/agent.conf" "$D/agent" --keylog "$D/keylog" ||
	die "nicsec-agent did not start: $(cat "$D/agent/agent.log")"
ike_charon_conf "$D/cli" $TB_CLI_ADDR $TB_VM_ADDR cli vm $CLI_IN/32 $VM_IN/32 \
	aes128gcm16-prfsha256-x25519 aes128gcm16
ike_charon_start "$D/cli" "$TB_CLI" || die "charon did not start"
sed 's/^/   /' "$D/agent/agent.log"

ip netns exec "$TB_CLI" tcpdump -Z root -n -i cli0 --immediate-mode -U -w "$D/wire.pcap" 2> "$D/tcpdump.log" &
DUMP=$!
BG="$BG $DUMP"
tb_wait 10 grep -q 'listening on' "$D/tcpdump.log"

step "3. strongSwan initiates: IKE_SA_INIT, IKE_AUTH, CHILD_SA installed on the device"
ike_swanctl "$D/cli" "$TB_CLI" --initiate --child s --timeout 15 > "$D/initiate.log" 2>&1 ||
	die "negotiation failed: $(tail -5 "$D/initiate.log")"
grep -E 'selected proposal|established|CHILD_SA' "$D/initiate.log" | sed 's/^/   charon: /'
grep -E 'IKE SA|CHILD_SA' "$D/agent/agent.log" | sed 's/^/   /'

step "4. echo session and bulk transfer through the device"
ip netns exec "$TB_VM" "$TB_BIN/nstraffic" udp-echo -b $VM_IN -p 7000 -n 20 -t 15 > /dev/null &
BG="$BG $!"
tb_wait 5 sh -c "ip netns exec $TB_VM ss -Hlun 'sport = :7000' | grep -q ."
printf '   '
cli "$TB_BIN/nstraffic" udp-send -a $VM_IN -p 7000 -n 20 -s 300 -t 10 -L "$D/udp.sent" ||
	die "UDP echo failed"
printf '   '
cli ping -c 3 -i 0.2 -W 2 $VM_IN | tail -2 | head -1 || die "ping failed"
ip netns exec "$TB_VM" "$TB_BIN/nstraffic" tcp-echo -b $VM_IN -p 7001 -t 20 > /dev/null &
srv=$!
tb_wait 5 sh -c "ip netns exec $TB_VM ss -Hltn 'sport = :7001' | grep -q ."
printf '   '
cli "$TB_BIN/nstraffic" tcp-send -a $VM_IN -p 7001 -B $((4 << 20)) -t 20 || die "TCP failed"
wait $srv 2>/dev/null

step "5. status"
jq -r '.ike_sas[] | "   IKE SA \(.spis) \(.state), \(.role), peer \(.peer)" ,
	(.child_sas[] | "   CHILD_SA \(.spi_in)_i \(.spi_out)_o \(.local_ts) === \(.remote_ts), AES-GCM-16-\(.encr_bits), device SAs \(.dev_in)/\(.dev_out), installed in \(.install_us / 1000) ms")' \
	"$D/agent/status.json"
echo "   device (nicsec sa show, nicsec stats):"
"$TB_BIN/nicsec" -d "$TB_BPFFS/dev" sa show | sed 's/^/     /'
"$TB_BIN/nicsec" -d "$TB_BPFFS/dev" stats | sed 's/^/     /'

step "6. what crossed the wire (tcpdump on cli0)"
sleep 0.3
kill "$DUMP"
wait "$DUMP" 2>/dev/null
total=$(tshark -n -r "$D/wire.pcap" 2>/dev/null | wc -l)
nike=$(tshark -n -r "$D/wire.pcap" -Y isakmp 2>/dev/null | wc -l)
nesp=$(tshark -n -r "$D/wire.pcap" -Y esp 2>/dev/null | wc -l)
narp=$(tshark -n -r "$D/wire.pcap" -Y arp 2>/dev/null | wc -l)
other=$((total - nike - nesp - narp))
echo "   $total frames: IKE $nike, ESP $nesp, ARP $narp, anything else $other"
[ "$other" = 0 ] || die "frames other than IKE, ESP and ARP on the wire"
echo "   without keys tshark sees:"
tshark -n -r "$D/wire.pcap" -Y 'isakmp or esp' 2>/dev/null | head -6 | sed 's/^ */     /'
ts() { WIRESHARK_CONFIG_DIR=$D/keylog tshark -n -r "$D/wire.pcap" \
	-o esp.enable_encryption_decode:TRUE -o esp.enable_authentication_check:TRUE "$@" 2>/dev/null; }
good=$(ts -Y 'esp.icv_good == 1' | wc -l)
echo "   with the agent's key log: $good/$nesp ESP packets verified (ICV good)"
[ "$good" = "$nesp" ] || die "ESP packets that do not verify"
echo "   IKE_AUTH decrypted by tshark (payloads inside SK):"
ts -Y 'isakmp.exchangetype == 35' -T fields -e ip.src -e isakmp.typepayload |
	awk -F'\t' 'BEGIN { split("SA KE IDi IDr CERT CERTREQ AUTH Nonce N D V TSi TSr SK", n, " ") }
	{ k = split($2, t, ","); s = ""
	  for (i = 2; i <= k; i++) if (t[i] >= 33 && t[i] <= 46) s = s " " n[t[i] - 32]
	  print "     from " $1 ":" s }' | head -2
ts -Y "udp.dstport == 7000 and ip.dst == $VM_IN" -T fields -e udp.payload |
	awk -F, '{ print $NF }' | sort -u > "$D/udp.wire"
same=$(sort -u "$D/udp.sent" | comm -12 - "$D/udp.wire" | wc -l)
echo "   $same/20 datagrams decrypted by tshark equal what the app sent, e.g."
head -1 "$D/udp.wire" | cut -c1-64 | sed 's/^/     /;s/$/.../'
[ "$same" = 20 ] || die "decrypted datagrams differ from the app's"

step "tearing down"
ike_stop_all
tb_down
echo "demo: done in $(elapsed) s"
