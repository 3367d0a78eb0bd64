/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKEv2 (RFC 7296) on the wire: the fixed headers, the protocol constants
 * beside the section that defines them, the decoded forms of each payload,
 * and the codec of userspace/ike/payload.c (parsers ike_pld_X() each paired
 * with ike_validate_X(); builders ike_build_X() into a bounded buffer).
 * Pure functions of a buffer: no crypto, no sockets, no allocation. Decoded
 * structs copy every fixed field; variable-length data (KE, nonce, notify
 * data, ...) is a pointer into the caller's buffer, valid while it lives.
 * Every multi-byte field on the wire is in network byte order.
 */
#ifndef NICSEC_IKE_H
#define NICSEC_IKE_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

/* ---- limits of this implementation (not of the protocol) ---- */
#define IKE_MAX_MSG_LEN		65535	/* the header's length is 32-bit; UDP's is not */
#define IKE_MAX_PLD		32	/* payloads per chain (outer or inside SK) */
#define IKE_MAX_PROP		16	/* proposals per SA payload */
#define IKE_MAX_XF		64	/* transforms per proposal (strongSwan's default lists ~40) */
#define IKE_MAX_TS		16	/* traffic selectors per TS payload */
#define IKE_MAX_DEL_SPI		64	/* SPIs per Delete payload */

#define IKE_HDR_LEN		28
#define IKE_GEN_HDR_LEN		4
#define IKE_SPI_LEN		8
#define IKE_NONCE_MIN_LEN	16	/* RFC 7296 3.9 */
#define IKE_NONCE_MAX_LEN	256
#define IKE_NATD_LEN		20	/* RFC 7296 2.23: SHA-1 digest */
#define IKE_COOKIE_MAX_LEN	64	/* RFC 7296 2.6 */

/* RFC 7296 3.1: IKE header. Followed by the first payload (hdr.next). */
struct ike_hdr {
	uint8_t spi_i[IKE_SPI_LEN];
	uint8_t spi_r[IKE_SPI_LEN];	/* zero in the first IKE_SA_INIT */
	uint8_t next;			/* enum ike_pld_type of the first payload */
	uint8_t version;		/* major << 4 | minor */
	uint8_t exchange;		/* enum ike_exchange */
	uint8_t flags;			/* IKE_FLAG_* */
	uint32_t msgid;
	uint32_t length;		/* whole message, header included */
};
static_assert(sizeof(struct ike_hdr) == IKE_HDR_LEN, "IKE header");

/* RFC 7296 3.2: generic payload header. Followed by length - 4 bytes of body. */
struct ike_gen_hdr {
	uint8_t next;		/* type of the following payload, 0 for none */
	uint8_t flags;		/* IKE_PLD_CRITICAL; the other 7 bits are reserved */
	uint16_t length;	/* payload length, this header included */
};
static_assert(sizeof(struct ike_gen_hdr) == IKE_GEN_HDR_LEN, "generic payload header");

#define IKE_VERSION		0x20	/* RFC 7296 3.1: major 2, minor 0 */
#define IKE_VERSION_MAJOR(v)	((v) >> 4)

/* RFC 7296 3.1: header flags. The rest are reserved: cleared on send, ignored on receipt. */
#define IKE_FLAG_INITIATOR	0x08
#define IKE_FLAG_VERSION	0x10
#define IKE_FLAG_RESPONSE	0x20
#define IKE_FLAGS_KNOWN		(IKE_FLAG_INITIATOR | IKE_FLAG_VERSION | IKE_FLAG_RESPONSE)

#define IKE_PLD_CRITICAL	0x80	/* RFC 7296 3.2 */

/* RFC 7296 3.1: exchange types. */
enum ike_exchange {
	IKE_SA_INIT		= 34,
	IKE_AUTH		= 35,
	IKE_CREATE_CHILD_SA	= 36,
	IKE_INFORMATIONAL	= 37,
};

