// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv2 message and payload parsers (RFC 7296 section 3): pure functions
 * of a buffer. Each ike_pld_X() first runs ike_validate_X(), which checks
 * every length against the bytes there are, then copies fixed fields into
 * local structs before reading them. Malformed input gives IKE_E_SYNTAX
 * (INVALID_SYNTAX); ike.h lists the other results. The shape follows
 * openiked's ikev2_pld.c: the chain walk, then one decoder per type.
 */
#include <endian.h>
#include <string.h>
#include "ike.h"

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return be16toh(v);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return be32toh(v);
}

int ike_err_notify(int err)
{
	switch (err) {
	case IKE_E_SYNTAX:
	case IKE_E_LIMIT:	return IKE_N_INVALID_SYNTAX;
	case IKE_E_CRITICAL:	return IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD;
	case IKE_E_VERSION:	return IKE_N_INVALID_MAJOR_VERSION;
	case IKE_E_TS_TYPE:	return IKE_N_TS_UNACCEPTABLE;
	default:		return 0;
	}
}

const char *ike_err_str(int err)
{
	switch (err) {
	case IKE_OK:		return "ok";
	case IKE_E_SYNTAX:	return "malformed";
	case IKE_E_CRITICAL:	return "unsupported critical payload";
	case IKE_E_VERSION:	return "unsupported major version";
	case IKE_E_LIMIT:	return "beyond an implementation limit";
	case IKE_E_TS_TYPE:	return "unsupported traffic selector type";
	case IKE_E_NOSPACE:	return "output buffer full";
	case IKE_E_INVAL:	return "invalid argument";
	default:		return "unknown error";
	}
}

/* ---- header and chain ---- */

int ike_validate_hdr(const uint8_t *buf, size_t len)
{
	if (len < IKE_HDR_LEN || len > IKE_MAX_MSG_LEN)
		return IKE_E_SYNTAX;
	/* RFC 7296 3.1: a major version we do not speak is its own error */
	if (IKE_VERSION_MAJOR(buf[17]) != IKE_VERSION_MAJOR(IKE_VERSION))
		return IKE_E_VERSION;
	/* RFC 7296 3.1: the initiator's SPI is never zero */
	if (!memcmp(buf, "\0\0\0\0\0\0\0\0", IKE_SPI_LEN))
		return IKE_E_SYNTAX;
	/* the datagram is exactly one message */
	if (get32(buf + 24) != len)
		return IKE_E_SYNTAX;
	return IKE_OK;
}

int ike_pld_hdr(const uint8_t *buf, size_t len, struct ike_hdr *hdr)
{
	int err = ike_validate_hdr(buf, len);

	if (err)
		return err;
	memcpy(hdr, buf, sizeof(*hdr));
	hdr->msgid = be32toh(hdr->msgid);
	hdr->length = be32toh(hdr->length);
	/* RFC 7296 3.1: reserved flag bits are ignored on receipt */
	hdr->flags &= IKE_FLAGS_KNOWN;
	return IKE_OK;
}

static int pld_known(uint8_t type)
{
	return (type >= IKE_PLD_SA && type <= IKE_PLD_EAP) || type == IKE_PLD_SKF;
}

/* Payloads that may appear at most once in a chain. */
static int pld_single(uint8_t type)
{
	switch (type) {
	case IKE_PLD_SA: case IKE_PLD_KE: case IKE_PLD_IDI: case IKE_PLD_IDR:
	case IKE_PLD_AUTH: case IKE_PLD_NONCE: case IKE_PLD_TSI: case IKE_PLD_TSR:
	case IKE_PLD_SK: case IKE_PLD_SKF: case IKE_PLD_CP:
		return 1;
	}
	return 0;
}

/*
 * Walk the chain in buf[off, len) from @type. @base is the start of the
 * buffer the offsets count from. SK/SKF must be last and fill the rest.
 */
