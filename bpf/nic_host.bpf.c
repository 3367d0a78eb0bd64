// SPDX-License-Identifier: GPL-2.0
/*
 * The device's host ports (one per tenant, each facing a VM). The port a
 * frame came in on (port_of[ingress ifindex]) is its tenant: an IPv4
 * packet or ARP whose sender address the tenant does not own is dropped
 * (spoofed), as a NIC's virtual function would. Outbound IPv4 packets are
 * matched against the tenant's flows, 5-tuple first, then 2-tuple; a match
 * is encrypted into ESP-in-UDP for its SA and sent out of the wire port. A
 * packet that would not fit the wire MTU once encapsulated is answered with
 * ICMP "fragmentation needed" back to the VM. Datagrams to the device's
 * control address and port go to nicsec-devd over AF_XDP (the port's own
 * socket) before any OS stack sees them, and ARP requests for that
 * address are answered here with the port's MAC. Everything else (ARP,
 * IKE, unmatched flows, non-IPv4) crosses to the wire unchanged.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "maps.bpf.h"
#include "parse.h"
#include "esp.h"
#include "engine.h"
#include "flow_tab.bpf.h"

static __always_inline int host_drop(struct nicsec_port_stats *st, __u32 port,
				     __u32 reason, struct nicsec_sa_stats *ss)
{
	count_drop(st, port, reason);
	if (ss)
		__sync_fetch_and_add(&ss->other_drop, 1);
	return XDP_DROP;
}

/*
 * Turn the too-big packet into ICMP "fragmentation needed" (RFC 792, RFC
 * 1191) to its sender, carrying its IP header and first 8 payload bytes:
 *   Ethernet | IPv4 (20) | ICMP (8) | original IPv4 header (20) | 8 bytes
 */
static __always_inline int icmp_frag_needed(struct xdp_md *ctx, __u16 mtu)
{
	void *data, *end;
	struct ethhdr *eth, *old;
	struct iphdr *ip, *orig;
	struct icmphdr *icmp;
	__u8 mac[6];
	__u32 sum = 0, len;
	__u16 *w;
	int i;

	/* 28 bytes in front for the new IPv4 and ICMP headers */
	if (bpf_xdp_adjust_head(ctx, -28))
		return -1;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	eth = data;
	old = data + 28;
	ip = data + 14;
	icmp = data + 34;
	orig = data + 42;
	if ((void *)(orig + 1) + 8 > end)
		return -1;
	__builtin_memcpy(eth, old, 14);
	__builtin_memcpy(mac, eth->h_dest, 6);
	__builtin_memcpy(eth->h_dest, eth->h_source, 6);
	__builtin_memcpy(eth->h_source, mac, 6);

	ip->version = 4;
	ip->ihl = 5;
	ip->tos = 0xc0;			/* internetwork control */
	ip->tot_len = bpf_htons(20 + 8 + 28);
	ip->id = 0;
	ip->frag_off = 0;
	ip->ttl = 64;
	ip->protocol = IPPROTO_ICMP_;
	ip->check = 0;
	ip->saddr = orig->daddr;	/* from the destination it could not reach */
	ip->daddr = orig->saddr;
	ip->check = ipv4_csum20(ip);

	icmp->type = 3;			/* destination unreachable */
	icmp->code = 4;			/* fragmentation needed and DF set */
	icmp->checksum = 0;
	icmp->un.frag.__unused = 0;
	icmp->un.frag.mtu = bpf_htons(mtu);
	w = (__u16 *)icmp;
#pragma unroll
	for (i = 0; i < 18; i++)	/* ICMP header + 28 bytes */
		sum += w[i];
	icmp->checksum = csum_fold(sum);

	/* cut what followed the first 8 payload bytes */
	len = end - data;
	barrier_var(len);
	return bpf_xdp_adjust_tail(ctx, (int)(14 + 20 + 8 + 28) - (int)len);
}

#define MOVE_CHUNK	256
#define MOVE_CHUNKS	((NICSEC_MAX_L3 + MOVE_CHUNK - 1) / MOVE_CHUNK)

