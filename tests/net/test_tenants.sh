#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Tenants of one device, each on its own host port (host, bpf engine):
#
#   ns vm1 (tenant A): agent, app 10.78.0.1  vm0 10.77.0.1 -- nhost1 \
#   ns vm2 (tenant B): agent, app 10.78.0.3  vm0 10.77.0.3 -- nhost2 - device - nwire
#   ns vm3 (tenant C, added and removed under A's traffic) --- nhost3 /     |
#                                                                         cli0
#   ns cli: charon 1 (A's client) 10.77.0.2, app 10.78.0.2 --------- br0 --+
#   ns cli2: charon 2 (B's client) 10.77.0.4, app 10.78.0.4 -------/
#
# While A's client sends 50 datagrams/s through A's CHILD_SA, tenant B,
# from its own port and with its own key, tries everything on A: INSTALL of
# a flow and of an SA for A's addresses (DENIED), DELETE and QUERY of A's
# SA ids (NO_SA, as for a free id), FLUSH (only B's SAs go), A's captured
# control datagram sent in from B's port (dropped: AUTH), and packets
# from A's address (dropped: spoofed). Each is refused and counted for B;
# a tenant C is added and removed; A loses no datagram. Then B fills its
# quota (NO_SPACE, nothing half-installed), removing A deletes exactly A's
# SAs and the agent of A's port gets nothing through any more; on a device
# with a 16-SA table, a full table is NO_SPACE for every tenant and the
# agent answers its IKE peer TEMPORARY_FAILURE, and serves it once there is
# room; and a device sized for 1,000,000 SAs has every table that size.
set -u
T=$(dirname "$0")/..
[ -f "$T/lib.sh" ] || T=$(dirname "$0")
. "$T/lib.sh"
. "$T/ktap.sh"
. "$T/ike_lib.sh"

PREFIX=tn$$-
CTL=10.77.0.254
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
[ "$(id -u)" = 0 ] || { ktap_skip "tenants" "needs root"; ktap_finish; }
for c in /usr/lib/ipsec/charon swanctl tcpdump tshark jq python3; do
	command -v "$c" >/dev/null || { ktap_skip "tenants" "no $c"; ktap_finish; }
done
umask 077
TMP=$(mktemp -d /tmp/nicsec-tenants-test.XXXXXX) || exit 1
chmod 700 "$TMP"

expect()	# NAME WANT GOT
{
	if [ "$2" = "$3" ]; then
		ktap_ok "$1"
	else
		ktap_fail "$1" "want \"$2\", got \"$3\""
	fi
}

nicsec() { "$TB_BIN/nicsec" -d "$TB_BPFFS/dev" "$@"; }
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
# nicsec ctl from tenant T's VM with key K: ctl_as NS KEY ARGS...
ctl_as() { local ns=$1 key=$2; shift 2; in_ns "$ns" "$TB_BIN/nicsec" -j ctl dev $CTL key "$key" "$@"; }
tstat() { nicsec -j tenant show "$1" | jq -r ".[0].$2"; }	# TENANT FIELD
sas_of() { nicsec -j sa show tenant "$1" | jq length; }
ids_of() { nicsec -j sa show tenant "$1" | jq -r '.[].id'; }
drop_of() { nicsec -j stats | jq ".drops.$1"; }
newkey() { head -c 20 /dev/urandom | od -An -tx1 -v | tr -d ' \n' > "$1"; }

VM1=${PREFIX}vm1 VM2=${PREFIX}vm2 CLI2=${PREFIX}cli2
if ! tb_up adapter "$PREFIX" 3; then
	ktap_fail "test bed with three host ports"
	ktap_finish
fi
# B's client: a second host behind the wire, cli0 and its veth on a bridge
ip netns add "$CLI2" && ip -n "$CLI2" link set lo up &&
ip link add cb0 netns "$TB_CLI" type veth peer name c20 netns "$CLI2" &&
ip -n "$TB_CLI" addr del $TB_CLI_ADDR/24 dev cli0 &&
ip -n "$TB_CLI" link add br0 type bridge &&
ip -n "$TB_CLI" link set cli0 master br0 && ip -n "$TB_CLI" link set cb0 master br0 &&
ip -n "$TB_CLI" link set cb0 up && ip -n "$TB_CLI" link set br0 up &&
ip -n "$TB_CLI" addr add $TB_CLI_ADDR/24 dev br0 &&
ip -n "$CLI2" link set c20 up && ip -n "$CLI2" addr add 10.77.0.4/24 dev c20 &&
in_ns "$CLI2" ethtool -K c20 tx off >/dev/null || { ktap_fail "second client host"; ktap_finish; }
TB_NAMESPACES="$TB_NAMESPACES $CLI2"
tb_save
# inner (tunnelled) addresses and their routes through the outer peers
ip -n "$VM1" addr add 10.78.0.1/32 dev lo && ip -n "$VM1" route add 10.78.0.2/32 via 10.77.0.2 &&
ip -n "$VM2" addr add 10.78.0.3/32 dev lo && ip -n "$VM2" route add 10.78.0.4/32 via 10.77.0.4 &&
ip -n "$TB_CLI" addr add 10.78.0.2/32 dev lo &&
ip -n "$CLI2" addr add 10.78.0.4/32 dev lo || { ktap_fail "inner addresses"; ktap_finish; }