static int walk_chain(uint8_t type, const uint8_t *base, size_t off, size_t len,
		      int inner, struct ike_msg *m)
{
	uint64_t seen[4] = { 0 };	/* bit per type: duplicates */
	unsigned int steps = 0;

	while (type != IKE_PLD_NONE) {
		struct ike_gen_hdr gh;
		struct ike_pld *p;
		size_t plen;
		int err;

		/* bounds the loop even if every payload is skipped */
		if (++steps > 2 * IKE_MAX_PLD)
			return IKE_E_LIMIT;
		if (len - off < IKE_GEN_HDR_LEN)
			return IKE_E_SYNTAX;
		memcpy(&gh, base + off, sizeof(gh));
		plen = be16toh(gh.length);
		if (plen < IKE_GEN_HDR_LEN || plen > len - off)
			return IKE_E_SYNTAX;

		if (!pld_known(type)) {
			if (gh.flags & IKE_PLD_CRITICAL) {
				m->bad_type = type;
				return IKE_E_CRITICAL;
			}
			m->n_skipped++;
			goto next;
		}
		if (pld_single(type)) {
			if (seen[type / 64] & (1ull << (type % 64)))
				return IKE_E_SYNTAX;
			seen[type / 64] |= 1ull << (type % 64);
		}
		if (m->n_pld >= IKE_MAX_PLD)
			return IKE_E_LIMIT;
		p = &m->pld[m->n_pld++];
		p->type = type;
		p->critical = !!(gh.flags & IKE_PLD_CRITICAL);
		p->len = (uint16_t)(plen - IKE_GEN_HDR_LEN);
		p->off = (uint32_t)off;
		p->body = base + off + IKE_GEN_HDR_LEN;

		if (type == IKE_PLD_SK || type == IKE_PLD_SKF) {
			/* never nested in a decrypted body */
			if (inner)
				return IKE_E_SYNTAX;
			/* RFC 7296 3.14: SK is last; its next names the inner first */
			if (plen != len - off)
				return IKE_E_SYNTAX;
			/* RFC 7383 2.5: SKF is the only payload */
			if (type == IKE_PLD_SKF && m->n_pld != 1)
				return IKE_E_SYNTAX;
			err = type == IKE_PLD_SK ? ike_validate_sk(p->body, p->len)
						 : ike_validate_skf(p->body, p->len);
			if (err)
				return err;
			m->sk_next = gh.next;
			return IKE_OK;
		}
next:
		off += plen;
		type = gh.next;
	}
	/* the chain ended: nothing may trail it */
	return off == len ? IKE_OK : IKE_E_SYNTAX;
}

int ike_pld_msg(const uint8_t *buf, size_t len, struct ike_msg *m)
{
	int err;

	memset(m, 0, sizeof(*m));
	err = ike_pld_hdr(buf, len, &m->hdr);
	if (err)
		return err;
	return walk_chain(m->hdr.next, buf, IKE_HDR_LEN, len, 0, m);
}

int ike_pld_chain(uint8_t first, const uint8_t *buf, size_t len, struct ike_msg *m)
{
	memset(m, 0, sizeof(*m));
	if (len > IKE_MAX_MSG_LEN)
		return IKE_E_SYNTAX;
	return walk_chain(first, buf, 0, len, 1, m);
}

const struct ike_pld *ike_msg_find(const struct ike_msg *m, uint8_t type)
{
	unsigned int i;

	for (i = 0; i < m->n_pld; i++)
		if (m->pld[i].type == type)
			return &m->pld[i];
	return NULL;
}

/* ---- SA: proposals, transforms, attributes (RFC 7296 3.3) ---- */

struct ike_prop_hdr {
	uint8_t last;		/* 0 last, 2 more */
	uint8_t reserved;
	uint16_t length;
	uint8_t num;
	uint8_t proto;
	uint8_t spi_len;
	uint8_t n_xf;
};				/* followed by the SPI, then the transforms */
static_assert(sizeof(struct ike_prop_hdr) == 8, "proposal header");

struct ike_xf_hdr {
	uint8_t last;		/* 0 last, 3 more */
	uint8_t reserved;
	uint16_t length;
	uint8_t type;
	uint8_t reserved2;
	uint16_t id;
};				/* followed by the attributes */
static_assert(sizeof(struct ike_xf_hdr) == 8, "transform header");

#define IKE_PROP_MORE	2
#define IKE_XF_MORE	3

