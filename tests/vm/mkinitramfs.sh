#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the initramfs the VM tests boot: busybox, iproute2 and the other
# host binaries the guest tests call (with their shared libraries), the
# 6.12 kernel modules they need (decompressed, with a precomputed load
# order), nicsec.ko, our BPF objects, binaries and test scripts, and /init.
#
# Usage: tests/vm/mkinitramfs.sh BUILD_DIR   -> BUILD_DIR/vm/initramfs.cpio
set -euo pipefail

BUILD=$(realpath "${1:-build}")
TOP=$(cd "$(dirname "$0")/../.." && pwd)
KCACHE=$BUILD/kernel
KREL=$(cat "$KCACHE/release")
KMODS=$KCACHE/root/lib/modules/$KREL
OUT=$BUILD/vm/initramfs.cpio
STAGE=$BUILD/vm/root

# Host programs the guest tests use, beside busybox's applets.
HOST_BINS=(/usr/bin/ip /usr/bin/ss /usr/sbin/bpftool /usr/sbin/ethtool /bin/bash
	   /usr/bin/jq /usr/bin/tcpdump /usr/bin/timeout)
# Kernel modules loaded in the guest (dependencies are resolved below):
# veth for the test bed, GCM for nicsec.ko, the kernel's own IPsec (XFRM)
# as an independent ESP peer, virtio_blk for the output disk.
MODULES=(veth gcm ghash-generic gf128mul crypto_null aesni-intel seqiv echainiv
	 esp4 xfrm_user virtio_blk bridge tun)
# strongSwan as the IKE peer of nicsec-agent (kernel-libipsec: ESP in user
# space over a TUN device), with the plugins tests/ike_lib.sh loads.
SWAN_BINS=(/usr/lib/ipsec/charon /usr/sbin/swanctl)
SWAN_PLUGINS=(openssl kdf random nonce pem pkcs1 x509 kernel-libipsec kernel-netlink
	      socket-default vici)

rm -rf "$STAGE"
mkdir -p "$STAGE"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc,proc,sys,dev,tmp,run,mnt,nicsec}
mkdir -p "$STAGE/lib/modules/$KREL"

# busybox and its applets (never overwriting a real tool copied below)
cp /usr/bin/busybox "$STAGE/bin/busybox"
for a in $(/usr/bin/busybox --list); do
	[ -e "$STAGE/bin/$a" ] || ln -s busybox "$STAGE/bin/$a"
done

# A dynamic binary and every library it needs, at the same paths.
copy_with_libs() {
	local f=$1 dst=$2 lib
	install -D -m 0755 "$f" "$STAGE$dst"
	for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true); do
		[ -e "$STAGE$lib" ] || install -D -m 0755 "$lib" "$STAGE$lib"
	done
}
for b in "${HOST_BINS[@]}"; do
	rm -f "$STAGE/bin/$(basename "$b")"
	copy_with_libs "$b" "$b"
done
for b in "${SWAN_BINS[@]}"; do
	[ -x "$b" ] && copy_with_libs "$b" "$b"
done
for p in "${SWAN_PLUGINS[@]}"; do
	f=/usr/lib/ipsec/plugins/libstrongswan-$p.so
	[ -f "$f" ] && copy_with_libs "$f" "$f"
done
# glibc dlopen()s libgcc_s for pthread_cancel (charon's threads), and
# charon writes its pid file to /var/run
install -D -m 0644 /lib/x86_64-linux-gnu/libgcc_s.so.1 "$STAGE/lib/x86_64-linux-gnu/libgcc_s.so.1"
mkdir -p "$STAGE/var"
ln -sfn /run "$STAGE/var/run"
for b in "$BUILD"/bin/* "$BUILD"/tests/bpf/* "$BUILD"/tests/unit/*; do
	[ -f "$b" ] && [ -x "$b" ] || continue
	copy_with_libs "$b" "/nicsec/bin/$(basename "$b")"
done
mkdir -p "$STAGE/nicsec/bpf" "$STAGE/nicsec/tests"
cp "$BUILD"/bpf/*.bpf.o "$STAGE/nicsec/bpf/"
cp "$TOP"/tests/ktap.sh "$TOP"/tests/lib.sh "$TOP"/tests/esp_tshark.sh "$TOP"/tests/ike_lib.sh \
	"$STAGE/nicsec/tests/"
# host namespace tests that also run in the guest, sourced by guest scripts
cp "$TOP"/tests/net/test_ctl.sh "$STAGE/nicsec/tests/net_test_ctl.sh"
cp "$TOP"/tests/net/test_agent.sh "$STAGE/nicsec/tests/net_test_agent.sh"
cp "$TOP"/tests/vm/guest/*.sh "$STAGE/nicsec/tests/"
cp "$TOP"/kmod/nicsec.ko "$STAGE/nicsec/nicsec.ko"
# Further modules and files built for the guest (e.g. kunit.ko, test modules)
if [ -d "$BUILD/vm/extra" ]; then
	mkdir -p "$STAGE/nicsec/extra"
	cp -r "$BUILD/vm/extra/." "$STAGE/nicsec/extra/"
fi

# Modules: decompress each with its dependencies, and record the load
# order per module as kmod's modprobe resolves it (busybox has no xz
# modules support): /lib/modules/load/NAME lists the .ko paths in order.
mkdir -p "$STAGE/lib/modules/load"
for m in "${MODULES[@]}"; do
	: > "$STAGE/lib/modules/load/$m"
	modprobe -d "$KCACHE/root" -S "$KREL" --show-depends "$m" |
	while read -r kind path _; do
		[ "$kind" = insmod ] || continue
		rel=${path#"$KMODS"/}
		ko=/lib/modules/$KREL/${rel%.xz}
		if [ ! -f "$STAGE$ko" ]; then
			mkdir -p "$(dirname "$STAGE$ko")"
			xz -dc "$path" > "$STAGE$ko"
		fi
		echo "$ko" >> "$STAGE/lib/modules/load/$m"
	done
done

install -m 0755 "$TOP/tests/vm/init" "$STAGE/init"
# names tools look up (tcpdump -Z root, ip's protocol names)
echo "root:x:0:0:root:/root:/bin/sh" > "$STAGE/etc/passwd"
echo "root:x:0:" > "$STAGE/etc/group"
cp /etc/protocols /etc/services "$STAGE/etc/" 2>/dev/null || true
echo "$KREL" > "$STAGE/etc/kernel-release"

(cd "$STAGE" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet) > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "  VM      $OUT ($(du -h "$OUT" | cut -f1))"
