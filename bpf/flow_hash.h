/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where an outbound flow lives in flow_tab, computed the same way by the
 * data path (nic_host.bpf.c) and by user space (userspace/lib/flowtab.c).
 *
 * flow_tab is an array of buckets, each two ways (struct nicsec_flow_way,
 * 32 bytes: one 64-byte cache line per bucket). A flow has two candidate
 * buckets (cuckoo hashing): both are a computation away from the packet,
 * so a lookup costs one dependent memory access, where a kernel hash map
 * costs two (bucket, then element).
 *
 * The hash is SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast
 * short-input PRF", 2012) of the flow's 16 bytes under a 128-bit secret
 * that nicsec-devd draws at start (dev_info.flow_seed): a tenant that does
 * not know it cannot choose flows that crowd another tenant's buckets.
 * 64 bits out: the low ones pick the first bucket, the high 32 are the
 * flow's tag (never 0: 0 marks a free way), and the second bucket is the
 * first XOR a function of the tag alone, so that either bucket and the
 * tag give the other (user space moves a flow without knowing its key).
 */
#ifndef NICSEC_FLOW_HASH_H
#define NICSEC_FLOW_HASH_H

#include "maps.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define NICSEC_SIP_ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))

static __always_inline void nicsec_sip_round(__u64 *v0, __u64 *v1, __u64 *v2, __u64 *v3)
{
	*v0 += *v1;
	*v1 = NICSEC_SIP_ROTL(*v1, 13);
	*v1 ^= *v0;
	*v0 = NICSEC_SIP_ROTL(*v0, 32);
	*v2 += *v3;
	*v3 = NICSEC_SIP_ROTL(*v3, 16);
	*v3 ^= *v2;
	*v0 += *v3;
	*v3 = NICSEC_SIP_ROTL(*v3, 21);
	*v3 ^= *v0;
	*v2 += *v1;
	*v1 = NICSEC_SIP_ROTL(*v1, 17);
	*v1 ^= *v2;
	*v2 = NICSEC_SIP_ROTL(*v2, 32);
}

/*
 * SipHash-2-4 of a 16-byte message given as its two little-endian 64-bit
 * words @m0 (bytes 0..7) and @m1 (bytes 8..15), under key words @k0, @k1
 * (key bytes 0..7 and 8..15, little-endian).
 */
static __always_inline __u64 nicsec_siphash16(__u64 k0, __u64 k1, __u64 m0, __u64 m1)
{
	__u64 v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
	__u64 v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
	__u64 b = (__u64)16 << 56;	/* the last block: length, no bytes left */

	v3 ^= m0;
	nicsec_sip_round(&v0, &v1, &v2, &v3);
	nicsec_sip_round(&v0, &v1, &v2, &v3);
	v0 ^= m0;
	v3 ^= m1;
	nicsec_sip_round(&v0, &v1, &v2, &v3);
	nicsec_sip_round(&v0, &v1, &v2, &v3);
	v0 ^= m1;
	v3 ^= b;
	nicsec_sip_round(&v0, &v1, &v2, &v3);
	nicsec_sip_round(&v0, &v1, &v2, &v3);
	v0 ^= b;
	v2 ^= 0xff;
	nicsec_sip_round(&v0, &v1, &v2, &v3);
	nicsec_sip_round(&v0, &v1, &v2, &v3);
	nicsec_sip_round(&v0, &v1, &v2, &v3);
	nicsec_sip_round(&v0, &v1, &v2, &v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/*
 * The flow's hash: SipHash of its fields as two words, each field as the
 * packet and struct nicsec_flow hold it (network byte order but the port).
 */
static __always_inline __u64 nicsec_flow_hash(const struct nicsec_flow *f, const __u64 seed[2])
{
	__u64 m0 = (__u64)f->saddr | (__u64)f->daddr << 32;
	__u64 m1 = (__u64)f->sport | (__u64)f->dport << 16 | (__u64)f->proto << 32 |
		   (__u64)f->port << 48;

	return nicsec_siphash16(seed[0], seed[1], m0, m1);
}

static __always_inline __u32 nicsec_flow_tag(__u64 h)
{
	__u32 t = (__u32)(h >> 32);

	return t ? t : 1;
}

/* The XOR between a tagged flow's two buckets; never 0 unless there is
 * one bucket only (@bmask 0). */
static __always_inline __u32 nicsec_flow_alt(__u32 tag, __u32 bmask)
{
	__u32 a = (tag * 0x9e3779b1u) & bmask;

	return a ? a : (1 & bmask);
}

#endif /* NICSEC_FLOW_HASH_H */
