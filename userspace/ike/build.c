// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv2 message builders (RFC 7296 section 3), the inverse of payload.c:
 * each ike_build_X() appends one payload to a bounded buffer and links it
 * into the chain. Builders refuse what the parsers would refuse (lengths,
 * counts, SPI sizes), so that what we send parses. Reserved bits are zero.
 */
#include <endian.h>
#include <string.h>
#include "ike.h"

static void put16(uint8_t *p, uint16_t v)
{
	v = htobe16(v);
	memcpy(p, &v, sizeof(v));
}

static void put32(uint8_t *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, sizeof(v));
}

static int fail(struct ike_buf *b, int err)
{
	if (!b->err)
		b->err = err;
	return b->err;
}

int ike_build_begin(struct ike_buf *b, uint8_t *out, size_t cap, const struct ike_hdr *hdr)
{
	struct ike_hdr h = *hdr;

	memset(b, 0, sizeof(*b));
	b->p = out;
	b->cap = cap > IKE_MAX_MSG_LEN ? IKE_MAX_MSG_LEN : cap;
	b->has_hdr = 1;
	if (b->cap < IKE_HDR_LEN)
		return fail(b, IKE_E_NOSPACE);
	h.next = IKE_PLD_NONE;
	h.flags &= IKE_FLAGS_KNOWN;
	h.msgid = htobe32(hdr->msgid);
	h.length = 0;
	memcpy(out, &h, sizeof(h));
	b->len = IKE_HDR_LEN;
	b->next_off = offsetof(struct ike_hdr, next);
	return IKE_OK;
}

int ike_build_chain(struct ike_buf *b, uint8_t *out, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->p = out;
	b->cap = cap > IKE_MAX_MSG_LEN ? IKE_MAX_MSG_LEN : cap;
	return IKE_OK;
}

int ike_build_end(struct ike_buf *b)
{
	if (b->err)
		return b->err;
	if (b->has_hdr)
		put32(b->p + offsetof(struct ike_hdr, length), (uint32_t)b->len);
	return (int)b->len;
}

/*
 * Open a payload of @type with @body_len bytes of body: link it, write its
 * generic header; returns the body to fill, NULL on error (b->err set).
 */
static uint8_t *open_pld(struct ike_buf *b, uint8_t type, uint8_t flags, size_t body_len)
{
	uint8_t *h;

	if (b->err)
		return NULL;
	if (b->closed || type == IKE_PLD_NONE) {
		fail(b, IKE_E_INVAL);
		return NULL;
	}
	if (body_len > 0xffff - IKE_GEN_HDR_LEN ||
	    b->cap - b->len < IKE_GEN_HDR_LEN + body_len) {
		fail(b, IKE_E_NOSPACE);
		return NULL;
	}
	if (b->has_hdr || b->len)
		b->p[b->next_off] = type;
	else
		b->first = type;
	h = b->p + b->len;
	h[0] = IKE_PLD_NONE;
	h[1] = flags & IKE_PLD_CRITICAL;
	put16(h + 2, (uint16_t)(IKE_GEN_HDR_LEN + body_len));
	b->next_off = b->len;
	b->len += IKE_GEN_HDR_LEN + body_len;
	/* RFC 7296 3.14, RFC 7383 2.5: nothing follows SK or SKF */
	if (type == IKE_PLD_SK || type == IKE_PLD_SKF)
		b->closed = 1;
	return h + IKE_GEN_HDR_LEN;
}

int ike_build_raw(struct ike_buf *b, uint8_t type, uint8_t flags, const uint8_t *body, size_t len)
{
	uint8_t *p = open_pld(b, type, flags, len);

	if (!p)
		return b->err;
	if (len)
		memcpy(p, body, len);
	return IKE_OK;
}

static int sa_body_len(const struct ike_sa *sa, size_t *out)
{
	size_t len = 0;
	unsigned int i, j;

	if (!sa->n_prop || sa->n_prop > IKE_MAX_PROP)
		return IKE_E_INVAL;
	for (i = 0; i < sa->n_prop; i++) {
		const struct ike_prop *p = &sa->prop[i];

		if (!p->n_xf || p->n_xf > IKE_MAX_XF || p->spi_len > sizeof(p->spi))
			return IKE_E_INVAL;
		len += 8 + p->spi_len;
		for (j = 0; j < p->n_xf; j++)
			len += 8 + (p->xf[j].key_len ? 4 : 0);
	}
	*out = len;
	return IKE_OK;
}

