/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The nicsec control protocol, version 2, as it is on the wire: the sealed
 * datagram's fixed header, TLV framing, message and TLV types, status codes
 * and limits. Documentation/control-protocol.md is the specification; this
 * header declares each constant once, beside the section that defines it.
 * Everything on the wire is in network byte order.
 */
#ifndef NICSEC_CTL_PROTO_H
#define NICSEC_CTL_PROTO_H

#include <assert.h>
#include <stdint.h>

#define NICSEC_CTL_MAGIC	0x4e494353u	/* "NICS" */
#define NICSEC_CTL_VERSION	2
#define NICSEC_CTL_PORT		7447		/* the device's control port */

#define NICSEC_CTL_KEY_LEN	32	/* enrollment key: AES-256-GCM */
#define NICSEC_CTL_NONCE_LEN	12	/* sender id || counter */
#define NICSEC_CTL_TAG_LEN	16
#define NICSEC_CTL_HDR_LEN	24
#define NICSEC_CTL_MIN_LEN	(NICSEC_CTL_HDR_LEN + NICSEC_CTL_TAG_LEN)
/* Whole datagram, header to tag: with UDP and IPv6 headers it fits the
 * IPv6 minimum link MTU of 1280 (RFC 8200 5), so it is never fragmented. */
#define NICSEC_CTL_MAX_LEN	1232
#define NICSEC_CTL_MAX_BODY	(NICSEC_CTL_MAX_LEN - NICSEC_CTL_MIN_LEN)
#define NICSEC_CTL_MAX_TLVS	16	/* per TLV list: the body, and each SA */
#define NICSEC_CTL_MAX_SAS	16	/* SA TLVs in one INSTALL */
#define NICSEC_CTL_MAX_IDS	64	/* SA ids in one SA_IDS */
#define NICSEC_CTL_TLV_HDR_LEN	4
#define NICSEC_CTL_TLV_ALIGN	4
#define NICSEC_CTL_DEVICE_ID	0	/* sender id of the device's STATUS */
#define NICSEC_CTL_REPLAY_WINDOW 64	/* counters accepted below the top */

/*
 * Fixed header; the AAD of the seal. Followed by the sealed TLV body and
 * the 16-byte GCM tag. Naturally aligned, no padding.
 */
struct nicsec_ctl_hdr {
	uint32_t magic;		/* NICSEC_CTL_MAGIC */
	uint8_t version;	/* NICSEC_CTL_VERSION */
	uint8_t type;		/* enum nicsec_ctl_type */
	uint16_t flags;		/* none defined in v2: must be zero */
	uint32_t request_id;	/* STATUS: the id of the request it answers */
	uint32_t sender_id;	/* nonce, first 4 bytes */
	uint64_t counter;	/* nonce, last 8 bytes; never 0 */
};
static_assert(sizeof(struct nicsec_ctl_hdr) == NICSEC_CTL_HDR_LEN, "ctl header");

/* TLV header; the value follows, then zero padding to a multiple of 4. */
struct nicsec_ctl_tlv {
	uint16_t type;		/* enum nicsec_ctl_tlv_type | NICSEC_CTL_TLV_MAY_IGNORE */
	uint16_t len;		/* value bytes, without header and padding */
};
static_assert(sizeof(struct nicsec_ctl_tlv) == NICSEC_CTL_TLV_HDR_LEN, "ctl tlv");

enum nicsec_ctl_type {
	NICSEC_CTL_INSTALL	= 1,
	NICSEC_CTL_DELETE	= 2,
	NICSEC_CTL_FLUSH	= 3,
	NICSEC_CTL_QUERY	= 4,
	NICSEC_CTL_STATUS	= 5,
	NICSEC_CTL_TYPE_MAX,
};

/* A receiver that does not know a TLV type skips it if this bit is set. */
#define NICSEC_CTL_TLV_MAY_IGNORE 0x8000

