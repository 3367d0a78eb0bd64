// SPDX-License-Identifier: GPL-2.0
/*
 * Proposals (RFC 7296 3.3) and traffic selectors (2.9) between the
 * configuration and the codec's decoded SA and TS payloads: what we offer,
 * what we choose from an offer, what we accept in an answer, and the
 * narrowing of selectors to what the device can match (a host pair, or a
 * 5-tuple with one protocol and one port on each side).
 */
#include <string.h>
#include <arpa/inet.h>
#include "agent.h"
#include "log.h"

static void xf_add(struct ike_prop *p, uint8_t type, uint16_t id, uint16_t bits)
{
	struct ike_xf *x;

	if (p->n_xf >= IKE_MAX_XF)
		return;
	x = &p->xf[p->n_xf++];
	memset(x, 0, sizeof(*x));
	x->type = type;
	x->id = id;
	x->key_len = bits;
}

static void prop_fill(struct ike_prop *p, uint8_t num, uint8_t proto, const uint8_t *spi,
		      size_t spi_len, const struct ike_suite *s)
{
	memset(p, 0, sizeof(*p));
	p->num = num;
	p->proto = proto;
	p->spi_len = spi_len;
	if (spi_len)
		memcpy(p->spi, spi, spi_len);
	xf_add(p, IKE_XF_ENCR, s->encr, s->encr_bits);
	if (proto == IKE_PROTO_IKE)
		xf_add(p, IKE_XF_PRF, s->prf, 0);
	if (s->integ != IKE_AUTH_NONE)
		xf_add(p, IKE_XF_INTEG, s->integ, 0);
	if (s->dh != IKE_DH_NONE)
		xf_add(p, IKE_XF_DH, s->dh, 0);
	if (proto == IKE_PROTO_ESP)
		xf_add(p, IKE_XF_ESN, IKE_ESN_NO, 0);
}

void prop_build_ike(const struct conf_conn *conn, const uint8_t *spi, size_t spi_len,
		    uint16_t only_dh, struct ike_sa *out)
{
	unsigned int i;

	out->n_prop = 0;
	for (i = 0; i < conn->n_ike && out->n_prop < IKE_MAX_PROP; i++) {
		struct ike_suite s = conn->ike[i];

		if (only_dh)
			s.dh = only_dh;
		prop_fill(&out->prop[out->n_prop], out->n_prop + 1, IKE_PROTO_IKE, spi,
			  spi_len, &s);
		out->n_prop++;
	}
}

void prop_build_esp(const struct conf_child *ch, uint32_t spi, struct ike_sa *out)
{
	uint32_t nspi = htonl(spi);
	unsigned int i;

	out->n_prop = 0;
	for (i = 0; i < ch->n_esp && out->n_prop < IKE_MAX_PROP; i++) {
		prop_fill(&out->prop[out->n_prop], out->n_prop + 1, IKE_PROTO_ESP,
			  (const uint8_t *)&nspi, 4, &ch->esp[i]);
		out->n_prop++;
	}
}

void prop_build_chosen(uint8_t proto, const uint8_t *spi, size_t spi_len,
		       const struct ike_suite *s, uint8_t num, struct ike_sa *out)
{
	out->n_prop = 1;
	prop_fill(&out->prop[0], num, proto, spi, spi_len, s);
}

/* Does @p offer transform @type @id (@bits for ENCR)? */
static int has_xf(const struct ike_prop *p, uint8_t type, uint16_t id, uint16_t bits)
{
	unsigned int i;

	for (i = 0; i < p->n_xf; i++) {
		const struct ike_xf *x = &p->xf[i];

		if (x->unknown_attr || x->type != type || x->id != id)
			continue;
		if (type == IKE_XF_ENCR && x->key_len != bits)
			continue;
		return 1;
	}
	return 0;
}

static int count_xf(const struct ike_prop *p, uint8_t type)
{
	unsigned int i, n = 0;

	for (i = 0; i < p->n_xf; i++)
		n += p->xf[i].type == type;
	return n;
}

