#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The data-plane tests' two ESP oracles, checked before anything trusts
# them: espgen (tools/espgen*.c, written from the RFCs with OpenSSL) and
# tshark 4.0 (tests/esp_tshark.sh). espgen must match the published ESP
# test cases of draft-mcgrew-gcm-test-01; tshark, a third party, must verify
# every ICV espgen writes and decrypt the very payloads espgen encoded, and
# espgen open must agree. Every mutation must give exactly the failure it
# stands for, seen the same way by both. Last, frames sent through
# AF_PACKET on a veth and captured by tcpdump on the other side decode too.
#
#   ns A: a0 --- veth --- b0 :ns B (tcpdump -i any)
#   espgen seal -i a0       espgen open / tshark on the capture
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ktap.sh"
. "$(dirname "$0")/../esp_tshark.sh"

ESPGEN=$TB_BIN/espgen
PREFIX=or$$-
NS_A=${PREFIX}a
NS_B=${PREFIX}b
BG_PID=
TMP=
cleanup()
{
	[ -z "$BG_PID" ] || kill "$BG_PID" 2>/dev/null
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	[ -z "$TMP" ] || rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ktap_header
if [ ! -x "$ESPGEN" ]; then
	ktap_fail "espgen is built" "no $ESPGEN: run make"
	ktap_finish
fi
ktap_import "espgen kat" "$ESPGEN" kat

if ! command -v tshark >/dev/null; then
	ktap_skip "tshark agrees with espgen" "tshark not installed"
	ktap_finish
fi

umask 077
TMP=$(mktemp -d /tmp/nicsec-oracles.XXXXXX) || exit 1
chmod 700 "$TMP"
# SA 1: AES-128, cli -> vm; SA 2: AES-256, vm -> cli. Test keys only.
K1=$TMP/k1 K2=$TMP/k2 KBAD=$TMP/kbad
echo "0x3d9a4a0f7d1c2b3e4f5061728394a5b6 c7d8e9fa" > "$K1"
printf '%s\n' 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f 5a17c0de > "$K2"
echo "3d9a4a0f7d1c2b3e4f5061728394a5b7c7d8e9fa" > "$KBAD"	# one bit off
SA1=(--spi 0x1001 --src 10.77.0.2 --dst 10.77.0.1 --key "$K1")
T1=(0x1001 10.77.0.2 10.77.0.1 "$K1")
SA2=(--spi 0xc0ffee01 --src 10.77.0.1 --dst 10.77.0.2 --key "$K2")
T2=(0xc0ffee01 10.77.0.1 10.77.0.2 "$K2")

# espgen open's key=value lines -> the named fields ("-" if absent)
kv()	# FIELD...
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

# "SEQ GOOD HEX" from espgen open, the format of esp_tshark_payloads
open_payloads()	# PCAP SPI KEYFILE [open options]
{
	local pcap=$1 spi=$2 key=$3
	shift 3
	"$ESPGEN" open -r "$pcap" --spi "$spi" --key "$key" "$@" | kv seq verdict data |
		awk '{ print $1, ($2 == "ok"), ($2 == "ok" ? $3 : "-") }'
}

# one word per ESP frame: espgen open's verdicts, space-separated
verdicts()	# PCAP SPI SRC DST KEYFILE
{
	"$ESPGEN" open -r "$1" --spi "$2" --src "$3" --dst "$4" --key "$5" --no-data |
		kv verdict | tr '\n' ' ' | sed 's/ $//'
}

# "GOOD BAD" counts of tshark's esp.icv_good / esp.icv_bad flags
tshark_icv()	# PCAP SPI SRC DST KEYFILE
{
	esp_tshark_fields "$@" esp.icv_good esp.icv_bad |
		awk -F'\t' '{ g += ($1 == "1" || $1 == "True"); b += ($2 == "1" || $2 == "True") }
			END { print g + 0, b + 0 }'
}

expect()	# NAME WANT GOT
{
	if [ "$2" = "$3" ]; then
		ktap_ok "$1"
	else
		ktap_fail "$1" "want \"$2\", got \"$3\""
	fi
}

rep() { local i s=; for ((i = 0; i < $2; i++)); do s+="${s:+ }$1"; done; echo "$s"; }

# ---- valid traffic: tshark verifies and decrypts what espgen sealed ----
P1=$TMP/sa1.pcap P2=$TMP/sa2.pcap
HEX=48656c6c6f2c206e69637365632100ff00
"$ESPGEN" seal "${SA1[@]}" --inner-src 10.77.0.2:40001 --inner-dst 10.77.0.1:7000 \
	--pattern 100 --seq 1 --count 20 -w "$P1" &&
"$ESPGEN" seal "${SA2[@]}" --inner-src 10.77.0.1:7000 --inner-dst 10.77.0.2:40001 \
	--payload "$HEX" --seq 4294967290 --count 6 --outer-csum -w "$P2"
ktap_check "espgen seals 20 + 6 frames into pcap files" [ $? -eq 0 ]

r=$(esp_tshark_report "$P1" "${T1[@]}")
expect "tshark: AES-128 SA, $r" "20/20 ESP packets verified" "$r"
r=$(esp_tshark_report "$P2" "${T2[@]}")
expect "tshark: AES-256 SA up to seq 2^32-1, $r" "6/6 ESP packets verified" "$r"
r=$(esp_tshark_report "$P1" "${T1[0]}" 10.77.0.2 10.77.0.1 "$KBAD")
expect "tshark: a key one bit off verifies nothing ($r)" "0/20 ESP packets verified" "$r"

t=$(esp_tshark_payloads "$P2" "${T2[@]}" | awk '{ print $3 }' | sort -u)
expect "tshark decrypts exactly the payload espgen encoded" "$HEX" "$t"
t=$(esp_tshark_payloads "$P1" "${T1[@]}")
o=$(open_payloads "$P1" 0x1001 "$K1" --src 10.77.0.2 --dst 10.77.0.1)
expect "tshark and espgen open: same 20 seqs and payloads" "$t" "$o"
ok=$(echo "$o" | awk '$2 == 1 && length($3) == 200 && substr($3, 1, 8) == sprintf("%08x", $1)' | wc -l)
expect "payloads are 100 B and start with their seq" 20 "$ok"
t=$(esp_tshark_fields "$P1" "${T1[@]}" ip.checksum.status udp.checksum.status esp.pad esp.protocol | sort -u)
expect "tshark: outer and inner IPv4 checksums good, inner UDP good, outer UDP zero, pad 0102, next header 4" \
	"$(printf '1,1\t3,1\t0102\t0x04')" "$t"
t=$(esp_tshark_fields "$P2" "${T2[@]}" udp.checksum.status esp.sequence | cut -f1 | sort -u)
expect "tshark: --outer-csum gives a good outer UDP checksum" "1,1" "$t"
t=$(esp_tshark_fields "$P2" "${T2[@]}" ip.src ip.dst udp.srcport udp.dstport | sort -u)
expect "tshark: outer and inner addresses and ports as given" \
	"$(printf '10.77.0.1,10.77.0.1\t10.77.0.2,10.77.0.2\t4500,7000\t4500,40001')" "$t"
o=$("$ESPGEN" open -r "$P2" --spi 0xc0ffee01 --key "$K2" | tail -n 1)
expect "espgen open: 6 of 6 ok" "# 6 frames, 6 ESP: 6 ok, 0 bad-icv, 0 no-sa, 0 wrong-addr, 0 malformed, 0 bad-pad, 0 bad-inner, 0 replay, 0 dummy" "$o"
expect "espgen open with the wrong key: all bad-icv" "$(rep bad-icv 20)" \
	"$(verdicts "$P1" 0x1001 10.77.0.2 10.77.0.1 "$KBAD")"
editcap -F pcapng "$P1" "$TMP/sa1.pcapng" 2>/dev/null
expect "espgen open reads pcapng the same" "$(open_payloads "$P1" 0x1001 "$K1")" \
	"$(open_payloads "$TMP/sa1.pcapng" 0x1001 "$K1")"
expect "the key is read from stdin too" "$(open_payloads "$P1" 0x1001 "$K1")" \
	"$(open_payloads "$P1" 0x1001 - < "$K1")"
! "$ESPGEN" seal --spi 1 --src 10.0.0.1 --dst 10.0.0.2 --key 00112233445566778899aabbccddeeff01020304 \
	--pattern 4 -w "$TMP/x.pcap" 2>/dev/null
ktap_check "espgen refuses a key given on the command line" [ $? -eq 0 ]

# ---- mutations: one defect each, seen the same way by both oracles ----
# 100-byte payload: inner 128 B, 2 pad bytes, trailer: ESP is 164 B. Bit 32
# is the top bit of the sequence number (seq 0 would be a replay instead).
ESP_LEN=164
mutant()	# NAME [MUTATION...]: 4 frames, seq 1..4
{
	"$ESPGEN" seal "${SA1[@]}" --pattern 100 --count 4 -w "$TMP/m-$1.pcap" "${@:2}"
}
for m in "seq:--flip-bit 32" "iv:--flip-bit 64" "ciphertext:--flip-bit 300" \
	 "icv:--flip-bit $((ESP_LEN * 8 - 1))" "truncated:--truncate $((ESP_LEN - 1))" \
	 "short:--truncate 20" "spi:--wrong-spi 0x1002" "src:--outer-src 10.77.0.3" \
	 "dst:--outer-dst 10.77.0.3" "replay:--replay" "pad:--bad-pad"; do
	# shellcheck disable=SC2086
	mutant "${m%%:*}" ${m#*:} || ktap_fail "espgen seal ${m#*:}"
done
# a bit flipped in the authenticated part: tshark and espgen say bad ICV
for n in seq iv ciphertext icv; do
	expect "mutation $n bit: tshark 0 good, 4 bad ICVs" "0 4" \
		"$(tshark_icv "$TMP/m-$n.pcap" "${T1[@]}")"
	expect "mutation $n bit: espgen open 4 bad-icv" "$(rep bad-icv 4)" \
		"$(verdicts "$TMP/m-$n.pcap" "${T1[@]}")"
done
expect "mutation SPI bit 3: another SPI, no SA for it" "$(rep no-sa 4)" \
	"$("$ESPGEN" seal "${SA1[@]}" --pattern 100 --count 4 --flip-bit 3 -w - |
	   "$ESPGEN" open -r - --spi 0x1001 --key "$K1" --no-data | kv verdict | tr '\n' ' ' | sed 's/ $//')"
for n in truncated short spi src dst; do
	expect "mutation $n: tshark verifies none of 4" "0/4 ESP packets verified" \
		"$(esp_tshark_report "$TMP/m-$n.pcap" "${T1[@]}")"
done
expect "mutation truncated: espgen open bad-icv" "$(rep bad-icv 4)" \
	"$(verdicts "$TMP/m-truncated.pcap" "${T1[@]}")"
expect "mutation short (20 B of ESP): espgen open malformed" "$(rep malformed 4)" \
	"$(verdicts "$TMP/m-short.pcap" "${T1[@]}")"
expect "mutation wrong SPI: espgen open no-sa" "$(rep no-sa 4)" \
	"$(verdicts "$TMP/m-spi.pcap" "${T1[@]}")"
r=$(esp_tshark_report "$TMP/m-spi.pcap" 0x1002 10.77.0.2 10.77.0.1 "$K1")
expect "mutation wrong SPI: sealed for that SPI, so valid under it ($r)" "4/4 ESP packets verified" "$r"
for n in src dst; do
	expect "mutation outer $n: espgen open wrong-addr" "$(rep wrong-addr 4)" \
		"$(verdicts "$TMP/m-$n.pcap" "${T1[@]}")"
done
r=$(esp_tshark_report "$TMP/m-src.pcap" 0x1001 10.77.0.3 10.77.0.1 "$K1")
expect "mutation outer src: only the address is wrong ($r)" "4/4 ESP packets verified" "$r"
r=$(esp_tshark_report "$TMP/m-replay.pcap" "${T1[@]}")
expect "mutation replay: tshark verifies all 5 frames ($r)" "5/5 ESP packets verified" "$r"
t=$(esp_tshark_fields "$TMP/m-replay.pcap" "${T1[@]}" esp.sequence _ws.expert.message |
    grep -c 'Wrong Sequence Number')
expect "mutation replay: tshark flags the repeated sequence number" 1 "$t"
expect "mutation replay: espgen open 4 ok, then replay" "ok ok ok ok replay" \
	"$(verdicts "$TMP/m-replay.pcap" "${T1[@]}")"
r=$(esp_tshark_report "$TMP/m-pad.pcap" "${T1[@]}")
t=$(esp_tshark_fields "$TMP/m-pad.pcap" "${T1[@]}" esp.pad esp.pad_len | sort -u)
expect "mutation bad pad: ICVs good ($r), pad bytes 0000 not 0102" \
	"4/4 ESP packets verified $(printf '0000\t2')" "$r $t"
expect "mutation bad pad: espgen open bad-pad" "$(rep bad-pad 4)" \
	"$(verdicts "$TMP/m-pad.pcap" "${T1[@]}")"
"$ESPGEN" seal "${SA1[@]}" --pattern 100 --truncate $ESP_LEN -w "$TMP/x.pcap" 2>/dev/null
ktap_check "espgen refuses a mutation outside the frame" [ $? -ne 0 ]
"$ESPGEN" seal "${SA1[@]}" --pattern 100 --replay --bad-pad -w "$TMP/x.pcap" 2>/dev/null
ktap_check "espgen refuses two mutations at once" [ $? -ne 0 ]

# ---- AF_PACKET: sent on a veth, captured on its peer ----
if [ "$(id -u)" != 0 ]; then
	ktap_skip "AF_PACKET send and capture" "needs root"
	ktap_finish
fi
if ! tb_ns_add "$NS_A" || ! tb_ns_add "$NS_B" || ! tb_link "$NS_A" a0 1500 "$NS_B" b0 1500; then
	ktap_fail "namespaces for the AF_PACKET test" "setup failed"
	ktap_finish
fi
CAP=$TMP/wire.pcap
# -Z root: tcpdump keeps root to write into the private directory
ip netns exec "$NS_B" timeout 30 tcpdump -Z root -n -i any -U -c 50 -w "$CAP" \
	udp port 4500 2> "$TMP/tcpdump.log" &
BG_PID=$!
tb_wait 10 grep -q 'listening on' "$TMP/tcpdump.log"
ip netns exec "$NS_A" "$ESPGEN" seal "${SA1[@]}" --inner-src 10.77.0.2:40001 \
	--inner-dst 10.77.0.1:7000 --pattern 1372 --count 50 -i a0 --interval 200 \
	--dmac "$(ip netns exec "$NS_B" cat /sys/class/net/b0/address)"
ktap_check "espgen sends 50 full-size frames on a veth (AF_PACKET)" [ $? -eq 0 ]
wait "$BG_PID"
rc=$?
BG_PID=
ktap_check "tcpdump on the peer captured all 50 (exit $rc)" [ $rc -eq 0 ]
r=$(esp_tshark_report "$CAP" "${T1[@]}")
expect "tshark on the capture: $r" "50/50 ESP packets verified" "$r"
o=$(open_payloads "$CAP" 0x1001 "$K1" --src 10.77.0.2 --dst 10.77.0.1)
expect "espgen open on the capture (Linux cooked v2): 50 ok, 1372 B each" 50 \
	"$(echo "$o" | awk '$2 == 1 && length($3) == 2744' | wc -l)"
expect "tshark and espgen open agree on the captured payloads" \
	"$(esp_tshark_payloads "$CAP" "${T1[@]}")" "$o"
ktap_finish
