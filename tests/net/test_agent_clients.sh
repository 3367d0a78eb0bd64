#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Clients the agent does not know in advance: one strongSwan charon (ns
# cli) carries 52 connections, each its own IKE identity cN@clients.test,
# its own PSK and its own inner address 10.78.1.N; nicsec-agent (ns vm)
# has one connection for them all (remote_addrs = %any, remote id
# *@clients.test, remote_ts 10.78.1.0/24 narrowed to each client) and the
# per-identity PSKs in its secrets section. Through the device (host, bpf
# engine):
#   - 50 clients up at once, each its own IKE SA and CHILD_SA, 100 SAs on
#     the device, each client's datagrams (a sample of 10) echoed from its
#     own inner address;
#   - c51, whose PSK is not the one the agent holds for it, and a stranger
#     whose identity the pattern does not allow, refused with
#     AUTHENTICATION_FAILED, nothing of theirs installed, the 50 unaffected;
#   - all deleted by the clients: the agent holds no IKE SA, the device no
#     SA;
#   - a client that dies (SIGKILL) and connects again while its old IKE SA
#     is up, under each unique policy: no with INITIAL_CONTACT replaces the
#     old one, no without it and never keep both, replace replaces it
#     without INITIAL_CONTACT, keep refuses the newcomer.
set -u
T=$(dirname "$0")/..
[ -f "$T/lib.sh" ] || T=$(dirname "$0")
. "$T/lib.sh"
. "$T/ktap.sh"
. "$T/ike_lib.sh"

PREFIX=agm$$-
CTL=10.77.0.254
VM_IN=10.78.0.1
N=50
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
[ "$(id -u)" = 0 ] || { ktap_skip "clients through %any" "needs root"; ktap_finish; }
for c in /usr/lib/ipsec/charon swanctl jq; do
	command -v "$c" >/dev/null || { ktap_skip "clients through %any" "no $c"; ktap_finish; }
done
umask 077
TMP=$(mktemp -d /tmp/nicsec-clients-test.XXXXXX) || exit 1

cli() { ip netns exec "$TB_CLI" "$@"; }
dev_sa_count() { "$TB_BIN/nicsec" -j -d "$TB_BPFFS/dev" sa show | jq length; }
status() { cat "$TMP/agent/status.json" 2>/dev/null; }
up_ike() { status | jq '[.ike_sas[] | select(.state == "established")] | length'; }
up_child() { status | jq '[.ike_sas[].child_sas[] | select(.state == "installed")] | length'; }
swan() { ike_swanctl "$TMP/cli" "$TB_CLI" "$@"; }
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
ip -n "$TB_VM" route add 10.78.1.0/24 via $TB_CLI_ADDR || { ktap_fail "inner addresses"; ktap_finish; }
for i in $(seq 1 52); do
	ip -n "$TB_CLI" addr add "10.78.1.$i/32" dev lo || { ktap_fail "client addresses"; ktap_finish; }
done
ip netns exec "$TB_VM" "$TB_BIN/nstraffic" udp-echo -b $VM_IN -p 7000 -n 1000000 -t 300 > /dev/null &
BG="$BG $!"
tb_wait 5 sh -c "ip netns exec $TB_VM ss -Hlun 'sport = :7000' | grep -q ."

# ---- the clients: one charon, 52 connections ------------------------------------
mkdir -p "$TMP/cli/run" "$TMP/agent"
ike_charon_conf "$TMP/cli" $TB_CLI_ADDR $TB_VM_ADDR x vm "$VM_IN/32" "$VM_IN/32" \
	aes128gcm16-prfsha256-x25519 aes128gcm16
client()	# N ID [CONN_EXTRA]
{
	cat <<EOT
	c$1 {
		version = 2
		${3:-}
		local_addrs = $TB_CLI_ADDR
		remote_addrs = $TB_VM_ADDR
		encap = yes
		proposals = aes128gcm16-prfsha256-x25519
		local { auth = psk
			id = $2 }
		remote { auth = psk
			id = vm }
		children { s$1 { esp_proposals = aes128gcm16
			local_ts = 10.78.1.$1/32
			remote_ts = $VM_IN/32
			mode = tunnel } }
	}
EOT
}
charon_conf()	# [C1_EXTRA]
{
	echo "connections {"
	client 1 c1@clients.test "${1:-}"
	for i in $(seq 2 51); do client "$i" "c$i@clients.test"; done
	client 52 stranger@other.test
	echo "}"
	echo "secrets {"
	for i in $(seq 1 50); do
		printf '\tike-c%s { id-1 = c%s@clients.test\n\t\tsecret = "client %s secret" }\n' \
			"$i" "$i" "$i"
	done
	printf '\tike-c51 { id-1 = c51@clients.test\n\t\tsecret = "not what the agent has" }\n'
	printf '\tike-c52 { id-1 = stranger@other.test\n\t\tsecret = "stranger secret" }\n'
	echo "}"
}
charon_conf > "$TMP/cli/swanctl.conf"

