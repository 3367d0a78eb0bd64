# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# tshark (Wireshark 4.0) as an independent ESP oracle for nicsec's tests:
# given a capture and one SA (SPI, outer source and destination, key file),
# it decrypts UDP-encapsulated ESP (port 4500) with AES-GCM-16 [RFC 4106]
# and checks every ICV. Sourced by test scripts (bash):
#
#	esp_tshark_verify   PCAP SPI SRC DST KEYFILE   -> "GOOD TOTAL"
#	esp_tshark_report   PCAP SPI SRC DST KEYFILE   -> "N/M ESP packets verified"
#	esp_tshark_payloads PCAP SPI SRC DST KEYFILE   -> "SEQ GOOD HEX" per ESP frame
#	esp_tshark_fields   PCAP SPI SRC DST KEYFILE FIELD...
#
# KEYFILE holds the hex of key | 4-byte salt (16/24/32 + 4 bytes), as for
# espgen. The key never appears on a command line: it is read with shell
# builtins and written as the esp_sa UAT into a private (0700) Wireshark
# configuration directory (WIRESHARK_CONFIG_DIR), removed again on every
# exit path. SRC or DST may be "*" (any). Verified UAT line for tshark 4.0:
#	"IPv4","10.77.0.2","10.77.0.1","0x00000100","AES-GCM with 16 octet ICV [RFC4106]","0x<key|salt hex>","NULL",""
# A wrong key still yields (garbage) plaintext: only esp.icv_good counts.
# "ESP frames" are those matching the display filter ESP_TSHARK_Y, "esp" by
# default; e.g. ESP_TSHARK_Y="esp.spi == 0x1001" esp_tshark_report ... to
# count one SA's frames in a capture that holds several.

ESP_TSHARK_TIMEOUT=${ESP_TSHARK_TIMEOUT:-60}
ESP_TSHARK_Y=${ESP_TSHARK_Y:-esp}

# Runs tshark on PCAP with the SA loaded and decryption and ICV checks on;
# extra arguments go to tshark. Output on stdout; tshark's stderr is shown
# only if it fails.
esp_tshark_run()	# PCAP SPI SRC DST KEYFILE [tshark args...]
(
	pcap=$1 spi=$2 src=$3 dst=$4 keyfile=$5
	shift 5
	dir=
	trap '[ -z "$dir" ] || rm -rf "$dir"' EXIT
	trap 'exit 1' INT TERM HUP
	umask 077
	key=
	if ! IFS= read -r -d '' key < "$keyfile" && [ -z "$key" ]; then
		echo "esp_tshark: cannot read key file \"$keyfile\"" >&2
		exit 2
	fi
	key=${key//[[:space:]:]/}
	key=${key#0x}
	key=${key#0X}
	case ${#key} in 40|56|72) ;; *) key=; echo "esp_tshark: key file \"$keyfile\": want hex of key | 4-byte salt" >&2; exit 2 ;; esac
	case $key in *[!0-9a-fA-F]*) key=; echo "esp_tshark: key file \"$keyfile\" is not hex" >&2; exit 2 ;; esac
	case $spi in
	0x*|0X*|[0-9]*) spi=$(printf '0x%08x' "$spi") || exit 2 ;;
	*) echo "esp_tshark: bad SPI \"$spi\"" >&2; exit 2 ;;
	esac
	dir=$(mktemp -d /tmp/nicsec-tshark.XXXXXX) || exit 2
	chmod 700 "$dir"
	printf '"IPv4","%s","%s","%s","AES-GCM with 16 octet ICV [RFC4106]","0x%s","NULL",""\n' \
		"$src" "$dst" "$spi" "$key" > "$dir/esp_sa"
	key=
	WIRESHARK_CONFIG_DIR=$dir timeout -k 5 "$ESP_TSHARK_TIMEOUT" tshark -n -r "$pcap" \
		-o esp.enable_encryption_decode:TRUE \
		-o esp.enable_authentication_check:TRUE \
		-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
		"$@" 2> "$dir/stderr"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "esp_tshark: tshark failed (exit $rc):" >&2
		grep -v '^Running as user' "$dir/stderr" >&2
	fi
	exit $rc
)

# Tab-separated FIELDs of every ESP frame, all occurrences comma-separated
# (an inner field follows the outer one of the same name).
esp_tshark_fields()	# PCAP SPI SRC DST KEYFILE FIELD...
{
	local a=("$1" "$2" "$3" "$4" "$5") f args=()
	shift 5
	for f in "$@"; do
		args+=(-e "$f")
	done
	esp_tshark_run "${a[@]}" -Y "$ESP_TSHARK_Y" -T fields -E occurrence=a -E aggregator=, "${args[@]}"
}

# "GOOD TOTAL": ESP frames whose ICV tshark verified, and all ESP frames.
# Succeeds only if there was at least one and every one was good.
esp_tshark_verify()	# PCAP SPI SRC DST KEYFILE
{
	local out good total
	out=$(esp_tshark_fields "$@" frame.number esp.icv_good) || return 2
	total=$(printf '%s\n' "$out" | grep -c .)
	good=$(printf '%s\n' "$out" | awk -F'\t' '$2 == "1" || $2 == "True" { n++ } END { print n + 0 }')
	echo "$good $total"
	[ "$total" -gt 0 ] && [ "$good" -eq "$total" ]
}

# One line for test output: "N/M ESP packets verified".
esp_tshark_report()	# PCAP SPI SRC DST KEYFILE
{
	local r rc
	r=$(esp_tshark_verify "$@")
	rc=$?
	[ -n "$r" ] || return 2
	echo "${r% *}/${r#* } ESP packets verified"
	return $rc
}

# Per ESP frame: "SEQ GOOD HEX", HEX the UDP payload of the decrypted inner
# packet ("-" if there is none: ICV bad, undecodable or not UDP).
esp_tshark_payloads()	# PCAP SPI SRC DST KEYFILE
{
	esp_tshark_fields "$@" esp.sequence esp.icv_good udp.payload |
	awk -F'\t' '{
		good = ($2 == "1" || $2 == "True") ? 1 : 0
		n = split($3, p, ",")
		# outer UDP payload first; a second one is the inner datagram
		print $1, good, (good && n >= 2 ? p[2] : "-")
	}'
}