if ! tb_device_start --ctl-addr $CTL; then
	ktap_fail "device" "$(cat "$TB_RUN/devd.log")"
	ktap_finish
fi
ktap_check "tenant A on nhost1: 10.77.0.1/32 and 10.78.0.1/32, quota 8" \
	nicsec tenant add A dev nhost1 enroll "$TB_RUN/A.key" addr 10.77.0.1/32 \
	addr 10.78.0.1 quota 8
ktap_check "tenant B on nhost2: 10.77.0.3/32 and 10.78.0.3/32, quota 8" \
	nicsec tenant add B dev nhost2 enroll "$TB_RUN/B.key" addr 10.77.0.3 addr 10.78.0.3 quota 8
ktap_check "a prefix overlapping A's is refused" \
	eval '! nicsec tenant add X dev nhost3 enroll "$TMP/x.key" addr 10.78.0.0/24 2>"$TMP/err" &&
	grep -q "overlaps another tenant" "$TMP/err"'
expect "nicsec tenant show: A and B, each its own port" "A 1 B 2" \
	"$(nicsec -j tenant show | jq -r '[.[] | .tenant, .port] | join(" ")')"

# ---- agents and clients -------------------------------------------------------
ike_psk_file "$TMP/psk"
mkdir -p "$TMP/c1" "$TMP/c2"
IKE=aes128gcm16-prfsha256-x25519
ike_agent_conf "$TMP/a.conf" 10.77.0.1 10.77.0.2 vmA cliA 10.78.0.1/32 10.78.0.2/32 \
	$IKE aes128gcm16 no "$TMP/psk" $CTL "$TB_RUN/A.key"
ike_agent_conf "$TMP/b.conf" 10.77.0.3 10.77.0.4 vmB cliB 10.78.0.3/32 10.78.0.4/32 \
	$IKE aes128gcm16 no "$TMP/psk" $CTL "$TB_RUN/B.key"
ike_charon_conf "$TMP/c1" 10.77.0.2 10.77.0.1 cliA vmA 10.78.0.2/32 10.78.0.1/32 $IKE aes128gcm16
ike_charon_conf "$TMP/c2" 10.77.0.4 10.77.0.3 cliB vmB 10.78.0.4/32 10.78.0.3/32 $IKE aes128gcm16
# A's control traffic, to replay one of its datagrams from B's port later
in_ns "$VM1" timeout 120 tcpdump -Z root -n -i vm0 -U -w "$TMP/a-ctl.pcap" udp port 7447 \
	2> "$TMP/tcpdump.log" &
BG="$BG $!"
tb_wait 10 grep -q 'listening on' "$TMP/tcpdump.log"
if ike_agent_start "$VM1" "$TMP/a.conf" "$TMP/a" && ike_agent_start "$VM2" "$TMP/b.conf" "$TMP/b" &&
   ike_charon_start "$TMP/c1" "$TB_CLI" && ike_charon_start "$TMP/c2" "$CLI2"; then
	ktap_ok "agents in vm1 and vm2, charons in cli and cli2"
else
	ktap_fail "agents and charons" "$(tail -5 "$TMP"/a/agent.log "$TMP"/b/agent.log "$TMP"/c?/charon.log 2>&1)"
	ktap_finish
fi
in_ns "$VM1" "$TB_BIN/nstraffic" udp-echo -b 10.78.0.1 -p 7000 -n 1000000 -t 300 >/dev/null &
BG="$BG $!"
in_ns "$VM2" "$TB_BIN/nstraffic" udp-echo -b 10.78.0.3 -p 7000 -n 1000000 -t 300 >/dev/null &
BG="$BG $!"
tb_wait 5 sh -c "ip netns exec $VM2 ss -Hlun 'sport = :7000' | grep -q ."
ktap_check "client 1 brings up A's IKE SA and CHILD_SA" \
	ike_swanctl "$TMP/c1" "$TB_CLI" --initiate --child s --timeout 15
