/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Map keys and values of the device, shared by its XDP programs and the
 * user-space tools that read and fill the maps. Plain integer types only:
 * included by BPF objects (vmlinux.h) and by user space (linux/types.h).
 * No map holds key material: an SA names its key by engine slot.
 */
#ifndef NICSEC_BPF_MAPS_H
#define NICSEC_BPF_MAPS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#include <linux/bpf.h>	/* struct bpf_spin_lock */
#endif

#define NICSEC_MAX_SA		1024	/* SA ids 0..1023, also the key slot */
#define NICSEC_MAX_FLOWS	4096
#define NICSEC_REPLAY_WORDS	2	/* window of 128 packets */
#define NICSEC_REPLAY_WINDOW	(64 * NICSEC_REPLAY_WORDS)
#define NICSEC_ESP_PORT		4500	/* RFC 3948 */
#define NICSEC_IKE_PORT		500

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
	__u64 fwd_packets;	/* sent out of the other port */
	__u64 fwd_bytes;
	__u64 drop_no_peer;	/* other port not configured in tx_port */
	__u64 sealed;		/* outbound packets encrypted (host port) */
	__u64 opened;		/* inbound packets decrypted (wire port) */
	__u64 passed;		/* forwarded unchanged (no SA, IKE, ARP, ...) */
	__u64 icmp_sent;	/* "fragmentation needed" sent back (host port) */
	__u64 ctl_rx;		/* control datagrams handed to devd (AF_XDP) */
	__u64 arp_replies;	/* ARP replies for the control address */
	__u64 dropped;		/* dropped for a reason in drop_stats */
};

/* Why the device dropped a packet (index of the drop_stats map). */
enum nicsec_drop {
	NICSEC_DROP_MALFORMED,	/* truncated or inconsistent headers */
	NICSEC_DROP_NO_SA,	/* ESP with an SPI the device does not know */
	NICSEC_DROP_BAD_ADDR,	/* outer addresses do not match the SA */
	NICSEC_DROP_AUTH,	/* ICV did not verify */
	NICSEC_DROP_REPLAY,	/* sequence number replayed or too old */
	NICSEC_DROP_BAD_TRAILER, /* ESP padding or next header invalid */
	NICSEC_DROP_POLICY,	/* inner packet outside the SA's selectors */
	NICSEC_DROP_SEQ_EXHAUSTED, /* outbound SA used 2^32-1 sequence numbers */
	NICSEC_DROP_TOO_BIG,	/* would exceed the wire MTU (ICMP sent) */
	NICSEC_DROP_ENGINE,	/* the AES-GCM engine failed (no key, ...) */
	NICSEC_DROP_NO_ROOM,	/* no room in the frame for the ESP headers */
	NICSEC_DROP_CTL_NO_SOCKET, /* control datagram, devd not listening */
	NICSEC_DROP_MAX,
};

/*
 * An outbound flow: the 5-tuple of the inner packet, or the 2-tuple with
 * protocol and ports zero. Network byte order throughout.
 */
struct nicsec_flow {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 pad[3];		/* zero */
};

enum nicsec_sa_flags {
	NICSEC_SA_VALID	= 1 << 0,
	NICSEC_SA_OUT	= 1 << 1,	/* encrypts (host -> wire) */
	NICSEC_SA_IN	= 1 << 2,	/* decrypts (wire -> host) */
};

/* One SA (ESP tunnel mode in UDP, AES-GCM-16). Index = SA id = key slot. */
struct nicsec_sa {
	__u32 flags;		/* enum nicsec_sa_flags */
	__be32 spi;
	__be32 local_addr;	/* outer: the server's address */
	__be32 peer_addr;	/* outer: the client's address */
	__be16 local_port;	/* outer UDP, 4500 unless NAT moved it */
	__be16 peer_port;
	/* inbound: inner packets must come from sel_remote to sel_local
	 * (0 = any); proto/ports 0 = any */
	__be32 sel_local;
	__be32 sel_remote;
	__be16 sel_local_port;
	__be16 sel_remote_port;
	__u8 sel_proto;
	__u8 pad[3];
	__u64 seq;		/* outbound: last sequence number used */
};

/* Inbound anti-replay state, RFC 4303 3.4.3, one per SA. */
struct nicsec_replay {
	struct bpf_spin_lock lock;
	__u32 top;			/* highest sequence number accepted */
	__u64 bitmap[NICSEC_REPLAY_WORDS]; /* bit i: top - i seen */
};

/* Per-CPU counters of one SA. */
struct nicsec_sa_stats {
	__u64 packets;
	__u64 bytes;		/* inner (plaintext) bytes */
	__u64 auth_fail;
	__u64 replay;
	__u64 other_drop;
};

/* What devd records about the device for the CLI (dev_info[0]). */
enum nicsec_engine_id {
	NICSEC_ENGINE_ID_NONE = 0,
	NICSEC_ENGINE_ID_KMOD = 1,
	NICSEC_ENGINE_ID_BPF = 2,
};

struct nicsec_dev_info {
	__u32 engine;		/* enum nicsec_engine_id */
	__u32 wire_mtu;
	__u32 host_ifindex;
	__u32 wire_ifindex;
	__be32 ctl_addr;	/* the device's control address (0: none) */
	__be16 ctl_port;	/* UDP port of the control protocol */
	__u8 host_mac[6];	/* answers ARP for ctl_addr with this */
};

#endif /* NICSEC_BPF_MAPS_H */
