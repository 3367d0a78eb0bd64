#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The device's data plane with the bpf engine (no module), natively on the
# host, in the adapter and the switch topology (tests/lib.sh draws them).
# The host kernel has no ESP (no CONFIG_INET_ESP), so the peer's side is
# checked with independent tools instead of kernel XFRM:
#  - pass-through before any SA: ARP, ICMP, IKE on UDP 500;
#  - SAs installed with `nicsec sa add`; no BPF map dump holds a key byte,
#    the engine's slot map (crypto contexts as kptrs) included;
#  - outbound: an app in vm sends UDP datagrams of 1..1372 bytes into an
#    SA; tshark decrypts the wire capture with the SA's key: every ICV
#    good, the decrypted datagrams exactly what the app sent;
#  - unmatched flows, ICMP and IKE on 4500 (non-ESP marker) cross in clear;
#  - inbound ESP built by espgen (OpenSSL, not our code) reaches the app
#    intact; every flipped bit, replay, unknown SPI, wrong outer address
#    and truncation is dropped, counted by reason, and none is delivered;
#  - sa flush empties the engine's slots.
# A full UDP/TCP round trip with a real ESP peer needs strongSwan's
# kernel-libipsec (tests/net/test_oracles_strongswan.sh); not done here.
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ktap.sh"
. "$(dirname "$0")/../esp_tshark.sh"

PREFIX=db$$-
BGS=
OUT=$(mktemp -d /tmp/nicsec-dpb.XXXXXX)
cleanup() { for p in $BGS; do kill "$p" 2>/dev/null; done; tb_down; rm -rf "$OUT"; }
trap cleanup EXIT
trap 'exit 1' INT TERM

ktap_header
[ "$(id -u)" = 0 ] || { ktap_skip "bpf engine data plane" "needs root"; ktap_finish; }
for tool in tshark tcpdump jq bpftool python3; do
	command -v $tool >/dev/null || { ktap_skip "bpf engine data plane" "no $tool"; ktap_finish; }
done
[ -x "$TB_BIN/espgen" ] || { ktap_skip "bpf engine data plane" "no $TB_BIN/espgen (make)"; ktap_finish; }

vm() { ip netns exec "$TB_VM" "$@"; }
cli() { ip netns exec "$TB_CLI" "$@"; }
nicsec() { "$TB_BIN/nicsec" "$@"; }
espgen() { "$TB_BIN/espgen" "$@"; }
drops() { nicsec -j -d "$TB_BPFFS/dev" stats | jq -r ".drops.$1"; }
sa_json() { nicsec -j -d "$TB_BPFFS/dev" sa show id "$1" | jq -r ".[0].$2"; }
newkey() {	# FILE: 16-byte AES key + 4-byte salt, hex, mode 0600
	( umask 077; head -c 20 /dev/urandom | od -An -tx1 -v | tr -d ' \n' > "$1" )
}
# bg NS CMD...: run in the background, output to $OUT/apps.log, pid in BG
bg() { local ns=$1; shift; ip netns exec "$ns" "$@" >> "$OUT/apps.log" 2>&1 & BG=$!; BGS="$BGS $BG"; }
listening() { tb_wait 10 bash -c "ip netns exec $1 ss -Hln$2 'sport = :$3' | grep -q ."; }
all_good() { [ -n "$1" ] && [ "${1% *}" = "${1#* }" ] && [ "${1#* }" -gt 0 ]; }

# udp_burst ADDR PORT SPORT COUNT LOG: datagram i of 1 + (i * 97) % 1372
# bytes, sent without waiting for replies; each payload as hex in LOG
udp_burst()
{
	python3 - "$@" <<'PY'
import socket, sys, time
addr, port, sport, n, log = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('', sport))
with open(log, 'w') as f:
    for i in range(n):
        size = 1 + (i * 97) % 1372
        d = bytes(((i * 31 + j * 7) ^ (j >> 3)) & 0xff for j in range(size))
        s.sendto(d, (addr, port))
        f.write(d.hex() + '\n')
        time.sleep(0.002)
PY
}