/* RFC 7296 3.2, RFC 7383 2.5 (SKF): payload types. */
enum ike_pld_type {
	IKE_PLD_NONE	= 0,
	IKE_PLD_SA	= 33,	/* 3.3 */
	IKE_PLD_KE	= 34,	/* 3.4 */
	IKE_PLD_IDI	= 35,	/* 3.5 */
	IKE_PLD_IDR	= 36,
	IKE_PLD_CERT	= 37,	/* 3.6 */
	IKE_PLD_CERTREQ	= 38,	/* 3.7 */
	IKE_PLD_AUTH	= 39,	/* 3.8 */
	IKE_PLD_NONCE	= 40,	/* 3.9 */
	IKE_PLD_NOTIFY	= 41,	/* 3.10 */
	IKE_PLD_DELETE	= 42,	/* 3.11 */
	IKE_PLD_VENDOR	= 43,	/* 3.12 */
	IKE_PLD_TSI	= 44,	/* 3.13 */
	IKE_PLD_TSR	= 45,
	IKE_PLD_SK	= 46,	/* 3.14 */
	IKE_PLD_CP	= 47,	/* 3.15 */
	IKE_PLD_EAP	= 48,	/* 3.16 */
	IKE_PLD_SKF	= 53,	/* RFC 7383 2.5 */
};

/* RFC 7296 3.3.1: protocol ids (proposals, notify, delete). */
enum ike_proto {
	IKE_PROTO_NONE	= 0,
	IKE_PROTO_IKE	= 1,
	IKE_PROTO_AH	= 2,
	IKE_PROTO_ESP	= 3,
};

/* RFC 7296 3.3.2: transform types. */
enum ike_xf_type {
	IKE_XF_ENCR	= 1,
	IKE_XF_PRF	= 2,
	IKE_XF_INTEG	= 3,
	IKE_XF_DH	= 4,
	IKE_XF_ESN	= 5,
};

/* RFC 7296 3.3.2, RFC 5282 (GCM in IKE), RFC 4106: transform ids. */
enum ike_encr {
	IKE_ENCR_AES_CBC	= 12,
	IKE_ENCR_AES_CTR	= 13,
	IKE_ENCR_AES_GCM_8	= 18,
	IKE_ENCR_AES_GCM_12	= 19,
	IKE_ENCR_AES_GCM_16	= 20,
	IKE_ENCR_CHACHA20_POLY1305 = 28,	/* RFC 7634 */
};
enum ike_prf {
	IKE_PRF_HMAC_SHA1	= 2,
	IKE_PRF_HMAC_SHA2_256	= 5,	/* RFC 4868 */
	IKE_PRF_HMAC_SHA2_384	= 6,
	IKE_PRF_HMAC_SHA2_512	= 7,
};
enum ike_integ {
	IKE_AUTH_NONE		= 0,
	IKE_AUTH_HMAC_SHA1_96	= 2,
	IKE_AUTH_HMAC_SHA2_256_128 = 12,	/* RFC 4868 */
	IKE_AUTH_HMAC_SHA2_384_192 = 13,
	IKE_AUTH_HMAC_SHA2_512_256 = 14,
};
enum ike_dh_group {
	IKE_DH_NONE		= 0,
	IKE_DH_MODP2048		= 14,	/* RFC 3526 */
	IKE_DH_ECP256		= 19,	/* RFC 5903 */
	IKE_DH_ECP384		= 20,
	IKE_DH_ECP521		= 21,
	IKE_DH_CURVE25519	= 31,	/* RFC 8031 */
	IKE_DH_CURVE448		= 32,
};
enum ike_esn {
	IKE_ESN_NO		= 0,
	IKE_ESN_YES		= 1,
};

/* RFC 7296 3.3.5: transform attributes. */
#define IKE_ATTR_TV		0x8000	/* AF bit: the value is the 2 low bytes */
#define IKE_ATTR_KEY_LENGTH	14	/* bits; TV only */

/* RFC 7296 3.5: identification types. */
enum ike_id_type {
	IKE_ID_IPV4_ADDR	= 1,
	IKE_ID_FQDN		= 2,
	IKE_ID_RFC822_ADDR	= 3,
	IKE_ID_IPV6_ADDR	= 5,
	IKE_ID_DER_ASN1_DN	= 9,
	IKE_ID_DER_ASN1_GN	= 10,
	IKE_ID_KEY_ID		= 11,
};

/* RFC 7296 3.8, RFC 7427: authentication methods. */
enum ike_auth_method {
	IKE_AUTH_RSA_SIG	= 1,
	IKE_AUTH_SHARED_KEY_MIC	= 2,
	IKE_AUTH_DSS_SIG	= 3,
	IKE_AUTH_ECDSA_256	= 9,	/* RFC 4754 */
	IKE_AUTH_ECDSA_384	= 10,
	IKE_AUTH_ECDSA_521	= 11,
	IKE_AUTH_DIGITAL_SIG	= 14,	/* RFC 7427 */
};

