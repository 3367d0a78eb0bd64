#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install every Debian package nicsec's build and tests need, and fetch the
# Debian 6.12 cloud kernel (image, headers, kbuild, source for KUnit) into a
# cache under the build folder. Idempotent and quiet: a second run that finds
# everything in place does no network I/O and prints one line.
#
# Usage: tools/deps.sh [BUILD_DIR]
set -euo pipefail

BUILD=${1:-build}
KCACHE=$BUILD/kernel
KFLAVOUR=6.12-cloud-amd64

PKGS=(
	# build
	build-essential clang llvm pkg-config bpftool dwarves
	libbpf-dev libxdp-dev libmnl-dev libssl-dev libelf-dev zlib1g-dev
	libclang-rt-14-dev xz-utils cpio kmod bc flex bison
	# test bed, peers, oracles
	iproute2 iputils-ping ethtool tcpdump tshark jq socat busybox-static python3
	qemu-system-x86 qemu-utils
	strongswan-charon strongswan-swanctl libcharon-extra-plugins
	libstrongswan-standard-plugins libstrongswan-extra-plugins
)

missing=()
for p in "${PKGS[@]}"; do
	case $p in \#*) continue ;; esac
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done

apt_updated=0
apt_update() {
	[ $apt_updated = 1 ] && return
	apt-get update -qq >/dev/null
	apt_updated=1
}

if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${#missing[@]} package(s): ${missing[*]}"
	apt_update
	# tshark asks whether non-root users may capture: answer no, quietly.
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		debconf-set-selections
	log=$(mktemp)
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >"$log" 2>&1; then
		cat "$log" >&2; rm -f "$log"
		echo "deps: apt-get install failed" >&2; exit 1
	fi
	rm -f "$log"
fi

# The 6.12 cloud kernel for the VM test bed. Resolved through the meta-packages
# so we follow Debian's newest 6.12; unpacked with dpkg-deb, never installed.
mkdir -p "$KCACHE"
if [ ! -f "$KCACHE/.complete" ]; then
	apt_update
	echo "deps: fetching the Debian $KFLAVOUR kernel into $KCACHE"
	ver=$(apt-cache depends linux-image-$KFLAVOUR | awk '/Depends: linux-image-6/{print $2; exit}')
	ver=${ver#linux-image-}		# e.g. 6.12.117+deb12-cloud-amd64
	[ -n "$ver" ] || { echo "deps: cannot resolve linux-image-$KFLAVOUR" >&2; exit 1; }
	abi=${ver%-cloud-amd64}		# e.g. 6.12.117+deb12
	debver=$(apt-cache show "linux-headers-$ver" | awk '/^Version:/{print $2; exit}')
	(
		cd "$KCACHE"
		rm -f ./*.deb
		apt-get download -qq -o APT::Sandbox::User=root "linux-image-$ver" "linux-headers-$ver" \
			"linux-headers-$abi-common" "linux-kbuild-$abi" \
			"linux-source-6.12=$debver" >/dev/null
		rm -rf root && mkdir root
		for d in ./*.deb; do dpkg-deb -x "$d" root; done
		# The headers' Makefile includes the common tree by its installed
		# path; point it at our unpacked copy instead.
		sed -i "s|/usr/src/|$PWD/root/usr/src/|" \
			"root/usr/src/linux-headers-$ver/Makefile"
		rm -f ./*.deb
		# modules.dep is made by the package's postinst, which we skip.
		depmod -b "$PWD/root" "$ver"
	)
	echo "$ver" > "$KCACHE/release"
	touch "$KCACHE/.complete"
fi

echo "deps: ok (kernel $(cat "$KCACHE/release"))"