enum nicsec_ctl_tlv_type {
	NICSEC_CTL_T_FLOW	= 1,	/* 8: 2-tuple, 16: 5-tuple */
	NICSEC_CTL_T_DIR	= 2,	/* 1: 1 out, 2 in */
	NICSEC_CTL_T_SPI	= 3,	/* 4 */
	NICSEC_CTL_T_ALG	= 4,	/* 2: IKEv2 transform id, 20 */
	NICSEC_CTL_T_KEY	= 5,	/* 16 or 32 */
	NICSEC_CTL_T_SALT	= 6,	/* 4 */
	NICSEC_CTL_T_LIFETIME	= 7,	/* 24: seconds, bytes, packets */
	NICSEC_CTL_T_SA_ID	= 8,	/* 4 */
	NICSEC_CTL_T_COUNTERS	= 9,	/* 40: five 64-bit counters */
	NICSEC_CTL_T_ENCAP	= 10,	/* 12: outer addresses and UDP ports */
	NICSEC_CTL_T_CODE	= 11,	/* 4: enum nicsec_ctl_status */
	NICSEC_CTL_T_DEVINFO	= 12,	/* 16: engine, SAs used, SAs max, 0 */
	NICSEC_CTL_T_SA		= 13,	/* 4..: one SA of an INSTALL, a TLV list */
	NICSEC_CTL_T_SA_IDS	= 14,	/* 4 * n, n = 1..64: SA ids */
	NICSEC_CTL_T_INDEX	= 15,	/* 4: the SA (0-based) a STATUS is about */
	NICSEC_CTL_T_MAX,
};

#define NICSEC_CTL_FLOW2_LEN	8
#define NICSEC_CTL_FLOW5_LEN	16
#define NICSEC_CTL_LIFETIME_LEN	24
#define NICSEC_CTL_COUNTERS_LEN	40
#define NICSEC_CTL_ENCAP_LEN	12
#define NICSEC_CTL_DEVINFO_LEN	16

enum nicsec_ctl_dir {
	NICSEC_CTL_DIR_OUT	= 1,	/* device encrypts host -> wire */
	NICSEC_CTL_DIR_IN	= 2,	/* device decrypts wire -> host */
};

#define NICSEC_CTL_ALG_AES_GCM_16 20	/* RFC 5282 / IKEv2 ENCR_AES_GCM_16 */

/*
 * Status codes: the CODE of a STATUS, and what the codec and the handler
 * return. Codes marked (drop) are never answered: the datagram did not
 * authenticate, so neither its sender nor its request id can be trusted.
 */
enum nicsec_ctl_status {
	NICSEC_CTL_OK		= 0,
	NICSEC_CTL_E_MALFORMED	= 1,	/* framing, padding, bad magic; (drop) before auth */
	NICSEC_CTL_E_VERSION	= 2,	/* version not 2 */
	NICSEC_CTL_E_TYPE	= 3,	/* unknown message type */
	NICSEC_CTL_E_FLAGS	= 4,	/* unknown header flag bits */
	NICSEC_CTL_E_TLV_UNKNOWN = 5,	/* unknown TLV type without MAY_IGNORE */
	NICSEC_CTL_E_TLV_LEN	= 6,	/* TLV length not the exact one */
	NICSEC_CTL_E_TLV_DUP	= 7,	/* a TLV type twice */
	NICSEC_CTL_E_TLV_MISSING = 8,	/* a required TLV absent */
	NICSEC_CTL_E_TLV_UNEXPECTED = 9, /* a known TLV this message may not carry */
	NICSEC_CTL_E_VALUE	= 10,	/* a field out of range */
	NICSEC_CTL_E_TOO_BIG	= 11,	/* datagram over 1232 bytes (drop), over 16 TLVs or SAs */
	NICSEC_CTL_E_AUTH	= 12,	/* wrong key or tampered (drop) */
	NICSEC_CTL_E_REPLAY	= 13,	/* counter seen or too old (drop) */
	NICSEC_CTL_E_NO_SA	= 14,	/* no SA with that id */
	NICSEC_CTL_E_EXISTS	= 15,	/* SPI already installed in that direction */
	NICSEC_CTL_E_NO_SPACE	= 16,	/* SA table, tenant's quota or sender table full */
	NICSEC_CTL_E_DEVICE	= 17,	/* the device failed (engine, maps) */
	NICSEC_CTL_E_SENDER	= 18,	/* request with sender id 0, the device's (drop) */
	NICSEC_CTL_E_DENIED	= 19,	/* a local address that is not the tenant's */
	NICSEC_CTL_STATUS_MAX,
};

#endif