ktap_check "client 2 brings up B's IKE SA and CHILD_SA" \
	ike_swanctl "$TMP/c2" "$CLI2" --initiate --child s --timeout 15
expect "the device holds 2 SAs of A and 2 of B" "2 2" "$(sas_of A) $(sas_of B)"
ktap_check "A's and B's sessions each echo 10 datagrams" eval '
	in_ns "$TB_CLI" "$TB_BIN/nstraffic" udp-send -a 10.78.0.1 -p 7000 -n 10 -t 10 >/dev/null &&
	in_ns "$CLI2" "$TB_BIN/nstraffic" udp-send -a 10.78.0.3 -p 7000 -n 10 -t 10 >/dev/null'

# ---- B against A, while A's client sends 50 datagrams/s -----------------------
A_N=1000
in_ns "$TB_CLI" "$TB_BIN/nstraffic" udp-send -a 10.78.0.1 -p 7000 -n $A_N -s 200 -r 50 \
	-t 60 > "$TMP/a-traffic.out" &
A_TRAFFIC=$!
BG="$BG $A_TRAFFIC"
sleep 1
newkey "$TMP/k"
KB=$TB_RUN/B.key
ctl_as "$VM2" "$KB" install dir out spi 0x6001 flow 10.78.0.1 10.78.0.2 sakey "$TMP/k" \
	> /dev/null 2> "$TMP/err"
expect "B installs an outbound flow from A's address: DENIED" \
	"Error: install: a local address of the SA is not the tenant's" "$(cat "$TMP/err")"
ctl_as "$VM2" "$KB" install dir in spi 0x6002 flow 10.77.0.2 10.77.0.1 sakey "$TMP/k" \
	> /dev/null 2> "$TMP/err"
expect "B installs an inbound SA for A's address: DENIED" \
	"Error: install: a local address of the SA is not the tenant's" "$(cat "$TMP/err")"
expect "... both counted for B (denied 2), none installed" "2 2 2" \
	"$(tstat B denied) $(sas_of A) $(sas_of B)"
n=0 ok=1
for id in $(ids_of A); do
	ctl_as "$VM2" "$KB" delete id "$id" > /dev/null 2> "$TMP/err"
	grep -q "no such SA" "$TMP/err" || ok=0
	ctl_as "$VM2" "$KB" query id "$id" > /dev/null 2> "$TMP/err"
	grep -q "no such SA" "$TMP/err" || ok=0
	n=$((n + 2))
done
expect "B deletes and queries A's SA ids: NO_SA each time, as for a free id" "1 4" "$ok $n"
expect "... counted for B (foreign 4), A still holds its 2 SAs" "4 2" "$(tstat B foreign) $(sas_of A)"
free=$(( $(ids_of A | sort -n | tail -n 1) + 100 ))
ctl_as "$VM2" "$KB" delete id $free > /dev/null 2>&1
expect "a free id is NO_SA too, not counted as foreign" "4" "$(tstat B foreign)"
ktap_check "B's FLUSH: ok" ctl_as "$VM2" "$KB" flush
expect "... it removed B's 2 SAs and none of A's" "0 2 2" \
	"$(sas_of B) $(sas_of A) $(tstat B flushed)"
# one of A's INSTALLs (its agent's first request), sent in from B's port
hex=$(tshark -n -r "$TMP/a-ctl.pcap" -Y 'udp.dstport == 7447' -T fields -e udp.length \
	-e udp.payload 2>/dev/null | sort -n | tail -n 1 | cut -f 2 | tr -d ':')
auth0=$(tstat B drop_auth)
replay_from()	# NS
{
	in_ns "$1" python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(bytes.fromhex(sys.argv[1]), ("10.77.0.254", 7447))' "$hex"
}
replay_from "$VM2"
tb_wait 5 sh -c "[ \"\$($TB_BIN/nicsec -j -d $TB_BPFFS/dev tenant show B | jq '.[0].drop_auth')\" -gt $auth0 ]"
expect "A's captured INSTALL sent from B's port: dropped as AUTH for B, nothing applied" \
	"$((auth0 + 1)) 2 0" "$(tstat B drop_auth) $(sas_of A) $(sas_of B)"