int ike_build_sa(struct ike_buf *b, const struct ike_sa *sa)
{
	size_t len = 0;
	unsigned int i, j;
	uint8_t *p;
	int err = sa_body_len(sa, &len);

	if (err)
		return fail(b, err);
	p = open_pld(b, IKE_PLD_SA, 0, len);
	if (!p)
		return b->err;
	for (i = 0; i < sa->n_prop; i++) {
		const struct ike_prop *pr = &sa->prop[i];
		uint8_t *ph = p;

		p += 8;
		memcpy(p, pr->spi, pr->spi_len);
		p += pr->spi_len;
		for (j = 0; j < pr->n_xf; j++) {
			const struct ike_xf *xf = &pr->xf[j];
			size_t xlen = 8 + (xf->key_len ? 4 : 0);

			p[0] = j + 1 == pr->n_xf ? 0 : 3;
			p[1] = 0;
			put16(p + 2, (uint16_t)xlen);
			p[4] = xf->type;
			p[5] = 0;
			put16(p + 6, xf->id);
			if (xf->key_len) {
				put16(p + 8, IKE_ATTR_TV | IKE_ATTR_KEY_LENGTH);
				put16(p + 10, xf->key_len);
			}
			p += xlen;
		}
		ph[0] = i + 1 == sa->n_prop ? 0 : 2;
		ph[1] = 0;
		put16(ph + 2, (uint16_t)(p - ph));
		ph[4] = pr->num;
		ph[5] = pr->proto;
		ph[6] = pr->spi_len;
		ph[7] = pr->n_xf;
	}
	return IKE_OK;
}

int ike_build_ke(struct ike_buf *b, const struct ike_ke *ke)
{
	uint8_t *p;

	if (!ke->len)
		return fail(b, IKE_E_INVAL);
	p = open_pld(b, IKE_PLD_KE, 0, 4 + (size_t)ke->len);
	if (!p)
		return b->err;
	put16(p, ke->group);
	put16(p + 2, 0);
	memcpy(p + 4, ke->data, ke->len);
	return IKE_OK;
}

int ike_build_nonce(struct ike_buf *b, const uint8_t *nonce, size_t len)
{
	if (len < IKE_NONCE_MIN_LEN || len > IKE_NONCE_MAX_LEN)
		return fail(b, IKE_E_INVAL);
	return ike_build_raw(b, IKE_PLD_NONCE, 0, nonce, len);
}

/* The shape of ID, AUTH: one type byte, three reserved, data. */
static int build_typed(struct ike_buf *b, uint8_t pld_type, uint8_t t,
		       const uint8_t *data, size_t len)
{
	uint8_t *p;

	if (!len)
		return fail(b, IKE_E_INVAL);
	p = open_pld(b, pld_type, 0, 4 + len);
	if (!p)
		return b->err;
	p[0] = t;
	p[1] = p[2] = p[3] = 0;
	memcpy(p + 4, data, len);
	return IKE_OK;
}

int ike_build_id(struct ike_buf *b, uint8_t pld_type, const struct ike_id *id)
{
	if (pld_type != IKE_PLD_IDI && pld_type != IKE_PLD_IDR)
		return fail(b, IKE_E_INVAL);
	return build_typed(b, pld_type, id->type, id->data, id->len);
}

int ike_build_auth(struct ike_buf *b, const struct ike_auth *auth)
{
	return build_typed(b, IKE_PLD_AUTH, auth->method, auth->data, auth->len);
}

int ike_build_cert(struct ike_buf *b, uint8_t pld_type, const struct ike_cert *cert)
{
	uint8_t *p;

	if (pld_type != IKE_PLD_CERT && pld_type != IKE_PLD_CERTREQ)
		return fail(b, IKE_E_INVAL);
	p = open_pld(b, pld_type, 0, 1 + (size_t)cert->len);
	if (!p)
		return b->err;
	p[0] = cert->encoding;
	if (cert->len)
		memcpy(p + 1, cert->data, cert->len);
	return IKE_OK;
}