/* @p offers everything of @s (and no integrity with an AEAD it cannot skip). */
static int prop_covers(const struct ike_prop *p, const struct ike_suite *s, int ike)
{
	if (!has_xf(p, IKE_XF_ENCR, s->encr, s->encr_bits))
		return 0;
	if (ike && !has_xf(p, IKE_XF_PRF, s->prf, 0))
		return 0;
	if (s->integ != IKE_AUTH_NONE ? !has_xf(p, IKE_XF_INTEG, s->integ, 0) :
	    count_xf(p, IKE_XF_INTEG) && !has_xf(p, IKE_XF_INTEG, IKE_AUTH_NONE, 0))
		return 0;
	if (s->dh != IKE_DH_NONE ? !has_xf(p, IKE_XF_DH, s->dh, 0) :
	    count_xf(p, IKE_XF_DH) && !has_xf(p, IKE_XF_DH, IKE_DH_NONE, 0))
		return 0;
	if (!ike && count_xf(p, IKE_XF_ESN) && !has_xf(p, IKE_XF_ESN, IKE_ESN_NO, 0))
		return 0;	/* the device has no extended sequence numbers */
	return 1;
}

int prop_select_ike(const struct conf_conn *conn, const struct ike_sa *offer,
		    uint16_t ke_hint, struct ike_suite *s, uint8_t *num, uint8_t *spi,
		    size_t *spi_len)
{
	unsigned int pass, i, j;

	/* First a suite whose group is the KE the peer sent (no extra round trip). */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < offer->n_prop; i++) {
			const struct ike_prop *p = &offer->prop[i];

			if (p->proto != IKE_PROTO_IKE)
				continue;
			for (j = 0; j < conn->n_ike; j++) {
				if (!pass && conn->ike[j].dh != ke_hint)
					continue;
				if (!prop_covers(p, &conn->ike[j], 1))
					continue;
				*s = conn->ike[j];
				*num = p->num;
				*spi_len = p->spi_len;
				memcpy(spi, p->spi, p->spi_len);
				return 0;
			}
		}
	}
	return -1;
}

int prop_select_esp(const struct conf_child *ch, const struct ike_sa *offer, int need_dh,
		    struct ike_suite *s, uint8_t *num, uint32_t *spi)
{
	unsigned int i, j;

	for (i = 0; i < offer->n_prop; i++) {
		const struct ike_prop *p = &offer->prop[i];
		uint32_t nspi;

		if (p->proto != IKE_PROTO_ESP || p->spi_len != 4)
			continue;
		for (j = 0; j < ch->n_esp; j++) {
			struct ike_suite want = ch->esp[j];

			/* No PFS asked of us: the offer's DH list decides (first one). */
			if (!need_dh)
				want.dh = IKE_DH_NONE;
			if (!prop_covers(p, &want, 0))
				continue;
			memcpy(&nspi, p->spi, 4);
			*spi = ntohl(nspi);
			*s = want;
			*num = p->num;
			return 0;
		}
	}
	return -1;
}

int prop_listed(const struct ike_suite *list, unsigned int n, const struct ike_suite *s,
		unsigned int match)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (list[i].encr == s->encr && list[i].encr_bits == s->encr_bits &&
		    list[i].integ == s->integ &&
		    (!(match & PROP_PRF) || list[i].prf == s->prf) &&
		    (!(match & PROP_DH) || list[i].dh == s->dh))
			return 1;
	return 0;
}

int prop_accept(const struct ike_sa *resp, uint8_t proto, struct ike_suite *s,
		uint8_t *spi, size_t *spi_len)
{
	const struct ike_prop *p;
	unsigned int i, seen = 0;

	if (resp->n_prop != 1)
		return -1;
	p = &resp->prop[0];
	if (p->proto != proto || (proto == IKE_PROTO_ESP && p->spi_len != 4) ||
	    (proto == IKE_PROTO_IKE && p->spi_len != 0 && p->spi_len != 8))
		return -1;
	memset(s, 0, sizeof(*s));
	for (i = 0; i < p->n_xf; i++) {
		const struct ike_xf *x = &p->xf[i];

		/* 3.3.6: the chosen proposal has one transform of each type */
		if (x->type < 8 && (seen & (1u << x->type)))
			return -1;
		if (x->type < 8)
			seen |= 1u << x->type;
		switch (x->type) {
		case IKE_XF_ENCR:
			s->encr = x->id;
			s->encr_bits = x->key_len;
			break;
		case IKE_XF_PRF:
			s->prf = x->id;
			break;
		case IKE_XF_INTEG:
			s->integ = x->id;
			break;
		case IKE_XF_DH:
			s->dh = x->id;
			break;
		case IKE_XF_ESN:
			if (x->id != IKE_ESN_NO)
				return -1;
			break;
		default:
			return -1;
		}
	}
	*spi_len = p->spi_len;
	memcpy(spi, p->spi, p->spi_len);
	return 0;
}

