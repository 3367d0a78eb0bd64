// SPDX-License-Identifier: GPL-2.0
/*
 * The device's wire port (faces the network). UDP to port 4500 is ours:
 * IKE (non-ESP marker) and NAT keepalives pass, ESP is looked up by SPI
 * and outer destination, checked against the SA's outer addresses and the
 * replay window, opened, checked (trailer, inner header, the SA's
 * selectors), decapsulated and sent to the host port of the tenant that
 * owns the SA, never another; anything wrong with it is dropped and
 * counted by reason. Everything else (ARP, IKE on 500, other traffic)
 * crosses unchanged to the host port of the tenant that owns its
 * destination address (ARP: the target address), or, not IPv4, to the
 * default port if one is set; with no such tenant it is dropped.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "maps.bpf.h"
#include "parse.h"
#include "esp.h"
#include "replay.h"
#include "engine.h"

#define ESP_MIN_LEN	(8 + ESP_IV_LEN + ESP_TRAILER_LEN + ESP_ICV_LEN)

static __always_inline int wire_drop(struct nicsec_port_stats *st, __u32 reason,
				struct nicsec_sa_stats *ss)
{
	count_drop(st, NICSEC_PORT_WIRE, reason);
	if (ss) {
		if (reason == NICSEC_DROP_AUTH)
			__sync_fetch_and_add(&ss->auth_fail, 1);
		else if (reason == NICSEC_DROP_REPLAY)
			__sync_fetch_and_add(&ss->replay, 1);
		else
			__sync_fetch_and_add(&ss->other_drop, 1);
	}
	return XDP_DROP;
}

/* Does the decrypted inner packet belong to the SA's traffic selectors? */
static __always_inline int selectors_ok(const struct nicsec_sa *sa,
					const struct iphdr *in, const void *end)
{
	const __be16 *ports;

	if (sa->sel_remote && in->saddr != sa->sel_remote)
		return 0;
	if (sa->sel_local && in->daddr != sa->sel_local)
		return 0;
	if (!sa->sel_proto)
		return 1;
	if (in->protocol != sa->sel_proto)
		return 0;
	if (!sa->sel_remote_port && !sa->sel_local_port)
		return 1;
	if (ipv4_is_fragment(in))
		return 0;		/* no ports to check */
	ports = (const void *)(in + 1);	/* inner ihl is 5, checked by the caller */
	if ((const void *)(ports + 2) > end)
		return 0;
	if (sa->sel_remote_port && ports[0] != sa->sel_remote_port)
		return 0;
	if (sa->sel_local_port && ports[1] != sa->sel_local_port)
		return 0;
	return 1;
}

static __always_inline int esp_decap(struct xdp_md *ctx, struct nicsec_port_stats *st,
				     __u32 ihl, __u32 plen)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 id, *idp, seq, esp_off, ct_len, padlen, inner_len, frame_len, i;
	__u32 trailer_off;
	struct nicsec_sa_stats *ss = NULL;
	struct nicsec_spi_key skey;
	struct nicsec_replay *rp;
	struct nicsec_sa *sa;
	struct esp_hdr *esp;
	struct iphdr *ip = data + 14, *in;
	__u8 *t, nexthdr;
	int err;

	esp_off = 14 + ihl + 8;
	esp = data + esp_off;
	if ((void *)(esp + 1) > end || (void *)(ip + 1) > end)
		return wire_drop(st, NICSEC_DROP_MALFORMED, NULL);
	if (plen < ESP_MIN_LEN || plen > NICSEC_MAX_L3)
		return wire_drop(st, NICSEC_DROP_MALFORMED, NULL);

	skey.spi = esp->spi;
	skey.daddr = ip->daddr;
	idp = bpf_map_lookup_elem(&spi_in, &skey);
	if (!idp)
		return wire_drop(st, NICSEC_DROP_NO_SA, NULL);
	id = *idp;
	engine_touch(id, NULL);
	sa = bpf_map_lookup_elem(&sa_table, &id);
	rp = bpf_map_lookup_elem(&sa_replay, &id);
	if (!sa)
		return wire_drop(st, NICSEC_DROP_NO_SA, NULL);
	ss = &sa->st;
	if (!rp || !(sa->flags & NICSEC_SA_VALID) || !(sa->flags & NICSEC_SA_IN) ||
	    sa->port < NICSEC_PORT_HOST1 || sa->port >= NICSEC_PORT_MAX)
		return wire_drop(st, NICSEC_DROP_NO_SA, ss);
	if (ip->saddr != sa->peer_addr || ip->daddr != sa->local_addr)
		return wire_drop(st, NICSEC_DROP_BAD_ADDR, ss);

	seq = bpf_ntohl(esp->seq);
	if (replay_check(rp, seq))
		return wire_drop(st, NICSEC_DROP_REPLAY, ss);

	ct_len = plen - 8 - ESP_IV_LEN - ESP_ICV_LEN;
	err = engine_open(ctx, esp_off, ct_len, id);
	if (err == -NICSEC_EBADMSG)
		return wire_drop(st, NICSEC_DROP_AUTH, ss);
	if (err)
		return wire_drop(st, NICSEC_DROP_ENGINE, ss);
	if (replay_update(rp, seq))
		return wire_drop(st, NICSEC_DROP_REPLAY, ss);

	/* the engine call may have moved the frame: derive pointers again */
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	frame_len = end - data;
	barrier_var(frame_len);		/* a scalar, not 32-bit pointer math */
	trailer_off = esp_off + 8 + ESP_IV_LEN + ct_len - ESP_TRAILER_LEN;
	barrier_var(trailer_off);
	t = data + (trailer_off & 0x3fff);
	if ((void *)(t + 2) > end)
		return wire_drop(st, NICSEC_DROP_MALFORMED, ss);
	padlen = t[0];
	nexthdr = t[1];
	if (nexthdr != ESP_NEXTHDR_IPV4 || padlen + ESP_TRAILER_LEN + 20 > ct_len)
		return wire_drop(st, NICSEC_DROP_BAD_TRAILER, ss);
	/* RFC 4303 2.4: default padding is 1, 2, 3, ... */
	for (i = 1; i <= 255; i++) {
		__u8 *b;

		if (i > padlen)
			break;
		__u32 off = trailer_off - padlen + i - 1;

		barrier_var(off);
		b = data + (off & 0x3fff);
		if ((void *)(b + 1) > end)
			return wire_drop(st, NICSEC_DROP_BAD_TRAILER, ss);
		if (*b != (__u8)i)
			return wire_drop(st, NICSEC_DROP_BAD_TRAILER, ss);
	}
	inner_len = ct_len - padlen - ESP_TRAILER_LEN;

	in = data + ((esp_off + 8 + ESP_IV_LEN) & 0xff);
	if ((void *)(in + 1) > end)
		return wire_drop(st, NICSEC_DROP_MALFORMED, ss);
	if (in->version != 4 || in->ihl != 5 || bpf_ntohs(in->tot_len) != inner_len)
		return wire_drop(st, NICSEC_DROP_MALFORMED, ss);
	if (!selectors_ok(sa, in, end))
		return wire_drop(st, NICSEC_DROP_POLICY, ss);

	/* Ethernet header in front of the inner packet, then cut the rest */
	{
		__u32 eoff = esp_off + 8 + ESP_IV_LEN - 14;
		struct ethhdr *eth = data, *neth;

		barrier_var(eoff);
		neth = data + (eoff & 0xff);
		if ((void *)(neth + 1) > end || (void *)(eth + 1) > end)
			return wire_drop(st, NICSEC_DROP_MALFORMED, ss);
		__builtin_memcpy(neth, eth, 14);
	}
	if (bpf_xdp_adjust_tail(ctx, -(int)(frame_len - (esp_off + 8 + ESP_IV_LEN + inner_len))))
		return wire_drop(st, NICSEC_DROP_MALFORMED, ss);
	if (bpf_xdp_adjust_head(ctx, (int)(esp_off + 8 + ESP_IV_LEN - 14)))
		return wire_drop(st, NICSEC_DROP_MALFORMED, ss);

	__sync_fetch_and_add(&ss->packets, 1);
	__sync_fetch_and_add(&ss->bytes, inner_len);
	st->opened++;
	/* to the tenant that owns the SA, and only there */
	return port_forward(ctx, st, sa->port);
}