/* Per-CPU bounce buffer for move_to_head(); wiped after each use. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8[MOVE_CHUNK]);
} move_buf SEC(".maps");

/*
 * The frame has no tailroom for the ESP trailer (a tightly allocated skb:
 * TCP ACKs, or data from a sender without scatter-gather): grow it at the
 * head by the encapsulation headers plus @tail instead, and move the inner
 * packet down by @tail, chunk by chunk in ascending order (a move towards
 * the head never overwrites bytes not yet copied), so that the trailer fits
 * where the packet used to end. The Ethernet header goes in front.
 * Returns 0, or -1 if there is no headroom either.
 */
static __always_inline int move_to_head(struct xdp_md *ctx, __u32 inner_len, __u32 tail)
{
	__u32 zero = 0, off, n, i;
	__u8 mac[14], *buf;

	buf = bpf_map_lookup_elem(&move_buf, &zero);
	if (!buf || bpf_xdp_load_bytes(ctx, 0, mac, sizeof(mac)))
		return -1;
	if (bpf_xdp_adjust_head(ctx, -(int)(ESP_ENCAP_HDR_LEN + tail)))
		return -1;
	if (bpf_xdp_store_bytes(ctx, 0, mac, sizeof(mac)))
		return -1;
	for (i = 0; i < MOVE_CHUNKS; i++) {
		off = i * MOVE_CHUNK;
		if (off >= inner_len)
			break;
		n = inner_len - off;
		if (n > MOVE_CHUNK)
			n = MOVE_CHUNK;
		barrier_var(n);
		if (n < 1 || n > MOVE_CHUNK)
			return -1;
		if (bpf_xdp_load_bytes(ctx, 14 + ESP_ENCAP_HDR_LEN + tail + off, buf, n) ||
		    bpf_xdp_store_bytes(ctx, 14 + ESP_ENCAP_HDR_LEN + off, buf, n))
			return -1;
	}
	__builtin_memset(buf, 0, MOVE_CHUNK);	/* no plaintext left behind */
	return 0;
}

/* Seal the packet for SA @id (entry @sa) that way @w of its flow led to
 * (flow_find(): the SA is valid, outbound and the port's, and its cipher
 * state's loads are under way). */