/* Attributes of one transform; @xf may be NULL (validation only). */
static int parse_attrs(const uint8_t *b, size_t len, struct ike_xf *xf)
{
	size_t off = 0;
	int have_keylen = 0;

	while (off < len) {
		uint16_t type, val;

		if (len - off < 4)
			return IKE_E_SYNTAX;
		type = get16(b + off);
		val = get16(b + off + 2);
		if (type & IKE_ATTR_TV) {
			off += 4;
		} else {
			/* TLV: @val is the value's length */
			if (val > len - off - 4)
				return IKE_E_SYNTAX;
			off += 4 + (size_t)val;
		}
		if ((type & ~IKE_ATTR_TV) == IKE_ATTR_KEY_LENGTH) {
			/* RFC 7296 3.3.5: TV only, once, non-zero */
			if (!(type & IKE_ATTR_TV) || have_keylen || !val)
				return IKE_E_SYNTAX;
			have_keylen = 1;
			if (xf)
				xf->key_len = val;
		} else if (xf) {
			xf->unknown_attr = 1;
		}
	}
	return IKE_OK;
}

static int parse_sa(const uint8_t *b, size_t len, struct ike_sa *sa)
{
	size_t off = 0;
	unsigned int n = 0;
	uint8_t last = IKE_PROP_MORE, prev_num = 0;

	if (!len)
		return IKE_E_SYNTAX;
	while (off < len) {
		struct ike_prop_hdr ph;
		struct ike_prop *prop = NULL;
		size_t plen, xoff;
		unsigned int i;

		if (last != IKE_PROP_MORE)
			return IKE_E_SYNTAX;	/* data after the last proposal */
		if (len - off < sizeof(ph))
			return IKE_E_SYNTAX;
		memcpy(&ph, b + off, sizeof(ph));
		plen = be16toh(ph.length);
		if (plen < sizeof(ph) + ph.spi_len || plen > len - off)
			return IKE_E_SYNTAX;
		if (ph.last != 0 && ph.last != IKE_PROP_MORE)
			return IKE_E_SYNTAX;
		last = ph.last;
		/* RFC 7296 3.3.1: numbered from 1, each one more than the previous */
		if (!ph.num || (n && ph.num != prev_num + 1))
			return IKE_E_SYNTAX;
		prev_num = ph.num;
		if (ph.proto < IKE_PROTO_IKE || ph.proto > IKE_PROTO_ESP)
			return IKE_E_SYNTAX;
		if (ph.proto == IKE_PROTO_IKE ? (ph.spi_len != 0 && ph.spi_len != 8)
					      : ph.spi_len != 4)
			return IKE_E_SYNTAX;
		if (!ph.n_xf)
			return IKE_E_SYNTAX;
		if (n >= IKE_MAX_PROP || ph.n_xf > IKE_MAX_XF)
			return IKE_E_LIMIT;
		if (sa) {
			prop = &sa->prop[n];
			memset(prop, 0, sizeof(*prop));
			prop->num = ph.num;
			prop->proto = ph.proto;
			prop->spi_len = ph.spi_len;
			memcpy(prop->spi, b + off + sizeof(ph), ph.spi_len);
		}
		n++;

		xoff = off + sizeof(ph) + ph.spi_len;
		for (i = 0; i < ph.n_xf; i++) {
			struct ike_xf_hdr xh;
			size_t xlen;
			struct ike_xf *xf = prop ? &prop->xf[i] : NULL;
			int err;

			if (off + plen - xoff < sizeof(xh))
				return IKE_E_SYNTAX;
			memcpy(&xh, b + xoff, sizeof(xh));
			xlen = be16toh(xh.length);
			if (xlen < sizeof(xh) || xlen > off + plen - xoff)
				return IKE_E_SYNTAX;
			/* "last" must agree with the count */
			if (xh.last != (i + 1 == ph.n_xf ? 0 : IKE_XF_MORE))
				return IKE_E_SYNTAX;
			/* transform types beyond ESN come from later RFCs:
			 * recorded as they are, selection ignores them */
			if (xf) {
				xf->type = xh.type;
				xf->id = be16toh(xh.id);
			}
			err = parse_attrs(b + xoff + sizeof(xh), xlen - sizeof(xh), xf);
			if (err)
				return err;
			xoff += xlen;
		}
		if (prop)
			prop->n_xf = ph.n_xf;
		/* the transforms fill the proposal exactly */
		if (xoff != off + plen)
			return IKE_E_SYNTAX;
		off += plen;
	}
	if (last != 0)
		return IKE_E_SYNTAX;
	if (sa)
		sa->n_prop = n;
	return IKE_OK;
}

int ike_validate_sa(const uint8_t *b, size_t len)
{
	return parse_sa(b, len, NULL);
}

int ike_pld_sa(const uint8_t *b, size_t len, struct ike_sa *sa)
{
	int err = ike_validate_sa(b, len);

	if (err)
		return err;
	memset(sa, 0, sizeof(*sa));
	return parse_sa(b, len, sa);
}

