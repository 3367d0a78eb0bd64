#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Several CHILD_SAs on one IKE SA: strongSwan (ns cli) as the client with
# three children, one per service (and two it should not get), against
# nicsec-agent (ns vm) with the
# same three children configured, through the device (host, bpf engine):
#
#   svc1  10.78.0.2:9001 <-> 10.78.0.1:7001 udp     (IKE_AUTH)
#   svc2  10.78.0.2:9002 <-> 10.78.0.1:7002 udp     (CREATE_CHILD_SA)
#   svc3  10.78.0.2:9003 <-> 10.78.0.1:7003 udp     (CREATE_CHILD_SA)
#
# Checked: each child its own SA pair on the device (6 SAs) and its own
# datagrams echoed; the agent's status names each child; one child deleted
# by the client leaves the others carrying traffic, and asking for it again
# on the same IKE SA brings it back; an IKE SA rekey and a CHILD_SA rekey
# keep every child; a child whose selectors no configuration takes
# (TS_UNACCEPTABLE) and a second CHILD_SA for selectors one already
# carries are refused without touching the others; the agent as the
# initiator opens all three itself; at the end the device holds no SA.
set -u
T=$(dirname "$0")/..
[ -f "$T/lib.sh" ] || T=$(dirname "$0")
. "$T/lib.sh"
. "$T/ktap.sh"
. "$T/ike_lib.sh"

PREFIX=agc$$-
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
[ "$(id -u)" = 0 ] || { ktap_skip "several CHILD_SAs" "needs root"; ktap_finish; }
for c in /usr/lib/ipsec/charon swanctl jq; do
	command -v "$c" >/dev/null || { ktap_skip "several CHILD_SAs" "no $c"; ktap_finish; }
done
umask 077
TMP=$(mktemp -d /tmp/nicsec-children-test.XXXXXX) || exit 1

cli() { ip netns exec "$TB_CLI" "$@"; }
dev_sa_count() { "$TB_BIN/nicsec" -j -d "$TB_BPFFS/dev" sa show | jq length; }
status() { cat "$TMP/agent/status.json" 2>/dev/null; }
children() { status | jq -r '[.ike_sas[] | select(.state == "established") | .child_sas[] |
	select(.state == "installed") | .child] | sort | join(" ")'; }