# ---- the agent: one connection for every client, a secret per identity ---------
agent_conf()	# [UNIQUE]
{
	cat <<EOT
device {
	address = $CTL
	enroll_key = $TB_RUN/agent.key
}
connections {
	clients {
		local_addrs = $TB_VM_ADDR
		remote_addrs = %any
		${1:+unique = $1}
		proposals = aes128gcm16-prfsha256-x25519
		local { id = vm }
		remote { id = *@clients.test }
		children { s { local_ts = $VM_IN/32
			remote_ts = 10.78.1.0/24 } }
	}
}
secrets {
EOT
	for i in $(seq 1 51); do
		printf '\tike-c%s { id = c%s@clients.test\n\t\tsecret = "client %s secret" }\n' \
			"$i" "$i" "$i"
	done
	echo "}"
}
agent_conf > "$TMP/agent.conf"
chmod 600 "$TMP/agent.conf"

expect "nicsec-agent -t: the configuration parses" \
	"$TMP/agent.conf: 1 connection(s), 51 secret(s), ok" \
	"$(ip netns exec "$TB_VM" "$TB_BIN/nicsec-agent" -t -c "$TMP/agent.conf" 2>&1)"
chmod 644 "$TMP/agent.conf"
ktap_check "a configuration with secrets that others can read is refused" \
	sh -c "! ip netns exec $TB_VM $TB_BIN/nicsec-agent -t -c $TMP/agent.conf 2>&1 |
		grep -q ', ok' && ip netns exec $TB_VM $TB_BIN/nicsec-agent -t -c $TMP/agent.conf 2>&1 |
		grep -q 'readable by group or others'"
chmod 600 "$TMP/agent.conf"

if ike_charon_start "$TMP/cli" "$TB_CLI" && CHARON_PID=${IKE_PIDS##* } &&
   ike_agent_start "$TB_VM" "$TMP/agent.conf" "$TMP/agent"; then
	ktap_ok "charon (52 connections) and nicsec-agent (one %any connection) running"
else
	ktap_fail "charon and nicsec-agent running" \
		"$(tail -n 5 "$TMP/cli/swanctl.log" "$TMP/agent/agent.log" 2>&1)"
	ktap_finish
fi

t0=$(date +%s.%N)
fails=0
for i in $(seq 1 $N); do
	swan --initiate --ike "c$i" --child "s$i" --timeout 10 > "$TMP/init$i.log" 2>&1 ||
		fails=$((fails + 1))
done
t1=$(date +%s.%N)
ktap_diag "$N clients up one after another in $(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }') s"
tb_wait 10 sh -c "[ \"\$(jq '[.ike_sas[] | select(.state == \"established\")] | length' \
	$TMP/agent/status.json)\" = $N ]"
expect "$N clients through %any, each its own identity and PSK: all up" "0 $N $N" \
	"$fails $(up_ike) $(up_child)"
expect "each its own SA pair on the device" $((2 * N)) "$(dev_sa_count)"
expect "each CHILD_SA narrowed to its client's own address" "$N" \
	"$(status | jq '[.ike_sas[].child_sas[].remote_ts] | unique | length')"
ok=0
for i in 1 7 19 33 50; do
	cli "$TB_BIN/nstraffic" udp-send -S "10.78.1.$i" -a $VM_IN -p 7000 -n 10 -s 200 -t 10 |
		grep -q "echoed intact 10," && ok=$((ok + 1))
done
expect "clients 1, 7, 19, 33, 50: 10 datagrams each echoed from their own address" 5 $ok

auth0=$(status | jq .stats.auth_failed)
swan --initiate --ike c51 --child s51 --timeout 10 > "$TMP/c51.log" 2>&1
r51=$?
swan --initiate --ike c52 --child s52 --timeout 10 > "$TMP/c52.log" 2>&1
r52=$?
sleep 0.5
expect "c51 (a PSK not the agent's for it) and a stranger (an identity *@clients.test does not allow): both refused" \
	"1 1 2" "$([ $r51 != 0 ] && echo 1) $([ $r52 != 0 ] && echo 1) $(($(status | jq .stats.auth_failed) - auth0))"
expect "AUTHENTICATION_FAILED to both (strongSwan's log)" 2 \
	"$(grep -c 'received AUTHENTICATION_FAILED notify error' "$TMP/cli/charon.log")"
expect "the $N others unaffected, nothing of the refused installed" "$N $N $((2 * N))" \
	"$(up_ike) $(up_child) $(dev_sa_count)"
ktap_check "client 50 still carries traffic" \
	sh -c "ip netns exec $TB_CLI $TB_BIN/nstraffic udp-send -S 10.78.1.50 -a $VM_IN -p 7000 \
		-n 10 -s 200 -t 10 | grep -q 'echoed intact 10,'"

pids=
for i in $(seq 1 $N); do
	swan --terminate --ike "c$i" --timeout 5 > /dev/null 2>&1 &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p"
done
tb_wait 20 sh -c "[ \"\$(jq '.ike_sas | length' $TMP/agent/status.json)\" = 0 ] &&
	[ \"\$('$TB_BIN/nicsec' -j -d '$TB_BPFFS/dev' sa show | jq length)\" = 0 ]"
expect "all deleted by the clients: the agent holds no IKE SA, the device no SA" "0 0" \
	"$(status | jq '.ike_sas | length') $(dev_sa_count)"

# ---- a client that comes back: unique ----------------------------------------
# c1's charon dies without a word (SIGKILL) and starts again: its old IKE SA
# is still up on the agent when it connects anew.
c1_sas() { status | jq '[.ike_sas[] | select(.state == "established" and
	.peer_id == "c1@clients.test")] | length'; }
charon_crash()	# [C1_EXTRA]: kill -9, the new charon's configuration, start
{
	kill -KILL "$CHARON_PID" 2>/dev/null
	wait "$CHARON_PID" 2>/dev/null
	IKE_PIDS=${IKE_PIDS/ $CHARON_PID/}
	rm -f "$TMP/cli/charon.vici" "$TMP/cli/run/charon.pid"
	charon_conf "${1:-}" > "$TMP/cli/swanctl.conf"
	ike_charon_start "$TMP/cli" "$TB_CLI" && CHARON_PID=${IKE_PIDS##* }
}
agent_restart()	# UNIQUE
{
	kill "$IKE_AGENT_PID" 2>/dev/null
	tb_wait 10 sh -c "! kill -0 $IKE_AGENT_PID 2>/dev/null"
	agent_conf "$1" > "$TMP/agent.conf"
	ike_agent_start "$TB_VM" "$TMP/agent.conf" "$TMP/agent"
}
c1_up() { swan --initiate --ike c1 --child s1 --timeout 10 > "$TMP/c1.log" 2>&1; }
unique_case()	# NAME AGENT_UNIQUE CHARON_C1_EXTRA WANT(up? c1 SAs device SAs)
{
	agent_restart "$2"
	charon_crash "$3"
	c1_up
	charon_crash "$3"
	c1_up && r=1 || r=0
	sleep 0.5
	expect "$1" "$4" "$r $(c1_sas) $(dev_sa_count)"
}
unique_case "unique = no (default), INITIAL_CONTACT: the client's new IKE SA replaces the old" \
	"" "" "1 1 2"
ktap_check "... and carries traffic" sh -c "ip netns exec $TB_CLI $TB_BIN/nstraffic udp-send \
	-S 10.78.1.1 -a $VM_IN -p 7000 -n 10 -s 200 -t 10 | grep -q 'echoed intact 10,'"
# both staying: both IKE SAs' CHILD_SAs on the device, the newer outbound
# SA carrying the flow
unique_case "unique = no, no INITIAL_CONTACT (strongSwan unique = never): both stay" \
	"" "unique = never" "1 2 4"
unique_case "unique = never: both stay, INITIAL_CONTACT or not" never "" "1 2 4"
unique_case "unique = replace, no INITIAL_CONTACT: the old one goes" replace "unique = never" "1 1 2"
unique_case "unique = keep: the new one refused (AUTHENTICATION_FAILED), the old one stays" \
	keep "" "0 1 2"
ktap_finish
