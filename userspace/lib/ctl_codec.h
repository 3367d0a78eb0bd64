/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Control protocol codec, sealing and replay state: pure functions of a
 * buffer that both ends use. A struct nicsec_ctl_msg is the decoded form of
 * one message (header fields plus the TLVs present); encode/seal turn it into
 * a datagram, unseal/parse turn a datagram back into it, each bounded and
 * returning an enum nicsec_ctl_status. Multi-byte fields of the decoded form
 * are in host order except addresses and ports, which stay in network order
 * as the device's maps (bpf/maps.h) keep them.
 */
#ifndef NICSEC_CTL_CODEC_H
#define NICSEC_CTL_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include "ctl_proto.h"

#define NICSEC_CTL_F(t)	(1u << (t))	/* bit of TLV type t in msg.present */

struct nicsec_ctl_flow {
	uint32_t saddr;		/* network order */
	uint32_t daddr;
	uint16_t sport;		/* network order; 0 in a 2-tuple */
	uint16_t dport;
	uint8_t proto;		/* 0 in a 2-tuple */
	uint8_t ntuple;		/* 2 or 5 */
};

struct nicsec_ctl_encap {
	uint32_t local_addr;	/* network order: outer source of outbound ESP */
	uint32_t peer_addr;
	uint16_t local_port;	/* network order */
	uint16_t peer_port;
};

struct nicsec_ctl_lifetime {
	uint64_t seconds;	/* 0: no limit */
	uint64_t bytes;
	uint64_t packets;
};

struct nicsec_ctl_counters {
	uint64_t packets;
	uint64_t bytes;
	uint64_t auth_fail;
	uint64_t replay;
	uint64_t other_drop;
};

struct nicsec_ctl_devinfo {
	uint32_t engine;	/* enum nicsec_engine_id of bpf/maps.h */
	uint32_t sa_used;
	uint32_t sa_max;
};

/*
 * One SA of an INSTALL (an SA TLV: its own TLV list). @present has the
 * NICSEC_CTL_F() bits of the TLVs it carries, so LIFETIME and ENCAP are
 * optional. Wipe with nicsec_ctl_sa_wipe() (it holds the key).
 */
struct nicsec_ctl_sa {
	uint32_t present;
	struct nicsec_ctl_flow flow;
	uint8_t dir;		/* enum nicsec_ctl_dir */
	uint8_t key_len;	/* 16 or 32 */
	uint16_t alg;
	uint32_t spi;		/* host order */
	uint8_t key[32];
	uint8_t salt[4];
	struct nicsec_ctl_lifetime lifetime;
	struct nicsec_ctl_encap encap;
};

struct nicsec_ctl_msg {
	uint8_t version;
	uint8_t type;		/* enum nicsec_ctl_type */
	uint16_t flags;
	uint32_t request_id;
	uint32_t sender_id;
	uint64_t counter;
	uint32_t present;	/* NICSEC_CTL_F(type) per TLV carried */
	uint32_t n_sa;		/* SA TLVs (INSTALL), in datagram order */
	struct nicsec_ctl_sa sa[NICSEC_CTL_MAX_SAS];	/* wipe with nicsec_ctl_msg_wipe() */
	uint32_t n_ids;		/* SA_IDS */
	uint32_t ids[NICSEC_CTL_MAX_IDS];
	uint32_t sa_id;
	uint32_t index;		/* INDEX */
	struct nicsec_ctl_counters counters;
	uint32_t code;		/* enum nicsec_ctl_status */
	struct nicsec_ctl_devinfo devinfo;
};

/* The TLVs an SA TLV requires and allows (FLOW DIR SPI ALG KEY SALT;
 * LIFETIME ENCAP). */
#define NICSEC_CTL_SA_REQUIRED (NICSEC_CTL_F(NICSEC_CTL_T_FLOW) | NICSEC_CTL_F(NICSEC_CTL_T_DIR) | \
				NICSEC_CTL_F(NICSEC_CTL_T_SPI) | NICSEC_CTL_F(NICSEC_CTL_T_ALG) | \
				NICSEC_CTL_F(NICSEC_CTL_T_KEY) | NICSEC_CTL_F(NICSEC_CTL_T_SALT))
#define NICSEC_CTL_SA_OPTIONAL (NICSEC_CTL_F(NICSEC_CTL_T_LIFETIME) | \
				NICSEC_CTL_F(NICSEC_CTL_T_ENCAP))

