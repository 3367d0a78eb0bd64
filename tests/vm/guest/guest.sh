# SPDX-License-Identifier: GPL-2.0
# Helpers for tests that run inside the nicsec test VM (busybox ash).
KTAP_ELAPSED=1	# seconds per result (TCG emulation: where CI time goes)
. ./ktap.sh

KREL=$(cat /etc/kernel-release)

# Load a kernel module of the 6.12 image with its dependencies, in the
# order mkinitramfs.sh recorded (busybox cannot read .ko.xz or modules.dep
# of a foreign tree).
guest_modprobe()	# NAME
{
	local ko name
	[ -f "/lib/modules/load/$1" ] || { echo "# module $1 not in the image"; return 1; }
	for ko in $(cat "/lib/modules/load/$1"); do
		name=$(basename "$ko" .ko | tr - _)
		grep -q "^$name " /proc/modules && continue
		insmod "$ko" || return 1
	done
}

# What nicsec.ko's AES-GCM engine needs loaded first.
guest_load_gcm()
{
	guest_modprobe gcm && guest_modprobe ghash-generic && guest_modprobe aesni-intel
}

# Unload nicsec.ko. BPF programs that called its kfuncs hold a module
# reference until their deferred free (an RCU grace period after the last
# fd closed), so a test's last programs may still pin it for a moment:
# retry for up to 5 s before calling it a failure.
guest_rmmod_nicsec()
{
	local i=0
	while [ $i -lt 20 ]; do
		rmmod nicsec 2>/dev/null && return 0
		sleep 0.25
		i=$((i + 1))
	done
	rmmod nicsec
}

# Kernel log lines that mean something went wrong in the kernel.
guest_dmesg_clean()
{
	! dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace|general protection|UBSAN|KASAN'
}