/* RFC 7296 3.10.1: notify message types; errors below 16384. */
enum ike_notify_type {
	IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD = 1,
	IKE_N_INVALID_IKE_SPI		= 4,
	IKE_N_INVALID_MAJOR_VERSION	= 5,
	IKE_N_INVALID_SYNTAX		= 7,
	IKE_N_INVALID_MESSAGE_ID	= 9,
	IKE_N_INVALID_SPI		= 11,
	IKE_N_NO_PROPOSAL_CHOSEN	= 14,
	IKE_N_INVALID_KE_PAYLOAD	= 17,
	IKE_N_AUTHENTICATION_FAILED	= 24,
	IKE_N_SINGLE_PAIR_REQUIRED	= 34,
	IKE_N_NO_ADDITIONAL_SAS		= 35,
	IKE_N_INTERNAL_ADDRESS_FAILURE	= 36,
	IKE_N_FAILED_CP_REQUIRED	= 37,
	IKE_N_TS_UNACCEPTABLE		= 38,
	IKE_N_INVALID_SELECTORS		= 39,
	IKE_N_TEMPORARY_FAILURE		= 43,
	IKE_N_CHILD_SA_NOT_FOUND	= 44,
	IKE_N_ERROR_MAX			= 16383,
	IKE_N_INITIAL_CONTACT		= 16384,
	IKE_N_SET_WINDOW_SIZE		= 16385,
	IKE_N_ADDITIONAL_TS_POSSIBLE	= 16386,
	IKE_N_IPCOMP_SUPPORTED		= 16387,
	IKE_N_NAT_DETECTION_SOURCE_IP	= 16388,
	IKE_N_NAT_DETECTION_DESTINATION_IP = 16389,
	IKE_N_COOKIE			= 16390,
	IKE_N_USE_TRANSPORT_MODE	= 16391,
	IKE_N_HTTP_CERT_LOOKUP_SUPPORTED = 16392,
	IKE_N_REKEY_SA			= 16393,
	IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED = 16394,
	IKE_N_NON_FIRST_FRAGMENTS_ALSO	= 16395,
	IKE_N_MOBIKE_SUPPORTED		= 16396,	/* RFC 4555 */
	IKE_N_FRAGMENTATION_SUPPORTED	= 16430,	/* RFC 7383 */
	IKE_N_SIGNATURE_HASH_ALGORITHMS	= 16431,	/* RFC 7427 */
};

/* RFC 7296 3.13.1: traffic selector types. */
enum ike_ts_type {
	IKE_TS_IPV4_ADDR_RANGE	= 7,
	IKE_TS_IPV6_ADDR_RANGE	= 8,
};

/*
 * Codec results: 0, or one of these (negative). ike_err_notify() gives the
 * notify type the agent should answer a request with (0: drop silently).
 */
enum ike_err {
	IKE_OK			= 0,
	IKE_E_SYNTAX		= -1,	/* malformed: INVALID_SYNTAX */
	IKE_E_CRITICAL		= -2,	/* unknown critical payload: UNSUPPORTED_CRITICAL_PAYLOAD */
	IKE_E_VERSION		= -3,	/* major version != 2: INVALID_MAJOR_VERSION */
	IKE_E_LIMIT		= -4,	/* valid but beyond IKE_MAX_*: INVALID_SYNTAX */
	IKE_E_TS_TYPE		= -5,	/* traffic selector type we do not handle: TS_UNACCEPTABLE */
	IKE_E_NOSPACE		= -6,	/* builder: the output buffer is full (local) */
	IKE_E_INVAL		= -7,	/* builder: bad argument (local) */
};
int ike_err_notify(int err);
const char *ike_err_str(int err);

/* ---- decoded forms ---- */

/* One payload of a chain, as located by ike_pld_msg()/ike_pld_chain(). */
struct ike_pld {
	uint8_t type;		/* enum ike_pld_type */
	uint8_t critical;	/* the critical bit was set */
	uint16_t len;		/* body length (generic header excluded) */
	uint32_t off;		/* offset of the generic header in the buffer */
	const uint8_t *body;
};

struct ike_msg {
	struct ike_hdr hdr;	/* copied; msgid and length in host order */
	unsigned int n_pld;
	struct ike_pld pld[IKE_MAX_PLD];
	unsigned int n_skipped;	/* unknown, non-critical payloads passed over */
	uint8_t sk_next;	/* SK/SKF present (last): type of its first inner payload, 0 if empty */
	uint8_t bad_type;	/* IKE_E_CRITICAL: the type to put in the notify data */
};