static __always_inline int esp_encap(struct xdp_md *ctx, struct nicsec_port_stats *st,
				     __u32 port, struct nicsec_flow_way *w, struct nicsec_sa *sa,
				     __u32 id)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 inner_len, pad, ct_len, frame_len, extra, tail, moved, i;
	struct nicsec_sa_stats *ss = &sa->st;
	struct ethhdr *eth, *old;
	struct iphdr *ip, *inner;
	struct udphdr *udp;
	struct esp_hdr *esp;
	__u32 wire_mtu = dev_wire_mtu();
	__u64 seq;
	__u8 *p, tos;

	inner = data + 14;
	if ((void *)(inner + 1) > end)
		return host_drop(st, port, NICSEC_DROP_MALFORMED, ss);
	inner_len = bpf_ntohs(inner->tot_len);
	frame_len = end - data;
	barrier_var(frame_len);		/* a scalar, not 32-bit pointer math */
	if (inner_len < 20 || inner_len > NICSEC_MAX_L3 || 14 + inner_len > frame_len)
		return host_drop(st, port, NICSEC_DROP_MALFORMED, ss);
	extra = frame_len - 14 - inner_len;	/* Ethernet padding */
	tos = inner->tos & ~3;			/* DSCP; ECN is not copied out */
	pad = esp_pad_len(inner_len);
	ct_len = inner_len + pad + ESP_TRAILER_LEN;

	if (ESP_ENCAP_HDR_LEN + ct_len + ESP_ICV_LEN > wire_mtu) {
		if (inner->ihl != 5 || icmp_frag_needed(ctx, esp_inner_mtu(wire_mtu)))
			return host_drop(st, port, NICSEC_DROP_TOO_BIG, ss);
		count_drop(st, port, NICSEC_DROP_TOO_BIG);
		st->icmp_sent++;
		return XDP_TX;
	}

	seq = __sync_fetch_and_add(&sa->seq, 1) + 1;
	if (seq > 0xffffffffULL)	/* RFC 4303 3.3.3: never cycle */
		return host_drop(st, port, NICSEC_DROP_SEQ_EXHAUSTED, ss);

	tail = pad + ESP_TRAILER_LEN + ESP_ICV_LEN;
	if (!bpf_xdp_adjust_tail(ctx, (int)tail - (int)extra)) {
		if (bpf_xdp_adjust_head(ctx, -ESP_ENCAP_HDR_LEN))
			return host_drop(st, port, NICSEC_DROP_NO_ROOM, ss);
		moved = 0;
	} else if (move_to_head(ctx, inner_len, tail) == 0 &&
		   (!extra || !bpf_xdp_adjust_tail(ctx, -(int)extra))) {
		/* no tailroom (a tightly allocated skb, e.g. a TCP ACK): the
		 * packet was moved into the headroom instead */
		moved = 1;
	} else {
		return host_drop(st, port, NICSEC_DROP_NO_ROOM, ss);
	}
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	eth = data;
	ip = data + 14;
	udp = data + 34;
	esp = data + ESP_OUT_OFF;
	if (!moved) {
		old = data + ESP_ENCAP_HDR_LEN;
		if ((void *)(old + 1) > end)
			return host_drop(st, port, NICSEC_DROP_MALFORMED, ss);
		/* same two hosts inside and out: the Ethernet header stays */
		__builtin_memcpy(eth, old, sizeof(*eth));
	}
	if ((void *)(esp + 1) > end)
		return host_drop(st, port, NICSEC_DROP_MALFORMED, ss);

	ip->version = 4;
	ip->ihl = 5;
	ip->tos = tos;
	ip->tot_len = bpf_htons(ESP_ENCAP_HDR_LEN + ct_len + ESP_ICV_LEN);
	ip->id = 0;
	ip->frag_off = bpf_htons(IP_DF);
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP_;
	ip->check = 0;
	ip->saddr = sa->local_addr;
	ip->daddr = sa->peer_addr;
	ip->check = ipv4_csum20(ip);

	udp->source = sa->local_port;
	udp->dest = sa->peer_port;
	udp->len = bpf_htons(8 + 8 + ESP_IV_LEN + ct_len + ESP_ICV_LEN);
	udp->check = 0;			/* RFC 3948 2.1: zero for IPv4 */

	esp->spi = sa->spi;
	esp->seq = bpf_htonl((__u32)seq);
	p = (__u8 *)(esp + 1);		/* IV: the 64-bit sequence number */
	if ((void *)(p + ESP_IV_LEN) > end)
		return host_drop(st, port, NICSEC_DROP_MALFORMED, ss);
	*(__be32 *)p = 0;
	*(__be32 *)(p + 4) = bpf_htonl((__u32)seq);

	/* trailer after the inner packet: padding 1, 2, 3, pad length, next header */
	barrier_var(inner_len);
	p = data + 14 + ESP_ENCAP_HDR_LEN + (inner_len & 0x3fff);
	if ((void *)(p + 5) > end)
		return host_drop(st, port, NICSEC_DROP_MALFORMED, ss);
#pragma unroll
	for (i = 0; i < 3; i++)
		if (i < pad)
			p[i] = (__u8)(i + 1);
	p[pad & 3] = (__u8)pad;
	p[(pad & 3) + 1] = ESP_NEXTHDR_IPV4;

	if (engine_seal(ctx, ESP_OUT_OFF, ct_len, id))
		return host_drop(st, port, NICSEC_DROP_ENGINE, ss);
	engine_warm_keep(id, &w->warm);
	__sync_fetch_and_add(&ss->packets, 1);
	__sync_fetch_and_add(&ss->bytes, inner_len);
	st->sealed++;
	return port_forward(ctx, st, NICSEC_PORT_WIRE);
}

/*
 * ARP from a host port: a request for the control address becomes its
 * reply (with the port's MAC, XDP_TX); any other must come from an address
 * the tenant owns. Returns an XDP action, or -1 to pass it on.
 */
