# SPDX-License-Identifier: GPL-2.0
# nicsec.ko in the 6.12 VM: loads, has BTF, serves its XDP kfunc to a
# program under BPF_PROG_TEST_RUN, refuses it to tc, and unloads without
# leaving anything behind.
. ./guest.sh
ktap_header

# GCM comes from modules of the 6.12 image; no modprobe helper runs here.
ktap_check "load gcm, ghash-generic, aesni-intel" guest_load_gcm
ktap_check "insmod nicsec.ko" insmod /nicsec/nicsec.ko
ktap_check "module listed in /proc/modules" grep -q '^nicsec ' /proc/modules
ktap_check "module BTF at /sys/kernel/btf/nicsec" [ -s /sys/kernel/btf/nicsec ]
ktap_check "module BTF has the kfunc" \
	sh -c 'bpftool btf dump file /sys/kernel/btf/nicsec | grep -q "FUNC .bpf_nicsec_xdp_region."'

ktap_import kmod_region kmod_region
ktap_import kmod_esp kmod_esp

progs_before=$(bpftool prog show | grep -c '^[0-9]*:')
ktap_check "rmmod nicsec" guest_rmmod_nicsec
ktap_check "no module left" sh -c '! grep -q "^nicsec " /proc/modules && [ ! -e /sys/module/nicsec ]'
ktap_check "no module BTF left" [ ! -e /sys/kernel/btf/nicsec ]
ktap_check "no BPF program left by the test" [ "$progs_before" -eq 0 ]
ktap_check "kernel log has no warnings" guest_dmesg_clean
ktap_finish