int ike_build_notify(struct ike_buf *b, const struct ike_notify *n)
{
	uint8_t *p;

	if (n->spi_len != 0 && n->spi_len != 4 && n->spi_len != 8)
		return fail(b, IKE_E_INVAL);
	p = open_pld(b, IKE_PLD_NOTIFY, 0, 4 + (size_t)n->spi_len + n->len);
	if (!p)
		return b->err;
	p[0] = n->spi_len ? n->proto : IKE_PROTO_NONE;
	p[1] = n->spi_len;
	put16(p + 2, n->type);
	memcpy(p + 4, n->spi, n->spi_len);
	if (n->len)
		memcpy(p + 4 + n->spi_len, n->data, n->len);
	return IKE_OK;
}

int ike_build_delete(struct ike_buf *b, const struct ike_delete *d)
{
	size_t n = d->proto == IKE_PROTO_IKE ? 0 : d->n_spi;
	unsigned int i;
	uint8_t *p;

	if (d->proto == IKE_PROTO_IKE ? d->n_spi != 0 :
	    (d->proto != IKE_PROTO_ESP && d->proto != IKE_PROTO_AH) ||
	    !d->n_spi || d->n_spi > IKE_MAX_DEL_SPI)
		return fail(b, IKE_E_INVAL);
	p = open_pld(b, IKE_PLD_DELETE, 0, 4 + 4 * n);
	if (!p)
		return b->err;
	p[0] = d->proto;
	p[1] = n ? 4 : 0;
	put16(p + 2, (uint16_t)n);
	for (i = 0; i < n; i++)
		put32(p + 4 + 4 * i, d->spi[i]);
	return IKE_OK;
}

int ike_build_ts(struct ike_buf *b, uint8_t pld_type, const struct ike_ts_set *set)
{
	size_t len = 4, alen;
	unsigned int i;
	uint8_t *p;

	if ((pld_type != IKE_PLD_TSI && pld_type != IKE_PLD_TSR) ||
	    !set->n || set->n > IKE_MAX_TS)
		return fail(b, IKE_E_INVAL);
	for (i = 0; i < set->n; i++) {
		if (set->ts[i].type == IKE_TS_IPV4_ADDR_RANGE)
			len += 8 + 2 * 4;
		else if (set->ts[i].type == IKE_TS_IPV6_ADDR_RANGE)
			len += 8 + 2 * 16;
		else
			return fail(b, IKE_E_INVAL);
	}
	p = open_pld(b, pld_type, 0, len);
	if (!p)
		return b->err;
	p[0] = (uint8_t)set->n;
	p[1] = p[2] = p[3] = 0;
	p += 4;
	for (i = 0; i < set->n; i++) {
		const struct ike_ts *ts = &set->ts[i];

		alen = ts->type == IKE_TS_IPV4_ADDR_RANGE ? 4 : 16;
		p[0] = ts->type;
		p[1] = ts->proto;
		put16(p + 2, (uint16_t)(8 + 2 * alen));
		put16(p + 4, ts->start_port);
		put16(p + 6, ts->end_port);
		memcpy(p + 8, ts->start, alen);
		memcpy(p + 8 + alen, ts->end, alen);
		p += 8 + 2 * alen;
	}
	return IKE_OK;
}

int ike_build_vendor(struct ike_buf *b, const uint8_t *vid, size_t len)
{
	if (!len)
		return fail(b, IKE_E_INVAL);
	return ike_build_raw(b, IKE_PLD_VENDOR, 0, vid, len);
}

int ike_build_sk(struct ike_buf *b, uint8_t inner_first, const uint8_t *body, size_t len)
{
	size_t at = b->len;

	if (ike_validate_sk(body, len))
		return fail(b, IKE_E_INVAL);
	if (ike_build_raw(b, IKE_PLD_SK, 0, body, len))
		return b->err;
	b->p[at] = inner_first;
	return IKE_OK;
}