for mode in adapter switch; do
	t="$mode:"
	D=$OUT/$mode
	# adapter: --engine bpf; switch: --engine auto, which must pick bpf here
	TB_ENGINE=$([ $mode = adapter ] && echo bpf || echo auto)
	mkdir -p "$D"
	if ! tb_up $mode "$PREFIX" || ! tb_device_start; then
		ktap_fail "$t test bed with the device (bpf engine)" "$(cat "$TB_RUN/devd.log" 2>/dev/null)"
		tb_down
		continue
	fi
	ktap_check "$t devd says: engine bpf" grep -q "engine bpf" "$TB_RUN/devd.log"
	if [ $TB_ENGINE = auto ]; then
		ktap_check "$t --engine auto picks bpf (no nicsec.ko, kernel has BPF crypto)" \
			grep -q "engine: bpf (nicsec.ko is not loaded" "$TB_RUN/devd.log"
	else
		ktap_check "$t --engine bpf is taken as asked" \
			grep -q "engine: bpf (chosen with --engine)" "$TB_RUN/devd.log"
	fi
	dev=$TB_BPFFS/dev
	ktap_check "$t the engine's slot map is pinned" test -e "$dev/gcm_slots"

	# ---- pass-through with no SA ------------------------------------
	ktap_check "$t no SA: ARP + ping vm -> cli in clear" vm ping -c 2 -i 0.2 -W 2 -q $TB_CLI_ADDR
	bg "$TB_CLI" "$TB_BIN/nstraffic" udp-echo -b $TB_CLI_ADDR -p 500 -n 20 -t 20
	listening "$TB_CLI" u 500
	ktap_check "$t no SA: IKE on UDP 500 crosses both ways" \
		vm "$TB_BIN/nstraffic" udp-send -a $TB_CLI_ADDR -p 500 -P 500 -n 20 -s 200 -t 20
	wait $BG

	# ---- SAs -------------------------------------------------------------
	for k in 1 5; do newkey "$D/key$k"; done
	ok=1
	nicsec -d "$dev" sa add id 1 dir out spi 0x1001 src $TB_VM_ADDR dst $TB_CLI_ADDR \
		sel src $TB_VM_ADDR dst $TB_CLI_ADDR proto udp sport 7100 dport 7000 key "$D/key1" || ok=0
	nicsec -d "$dev" sa add id 5 dir in spi 0x5001 src $TB_CLI_ADDR dst $TB_VM_ADDR \
		sel src $TB_CLI_ADDR dst $TB_VM_ADDR key "$D/key5" || ok=0
	ktap_check "$t two SAs installed with nicsec sa add (bpf engine keys)" [ $ok = 1 ]
	ktap_check "$t nicsec sa show lists them, keys hidden" \
		[ "$(nicsec -j -d "$dev" sa show | jq '[.[] | select(.key == "(hidden)")] | length')" = 2 ]

	# no BPF map on the system holds key or salt bytes (gcm_slots included)
	leaks=0
	dumps=$(for m in "$dev"/*; do bpftool map dump pinned "$m" -j 2>/dev/null; done |
		tr -d ' \n,"[]{}:' | tr 'A-F' 'a-f' | sed 's/0x//g')
	progdump=$(bpftool -j map show 2>/dev/null | jq -r '.[].id' | while read -r id; do
		bpftool map dump id "$id" 2>/dev/null; done | tr -d ' \n' | sed 's/0x//g')
	for k in 1 5; do
		key=$(cat "$D/key$k")
		for part in ${key:0:32} ${key:0:16} ${key:16:16} ${key:8:16}; do
			case "$dumps$progdump" in *"$part"*) leaks=$((leaks + 1)) ;; esac
		done
	done
	ktap_check "$t no BPF map on the system contains key bytes" [ $leaks = 0 ]
	ktap_check "$t gcm_slots dump covers the slots (non-empty, tables present)" \
		bash -c "bpftool map lookup pinned $dev/gcm_slots key 1 0 0 0 | grep -q htab"

	# ---- outbound: the device seals, tshark verifies the wire -------------
	# a socket on 4500 in cli takes the ESP (no ICMP unreachable back)
	bg "$TB_CLI" python3 -c "import socket,time; s=socket.socket(2,2); s.bind(('$TB_CLI_ADDR',4500)); time.sleep(60)"
	SINK4500=$BG
	listening "$TB_CLI" u 4500
	ip netns exec "$TB_CLI" tcpdump -q -n -U -Z root --immediate-mode -i cli0 -s 0 \
		-w "$D/wire.pcap" 'udp or icmp or tcp' 2>>"$OUT/apps.log" &
	DUMP=$!
	BGS="$BGS $DUMP"
	sleep 1
	ktap_check "$t UDP vm:7100 -> cli:7000 into SA 1: 200 datagrams of 1..1372 B sent" \
		vm bash -c "$(declare -f udp_burst); udp_burst $TB_CLI_ADDR 7000 7100 200 $D/udp-sent.hex"
	sleep 0.5
	ktap_check "$t SA 1 sealed 200 packets" [ "$(sa_json 1 packets)" = 200 ]
	# the data path copied where SA 1's cipher state lives into its flow's
	# way (bpf/maps.h struct nicsec_flow_way: tag, id, warm) from the slot
	# (struct gcm_slot: warm in its last 24 bytes); raw bytes, as jq
	# would round 64-bit numbers
	warm=$(bpftool -j map lookup pinned "$dev/gcm_slots" key 1 0 0 0 | jq -c '.value[-24:]')
	hints=$(bpftool -j map dump pinned "$dev/flow_tab" |
		jq -c '[.[].value | select(.[0:4] != ["0x00","0x00","0x00","0x00"] and
					 .[4:8] == ["0x01","0x00","0x00","0x00"]) | .[8:32]] | unique')
	ktap_check "$t SA 1's flow holds its slot's cipher addresses, not zero" \
		[ "$hints" = "[$warm]" -a "$(echo "$warm" | jq 'any(. != "0x00")')" = true ]

	# ---- pass-through next to the SAs -----------------------------------
	bg "$TB_CLI" "$TB_BIN/nstraffic" udp-echo -b $TB_CLI_ADDR -p 7009 -n 10 -t 20
	listening "$TB_CLI" u 7009
	ktap_check "$t unmatched UDP flow crosses in clear" \
		vm "$TB_BIN/nstraffic" udp-send -a $TB_CLI_ADDR -p 7009 -n 10 -s 300 -t 20
	wait $BG
	ktap_check "$t unmatched ICMP crosses in clear" vm ping -c 2 -i 0.2 -W 2 -q $TB_CLI_ADDR
	bg "$TB_VM" "$TB_BIN/nstraffic" udp-echo -b $TB_VM_ADDR -p 4500 -n 10 -t 20
	listening "$TB_VM" u 4500
	ktap_check "$t IKE on 4500 (non-ESP marker) crosses the wire port" \
		cli "$TB_BIN/nstraffic" udp-send -a $TB_VM_ADDR -p 4500 -P 4501 -z -n 10 -s 120 -t 20
	wait $BG
	sleep 1
	kill $DUMP $SINK4500 2>/dev/null
	wait $DUMP $SINK4500 2>/dev/null
	ktap_check "$t no drops so far" [ "$(nicsec -j -d "$dev" stats | jq '[.drops[]] | add')" = 0 ]

	r=$(ESP_TSHARK_Y="esp.spi == 0x1001" esp_tshark_verify "$D/wire.pcap" 0x1001 $TB_VM_ADDR $TB_CLI_ADDR "$D/key1")
	echo "# SA 0x1001: ${r% *}/${r#* } ICVs good"
	ktap_check "$t tshark: all 200 ESP packets of SA 0x1001 verify" \
		eval 'all_good "$r" && [ "${r#* }" = 200 ]'
	ESP_TSHARK_Y="esp.spi == 0x1001" esp_tshark_payloads "$D/wire.pcap" 0x1001 $TB_VM_ADDR \
		$TB_CLI_ADDR "$D/key1" | awk '{ print $3 }' | sort > "$D/udp-wire"
	sort "$D/udp-sent.hex" > "$D/udp-app"
	ktap_check "$t tshark: the 200 decrypted datagrams equal what the app sent" \
		cmp -s "$D/udp-wire" "$D/udp-app"
	n=$(tshark -n -r "$D/wire.pcap" -Y "udp.port == 7009 && !esp" 2>/dev/null | grep -c .)
	ktap_check "$t unmatched UDP flow on the wire in clear (20 datagrams)" [ "$n" = 20 ]

	# ---- inbound from an independent encoder (espgen, OpenSSL) --------
	ESP="--spi 0x5001 --src $TB_CLI_ADDR --dst $TB_VM_ADDR --key $D/key5 \
		--inner-src $TB_CLI_ADDR:7201 --inner-dst $TB_VM_ADDR:7200 --pattern 100 \
		--smac $(cli cat /sys/class/net/cli0/address) --dmac $(vm cat /sys/class/net/vm0/address)"
	bg "$TB_VM" "$TB_BIN/nstraffic" udp-echo -b $TB_VM_ADDR -p 7200 -n 1000 -t 120
	SINK=$BG
	listening "$TB_VM" u 7200
	ktap_check "$t espgen: 50 ESP packets sent" cli "$TB_BIN/espgen" $ESP --seq 1 --count 50 -i cli0 --interval 300
	sleep 1
	ktap_check "$t espgen: all 50 reached the app, SA 5 counted 50" [ "$(sa_json 5 packets)" = 50 ]

	auth0=$(drops auth) nosa0=$(drops no_sa) rep0=$(drops replay)
	addr0=$(drops bad_addr) mal0=$(drops malformed)
	esplen=$((16 + 128 + 2 + 16))
	nbits=$((8 * esplen))
	PACE="-i cli0 --interval 300"
	fail=0
	cli "$TB_BIN/espgen" $ESP --seq 100 --count $((nbits - 32)) $PACE --flip-bit 32 --step || fail=1
	cli "$TB_BIN/espgen" $ESP --seq 2000 --count 32 $PACE --flip-bit 0 --step || fail=1
	sleep 1
	ktap_check "$t $((nbits - 32)) flipped bits after the SPI: each dropped as auth" \
		eval '[ $fail = 0 ] && [ $(( $(drops auth) - auth0 )) = $((nbits - 32)) ]'
	ktap_check "$t 32 flipped SPI bits: each dropped as no_sa" [ $(( $(drops no_sa) - nosa0 )) = 32 ]
	cli "$TB_BIN/espgen" $ESP --seq 1 --count 50 $PACE >/dev/null
	sleep 1
	ktap_check "$t replays of 50 accepted packets dropped as replay" [ $(( $(drops replay) - rep0 )) = 50 ]
	cli "$TB_BIN/espgen" $ESP --seq 500 --count 5 $PACE --wrong-spi 0x7777 >/dev/null
	sleep 0.5
	ktap_check "$t unknown SPI dropped as no_sa" [ $(( $(drops no_sa) - nosa0 )) = 37 ]
	cli "$TB_BIN/espgen" $ESP --seq 510 --count 5 $PACE --outer-src 10.77.0.9 >/dev/null
	sleep 0.5
	ktap_check "$t wrong outer source dropped as bad_addr" [ $(( $(drops bad_addr) - addr0 )) = 5 ]
	cli "$TB_BIN/espgen" $ESP --seq 3000 --count $((esplen - 1)) $PACE --truncate 1 --step || fail=1
	sleep 1
	tr=$(( $(drops malformed) - mal0 + $(drops auth) - auth0 - (nbits - 32) ))
	ktap_check "$t truncations at all $((esplen - 1)) lengths dropped (malformed or auth)" \
		eval '[ $fail = 0 ] && [ $tr = $((esplen - 1)) ]'
	ktap_check "$t of all the bad packets, none reached the app (SA 5 still 50)" \
		[ "$(sa_json 5 packets)" = 50 ]
	kill $SINK 2>/dev/null; wait $SINK 2>/dev/null
	ktap_check "$t the app's socket got exactly the 50 good datagrams" \
		grep -q "udp-echo: echoed 50 datagrams" "$OUT/apps.log"
	ktap_check "$t engine drops: none" [ "$(drops engine)" = 0 ]

	ktap_check "$t nicsec sa flush" nicsec -d "$dev" sa flush
	ktap_check "$t flushed: no SA left" [ "$(nicsec -j -d "$dev" sa show | jq length)" = 0 ]
	ktap_check "$t flushed: engine slots 1 and 5 hold no context, salt or table" \
		bash -c "for k in 1 5; do bpftool -j map lookup pinned $dev/gcm_slots key \$k 0 0 0 |
			jq -e '.value | all(. == \"0x00\")' >/dev/null || exit 1; done"
	: > "$OUT/apps.log"
	tb_down
done
ktap_finish
