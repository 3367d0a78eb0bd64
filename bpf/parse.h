/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bounded header walkers and checksum helpers for the device's programs.
 * Every read is preceded by a check against data_end; variable offsets are
 * bounded by constants so the verifier can follow them.
 */
#ifndef NICSEC_PARSE_H
#define NICSEC_PARSE_H

#define ETH_P_IP_BE	bpf_htons(0x0800)
#define IP_MF		0x2000
#define IP_OFFSET	0x1fff
#define IP_DF		0x4000
#define IPPROTO_ICMP_	1
#define IPPROTO_TCP_	6
#define IPPROTO_UDP_	17
#define NICSEC_MAX_L3	9000	/* largest IPv4 packet the device handles */
#define ETH_P_ARP_BE	bpf_htons(0x0806)

/* An ARP packet for IPv4 over Ethernet (RFC 826), after the Ethernet header. */
struct arp_eth_ipv4 {
	__be16 htype, ptype;
	__u8 hlen, plen;
	__be16 oper;
	__u8 sha[6];
	__be32 spa;
	__u8 tha[6];
	__be32 tpa;
} __attribute__((packed));

/* The ARP at @arp if it is IPv4 over Ethernet and inside the frame. */
static __always_inline int arp_ipv4_ok(const struct arp_eth_ipv4 *arp, const void *end)
{
	return (const void *)(arp + 1) <= end && arp->htype == bpf_htons(1) &&
	       arp->ptype == bpf_htons(0x0800) && arp->hlen == 6 && arp->plen == 4;
}

/*
 * barrier_var(v) (bpf_helpers.h) makes the compiler forget what it knows
 * about v, so that a mask applied afterwards stays in the program for the
 * verifier to see: clang drops masks it can prove redundant, and the
 * verifier may not prove the same.
 */

static __always_inline __u16 csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* Checksum of a 20-byte IPv4 header (its check field must be zero). */
static __always_inline __u16 ipv4_csum20(const struct iphdr *ip)
{
	const __u16 *w = (const __u16 *)ip;
	__u32 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < 10; i++)
		sum += w[i];
	return csum_fold(sum);
}

/*
 * The IPv4 header at @ip if it is complete and sane: version 4, header
 * length 20..60 bytes inside the frame, total length covering the header.
 * Returns the header length in bytes, or 0.
 */
static __always_inline __u32 ipv4_hdr_ok(const struct iphdr *ip, const void *end)
{
	__u32 ihl;

	if ((const void *)(ip + 1) > end)
		return 0;
	if (ip->version != 4 || ip->ihl < 5)
		return 0;
	ihl = ip->ihl * 4;
	if ((const void *)ip + ihl > end)
		return 0;
	if (bpf_ntohs(ip->tot_len) < ihl)
		return 0;
	return ihl;
}

static __always_inline int ipv4_is_fragment(const struct iphdr *ip)
{
	return (ip->frag_off & bpf_htons(IP_MF | IP_OFFSET)) != 0;
}

#endif /* NICSEC_PARSE_H */