/* ---- KE (3.4) ---- */

/* Public value length of the groups we know; 0 for unknown groups. */
static size_t ke_len(uint16_t group)
{
	switch (group) {
	case IKE_DH_MODP2048:	return 256;
	case IKE_DH_ECP256:	return 64;
	case IKE_DH_ECP384:	return 96;
	case IKE_DH_ECP521:	return 132;
	case IKE_DH_CURVE25519:	return 32;
	case IKE_DH_CURVE448:	return 56;
	}
	return 0;
}

int ike_validate_ke(const uint8_t *b, size_t len)
{
	size_t want;

	if (len < 4 + 1)
		return IKE_E_SYNTAX;
	/* an unknown group is not malformed: the exchange answers
	 * INVALID_KE_PAYLOAD; a known one has an exact length */
	want = ke_len(get16(b));
	if (want && len - 4 != want)
		return IKE_E_SYNTAX;
	return IKE_OK;
}

int ike_pld_ke(const uint8_t *b, size_t len, struct ike_ke *ke)
{
	int err = ike_validate_ke(b, len);

	if (err)
		return err;
	ke->group = get16(b);
	ke->len = (uint16_t)(len - 4);
	ke->data = b + 4;
	return IKE_OK;
}

/* ---- Nonce (3.9), Vendor ID (3.12) ---- */

int ike_validate_nonce(const uint8_t *b, size_t len)
{
	return len >= IKE_NONCE_MIN_LEN && len <= IKE_NONCE_MAX_LEN ? IKE_OK : IKE_E_SYNTAX;
}

int ike_pld_nonce(const uint8_t *b, size_t len, struct ike_blob *nonce)
{
	int err = ike_validate_nonce(b, len);

	if (err)
		return err;
	nonce->len = (uint16_t)len;
	nonce->data = b;
	return IKE_OK;
}

int ike_validate_vendor(const uint8_t *b, size_t len)
{
	return len ? IKE_OK : IKE_E_SYNTAX;
}

int ike_pld_vendor(const uint8_t *b, size_t len, struct ike_blob *vid)
{
	int err = ike_validate_vendor(b, len);

	if (err)
		return err;
	vid->len = (uint16_t)len;
	vid->data = b;
	return IKE_OK;
}

/* ---- ID (3.5), AUTH (3.8), CERT/CERTREQ (3.6, 3.7) ---- */

int ike_validate_id(const uint8_t *b, size_t len)
{
	size_t dlen;

	if (len < 4 + 1)
		return IKE_E_SYNTAX;
	dlen = len - 4;
	switch (b[0]) {
	case IKE_ID_IPV4_ADDR:
		return dlen == 4 ? IKE_OK : IKE_E_SYNTAX;
	case IKE_ID_IPV6_ADDR:
		return dlen == 16 ? IKE_OK : IKE_E_SYNTAX;
	case IKE_ID_FQDN:
	case IKE_ID_RFC822_ADDR:
		/* strings without terminator: no NUL inside */
		return memchr(b + 4, 0, dlen) ? IKE_E_SYNTAX : IKE_OK;
	}
	/* other types (DN, GN, KEY_ID, ...) are opaque bytes to compare */
	return IKE_OK;
}

int ike_pld_id(const uint8_t *b, size_t len, struct ike_id *id)
{
	int err = ike_validate_id(b, len);

	if (err)
		return err;
	id->type = b[0];
	id->len = (uint16_t)(len - 4);
	id->data = b + 4;
	return IKE_OK;
}

int ike_validate_auth(const uint8_t *b, size_t len)
{
	return len >= 4 + 1 ? IKE_OK : IKE_E_SYNTAX;
}

int ike_pld_auth(const uint8_t *b, size_t len, struct ike_auth *auth)
{
	int err = ike_validate_auth(b, len);

	if (err)
		return err;
	auth->method = b[0];
	auth->len = (uint16_t)(len - 4);
	auth->data = b + 4;
	return IKE_OK;
}

int ike_validate_cert(const uint8_t *b, size_t len)
{
	return len >= 1 ? IKE_OK : IKE_E_SYNTAX;
}

int ike_pld_cert(const uint8_t *b, size_t len, struct ike_cert *cert)
{
	int err = ike_validate_cert(b, len);

	if (err)
		return err;
	cert->encoding = b[0];
	cert->len = (uint16_t)(len - 1);
	cert->data = b + 1;
	return IKE_OK;
}