struct ike_xf {
	uint8_t type;		/* enum ike_xf_type */
	uint16_t id;
	uint16_t key_len;	/* KEY_LENGTH attribute in bits, 0 if absent */
	uint8_t unknown_attr;	/* an attribute we do not know: RFC 7296 3.3.6 says skip the transform */
};

struct ike_prop {
	uint8_t num;
	uint8_t proto;		/* enum ike_proto */
	uint8_t spi_len;	/* 0, 4 or 8 */
	uint8_t n_xf;
	uint8_t spi[8];
	struct ike_xf xf[IKE_MAX_XF];
};

struct ike_sa {
	unsigned int n_prop;
	struct ike_prop prop[IKE_MAX_PROP];
};

struct ike_ke {
	uint16_t group;		/* enum ike_dh */
	uint16_t len;
	const uint8_t *data;
};

struct ike_blob {		/* Nonce, Vendor ID, SK, EAP */
	uint16_t len;
	const uint8_t *data;
};

struct ike_id {			/* IDi, IDr */
	uint8_t type;		/* enum ike_id_type */
	uint16_t len;
	const uint8_t *data;
};

struct ike_auth {
	uint8_t method;		/* enum ike_auth_method */
	uint16_t len;
	const uint8_t *data;
};

struct ike_cert {		/* CERT, CERTREQ */
	uint8_t encoding;
	uint16_t len;
	const uint8_t *data;
};

struct ike_notify {
	uint8_t proto;		/* enum ike_proto; 0 when spi_len == 0 */
	uint8_t spi_len;	/* 0, 4 or 8 */
	uint16_t type;		/* enum ike_notify_type */
	uint8_t spi[8];
	uint16_t len;
	const uint8_t *data;
};

struct ike_delete {
	uint8_t proto;		/* IKE (no SPIs) or ESP/AH (4-byte SPIs) */
	uint8_t spi_len;
	uint16_t n_spi;
	uint32_t spi[IKE_MAX_DEL_SPI];	/* ESP/AH SPIs, host order */
};

struct ike_ts {
	uint8_t type;		/* IKE_TS_IPV4_ADDR_RANGE or IKE_TS_IPV6_ADDR_RANGE */
	uint8_t proto;		/* IP protocol, 0 for any */
	uint16_t start_port, end_port;
	uint8_t start[16], end[16];	/* 4 bytes used for IPv4 */
};

struct ike_ts_set {		/* TSi, TSr */
	unsigned int n;
	struct ike_ts ts[IKE_MAX_TS];
};

struct ike_skf {		/* RFC 7383 2.5 */
	uint16_t frag_num, total;
	uint16_t len;		/* IV, ciphertext, ICV */
	const uint8_t *data;
};

/* ---- parsers: 0 or enum ike_err ---- */

/* Ignoring a parser's result would read an unvalidated buffer. */
#define __ike_must_check __attribute__((warn_unused_result))

/*
 * A whole datagram (the non-ESP marker already removed): header, then the
 * payload chain; an SK or SKF payload ends it and runs to the message end.
 * Every payload is bounded and its type known or skipped (non-critical) or
 * refused (critical, IKE_E_CRITICAL with m->bad_type), SPIi non-zero,
 * the header's length the datagram's. Payloads that may
 * occur once (SA, KE, IDi, IDr, AUTH, Nonce, TSi, TSr, SK) occur once.
 */
__ike_must_check int ike_validate_hdr(const uint8_t *buf, size_t len);
__ike_must_check int ike_pld_hdr(const uint8_t *buf, size_t len, struct ike_hdr *hdr);
__ike_must_check int ike_pld_msg(const uint8_t *buf, size_t len, struct ike_msg *m);
/* A bare chain starting with @first, e.g. the decrypted body of SK (no SK/SKF inside). */
__ike_must_check int ike_pld_chain(uint8_t first, const uint8_t *buf, size_t len, struct ike_msg *m);
/* The first payload of @type in @m, NULL if none. */
const struct ike_pld *ike_msg_find(const struct ike_msg *m, uint8_t type);