/* TLVs each message type requires and allows; see control-protocol.md. */
uint32_t nicsec_ctl_required(uint8_t type);
uint32_t nicsec_ctl_allowed(uint8_t type);

/*
 * Encode header and plaintext TLV body of @msg (TLVs in type order, those
 * in msg->present; the msg->n_sa SA TLVs, each with its TLVs in type
 * order, where type 13 goes) into @out (@cap bytes). Returns the length
 * (header + body, no tag) or -EINVAL (a value the codec cannot express),
 * -EMSGSIZE.
 */
int nicsec_ctl_encode(const struct nicsec_ctl_msg *msg, uint8_t *out, size_t cap);

/*
 * Validate and parse a plaintext message: @len bytes at @buf, header then
 * TLV body (no tag). Header checks first (magic, version, type, flags),
 * then every TLV (framing, known type, exact length, no duplicates, zero
 * padding, values in range; an SA TLV's own list by the same rules), then
 * the required set of the type. Fills @msg and returns NICSEC_CTL_OK, or
 * the status of the first fault; on error @msg keeps the header fields
 * read so far and, for a fault inside an SA TLV, msg->index = that SA's
 * position (0-based) with NICSEC_CTL_F(INDEX) in msg->present; nothing
 * else.
 */
int nicsec_ctl_parse(const uint8_t *buf, size_t len, struct nicsec_ctl_msg *msg);

/* Bytes SA TLV @sa takes in a body (header, its TLVs, padding); 0 if the
 * codec cannot express it. A sender packs an INSTALL with this. */
size_t nicsec_ctl_sa_wire_len(const struct nicsec_ctl_sa *sa);

/* Header-only checks a receiver can make before authenticating: length
 * bounds (E_MALFORMED, E_TOO_BIG) and magic (E_AUTH). */
int nicsec_ctl_precheck(const uint8_t *buf, size_t len);

/*
 * Seal @msg under @key: encode, encrypt the body in place with AES-256-GCM,
 * nonce sender id || counter, AAD the 24-byte header, append the tag.
 * Returns the datagram length or -errno.
 */
int nicsec_ctl_seal(const struct nicsec_ctl_msg *msg, const uint8_t *key,
		    uint8_t *out, size_t cap);

/* Seal an encoded message (@len bytes: header then plaintext body, as
 * nicsec_ctl_encode() makes); for tests and fuzz corpora that need
 * malformed bodies. Returns the datagram length or -errno. */
int nicsec_ctl_seal_raw(const uint8_t *plain, size_t len, const uint8_t *key,
			uint8_t *out, size_t cap);

/*
 * Authenticate and decrypt the datagram at @in into @out (header then
 * plaintext body, @in's length minus the tag; @cap at least that), without
 * parsing the body. Returns NICSEC_CTL_OK and sets *@plain_len, or
 * E_MALFORMED, E_TOO_BIG, E_AUTH; negative -errno if OpenSSL fails.
 */
int nicsec_ctl_unseal(const uint8_t *in, size_t len, const uint8_t *key,
		      uint8_t *out, size_t cap, size_t *plain_len);

/* Unseal then parse, for receivers without replay state (tests, fuzzing). */
int nicsec_ctl_open_msg(const uint8_t *in, size_t len, const uint8_t *key,
			struct nicsec_ctl_msg *msg);

void nicsec_ctl_msg_wipe(struct nicsec_ctl_msg *msg);
void nicsec_ctl_sa_wipe(struct nicsec_ctl_sa *sa);

/*
 * Anti-replay state of one sender: the highest counter accepted and a
 * bitmap of the 64 below it (RFC 4303 3.4.3's window, over 64-bit
 * counters). Counter 0 is never valid.
 */
struct nicsec_ctl_replay {
	uint64_t top;
	uint64_t bitmap;	/* bit i: top - i accepted */
};

/* Returns NICSEC_CTL_OK if @counter is new, else E_REPLAY; no change. */
int nicsec_ctl_replay_check(const struct nicsec_ctl_replay *r, uint64_t counter);
/* Record @counter as seen; call only after the message authenticated. */
void nicsec_ctl_replay_update(struct nicsec_ctl_replay *r, uint64_t counter);

/*
 * Text for a result of this library: 0, a negative errno, or a positive
 * enum nicsec_ctl_status a device answered. Never NULL.
 */
const char *nicsec_ctl_strerror(int err);

#endif
