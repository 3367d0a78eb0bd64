/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Map keys and values of the device, shared by its XDP programs and the
 * user-space tools that read and fill the maps. Plain integer types only:
 * included by BPF objects (vmlinux.h) and by user space (linux/types.h).
 * No map holds key material: an SA names its key by engine slot.
 *
 * Ports: index 0 is the wire port; 1..NICSEC_MAX_HOST_PORTS are host
 * ports, one per tenant (a VM, as an SR-IOV virtual function is), and the
 * tenant's number is its port's. Flows and SAs carry the port they belong
 * to, so one tenant's packets never meet another's SAs.
 */
#ifndef NICSEC_BPF_MAPS_H
#define NICSEC_BPF_MAPS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#include <linux/bpf.h>	/* struct bpf_spin_lock */
#endif

/*
 * The SA tables' size as compiled into the object: nicsec-devd resizes
 * them before loading (--max-sas), so code must ask the map (or dev_info)
 * for the real size. SA ids are 0..max_sas-1 and also the key slots.
 */
#define NICSEC_OBJ_MAX_SA	1024
#define NICSEC_MAX_SA_DEFAULT	65536	/* nicsec-devd --max-sas default */
#define NICSEC_MAX_SA_LIMIT	(1u << 24)
#define NICSEC_MAX_HOST_PORTS	64
#define NICSEC_MAX_PREFIXES	1024	/* owned address prefixes, all tenants */
#define NICSEC_REPLAY_WORDS	2	/* window of 128 packets */
#define NICSEC_REPLAY_WINDOW	(64 * NICSEC_REPLAY_WORDS)
#define NICSEC_ESP_PORT		4500	/* RFC 3948 */
#define NICSEC_IKE_PORT		500

/* Port numbers: the keys of tx_port, port_info and port_stats. */
enum nicsec_port {
	NICSEC_PORT_WIRE = 0,	/* faces the network / client */
	NICSEC_PORT_HOST1 = 1,	/* the first host port (faces a VM) */
	NICSEC_PORT_MAX = 1 + NICSEC_MAX_HOST_PORTS,
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
	NICSEC_DROP_SPOOFED,	/* host port: IPv4 or ARP sender not the tenant's */
	NICSEC_DROP_NO_TENANT,	/* wire port: no tenant owns the destination */
	NICSEC_DROP_MAX,
};

/* drop_stats index: per port, then per reason. */
#define NICSEC_DROP_IDX(port, reason)	((port) * NICSEC_DROP_MAX + (reason))

/*
 * An outbound flow of one host port: the 5-tuple of the inner packet, or
 * the 2-tuple with protocol and ports zero. Network byte order but @port.
 */
struct nicsec_flow {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 pad;		/* zero */
	__u16 port;		/* the host port the packet came in on */
};

/*
 * Where one key slot's cipher state lives in the kernel (bpf engine): the
 * crypto context, its ecb(aes) tfm, and the AES cipher tfm under that
 * (whose context is the key schedule). Hints for loads made early, so
 * that their cache misses overlap (bpf/engine_bpf.h); never followed to
 * encrypt, and worthless outside the kernel that made them.
 */
struct nicsec_warm {
	__u64 cctx;
	__u64 tfm;
	__u64 cipher;
};

/*
 * One way of a flow_tab bucket (bpf/flow_hash.h): the flow's tag (0: the
 * way is free), the outbound SA it leads to, and the data path's own
 * hints for that SA's cipher state (user space writes zeros; the data
 * path fills them in after a packet of the flow was sealed), so that a
 * packet's loads of the SA's state all start once the way is read. The
 * flow itself is not here: the SA entry holds it (its sel_* fields), and
 * the data path takes a way only if its SA's flow is the packet's.
 */
struct nicsec_flow_way {
	__u32 tag;
	__u32 id;
	struct nicsec_warm warm;
};

#define NICSEC_FLOW_WAYS	2	/* per bucket: 64 bytes, one cache line */

/* Inbound SA lookup: SPI and outer destination (RFC 4301 4.1), so that
 * tenants choosing the same SPI for their own addresses never collide. */
struct nicsec_spi_key {
	__be32 spi;
	__be32 daddr;
};

/* An IPv4 prefix some tenant owns (owner map, an LPM trie). */
struct nicsec_prefix {
	__u32 prefixlen;	/* 0..32 */
	__be32 addr;
};

enum nicsec_sa_flags {
	NICSEC_SA_VALID	= 1 << 0,
	NICSEC_SA_OUT	= 1 << 1,	/* encrypts (host -> wire) */
	NICSEC_SA_IN	= 1 << 2,	/* decrypts (wire -> host) */
};

/* Counters of one SA, in its entry: the data path adds to them atomically
 * (an SA's packets are serialised by its sequence number anyway, and one
 * cache line less to miss per packet than a per-CPU map). */
struct nicsec_sa_stats {
	__u64 packets;
	__u64 bytes;		/* inner (plaintext) bytes */
	__u64 auth_fail;
	__u64 replay;
	__u64 other_drop;
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
	 * (0 = any); proto/ports 0 = any. Outbound: the flow the SA was
	 * installed for, laid out as struct nicsec_flow (sel_local its
	 * saddr, sel_remote its daddr, ports, proto, pad0, port): flow_tab
	 * leads only to an SA whose flow is the packet's. */
	__be32 sel_local;
	__be32 sel_remote;
	__be16 sel_local_port;
	__be16 sel_remote_port;
	__u8 sel_proto;
	__u8 pad0;
	__u16 port;		/* the tenant's host port */
	__u32 pad1;
	__u64 seq;		/* outbound: last sequence number used */
	struct nicsec_sa_stats st;
};

/* Inbound anti-replay state, RFC 4303 3.4.3, one per SA. */
struct nicsec_replay {
	struct bpf_spin_lock lock;
	__u32 top;			/* highest sequence number accepted */
	__u64 bitmap[NICSEC_REPLAY_WORDS]; /* bit i: top - i seen */
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
	__u32 wire_ifindex;
	__u32 max_sas;		/* size of the SA tables and key slots */
	__be32 ctl_addr;	/* the device's control address (0: none) */
	__be16 ctl_port;	/* UDP port of the control protocol */
	__u16 default_port;	/* non-IPv4 frames from the wire go here (0: dropped) */
	__u32 flow_bmask;	/* flow_tab's buckets - 1 (a power of two - 1) */
	__u32 pad;
	__u64 flow_seed[2];	/* the flow hash's secret (bpf/flow_hash.h) */
};

/* One port (port_info[port]); ifindex 0: not in use. */
struct nicsec_port_info {
	__u32 ifindex;
	__u8 mac[6];		/* host ports answer ARP for ctl_addr with this */
	__u8 ctl;		/* host ports: devd serves the tenant's control channel */
	__u8 pad;
	char ifname[16];
	char tenant[16];	/* host ports: the tenant's name */
};

/* devd's own record for the CLI (devd_info[0]): where to reach it. */
struct nicsec_devd_info {
	__u32 pid;
	__u32 pad;
	char sock[108];		/* its management socket (AF_UNIX path) */
};

#endif /* NICSEC_BPF_MAPS_H */
