# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# IKE peers for the tests and the demo: strongSwan's charon (IKEv2 + ESP in
# user space through kernel-libipsec, PLATFORM.md's recipe) and
# nicsec-agent, each in a namespace of the test bed. Sourced after lib.sh.
#
#   ike_charon_conf DIR LOCAL REMOTE LID RID LTS RTS PROPOSALS ESP [CHILD_EXTRA] [CONN_EXTRA]
#   ike_charon_start DIR NS          charon with a private /run; waits for vici
#   ike_swanctl DIR NS ARGS...       swanctl against that charon
#   ike_charon_keys LOG              "initiator HEX" / "responder HEX" (needs IKE_CHARON_CHD=4)
#   ike_agent_conf FILE LOCAL REMOTE LID RID LTS RTS PROPOSALS ESP START PSKFILE [DEV_ADDR KEY] [CHILD_EXTRA] [CONN_EXTRA]
#   ike_agent_start NS CONF DIR [nicsec-agent options]   waits for "ready"
#   ike_stop_all                     ends every process these started
#
# The PSK is test-only and lives in 0600 files in the test's private dir.
IKE_PIDS=${IKE_PIDS:-}
IKE_PSK_TEXT="nicsec agent interop test only"

ike_charon_conf()
{
	local d=$1
	mkdir -p "$d/run"
	cat > "$d/strongswan.conf" <<EOT
charon {
	load_modular = no
	# openssl first (AES-NI); kernel-libipsec before kernel-netlink
	load = openssl kdf random nonce pem pkcs1 x509 kernel-libipsec kernel-netlink socket-default vici
	install_routes = yes
	retransmit_tries = 3
	retransmit_timeout = 1
	filelog {
		log {
			path = $d/charon.log
			default = 1
			ike = 2
			chd = ${IKE_CHARON_CHD:-1}
			flush_line = yes
		}
	}
	plugins {
		vici { socket = unix://$d/charon.vici }
	}
}
# swanctl reads this file too (ike_swanctl): only what it needs, so the
# VM image carries no more plugins than charon's
swanctl {
	load = random openssl pem pkcs1 x509
}
EOT
	cat > "$d/swanctl.conf" <<EOT
connections {
	c {
		version = 2
		local_addrs = $2
		remote_addrs = $3
		encap = yes
		proposals = $8
		${11:-}
		local { auth = psk
			id = $4 }
		remote { auth = psk
			id = $5 }
		children { s {
			esp_proposals = $9
			local_ts = $6
			remote_ts = $7
			mode = tunnel
			${10:-}
		} }
	}
}
secrets { ike-1 { id-1 = $4
	id-2 = $5
	secret = "${IKE_CHARON_PSK:-$IKE_PSK_TEXT}" } }
EOT
}

ike_charon_start()	# DIR NS
{
	local d=$1
	ip netns exec "$2" unshare -m --propagation private sh -c \
		"mount --bind $d/run /run && STRONGSWAN_CONF=$d/strongswan.conf exec /usr/lib/ipsec/charon" \
		> "$d/stdout" 2>&1 &
	IKE_PIDS="$IKE_PIDS $!"
	tb_wait 30 test -S "$d/charon.vici" &&
	ike_swanctl "$d" "$2" --load-all --file "$d/swanctl.conf" > "$d/swanctl.log" 2>&1
}

ike_swanctl()	# DIR NS ARGS...
{
	local d=$1 ns=$2
	shift 2
	STRONGSWAN_CONF=$d/strongswan.conf ip netns exec "$ns" timeout 30 swanctl "$@" \
		--uri "unix://$d/charon.vici"
}

ike_charon_keys()	# LOG
{
	awk '
	/encryption (initiator|responder) key => [0-9]+ bytes/ {
		who = ($0 ~ /initiator/) ? "initiator" : "responder"
		match($0, /=> [0-9]+ bytes/); want = substr($0, RSTART + 3, RLENGTH - 9) + 0
		hex = ""; next
	}
	who != "" && match($0, /\[CHD\] +[0-9]+: /) {
		n = split(substr($0, RSTART + RLENGTH, 48), t, " ")
		for (i = 1; i <= n && length(hex) < 2 * want; i++)
			if (t[i] ~ /^[0-9A-Fa-f][0-9A-Fa-f]$/) hex = hex tolower(t[i])
		if (length(hex) == 2 * want) { print who, hex; who = "" }
		next
	}
	{ who = "" }' "$1"
}

ike_psk_file()	# FILE [TEXT]
{
	( umask 077; printf '%s\n' "${2:-$IKE_PSK_TEXT}" > "$1" )
}

ike_agent_conf()
{
	local f=$1 dev=
	if [ -n "${12:-}" ]; then
		dev="device {
	address = ${12}
	enroll_key = ${13}
}"
	fi
	cat > "$f" <<EOT
# nicsec-agent test configuration
$dev
connections {
	c {
		local_addrs = $2
		remote_addrs = $3
		start = ${10}
		proposals = $8
		${15:-}
		local {
			id = $4
			psk_file = ${11}
		}
		remote {
			id = $5
		}
		children {
			s {
				local_ts = $6
				remote_ts = $7
				esp_proposals = $9
				${14:-}
			}
		}
	}
}
EOT
}

ike_agent_start()	# NS CONF DIR [options]
{
	local ns=$1 conf=$2 d=$3
	shift 3
	mkdir -p "$d"
	ip netns exec "$ns" "$TB_BIN/nicsec-agent" -c "$conf" -s "$d/status.json" "$@" \
		> "$d/agent.log" 2>&1 &
	IKE_AGENT_PID=$!
	IKE_PIDS="$IKE_PIDS $IKE_AGENT_PID"
	tb_wait 10 grep -q 'ready' "$d/agent.log"
}

ike_stop_all()
{
	local p
	for p in $IKE_PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $IKE_PIDS; do
		tb_wait 10 sh -c "! kill -0 $p 2>/dev/null" || kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	IKE_PIDS=
}