replay0=$(tstat A drop_replay)
replay_from "$VM1"
tb_wait 5 sh -c "[ \"\$($TB_BIN/nicsec -j -d $TB_BPFFS/dev tenant show A | jq '.[0].drop_replay')\" -gt $replay0 ]"
expect "... and from A's own port: dropped as REPLAY" "$((replay0 + 1)) 2" \
	"$(tstat A drop_replay) $(sas_of A)"
spoof0=$(drop_of spoofed)
in_ns "$CLI2" timeout 5 tcpdump -Z root -n -i c20 -U -w "$TMP/spoof.pcap" src 10.78.0.1 \
	2> "$TMP/tcpdump2.log" &
DUMP=$!
tb_wait 5 grep -q 'listening on' "$TMP/tcpdump2.log"
ip -n "$VM2" addr add 10.78.0.1/32 dev lo
in_ns "$VM2" python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.78.0.1", 0))
for i in range(5):
    s.sendto(b"not the address of B", ("10.77.0.4", 7000))'
ip -n "$VM2" addr del 10.78.0.1/32 dev lo
wait $DUMP
n=$(tcpdump -Z root -n -r "$TMP/spoof.pcap" 2>/dev/null | grep -c .)
spoofed=$(( $(drop_of spoofed) - spoof0 ))
if [ "$spoofed" -ge 5 ] && [ "$n" = 0 ]; then
	ktap_ok "B sends 5 datagrams from A's address to its own client: dropped as spoofed ($spoofed), none arrived"
else
	ktap_fail "B sends 5 datagrams from A's address" "spoofed $spoofed, arrived $n"
fi
# a third tenant comes and goes under A's traffic
ktap_check "tenant C added on nhost3 under A's traffic" \
	nicsec tenant add C dev nhost3 enroll "$TB_RUN/C.key" addr 10.77.0.5/32
ktap_check "C's agent side reaches the device with C's key" \
	eval 'ctl_as ${PREFIX}vm3 "$TB_RUN/C.key" query | jq -e ".status == \"alive\"" >/dev/null'
ktap_check "tenant C removed" nicsec tenant del C
wait $A_TRAFFIC
expect "A's session meanwhile: every datagram echoed" \
	"udp: sent $A_N, echoed intact $A_N, corrupt 0, lost 0" "$(cat "$TMP/a-traffic.out")"
expect "A's refusals: none (denied foreign quota-full)" "0 0 0" \
	"$(tstat A denied) $(tstat A foreign) $(tstat A quota_full)"

# ---- quota: B may hold 8 SAs ---------------------------------------------------
load_b() { in_ns "$VM2" "$TB_BIN/ctlload" -d $CTL -k "$KB" -s 10.77.0.3 "$@"; }
load_b -n 7 > "$TMP/l1" 2>&1
load_b -n 2 -b 2 -f 100 > "$TMP/l2" 2>&1
l2=$?
expect "B installs 7, then 2 in one INSTALL past its quota of 8: NO_SPACE, neither installed" \
	"7 1 7" "$(sas_of B) $l2 $(sas_of B)"
grep -q "out of room" "$TMP/l2" || ktap_diag "$(cat "$TMP/l2")"
expect "... one more fills the quota, the next is NO_SPACE" "0 1 8 2" \
	"$(load_b -n 1 -f 200 >/dev/null 2>&1; echo $?) $(load_b -n 1 -f 300 >/dev/null 2>&1; echo $?) $(sas_of B) $(tstat B quota_full)"

# ---- removing A ---------------------------------------------------------------
ktap_check "tenant A removed" nicsec tenant del A
expect "exactly A's SAs went: B's 8 remain, nothing of A" "0 8 8" \
	"$(nicsec -j sa show | jq '[.[] | select(.tenant == "A")] | length') $(sas_of B) $(nicsec -j sa show | jq length)"
expect "A's port is no port any more: its agent's requests reach nobody" "1" \
	"$(ctl_as "$VM1" "$TB_RUN/A.key" query > /dev/null 2>&1; echo $?)"
ktap_check "B still served" eval 'ctl_as "$VM2" "$KB" query | jq -e ".sa_used == 8" >/dev/null'
ike_stop_all
tb_device_stop

# ---- a full table: 16 SAs for everyone ----------------------------------------
TB_MAX_SAS=16 tb_device_start --ctl-addr $CTL || { ktap_fail "16-SA device"; ktap_finish; }
nicsec tenant add A dev nhost1 key "$TB_RUN/A.key" addr 10.77.0.1 addr 10.78.0.1 >/dev/null &&
nicsec tenant add B dev nhost2 key "$TB_RUN/B.key" addr 10.77.0.3 addr 10.78.0.3 >/dev/null ||
	ktap_fail "tenants again, with their keys"
