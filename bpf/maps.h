/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Map value and key layouts shared by the device's XDP programs and the
 * user-space loaders that read them. Plain integer types only: this header
 * is included by BPF objects (vmlinux.h) and by user space (linux/types.h).
 */
#ifndef NICSEC_BPF_MAPS_H
#define NICSEC_BPF_MAPS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* The device's two ports; also the keys of the tx_port devmap. */
enum nicsec_port {
	NICSEC_PORT_HOST = 0,	/* faces the VM / server */
	NICSEC_PORT_WIRE = 1,	/* faces the network / client */
	NICSEC_PORT_MAX,
};

/* Per-CPU counters of one port; user space sums over CPUs. */
struct nicsec_port_stats {
	__u64 rx_packets;	/* frames the port's program saw */
	__u64 rx_bytes;
	__u64 fwd_packets;	/* handed to the other port by redirect */
	__u64 fwd_bytes;
	__u64 drop_no_peer;	/* other port not configured in tx_port */
};

#endif /* NICSEC_BPF_MAPS_H */