swan() { ike_swanctl "$TMP/cli" "$TB_CLI" "$@"; }
expect()	# NAME WANT GOT
{
	if [ "$2" = "$3" ]; then
		ktap_ok "$1"
	else
		ktap_fail "$1" "want \"$2\", got \"$3\""
	fi
}
# echo N: 20 datagrams cli:900N -> vm:700N, every one echoed intact
echo_ok()
{
	cli "$TB_BIN/nstraffic" udp-send -a $VM_IN -p "700$1" -P "900$1" -n 20 -s 200 -t 10 |
		grep -q "echoed intact 20,"
}
wait_for()	# SECONDS WANT-CHILDREN WANT-DEVICE-SAS
{
	tb_wait "$1" sh -c "[ \"\$(jq -r '[.ike_sas[] | select(.state == \"established\") |
		.child_sas[] | select(.state == \"installed\") | .child] | sort | join(\" \")' \
		$TMP/agent/status.json 2>/dev/null)\" = '$2' ] &&
		[ \"\$('$TB_BIN/nicsec' -j -d '$TB_BPFFS/dev' sa show | jq length)\" = $3 ]"
}

if ! tb_up adapter "$PREFIX" || ! tb_device_start --ctl-addr $CTL --enroll "$TB_RUN/agent.key"; then
	ktap_fail "test bed with the device" "$(cat "$TB_RUN/devd.log" 2>/dev/null)"
	ktap_finish
fi
ip -n "$TB_VM" addr add $VM_IN/32 dev lo &&
ip -n "$TB_VM" route add $CLI_IN/32 via $TB_CLI_ADDR &&
ip -n "$TB_CLI" addr add $CLI_IN/32 dev lo || { ktap_fail "inner addresses"; ktap_finish; }
for n in 1 2 3; do
	ip netns exec "$TB_VM" "$TB_BIN/nstraffic" udp-echo -b $VM_IN -p "700$n" -n 1000000 -t 300 \
		> /dev/null &
	BG="$BG $!"
done
tb_wait 5 sh -c "[ \$(ip netns exec $TB_VM ss -Hlun | grep -c ':700[123] ') = 3 ]"

ike_psk_file "$TMP/psk"
mkdir -p "$TMP/cli/run" "$TMP/agent"
# the client: strongswan.conf from ike_lib.sh, its own three (four) children
ike_charon_conf "$TMP/cli" $TB_CLI_ADDR $TB_VM_ADDR cli vm "$CLI_IN/32" "$VM_IN/32" \
	aes128gcm16-prfsha256-x25519 aes128gcm16
swan_child() { # NAME N [START]
	cat <<EOT
			$1 { esp_proposals = aes128gcm16
				local_ts = $CLI_IN/32[udp/900$2]
				remote_ts = $VM_IN/32[udp/700$2]
				mode = tunnel
				${3:-} }
EOT
}
cat > "$TMP/cli/swanctl.conf" <<EOT
connections {
	c {
		version = 2
		local_addrs = $TB_CLI_ADDR
		remote_addrs = $TB_VM_ADDR
		encap = yes
		proposals = aes128gcm16-prfsha256-x25519
		local { auth = psk
			id = cli }
		remote { auth = psk
			id = vm }
		children {
$(swan_child svc1 1)
$(swan_child svc2 2)
$(swan_child svc3 3)
$(swan_child svc9 9)
			dup1 { esp_proposals = aes128gcm16
				local_ts = $CLI_IN/32[udp/9001]
				remote_ts = $VM_IN/32[udp]
				mode = tunnel }
		}
	}
}
secrets { ike-1 { id-1 = cli
	id-2 = vm
	secret = "$IKE_PSK_TEXT" } }
EOT
agent_conf()	# START
{
	local n
	cat > "$TMP/agent.conf" <<EOT
device {
	address = $CTL
	enroll_key = $TB_RUN/agent.key
}
connections {
	c {
		local_addrs = $TB_VM_ADDR
		remote_addrs = $TB_CLI_ADDR
		start = $1
		proposals = aes128gcm16-prfsha256-x25519
		local { id = vm
			psk_file = $TMP/psk }
		remote { id = cli }
		children {
$(for n in 1 2 3; do
	printf '\t\t\tsvc%s { local_ts = %s/32[udp/700%s]\n\t\t\t\tremote_ts = %s/32[udp/900%s] }\n' \
		$n $VM_IN $n $CLI_IN $n
done)
		}
	}
}
EOT
}
agent_conf no
if ike_charon_start "$TMP/cli" "$TB_CLI" && ike_agent_start "$TB_VM" "$TMP/agent.conf" "$TMP/agent"; then
	ktap_ok "charon (5 children) and nicsec-agent (3 children) running"
else
	ktap_fail "charon and nicsec-agent running" \
		"$(tail -n 5 "$TMP/cli/swanctl.log" "$TMP/agent/agent.log" 2>&1)"
	ktap_finish
fi

# ---- three children on one IKE SA ----------------------------------------------
for n in 1 2 3; do
	swan --initiate --child "svc$n" --timeout 15 > "$TMP/init$n.log" 2>&1
done
wait_for 10 "svc1 svc2 svc3" 6
expect "three CHILD_SAs on one IKE SA, each named in the status" "1 svc1 svc2 svc3" \
	"$(status | jq -r '.ike_sas | length') $(children)"
expect "each its own SA pair on the device" 6 "$(dev_sa_count)"
expect "two of them made by CREATE_CHILD_SA (strongSwan's log)" 2 \
	"$(grep -c "generating CREATE_CHILD_SA request" "$TMP/cli/charon.log")"
for n in 1 2 3; do
	ktap_check "svc$n: 20 datagrams 900$n -> 700$n echoed through its own SA" echo_ok $n
done
pk() { "$TB_BIN/nicsec" -j -d "$TB_BPFFS/dev" sa show | jq '[.[] | .packets] | add'; }
expect "every datagram counted by the device (20 in, 20 out, 3 children)" 120 "$(pk)"

# ---- one deleted, the others carry on; back again ------------------------------
swan --terminate --child svc2 --timeout 5 > /dev/null 2>&1
wait_for 10 "svc1 svc3" 4
expect "svc2 deleted by the client: the others stay, 4 SAs on the device" "svc1 svc3 4" \
	"$(children) $(dev_sa_count)"
ktap_check "svc1 still carries traffic" echo_ok 1
ktap_check "svc3 still carries traffic" echo_ok 3
swan --initiate --child svc2 --timeout 15 > /dev/null 2>&1
wait_for 10 "svc1 svc2 svc3" 6
expect "svc2 asked for again on the same IKE SA: up" "svc1 svc2 svc3 6" \
	"$(children) $(dev_sa_count)"
ktap_check "svc2 carries traffic again" echo_ok 2

# ---- refusals that touch nothing else ----------------------------------------------
if swan --initiate --child svc9 --timeout 10 > "$TMP/svc9.log" 2>&1; then
	ktap_fail "a child no configuration takes is refused" "strongSwan says it is up"
else
	expect "a child no configuration takes: TS_UNACCEPTABLE, the others untouched" \
		"1 svc1 svc2 svc3 6" \
		"$(grep -c 'TS_UNACCEPTABLE' "$TMP/cli/charon.log" | awk '{ print ($1 > 0) }') $(children) $(dev_sa_count)"
fi
# dup1: another child of strongSwan's, wider than svc1 (so strongSwan's own
# duplicate check lets it go) and narrowed by the agent to svc1's selectors
swan --initiate --child dup1 --timeout 10 > "$TMP/dup.log" 2>&1
tb_wait 5 grep -q 'already carries these selectors' "$TMP/agent/agent.log" ||
	ktap_diag "$(tail -n 4 "$TMP/dup.log" "$TMP/agent/agent.log")"
expect "a second CHILD_SA for svc1's selectors refused, svc1's own untouched" \
	"1 svc1 svc2 svc3 6" \
	"$(grep -c 'already carries these selectors' "$TMP/agent/agent.log" | awk '{ print ($1 > 0) }') $(children) $(dev_sa_count)"
ktap_check "svc1 still carries traffic after that" echo_ok 1

# ---- rekeys keep every child ---------------------------------------------------------
spis_before=$(status | jq -r '.ike_sas[0].spis')
swan --rekey --ike c > /dev/null 2>&1
tb_wait 15 sh -c "[ \"\$(jq -r '[.ike_sas[] | select(.state == \"established\")] |
	length' $TMP/agent/status.json)\" = 1 ] && [ \"\$(jq -r '.ike_sas | length' \
	$TMP/agent/status.json)\" = 1 ] && [ \"\$(jq -r '.ike_sas[0].spis' \
	$TMP/agent/status.json)\" != '$spis_before' ]"
expect "IKE SA rekeyed by the client: one new IKE SA, all three children on it" \
	"1 svc1 svc2 svc3 6" "$(status | jq -r '.ike_sas | length') $(children) $(dev_sa_count)"
for n in 1 2 3; do
	ktap_check "after the IKE rekey svc$n carries traffic" echo_ok $n
done
out3=$(status | jq -r '.ike_sas[0].child_sas[] | select(.child == "svc3") | .spi_out')
swan --rekey --child svc3 > /dev/null 2>&1
tb_wait 15 sh -c "[ \"\$(jq -r '.ike_sas[0].child_sas | length' $TMP/agent/status.json)\" = 3 ] &&
	[ \"\$(jq -r '.ike_sas[0].child_sas[] | select(.child == \"svc3\") | .spi_out' \
	$TMP/agent/status.json)\" != '$out3' ]"
wait_for 10 "svc1 svc2 svc3" 6
expect "svc3 rekeyed by the client: new SPIs, the others as they were, 6 SAs" \
	"svc1 svc2 svc3 6 1" "$(children) $(dev_sa_count) $(status | jq -r \
	"[.ike_sas[0].child_sas[] | select(.child == \"svc3\") | .spi_out != \"$out3\"] | all" |
	sed 's/true/1/')"
ktap_check "svc3 carries traffic on its new SA" echo_ok 3

swan --terminate --ike c --timeout 5 > /dev/null 2>&1
wait_for 10 "" 0
expect "IKE SA deleted: no child left, the device holds no SA" "0 0" \
	"$(status | jq -r '.ike_sas | length') $(dev_sa_count)"

# ---- the agent as initiator opens every configured child -------------------------
kill "$IKE_AGENT_PID" 2>/dev/null
tb_wait 10 sh -c "! kill -0 $IKE_AGENT_PID 2>/dev/null"
agent_conf yes
ike_agent_start "$TB_VM" "$TMP/agent.conf" "$TMP/agent" || ktap_fail "agent restarted"
wait_for 20 "svc1 svc2 svc3" 6
expect "nicsec-agent as initiator: IKE_AUTH with svc1, then svc2 and svc3" \
	"svc1 svc2 svc3 6" "$(children) $(dev_sa_count)"
for n in 1 2 3; do
	ktap_check "initiated svc$n carries traffic" echo_ok $n
done
kill "$IKE_AGENT_PID" 2>/dev/null
tb_wait 10 sh -c "! kill -0 $IKE_AGENT_PID 2>/dev/null"
expect "agent stopped: its SAs gone from the device" 0 "$(dev_sa_count)"
ktap_finish
