// SPDX-License-Identifier: GPL-2.0
/*
 * The device object: the host-port and wire-port programs with the maps
 * they share, compiled once per AES-GCM engine (-DNICSEC_ENGINE_KMOD,
 * _BPF or _NONE) into device_<engine>.bpf.o.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "maps.bpf.h"
#include "nic_host.bpf.c"
#include "nic_wire.bpf.c"

char LICENSE[] SEC("license") = "GPL";
