#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host half of the VM data-plane test: boots the VM with
# tests/vm/guest/test_datapath.sh (its results become ours), then has
# tshark, an independent decoder, check the wire captures it brought out:
# every ESP packet the device sent verifies (esp.icv_good) with the SA's
# key, and the decrypted payloads are exactly what the apps sent (UDP
# datagram by datagram, the TCP stream byte by byte).
set -u
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
BUILD=${BUILD:-build}
cd "$TOP" || exit 1
. tests/ktap.sh
. tests/esp_tshark.sh

# DP_OUT=DIR: check what an earlier run left in DIR (kept), no VM run
VM=10.77.0.1 CLI=10.77.0.2
ktap_header
if [ -n "${DP_OUT:-}" ]; then
	OUT=$DP_OUT
else
	OUT=$(mktemp -d /tmp/nicsec-dp.XXXXXX)
	trap 'rm -rf "$OUT"' EXIT
	ktap_import vm bash tests/vm/run-vm.sh -b "$BUILD" -t 480 -o "$OUT" test_datapath
fi

# "GOOD TOTAL" from esp_tshark_verify: all good, and at least one
all_good() { [ -n "$1" ] && [ "${1% *}" = "${1#* }" ] && [ "${1#* }" -gt 0 ]; }

# The decrypted TCP payloads of SA $1 in a capture form the app's stream.
tcp_check()	# PCAP SPI SRC DST KEYFILE BYTES
{
	ESP_TSHARK_Y="esp.spi == $2 && tcp.len > 0" esp_tshark_fields "$1" "$2" "$3" "$4" "$5" \
		tcp.seq tcp.payload | tcp_stream_ok "$6"
}

# byte i of nstraffic's TCP pattern: (i * 40503) >> 7, low 8 bits
tcp_stream_ok()	# lines "SEQ<TAB>HEX" of one direction -> 0 if all match
{
	awk -F'\t' -v want="$1" '
	BEGIN { for (i = 0; i < 256; i++) hexv[sprintf("%02x", i)] = i }
	$2 != "" {
		seq = $1 - 1; hex = $2; gsub(/[:,]/, "", hex)
		n = length(hex) / 2
		for (j = 0; j < n; j++) {
			b = hexv[substr(hex, 2 * j + 1, 2)]
			if (b != int((seq + j) * 40503 / 128) % 256) { bad++; break }
		}
		if (seq + n > top) top = seq + n
		segs++
	}
	END {
		printf "# %d segments, %d bytes of stream, %d bad\n", segs, top, bad
		exit !(bad == 0 && top == want)
	}'
}

for mode in adapter switch; do
	t="$mode:"
	d=$OUT/$mode
	if [ ! -s "$d/wire.pcap" ]; then
		ktap_fail "$t wire capture came out of the VM"
		continue
	fi
	ktap_ok "$t wire capture came out of the VM"
	total=0 good=0
	for sa in "0x1001 $VM $CLI key1" "0x1003 $VM $CLI key3" \
		  "0x2001 $CLI $VM key2" "0x2003 $CLI $VM key4"; do
		set -- $sa
		r=$(ESP_TSHARK_Y="esp.spi == $1" esp_tshark_verify "$d/wire.pcap" "$1" "$2" "$3" "$d/$4")
		echo "# SA $1 ($2 -> $3): ${r% *}/${r#* } ICVs good"
		good=$((good + ${r% *})) total=$((total + ${r#* }))
		dev=$([ "$2" = $VM ] && echo device || echo "kernel XFRM")
		ktap_check "$t tshark: every ESP packet of SA $1 (sent by the $dev) verifies" \
			all_good "$r"
	done
	echo "# $t $good/$total ESP packets verified"

	# UDP: the decrypted datagrams of SA 0x1001 are those the app logged
	ESP_TSHARK_Y="esp.spi == 0x1001" esp_tshark_payloads "$d/wire.pcap" 0x1001 $VM $CLI \
		"$d/key1" | awk '{ print $3 }' | sort > "$OUT/udp-wire"
	sort "$d/udp-sent.hex" > "$OUT/udp-app"
	ktap_check "$t tshark: the 100 decrypted UDP datagrams equal what the app sent" \
		cmp -s "$OUT/udp-wire" "$OUT/udp-app"

	# TCP: both directions of the decrypted stream are the app's 1 MiB pattern
	for sa in "0x1003 $VM $CLI key3" "0x2003 $CLI $VM key4"; do
		set -- $sa
		ktap_check "$t tshark: decrypted TCP stream of SA $1 is the app's 1 MiB, byte for byte" \
			tcp_check "$d/wire.pcap" "$1" "$2" "$3" "$d/$4" 1048576
	done

	# pass-through: the unmatched flow and IKE crossed as plain UDP
	n=$(tshark -n -r "$d/wire.pcap" -Y "udp.port == 7009 && !esp" 2>/dev/null | grep -c .)
	ktap_check "$t unmatched UDP flow on the wire in clear (20 datagrams)" [ "$n" = 20 ]
	n=$(tshark -n -r "$d/wire.pcap" -Y "udp.dstport == 4500 && udp.srcport == 4501" 2>/dev/null | grep -c .)
	ktap_check "$t IKE-style datagrams to 4500 on the wire unchanged (10)" [ "$n" = 10 ]
done
ktap_finish