/* ---- traffic selectors ---- */

static uint32_t prefix_mask(uint8_t prefix)
{
	return prefix ? 0xffffffffu << (32 - prefix) : 0;
}

void ts_from_conf(const struct conf_ts *t, struct ike_ts_set *out)
{
	struct ike_ts *ts = &out->ts[0];
	uint32_t a = ntohl(t->addr), m = prefix_mask(t->prefix), lo, hi;

	memset(out, 0, sizeof(*out));
	out->n = 1;
	ts->type = IKE_TS_IPV4_ADDR_RANGE;
	ts->proto = t->proto;
	ts->start_port = t->port;
	ts->end_port = t->port ? t->port : 65535;
	lo = htonl(a & m);
	hi = htonl(a | ~m);
	memcpy(ts->start, &lo, 4);
	memcpy(ts->end, &hi, 4);
}

struct range {
	uint32_t lo, hi;	/* host order */
	uint16_t plo, phi;
	uint8_t proto;
};

static void range_of_conf(const struct conf_ts *t, struct range *r)
{
	uint32_t a = ntohl(t->addr), m = prefix_mask(t->prefix);

	r->lo = a & m;
	r->hi = a | ~m;
	r->plo = t->port;
	r->phi = t->port ? t->port : 65535;
	r->proto = t->proto;
}

/* Intersect @ts with @r in place; 0 if not empty. */
static int range_and(struct range *r, const struct ike_ts *ts)
{
	uint32_t lo, hi;

	if (ts->type != IKE_TS_IPV4_ADDR_RANGE)
		return -1;
	memcpy(&lo, ts->start, 4);
	memcpy(&hi, ts->end, 4);
	lo = ntohl(lo);
	hi = ntohl(hi);
	if (ts->proto && r->proto && ts->proto != r->proto)
		return -1;
	if (ts->proto)
		r->proto = ts->proto;
	r->lo = lo > r->lo ? lo : r->lo;
	r->hi = hi < r->hi ? hi : r->hi;
	r->plo = ts->start_port > r->plo ? ts->start_port : r->plo;
	r->phi = ts->end_port < r->phi ? ts->end_port : r->phi;
	return r->lo <= r->hi && r->plo <= r->phi ? 0 : -1;
}

static int narrow_one(const struct conf_ts *conf, const struct ike_ts_set *set,
		      struct range *out)
{
	unsigned int i;

	for (i = 0; i < set->n; i++) {
		range_of_conf(conf, out);
		if (!range_and(out, &set->ts[i]))
			return 0;
	}
	return -1;
}

static void range_to_conf(const struct range *r, struct conf_ts *t)
{
	t->addr = htonl(r->lo);
	t->prefix = 32;
	t->proto = r->proto;
	t->port = r->plo == r->phi ? r->plo : 0;
}

int ts_narrow(const struct conf_child *ch, const struct ike_ts_set *local,
	      const struct ike_ts_set *remote, struct conf_ts *l, struct conf_ts *r)
{
	struct range rl, rr;

	if (narrow_one(&ch->local_ts, local, &rl) || narrow_one(&ch->remote_ts, remote, &rr)) {
		log_info("traffic selectors: no overlap with the configured ones");
		return -1;
	}
	if (rl.proto != rr.proto) {
		/* one side narrowed to a protocol: both sides carry it */
		if (rl.proto && rr.proto)
			return -1;
		rl.proto = rr.proto = rl.proto | rr.proto;
	}
	if (rl.lo != rl.hi || rr.lo != rr.hi) {
		log_info("traffic selectors: the device matches single addresses, not ranges");
		return -1;
	}
	if (!rl.proto) {
		if (rl.plo != 0 || rl.phi != 65535 || rr.plo != 0 || rr.phi != 65535) {
			log_info("traffic selectors: ports without a protocol");
			return -1;
		}
	} else if (rl.plo != rl.phi || rr.plo != rr.phi ||
		   (rl.proto != IPPROTO_UDP && rl.proto != IPPROTO_TCP)) {
		log_info("traffic selectors: the device matches a 5-tuple (TCP/UDP, one port each side) or a host pair");
		return -1;
	}
	range_to_conf(&rl, l);
	range_to_conf(&rr, r);
	return 0;
}