/*
 * Where a frame that is not the device's goes: the host port of the
 * tenant owning its IPv4 destination (ARP: target address), the default
 * port for other frames; 0 if none (dropped, no_tenant).
 */
static __always_inline __u32 pass_port(void *data, void *end)
{
	struct ethhdr *eth = data;
	struct nicsec_dev_info *di;

	if ((void *)(eth + 1) > end)
		return 0;
	if (eth->h_proto == ETH_P_IP_BE) {
		struct iphdr *ip = (void *)(eth + 1);

		return (void *)(ip + 1) <= end ? owner_of(ip->daddr) : 0;
	}
	if (eth->h_proto == ETH_P_ARP_BE) {
		struct arp_eth_ipv4 *arp = (void *)(eth + 1);

		if (arp_ipv4_ok(arp, end))
			return owner_of(arp->tpa);
	}
	di = dev_info_get();
	return di ? di->default_port : 0;
}

SEC("xdp")
int nic_wire(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct nicsec_port_stats *st = port_rx(ctx, NICSEC_PORT_WIRE);
	struct ethhdr *eth = data;
	__u32 ihl, udp_len, plen, port;
	struct udphdr *udp;
	struct iphdr *ip;
	__u8 *payload;

	if (!st)
		return XDP_ABORTED;
	if ((void *)(eth + 1) > end || eth->h_proto != ETH_P_IP_BE)
		goto pass;	/* ARP and the rest: pass_port() below */
	ip = (void *)(eth + 1);
	ihl = ipv4_hdr_ok(ip, end);
	if (!ihl || ip->protocol != IPPROTO_UDP_ || ipv4_is_fragment(ip))
		goto pass;
	udp = (void *)ip + (ihl & 0x3c);
	if ((void *)(udp + 1) > end || udp->dest != bpf_htons(NICSEC_ESP_PORT))
		goto pass;

	/* UDP to 4500 is ours: it must be whole and consistent */
	udp_len = bpf_ntohs(udp->len);
	if (udp_len < 8 || ihl + udp_len > bpf_ntohs(ip->tot_len) ||
	    14 + ihl + udp_len > (__u32)(end - data))
		return wire_drop(st, NICSEC_DROP_MALFORMED, NULL);
	plen = udp_len - 8;
	payload = (void *)(udp + 1);
	if (plen == 1 && (void *)(payload + 1) <= end && payload[0] == 0xff)
		goto pass;		/* NAT keepalive, RFC 3948 2.3 */
	if (plen < 4 || (void *)(payload + 4) > end)
		return wire_drop(st, NICSEC_DROP_MALFORMED, NULL);
	if (*(__u32 *)payload == 0)
		goto pass;		/* non-ESP marker: IKE, RFC 3948 2.2 */
	return esp_decap(ctx, st, ihl & 0x3c, plen);
pass:
	port = pass_port(data, end);
	if (port < NICSEC_PORT_HOST1 || port >= NICSEC_PORT_MAX)
		return wire_drop(st, NICSEC_DROP_NO_TENANT, NULL);
	st->passed++;
	return port_forward(ctx, st, port);
}
