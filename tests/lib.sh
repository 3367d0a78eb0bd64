# SPDX-License-Identifier: GPL-2.0
# The nicsec test bed: network namespaces wired as DESIGN.md draws them,
# a private bpffs for the device's pinned maps, and the device daemon.
# Sourced by tests/net/*.sh and tools/testbed (bash; POSIX sh + local).
#
# Adapter mode (the device on the server's port):
#
#   ns vm               ns nic (the device)               ns cli
#   vm0 10.77.0.1 --- nhost [XDP]   [XDP] nwire --- cli0 10.77.0.2
#   mtu 1400          mtu 1400        mtu 1500       mtu 1500
#
# Switch mode (the device further out; nic is a plain bridge):
#
#   ns vm            ns nic (bridge)       ns sw (the device)         ns cli
#   vm0 --- nhost [br0] nwire --- shost [XDP]   [XDP] swire --- cli0
#   1400    1400        1400      1400              1500        1500
#
# Several VMs (adapter mode, tb_up ... N with N >= 2): each VM is a tenant
# of the device on its own host port, as a SmartNIC gives each VM a
# virtual function; VM k is namespace PREFIXvmk at 10.77.0.(2k-1):
#
#   ns vm1  vm0 10.77.0.1 --- nhost1 [XDP] \
#   ns vm2  vm0 10.77.0.3 --- nhost2 [XDP] -- ns nic -- [XDP] nwire --- cli0
#   ...                                                        10.77.0.2
#
# The host side runs at MTU 1400 so that a full-size packet still fits on
# the 1500-byte wire once ESP-in-UDP adds its 62-65 bytes.
#
# Every namespace name starts with a prefix, so test beds of concurrent
# tests never meet. State lives in /run/nicsec/PREFIX (env, logs, bpffs).

TB_TOP=${TB_TOP:-$(cd "$(dirname "${BASH_SOURCE:-$0}")/.." && pwd)}
TB_BIN=${TB_BIN:-$TB_TOP/build/bin}
TB_VM_ADDR=10.77.0.1
TB_CLI_ADDR=10.77.0.2
TB_HOST_MTU=1400
TB_WIRE_MTU=1500
TB_ENGINE=${TB_ENGINE:-auto}	# nicsec-devd --engine
# nicsec-devd --max-sas: small, so that tests dumping every map stay quick
# (devd's own default is 65536; bench-scale and the tenant test ask for more)
TB_MAX_SAS=${TB_MAX_SAS:-4096}

# Poll CMD every 0.1 s until it succeeds or TIMEOUT seconds pass.
tb_wait()	# TIMEOUT CMD...
{
	local end=$(( $(date +%s) + $1 ))
	shift
	while ! "$@" 2>/dev/null; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.1
	done
}

tb_ns_add()	# NAME
{
	ip netns add "$1" || return 1
	ip -n "$1" link set lo up
	# No IPv6 autoconfiguration chatter: counters in tests stay exact.
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
}

# veth pair A (in ns NA) <-> B (in ns NB) with MTUs, both up.
tb_link()	# NA A MTU_A NB B MTU_B
{
	ip link add "$2" mtu "$3" netns "$1" type veth peer name "$5" mtu "$6" netns "$4" &&
	ip -n "$1" link set "$2" up &&
	ip -n "$4" link set "$5" up
}

# The namespace, host port and address of VM k (1..TB_VMS).
tb_vm_ns()	{ [ "$TB_VMS" = 1 ] && echo "$TB_VM" || echo "${TB_PREFIX}vm$1"; }
tb_vm_port()	{ [ "$TB_VMS" = 1 ] && echo nhost || echo "nhost$1"; }
tb_vm_addr()	{ echo "10.77.0.$((2 * $1 - 1))"; }

tb_save()
{
	cat > "$TB_RUN/env" <<EOT
TB_PREFIX=$TB_PREFIX
TB_MODE=$TB_MODE
TB_VMS=$TB_VMS
TB_RUN=$TB_RUN
TB_BPFFS=$TB_BPFFS
TB_VM=$TB_VM
TB_CLI=$TB_CLI
TB_NIC=$TB_NIC
TB_SW=$TB_SW
TB_DEV=$TB_DEV
TB_DEV_HOST=$TB_DEV_HOST
TB_DEV_WIRE=$TB_DEV_WIRE
TB_NAMESPACES="$TB_NAMESPACES"
EOT
}

# Load the state of the test bed with PREFIX; fails if there is none.
tb_load()	# PREFIX
{
	[ -f "/run/nicsec/$1/env" ] || return 1
	. "/run/nicsec/$1/env"
}

