# SPDX-License-Identifier: GPL-2.0
# Engine parity in the 6.12 VM: with nicsec.ko loaded, the same 48 ESP
# packets sealed by the kmod engine and by the bpf engine (the kernel's
# BPF crypto kfuncs, no module) are byte-identical, equal OpenSSL, open
# with the other engine, and hash to the digest the host run also checks
# (tests/bpf/test_engine_parity.c).
. ./guest.sh
ktap_header

ktap_check "load gcm, ghash-generic, aesni-intel" guest_load_gcm
ktap_check "insmod nicsec.ko" insmod /nicsec/nicsec.ko
ktap_check "kernel BTF has bpf_crypto_ctx_create (bpf engine possible)" \
	sh -c 'bpftool btf dump file /sys/kernel/btf/vmlinux | grep -q "FUNC .bpf_crypto_ctx_create."'
ktap_import parity /nicsec/bin/test_engine_parity
# the test's programs hold module references until their deferred free
ktap_check "rmmod nicsec" guest_rmmod_nicsec
ktap_check "kernel log has no warnings" guest_dmesg_clean
ktap_finish