in_ns "$VM2" "$TB_BIN/ctlload" -d $CTL -k "$KB" -s 10.77.0.3 -n 15 -b 5 >/dev/null 2>&1
expect "B fills 15 of the 16 SAs" "15" "$(sas_of B)"
ctl_as "$VM1" "$TB_RUN/A.key" query > "$TMP/q"
expect "A's view of the device: its own SAs and quota, not B's" "0 16" \
	"$(jq -r '"\(.sa_used) \(.sa_max)"' "$TMP/q")"
mkdir -p "$TMP/c1b"
ike_charon_conf "$TMP/c1b" 10.77.0.2 10.77.0.1 cliA vmA 10.78.0.2/32 10.78.0.1/32 $IKE aes128gcm16
if ike_agent_start "$VM1" "$TMP/a.conf" "$TMP/a2" && ike_charon_start "$TMP/c1b" "$TB_CLI"; then
	ike_swanctl "$TMP/c1b" "$TB_CLI" --initiate --child s --timeout 15 > "$TMP/init.log" 2>&1
	expect "a CHILD_SA (2 SAs) with 1 free: nothing installed on the device" "0 15" \
		"$(sas_of A) $(sas_of B)"
	ktap_check "the agent answered TEMPORARY_FAILURE and logged why" eval '
		grep -q "received TEMPORARY_FAILURE notify" "$TMP/c1b/charon.log" &&
		grep -q "no room for the CHILD_SA: TEMPORARY_FAILURE" "$TMP/a2/agent.log"'
	expect "devd counted it as table_full for A" "1" "$(tstat A table_full)"
		ctl_as "$VM2" "$KB" delete id "$(ids_of B | head -n 1)" > /dev/null
	ike_swanctl "$TMP/c1b" "$TB_CLI" --terminate --ike c --timeout 5 > /dev/null 2>&1
	tb_wait 10 sh -c "[ \"\$(jq '.ike_sas | length' $TMP/a2/status.json)\" = 0 ]"
	ktap_check "with room again the same agent serves the client: up, 10 datagrams echoed" eval '
		ike_swanctl "$TMP/c1b" "$TB_CLI" --initiate --child s --timeout 15 >/dev/null &&
		in_ns "$TB_CLI" "$TB_BIN/nstraffic" udp-send -a 10.78.0.1 -p 7000 -n 10 -t 10 >/dev/null'
	expect "... A holds 2, B 14: the table is full again" "2 14" "$(sas_of A) $(sas_of B)"
else
	ktap_fail "agent and client on the 16-SA device"
fi
ike_stop_all
tb_device_stop

# ---- a device sized for a million SAs ------------------------------------------
TB_MAX_SAS=1000000 tb_device_start --ctl-addr $CTL || { ktap_fail "1M-SA device"; ktap_finish; }
sizes=$(for m in sa_table sa_replay spi_in gcm_slots flow_tab; do
	[ -e "$TB_BPFFS/dev/$m" ] || continue
	bpftool -j map show pinned "$TB_BPFFS/dev/$m" | jq -r '"\(.name)=\(.max_entries)"'
done | tr '\n' ' ')
ktap_diag "$sizes"
expect "--max-sas 1000000: every SA table has 1000000 entries" "" \
	"$(echo "$sizes" | tr ' ' '\n' | grep -v '=1000000$' | grep -v '^flow_tab=' | grep .)"
# two ways a bucket, 2^20 buckets: at most half full
expect "and flow_tab 2 x 2^20 ways" "flow_tab=2097152" \
	"$(echo "$sizes" | tr ' ' '\n' | grep '^flow_tab=')"
expect "nicsec dev show reports it" "1000000" "$(nicsec -j dev show | jq .max_sas)"
nicsec tenant add A dev nhost1 key "$TB_RUN/A.key" addr 10.77.0.1 >/dev/null
in_ns "$VM1" "$TB_BIN/ctlload" -d $CTL -k "$TB_RUN/A.key" -n 64 -b 16 >/dev/null 2>&1
expect "and installs into it" "64" "$(sas_of A)"
tb_device_stop
tb_down
ktap_check "no namespace or bpffs left" \
	eval '! ip netns list | grep -q "^$PREFIX" && ! grep -q "/run/nicsec/$PREFIX" /proc/mounts'
ktap_finish