tb_up()		# adapter|switch PREFIX [VMS]
{
	local k ns
	TB_MODE=$1
	TB_PREFIX=$2
	TB_VMS=${3:-1}
	TB_RUN=/run/nicsec/$TB_PREFIX
	TB_BPFFS=$TB_RUN/bpffs
	TB_VM=${TB_PREFIX}vm
	TB_CLI=${TB_PREFIX}cli
	TB_NIC=${TB_PREFIX}nic
	TB_SW= TB_DEV= TB_DEV_HOST= TB_DEV_WIRE=
	case $TB_VMS in
	''|*[!0-9]*|0) echo "testbed: --vms takes 1..64" >&2; return 2 ;;
	esac
	if [ "$TB_VMS" -gt 64 ] || { [ "$TB_VMS" -gt 1 ] && [ "$TB_MODE" != adapter ]; }; then
		echo "testbed: --vms 2..64 builds adapter mode only (one host port per VM)" >&2
		return 2
	fi
	[ "$TB_VMS" = 1 ] || TB_VM=${TB_PREFIX}vm1
	TB_NAMESPACES="$TB_NIC $TB_CLI"
	for k in $(seq "$TB_VMS" -1 1); do
		TB_NAMESPACES="$(tb_vm_ns "$k") $TB_NAMESPACES"
	done
	case $TB_MODE in
	adapter) ;;
	switch)	TB_SW=${TB_PREFIX}sw
		TB_NAMESPACES="$TB_VM $TB_NIC $TB_SW $TB_CLI" ;;
	*)	echo "testbed: unknown mode \"$TB_MODE\" (adapter or switch)" >&2; return 2 ;;
	esac
	if [ -e "$TB_RUN" ]; then
		echo "testbed: $TB_RUN exists: test bed \"$TB_PREFIX\" is up already" >&2
		return 1
	fi
	mkdir -p "$TB_RUN" "$TB_BPFFS" || return 1
	# Saved first, so that tb_down can undo a half-built test bed.
	tb_save
	mount -t bpf bpf "$TB_BPFFS" || return 1

	local ns
	for ns in $TB_NAMESPACES; do
		tb_ns_add "$ns" || return 1
	done
	if [ "$TB_MODE" = adapter ]; then
		TB_DEV=$TB_NIC TB_DEV_HOST=nhost TB_DEV_WIRE=nwire
		for k in $(seq "$TB_VMS"); do
			tb_link "$(tb_vm_ns "$k")" vm0 $TB_HOST_MTU "$TB_NIC" "$(tb_vm_port "$k")" \
				$TB_HOST_MTU || return 1
		done
		tb_link "$TB_NIC" nwire $TB_WIRE_MTU "$TB_CLI" cli0 $TB_WIRE_MTU || return 1
		[ "$TB_VMS" = 1 ] || TB_DEV_HOST=
		TB_DEV_HOST_PEER="$TB_VM vm0" TB_DEV_WIRE_PEER="$TB_CLI cli0"
	else
		tb_link "$TB_VM" vm0 $TB_HOST_MTU "$TB_NIC" nhost $TB_HOST_MTU || return 1
		tb_link "$TB_NIC" nwire $TB_HOST_MTU "$TB_SW" shost $TB_HOST_MTU || return 1
		tb_link "$TB_SW" swire $TB_WIRE_MTU "$TB_CLI" cli0 $TB_WIRE_MTU || return 1
		ip -n "$TB_NIC" link add br0 mtu $TB_HOST_MTU type bridge &&
		ip -n "$TB_NIC" link set nhost master br0 &&
		ip -n "$TB_NIC" link set nwire master br0 &&
		ip -n "$TB_NIC" link set br0 up || return 1
		TB_DEV=$TB_SW TB_DEV_HOST=shost TB_DEV_WIRE=swire
		TB_DEV_HOST_PEER="$TB_NIC nwire" TB_DEV_WIRE_PEER="$TB_CLI cli0"
	fi
	# Frames the device redirects out of a veth are received by the peer
	# through its NAPI, which veth enables for XDP or for GRO; frames the
	# device sends back with XDP_TX (ARP replies, ICMP) only reach a peer
	# that runs an XDP program, so the host side gets a pass-through one.
	ip netns exec ${TB_DEV_WIRE_PEER% *} ethtool -K ${TB_DEV_WIRE_PEER#* } gro on >/dev/null ||
		return 1
	if [ "$TB_MODE" = switch ]; then
		ip netns exec ${TB_DEV_HOST_PEER% *} ethtool -K ${TB_DEV_HOST_PEER#* } gro on \
			>/dev/null &&
		tb_xdp_attach ${TB_DEV_HOST_PEER% *} ${TB_DEV_HOST_PEER#* } xdp_pass || return 1
	fi
	# Real checksums from the endpoints (veth TX offload leaves them
	# partial), so receivers verify what the device forwards.
	ip netns exec "$TB_CLI" ethtool -K cli0 tx off >/dev/null || return 1
	ip -n "$TB_CLI" addr add $TB_CLI_ADDR/24 dev cli0 || return 1
	for k in $(seq "$TB_VMS"); do
		ns=$(tb_vm_ns "$k")
		if [ "$TB_MODE" = adapter ]; then
			ip netns exec "$ns" ethtool -K vm0 gro on >/dev/null &&
			tb_xdp_attach "$ns" vm0 xdp_pass || return 1
		fi
		ip netns exec "$ns" ethtool -K vm0 tx off >/dev/null &&
		ip -n "$ns" addr add "$(tb_vm_addr "$k")/24" dev vm0 || return 1
	done
	tb_save
}

# Attach build/bpf/NAME.bpf.o's XDP program to IF in NS (native mode,
# replacing what is there). Loaded and pinned in the test bed's private
# bpffs with bpftool: iproute2's loader would mount /sys/fs/bpf on the host.
tb_xdp_attach()	# NS IF NAME
{
	local pin=$TB_BPFFS/$3-$1-$2
	bpftool prog load "$TB_BIN/../bpf/$3.bpf.o" "$pin" type xdp >/dev/null &&
	ip netns exec "$1" bpftool net attach xdpdrv pinned "$pin" dev "$2" overwrite
}

# Start nicsec-devd on the device's ports; waits until its maps are pinned.
# With one VM its host port is the "default" tenant (--host); with several
# the VMs become tenants afterwards (tb_tenants_add).
tb_device_start()	# [extra nicsec-devd options]
{
	local pid
	ip netns exec "$TB_DEV" "$TB_BIN/nicsec-devd" ${TB_DEV_HOST:+--host "$TB_DEV_HOST"} \
		--wire "$TB_DEV_WIRE" --bpffs "$TB_BPFFS/dev" --sock "$TB_RUN/run/devd.sock" \
		--engine "$TB_ENGINE" --max-sas "$TB_MAX_SAS" "$@" > "$TB_RUN/devd.log" 2>&1 &
	pid=$!
	echo $pid > "$TB_RUN/devd.pid"
	# "ready" comes after the maps are pinned and the control channel is up
	if ! tb_wait 20 grep -q 'info: ready' "$TB_RUN/devd.log"; then
		echo "testbed: nicsec-devd did not come up:" >&2
		cat "$TB_RUN/devd.log" >&2
		return 1
	fi
}

# Every VM of a several-VM test bed a tenant: vmK on nhostK, owning its
# address, its agent's enrollment key in $TB_RUN/vmK.key.
tb_tenants_add()	# [QUOTA]
{
	local k
	for k in $(seq "$TB_VMS"); do
		"$TB_BIN/nicsec" -d "$TB_BPFFS/dev" tenant add "vm$k" dev "nhost$k" \
			enroll "$TB_RUN/vm$k.key" addr "$(tb_vm_addr "$k")/32" \
			${1:+quota "$1"} || return 1
	done
}

tb_device_stop()
{
	local pid
	[ -f "$TB_RUN/devd.pid" ] || return 0
	pid=$(cat "$TB_RUN/devd.pid")
	rm -f "$TB_RUN/devd.pid"
	kill -TERM "$pid" 2>/dev/null || return 0
	if ! tb_wait 5 sh -c "! kill -0 $pid"; then
		echo "testbed: nicsec-devd ($pid) ignored SIGTERM, killing it" >&2
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	return 0
}

# Undo tb_up, whatever state it reached. Safe to call twice.
tb_down()
{
	[ -n "${TB_RUN:-}" ] && [ -d "$TB_RUN" ] || return 0
	tb_device_stop
	local ns
	for ns in $TB_NAMESPACES; do
		ip netns del "$ns" 2>/dev/null
	done
	grep -q " $TB_BPFFS " /proc/mounts && umount "$TB_BPFFS"
	rm -rf "$TB_RUN"
	TB_RUN=
}

# The device's counters as JSON (nicsec -j port show).
tb_port_stats()
{
	"$TB_BIN/nicsec" -j -d "$TB_BPFFS/dev" port show
}

# One counter of one port, e.g. tb_counter host rx_packets
tb_counter()	# PORT FIELD
{
	tb_port_stats | jq -r ".[] | select(.port == \"$1\") | .$2"
}

tb_status()
{
	local ns pid
	echo "test bed $TB_PREFIX ($TB_MODE mode), state in $TB_RUN"
	for ns in $TB_NAMESPACES; do
		echo "  ns $ns:"
		ip -n "$ns" -br addr show | grep -v '^lo ' | sed 's/^/    /'
		ip -n "$ns" link show | grep -o 'prog/xdp id [0-9]*' | sed 's/^/    xdp: /'
	done
	pid=$(cat "$TB_RUN/devd.pid" 2>/dev/null)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		echo "  nicsec-devd: running (pid $pid) in $TB_DEV, wire port $TB_DEV_WIRE"
		"$TB_BIN/nicsec" -d "$TB_BPFFS/dev" tenant show | sed 's/^/    /'
		"$TB_BIN/nicsec" -d "$TB_BPFFS/dev" port show | sed 's/^/    /'
	else
		echo "  nicsec-devd: not running"
	fi
}