static __always_inline int host_arp(struct xdp_md *ctx, struct nicsec_port_stats *st,
				    __u32 port, const struct nicsec_dev_info *di)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct arp_eth_ipv4 *arp = (void *)(eth + 1);
	struct nicsec_port_info *pi;
	__be32 ip;

	if (!arp_ipv4_ok(arp, end))
		return -1;		/* not IPv4 over Ethernet: not ours to judge */
	if (owner_of(arp->spa) != port)
		return host_drop(st, port, NICSEC_DROP_SPOOFED, NULL);
	if (arp->oper != bpf_htons(1) || !di->ctl_addr || arp->tpa != di->ctl_addr)
		return -1;
	pi = bpf_map_lookup_elem(&port_info, &port);
	if (!pi || !pi->ctl)
		return -1;
	__builtin_memcpy(eth->h_dest, arp->sha, 6);
	__builtin_memcpy(eth->h_source, pi->mac, 6);
	arp->oper = bpf_htons(2);
	__builtin_memcpy(arp->tha, arp->sha, 6);
	ip = arp->spa;
	arp->tpa = ip;
	__builtin_memcpy(arp->sha, pi->mac, 6);
	arp->spa = di->ctl_addr;
	st->arp_replies++;
	return XDP_TX;
}

SEC("xdp")
int nic_host(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 ifindex = ctx->ingress_ifindex, ihl, *portp, port;
	struct nicsec_flow_way *w = NULL;
	struct nicsec_sa *sa = NULL;
	__u32 id = 0;
	int r;
	struct nicsec_port_stats *st;
	struct nicsec_flow key = {};
	struct nicsec_dev_info *di;
	struct ethhdr *eth = data;
	struct iphdr *ip;

	portp = bpf_map_lookup_elem(&port_of, &ifindex);
	if (!portp || *portp < NICSEC_PORT_HOST1 || *portp >= NICSEC_PORT_MAX)
		return XDP_ABORTED;	/* attached to a device devd did not set up */
	port = *portp;
	st = port_rx(ctx, port);
	di = dev_info_get();
	if (!st || !di)
		return XDP_ABORTED;
	if ((void *)(eth + 1) > end)
		goto pass;
	if (eth->h_proto == ETH_P_ARP_BE) {
		int act = host_arp(ctx, st, port, di);

		if (act >= 0)
			return act;
		goto pass;
	}
	if (eth->h_proto != ETH_P_IP_BE)
		goto pass;
	ip = (void *)(eth + 1);
	ihl = ipv4_hdr_ok(ip, end);
	if (!ihl)
		goto pass;
	if (owner_of(ip->saddr) != port)
		return host_drop(st, port, NICSEC_DROP_SPOOFED, NULL);
	if (di->ctl_addr && ip->daddr == di->ctl_addr && ip->protocol == IPPROTO_UDP_ &&
	    !ipv4_is_fragment(ip)) {
		struct udphdr *udp = (void *)ip + (ihl & 0x3c);

		if ((void *)(udp + 1) <= end && udp->dest == di->ctl_port) {
			/* the control channel: to devd, before any OS stack */
			int act = bpf_redirect_map(&xsks, port, XDP_DROP);

			if (act == XDP_REDIRECT)
				st->ctl_rx++;
			else
				count_drop(st, port, NICSEC_DROP_CTL_NO_SOCKET);
			return act;
		}
	}
	key.port = port;
	key.saddr = ip->saddr;
	key.daddr = ip->daddr;
	if ((ip->protocol == IPPROTO_TCP_ || ip->protocol == IPPROTO_UDP_) &&
	    !ipv4_is_fragment(ip)) {
		__be16 *ports = (void *)ip + (ihl & 0x3c);

		if ((void *)(ports + 2) <= end) {
			key.proto = ip->protocol;
			key.sport = ports[0];
			key.dport = ports[1];
			r = flow_find(&key, di, &w, &sa, &id);
			if (r == FLOW_FOUND)
				return esp_encap(ctx, st, port, w, sa, id);
			if (r == FLOW_DROP)
				return host_drop(st, port, NICSEC_DROP_NO_SA, NULL);
			key.proto = 0;
			key.sport = 0;
			key.dport = 0;
		}
	}
	r = flow_find(&key, di, &w, &sa, &id);
	if (r == FLOW_FOUND)
		return esp_encap(ctx, st, port, w, sa, id);
	if (r == FLOW_DROP)
		return host_drop(st, port, NICSEC_DROP_NO_SA, NULL);
pass:
	st->passed++;
	return port_forward(ctx, st, NICSEC_PORT_WIRE);
}