/* ---- Notify (3.10) ---- */

struct ike_notify_hdr {
	uint8_t proto;
	uint8_t spi_len;
	uint16_t type;
};				/* followed by the SPI, then the data */
static_assert(sizeof(struct ike_notify_hdr) == 4, "notify header");

int ike_validate_notify(const uint8_t *b, size_t len)
{
	struct ike_notify_hdr nh;
	size_t dlen;

	if (len < sizeof(nh))
		return IKE_E_SYNTAX;
	memcpy(&nh, b, sizeof(nh));
	if (nh.spi_len != 0 && nh.spi_len != 4 && nh.spi_len != 8)
		return IKE_E_SYNTAX;
	if (len - sizeof(nh) < nh.spi_len)
		return IKE_E_SYNTAX;
	if (nh.spi_len && (nh.proto < IKE_PROTO_IKE || nh.proto > IKE_PROTO_ESP))
		return IKE_E_SYNTAX;
	dlen = len - sizeof(nh) - nh.spi_len;
	/* exact lengths of the types whose data we will read */
	switch (be16toh(nh.type)) {
	case IKE_N_NAT_DETECTION_SOURCE_IP:
	case IKE_N_NAT_DETECTION_DESTINATION_IP:
		return dlen == IKE_NATD_LEN ? IKE_OK : IKE_E_SYNTAX;
	case IKE_N_COOKIE:
		return dlen >= 1 && dlen <= IKE_COOKIE_MAX_LEN ? IKE_OK : IKE_E_SYNTAX;
	case IKE_N_INVALID_KE_PAYLOAD:
		return dlen == 2 ? IKE_OK : IKE_E_SYNTAX;
	case IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD:
		return dlen == 1 ? IKE_OK : IKE_E_SYNTAX;
	case IKE_N_SET_WINDOW_SIZE:
		return dlen == 4 ? IKE_OK : IKE_E_SYNTAX;
	case IKE_N_REKEY_SA:
		/* RFC 7296 1.3.3: names the CHILD_SA by its SPI */
		return nh.spi_len == 4 && !dlen ? IKE_OK : IKE_E_SYNTAX;
	case IKE_N_USE_TRANSPORT_MODE:
	case IKE_N_INITIAL_CONTACT:
	case IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED:
	case IKE_N_NON_FIRST_FRAGMENTS_ALSO:
	case IKE_N_MOBIKE_SUPPORTED:
	case IKE_N_FRAGMENTATION_SUPPORTED:
		return !dlen ? IKE_OK : IKE_E_SYNTAX;
	}
	return IKE_OK;
}

int ike_pld_notify(const uint8_t *b, size_t len, struct ike_notify *n)
{
	struct ike_notify_hdr nh;
	int err = ike_validate_notify(b, len);

	if (err)
		return err;
	memcpy(&nh, b, sizeof(nh));
	memset(n, 0, sizeof(*n));
	n->spi_len = nh.spi_len;
	/* RFC 7296 3.10: without an SPI the protocol id is ignored */
	n->proto = nh.spi_len ? nh.proto : IKE_PROTO_NONE;
	n->type = be16toh(nh.type);
	memcpy(n->spi, b + sizeof(nh), nh.spi_len);
	n->len = (uint16_t)(len - sizeof(nh) - nh.spi_len);
	n->data = b + sizeof(nh) + nh.spi_len;
	return IKE_OK;
}

/* ---- Delete (3.11) ---- */

int ike_validate_delete(const uint8_t *b, size_t len)
{
	uint16_t n;

	if (len < 4)
		return IKE_E_SYNTAX;
	n = get16(b + 2);
	switch (b[0]) {
	case IKE_PROTO_IKE:
		/* the IKE SA of the message: no SPIs */
		return b[1] == 0 && n == 0 && len == 4 ? IKE_OK : IKE_E_SYNTAX;
	case IKE_PROTO_AH:
	case IKE_PROTO_ESP:
		if (b[1] != 4 || !n || len != 4 + 4 * (size_t)n)
			return IKE_E_SYNTAX;
		return n <= IKE_MAX_DEL_SPI ? IKE_OK : IKE_E_LIMIT;
	}
	return IKE_E_SYNTAX;
}