/* Payload bodies (generic header excluded), as in struct ike_pld. */
__ike_must_check int ike_validate_sa(const uint8_t *b, size_t len);
__ike_must_check int ike_pld_sa(const uint8_t *b, size_t len, struct ike_sa *sa);
__ike_must_check int ike_validate_ke(const uint8_t *b, size_t len);
__ike_must_check int ike_pld_ke(const uint8_t *b, size_t len, struct ike_ke *ke);
__ike_must_check int ike_validate_nonce(const uint8_t *b, size_t len);
__ike_must_check int ike_pld_nonce(const uint8_t *b, size_t len, struct ike_blob *nonce);
__ike_must_check int ike_validate_id(const uint8_t *b, size_t len);
__ike_must_check int ike_pld_id(const uint8_t *b, size_t len, struct ike_id *id);
__ike_must_check int ike_validate_auth(const uint8_t *b, size_t len);
__ike_must_check int ike_pld_auth(const uint8_t *b, size_t len, struct ike_auth *auth);
__ike_must_check int ike_validate_cert(const uint8_t *b, size_t len);
__ike_must_check int ike_pld_cert(const uint8_t *b, size_t len, struct ike_cert *cert);
__ike_must_check int ike_validate_notify(const uint8_t *b, size_t len);
__ike_must_check int ike_pld_notify(const uint8_t *b, size_t len, struct ike_notify *n);
__ike_must_check int ike_validate_delete(const uint8_t *b, size_t len);
__ike_must_check int ike_pld_delete(const uint8_t *b, size_t len, struct ike_delete *d);
__ike_must_check int ike_validate_ts(const uint8_t *b, size_t len);
__ike_must_check int ike_pld_ts(const uint8_t *b, size_t len, struct ike_ts_set *ts);
__ike_must_check int ike_validate_vendor(const uint8_t *b, size_t len);
__ike_must_check int ike_pld_vendor(const uint8_t *b, size_t len, struct ike_blob *vid);
/* SK: only its bounds; the caller splits IV | ciphertext | ICV by algorithm. */
__ike_must_check int ike_validate_sk(const uint8_t *b, size_t len);
__ike_must_check int ike_pld_sk(const uint8_t *b, size_t len, struct ike_blob *sk);
__ike_must_check int ike_validate_skf(const uint8_t *b, size_t len);
__ike_must_check int ike_pld_skf(const uint8_t *b, size_t len, struct ike_skf *skf);

/* ---- builders ---- */

/*
 * A bounded output buffer. Each ike_build_X() appends one payload and links
 * it into the chain (the previous payload's next field, or the header's);
 * the first error sticks in @err and every later call returns it.
 * ike_build_end() writes the header's length and returns the total length.
 */
struct ike_buf {
	uint8_t *p;
	size_t cap, len;
	int err;
	int has_hdr;
	int closed;		/* SK/SKF appended: nothing may follow */
	size_t next_off;	/* where the next payload's type goes */
	uint8_t first;		/* bare chain: type of the first payload */
};

/* @hdr as ike_pld_hdr() gives it (msgid in host order); next and length are filled in. */
int ike_build_begin(struct ike_buf *b, uint8_t *out, size_t cap, const struct ike_hdr *hdr);
/* A bare chain, e.g. SK's plaintext; b->first is its first type. */
int ike_build_chain(struct ike_buf *b, uint8_t *out, size_t cap);
int ike_build_end(struct ike_buf *b);

int ike_build_sa(struct ike_buf *b, const struct ike_sa *sa);
int ike_build_ke(struct ike_buf *b, const struct ike_ke *ke);
int ike_build_nonce(struct ike_buf *b, const uint8_t *nonce, size_t len);
int ike_build_id(struct ike_buf *b, uint8_t pld_type, const struct ike_id *id);
int ike_build_auth(struct ike_buf *b, const struct ike_auth *auth);
int ike_build_cert(struct ike_buf *b, uint8_t pld_type, const struct ike_cert *cert);
int ike_build_notify(struct ike_buf *b, const struct ike_notify *n);
int ike_build_delete(struct ike_buf *b, const struct ike_delete *d);
int ike_build_ts(struct ike_buf *b, uint8_t pld_type, const struct ike_ts_set *ts);
int ike_build_vendor(struct ike_buf *b, const uint8_t *vid, size_t len);
/* SK: @inner_first is the type of the first encrypted payload; @body is IV | ciphertext | ICV. */
int ike_build_sk(struct ike_buf *b, uint8_t inner_first, const uint8_t *body, size_t len);
/* Any payload from a raw body (tests, and payloads without a builder). */
int ike_build_raw(struct ike_buf *b, uint8_t type, uint8_t flags, const uint8_t *body, size_t len);

#endif
