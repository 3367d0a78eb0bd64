#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot the Debian 6.12 cloud kernel under QEMU (TCG) with the nicsec
# initramfs, run one guest test, stream its TAP to stdout, and exit with
# the test's status. The kernel console goes to a log that is printed when
# the test fails or the VM times out.
#
# Usage: tests/vm/run-vm.sh [-b BUILD] [-t TIMEOUT_SEC] [-o DIR] TEST
#   TEST is a script name under tests/vm/guest without .sh (e.g. test_empty)
#   -o DIR: the guest's /out (captures, logs) is copied to DIR afterwards,
#   through a scratch virtio disk the guest writes a tar stream to.
set -uo pipefail

BUILD=build
TIMEOUT=120
OUTDIR=
while getopts "b:t:o:" o; do
	case $o in
	b) BUILD=$OPTARG ;;
	t) TIMEOUT=$OPTARG ;;
	o) OUTDIR=$OPTARG ;;
	*) echo "usage: $0 [-b BUILD] [-t TIMEOUT_SEC] [-o DIR] TEST" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { echo "usage: $0 [-b BUILD] [-t TIMEOUT_SEC] TEST" >&2; exit 2; }
name=$1

KREL=$(cat "$BUILD/kernel/release" 2>/dev/null) ||
	{ echo "Bail out! no kernel in $BUILD/kernel: run 'make deps'"; exit 1; }
kernel=$BUILD/kernel/root/boot/vmlinuz-$KREL
initrd=$BUILD/vm/initramfs.cpio
[ -f "$initrd" ] || { echo "Bail out! no $initrd: run 'make vm-image'"; exit 1; }
command -v qemu-system-x86_64 >/dev/null ||
	{ echo "Bail out! qemu-system-x86_64 missing: run 'make deps'"; exit 1; }

tmp=$(mktemp -d /tmp/nicsec-vm.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
console=$tmp/console.log
disk=()
if [ -n "$OUTDIR" ]; then
	mkdir -p "$OUTDIR"
	truncate -s 256M "$tmp/out.img"
	disk=(-drive "file=$tmp/out.img,format=raw,if=virtio,cache=unsafe")
fi

start=$(date +%s.%N)
# ttyS0: kernel console (log); ttyS1: the test's output (our stdout).
timeout --foreground -k 5 "$TIMEOUT" \
	qemu-system-x86_64 -accel tcg,thread=single -cpu max -m 1024 -smp 2 \
		-nodefaults -display none -no-reboot \
		-kernel "$kernel" -initrd "$initrd" "${disk[@]}" \
		-append "console=ttyS0 quiet loglevel=4 panic=-1 oops=panic nicsec.test=$name" \
		-serial "file:$console" -serial stdio < /dev/null | tee "$tmp/out"
qrc=${PIPESTATUS[0]}
end=$(date +%s.%N)
secs=$(echo "$end $start" | awk '{printf "%.1f", $1 - $2}')

rc=$(sed -n 's/^nicsec-vm: exit \([0-9]*\).*/\1/p' "$tmp/out" | tail -n 1)
if [ -z "$rc" ]; then
	if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
		echo "not ok - vm: $name timed out after ${TIMEOUT}s"
	else
		echo "not ok - vm: $name: no exit status from the guest (qemu exit $qrc)"
	fi
	rc=1
fi
if [ -n "$OUTDIR" ] && ! tar -xf "$tmp/out.img" -C "$OUTDIR" 2>/dev/null; then
	echo "# vm: $name: no output archive from the guest"
fi
if [ "$rc" -ne 0 ]; then
	echo "# ---- kernel console of $name ----"
	sed 's/^/# /' "$console"
fi
echo "# vm: $name: boot to poweroff ${secs}s (TCG emulation, not a performance figure)"
exit "$rc"