int ike_pld_delete(const uint8_t *b, size_t len, struct ike_delete *d)
{
	unsigned int i;
	int err = ike_validate_delete(b, len);

	if (err)
		return err;
	memset(d, 0, sizeof(*d));
	d->proto = b[0];
	d->spi_len = b[1];
	d->n_spi = get16(b + 2);
	for (i = 0; i < d->n_spi; i++)
		d->spi[i] = get32(b + 4 + 4 * i);
	return IKE_OK;
}

/* ---- TSi/TSr (3.13) ---- */

struct ike_ts_hdr {
	uint8_t type;
	uint8_t proto;
	uint16_t length;
	uint16_t start_port;
	uint16_t end_port;
};				/* followed by the start and end addresses */
static_assert(sizeof(struct ike_ts_hdr) == 8, "traffic selector header");

#define IKE_TS4_LEN	(8 + 2 * 4)
#define IKE_TS6_LEN	(8 + 2 * 16)

static int parse_ts(const uint8_t *b, size_t len, struct ike_ts_set *set)
{
	unsigned int i, n;
	size_t off = 4;

	if (len < 4)
		return IKE_E_SYNTAX;
	n = b[0];
	if (!n)
		return IKE_E_SYNTAX;
	if (n > IKE_MAX_TS)
		return IKE_E_LIMIT;
	for (i = 0; i < n; i++) {
		struct ike_ts_hdr th;
		size_t tlen, alen;

		if (len - off < sizeof(th))
			return IKE_E_SYNTAX;
		memcpy(&th, b + off, sizeof(th));
		tlen = be16toh(th.length);
		if (tlen < sizeof(th) || tlen > len - off)
			return IKE_E_SYNTAX;
		/* IPv4 and IPv6 ranges; others (RFC 4595 FC, RFC 9478
		 * labels) are refused as unacceptable, not malformed */
		if (th.type == IKE_TS_IPV4_ADDR_RANGE)
			alen = 4;
		else if (th.type == IKE_TS_IPV6_ADDR_RANGE)
			alen = 16;
		else
			return IKE_E_TS_TYPE;
		if (tlen != sizeof(th) + 2 * alen)
			return IKE_E_SYNTAX;
		if (set) {
			struct ike_ts *ts = &set->ts[i];

			memset(ts, 0, sizeof(*ts));
			ts->type = th.type;
			ts->proto = th.proto;
			ts->start_port = be16toh(th.start_port);
			ts->end_port = be16toh(th.end_port);
			memcpy(ts->start, b + off + sizeof(th), alen);
			memcpy(ts->end, b + off + sizeof(th) + alen, alen);
		}
		off += tlen;
	}
	if (off != len)
		return IKE_E_SYNTAX;
	if (set)
		set->n = n;
	return IKE_OK;
}

int ike_validate_ts(const uint8_t *b, size_t len)
{
	return parse_ts(b, len, NULL);
}

int ike_pld_ts(const uint8_t *b, size_t len, struct ike_ts_set *ts)
{
	int err = ike_validate_ts(b, len);

	if (err)
		return err;
	memset(ts, 0, sizeof(*ts));
	return parse_ts(b, len, ts);
}

/* ---- SK (3.14), SKF (RFC 7383 2.5) ---- */

int ike_validate_sk(const uint8_t *b, size_t len)
{
	/* at least an 8-byte IV and an 8-byte ICV (the smallest AEAD tag
	 * or integrity output); the caller checks the algorithm's sizes */
	return len >= 16 ? IKE_OK : IKE_E_SYNTAX;
}

int ike_pld_sk(const uint8_t *b, size_t len, struct ike_blob *sk)
{
	int err = ike_validate_sk(b, len);

	if (err)
		return err;
	sk->len = (uint16_t)len;
	sk->data = b;
	return IKE_OK;
}

int ike_validate_skf(const uint8_t *b, size_t len)
{
	uint16_t num, total;

	if (len < 4 + 16)
		return IKE_E_SYNTAX;
	num = get16(b);
	total = get16(b + 2);
	return num && total && num <= total ? IKE_OK : IKE_E_SYNTAX;
}

int ike_pld_skf(const uint8_t *b, size_t len, struct ike_skf *skf)
{
	int err = ike_validate_skf(b, len);

	if (err)
		return err;
	skf->frag_num = get16(b);
	skf->total = get16(b + 2);
	skf->len = (uint16_t)(len - 4);
	skf->data = b + 4;
	return IKE_OK;
}
