// SPDX-License-Identifier: GPL-2.0
/*
 * Control protocol codec: encoding a struct nicsec_ctl_msg into header and
 * TLV body, and the paired validator/parser that turns untrusted bytes back
 * into one. The parser copies every field through bounded big-endian reads,
 * checks each TLV against a policy table of exact lengths and per-type
 * allowed/required sets, and reports the first fault as a status code.
 */
#include <errno.h>
#include <string.h>
#include "ctl_codec.h"
#include "keyfile.h"

#define F(t)	NICSEC_CTL_F(NICSEC_CTL_T_##t)

static const uint32_t required[NICSEC_CTL_TYPE_MAX] = {
	[NICSEC_CTL_INSTALL]	= F(SA),
	[NICSEC_CTL_DELETE]	= F(SA_IDS),
	[NICSEC_CTL_FLUSH]	= 0,
	[NICSEC_CTL_QUERY]	= 0,
	[NICSEC_CTL_STATUS]	= F(CODE),
};

static const uint32_t optional[NICSEC_CTL_TYPE_MAX] = {
	[NICSEC_CTL_QUERY]	= F(SA_ID),
	[NICSEC_CTL_STATUS]	= F(SA_ID) | F(COUNTERS) | F(DEVINFO) | F(SA_IDS) | F(INDEX),
};

uint32_t nicsec_ctl_required(uint8_t type)
{
	return type < NICSEC_CTL_TYPE_MAX ? required[type] : 0;
}

uint32_t nicsec_ctl_allowed(uint8_t type)
{
	return type < NICSEC_CTL_TYPE_MAX ? required[type] | optional[type] : 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

/* Fields already in network order are copied as bytes. */
static void put_raw32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint32_t get_raw32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t get_raw16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static size_t padded(size_t len)
{
	return (len + NICSEC_CTL_TLV_ALIGN - 1) & ~(size_t)(NICSEC_CTL_TLV_ALIGN - 1);
}

/* ---- encoding -------------------------------------------------------- */

/* Value length of TLV @t of SA @sa, 0 if the codec cannot express it. */
static size_t sa_tlv_len(const struct nicsec_ctl_sa *sa, unsigned int t)
{
	switch (t) {
	case NICSEC_CTL_T_FLOW:
		return sa->flow.ntuple == 2 ? NICSEC_CTL_FLOW2_LEN :
		       sa->flow.ntuple == 5 ? NICSEC_CTL_FLOW5_LEN : 0;
	case NICSEC_CTL_T_DIR:		return 1;
	case NICSEC_CTL_T_SPI:		return 4;
	case NICSEC_CTL_T_ALG:		return 2;
	case NICSEC_CTL_T_KEY:
		return sa->key_len == 16 || sa->key_len == 32 ? sa->key_len : 0;
	case NICSEC_CTL_T_SALT:		return 4;
	case NICSEC_CTL_T_LIFETIME:	return NICSEC_CTL_LIFETIME_LEN;
	case NICSEC_CTL_T_ENCAP:	return NICSEC_CTL_ENCAP_LEN;
	}
	return 0;
}

static void put_sa_value(const struct nicsec_ctl_sa *sa, unsigned int t, uint8_t *v)
{
	switch (t) {
	case NICSEC_CTL_T_FLOW:
		put_raw32(v, sa->flow.saddr);
		put_raw32(v + 4, sa->flow.daddr);
		if (sa->flow.ntuple == 5) {
			memcpy(v + 8, &sa->flow.sport, 2);
			memcpy(v + 10, &sa->flow.dport, 2);
			v[12] = sa->flow.proto;
		}
		break;
	case NICSEC_CTL_T_DIR:
		v[0] = sa->dir;
		break;
	case NICSEC_CTL_T_SPI:
		put32(v, sa->spi);
		break;
	case NICSEC_CTL_T_ALG:
		put16(v, sa->alg);
		break;
	case NICSEC_CTL_T_KEY:
		memcpy(v, sa->key, sa->key_len);
		break;
	case NICSEC_CTL_T_SALT:
		memcpy(v, sa->salt, 4);
		break;
	case NICSEC_CTL_T_LIFETIME:
		put64(v, sa->lifetime.seconds);
		put64(v + 8, sa->lifetime.bytes);
		put64(v + 16, sa->lifetime.packets);
		break;
	case NICSEC_CTL_T_ENCAP:
		put_raw32(v, sa->encap.local_addr);
		put_raw32(v + 4, sa->encap.peer_addr);
		memcpy(v + 8, &sa->encap.local_port, 2);
		memcpy(v + 10, &sa->encap.peer_port, 2);
		break;
	}
}

/* Value length of message-level TLV @t, 0 if the codec cannot express it. */
static size_t msg_tlv_len(const struct nicsec_ctl_msg *msg, unsigned int t)
{
	switch (t) {
	case NICSEC_CTL_T_SA_ID:	return 4;
	case NICSEC_CTL_T_COUNTERS:	return NICSEC_CTL_COUNTERS_LEN;
	case NICSEC_CTL_T_CODE:		return 4;
	case NICSEC_CTL_T_DEVINFO:	return NICSEC_CTL_DEVINFO_LEN;
	case NICSEC_CTL_T_SA_IDS:
		return msg->n_ids && msg->n_ids <= NICSEC_CTL_MAX_IDS ? 4 * msg->n_ids : 0;
	case NICSEC_CTL_T_INDEX:	return 4;
	}
	return 0;
}

static void put_msg_value(const struct nicsec_ctl_msg *msg, unsigned int t, uint8_t *v)
{
	const struct nicsec_ctl_counters *c = &msg->counters;
	uint32_t i;

	switch (t) {
	case NICSEC_CTL_T_SA_ID:
		put32(v, msg->sa_id);
		break;
	case NICSEC_CTL_T_COUNTERS:
		put64(v, c->packets);
		put64(v + 8, c->bytes);
		put64(v + 16, c->auth_fail);
		put64(v + 24, c->replay);
		put64(v + 32, c->other_drop);
		break;
	case NICSEC_CTL_T_CODE:
		put32(v, msg->code);
		break;
	case NICSEC_CTL_T_DEVINFO:
		put32(v, msg->devinfo.engine);
		put32(v + 4, msg->devinfo.sa_used);
		put32(v + 8, msg->devinfo.sa_max);
		break;
	case NICSEC_CTL_T_SA_IDS:
		for (i = 0; i < msg->n_ids; i++)
			put32(v + 4 * i, msg->ids[i]);
		break;
	case NICSEC_CTL_T_INDEX:
		put32(v, msg->index);
		break;
	}
}

/* A TLV header at @out + *@off with room for @len value bytes; the value
 * area is zeroed (padding included). Returns the value or NULL. */
static uint8_t *tlv_open(uint8_t *out, size_t cap, size_t *off, unsigned int t, size_t len)
{
	size_t total = NICSEC_CTL_TLV_HDR_LEN + padded(len);
	uint8_t *v;

	if (len > UINT16_MAX || total > cap - *off)
		return NULL;
	put16(out + *off, (uint16_t)t);
	put16(out + *off + 2, (uint16_t)len);
	v = out + *off + NICSEC_CTL_TLV_HDR_LEN;
	memset(v, 0, padded(len));
	*off += total;
	return v;
}

size_t nicsec_ctl_sa_wire_len(const struct nicsec_ctl_sa *sa)
{
	size_t n = NICSEC_CTL_TLV_HDR_LEN, len;
	unsigned int t;

	for (t = 1; t < NICSEC_CTL_T_MAX; t++) {
		if (!(sa->present & NICSEC_CTL_F(t)))
			continue;
		len = sa_tlv_len(sa, t);
		if (!len)
			return 0;
		n += NICSEC_CTL_TLV_HDR_LEN + padded(len);
	}
	return n;
}

/* The SA TLV of @sa at @out + *@off. */
static int encode_sa(const struct nicsec_ctl_sa *sa, uint8_t *out, size_t cap, size_t *off)
{
	size_t len = nicsec_ctl_sa_wire_len(sa), sub;
	unsigned int t;
	uint8_t *v;

	if (!len || sa->present & ~(NICSEC_CTL_SA_REQUIRED | NICSEC_CTL_SA_OPTIONAL))
		return -EINVAL;
	v = tlv_open(out, cap, off, NICSEC_CTL_T_SA, len - NICSEC_CTL_TLV_HDR_LEN);
	if (!v)
		return -EMSGSIZE;
	sub = 0;
	for (t = 1; t < NICSEC_CTL_T_MAX; t++) {
		uint8_t *w;

		if (!(sa->present & NICSEC_CTL_F(t)))
			continue;
		w = tlv_open(v, len - NICSEC_CTL_TLV_HDR_LEN, &sub, t, sa_tlv_len(sa, t));
		if (!w)
			return -EMSGSIZE;
		put_sa_value(sa, t, w);
	}
	return 0;
}

int nicsec_ctl_encode(const struct nicsec_ctl_msg *msg, uint8_t *out, size_t cap)
{
	size_t off = NICSEC_CTL_HDR_LEN;
	unsigned int t, i;
	int err;

	if (cap < NICSEC_CTL_HDR_LEN)
		return -EMSGSIZE;
	if (msg->present & ~((1u << NICSEC_CTL_T_MAX) - 2) || msg->n_sa > NICSEC_CTL_MAX_SAS)
		return -EINVAL;
	put32(out, NICSEC_CTL_MAGIC);
	out[4] = msg->version;
	out[5] = msg->type;
	put16(out + 6, msg->flags);
	put32(out + 8, msg->request_id);
	put32(out + 12, msg->sender_id);
	put64(out + 16, msg->counter);
	for (t = 1; t < NICSEC_CTL_T_MAX; t++) {
		size_t len;
		uint8_t *v;

		if (t == NICSEC_CTL_T_SA) {
			/* SA TLVs, one per SA, where type 13 goes */
			for (i = 0; i < msg->n_sa; i++) {
				err = encode_sa(&msg->sa[i], out, cap, &off);
				if (err)
					return err;
			}
			continue;
		}
		if (!(msg->present & NICSEC_CTL_F(t)))
			continue;
		len = msg_tlv_len(msg, t);
		if (!len)
			return -EINVAL;
		v = tlv_open(out, cap, &off, t, len);
		if (!v)
			return -EMSGSIZE;
		put_msg_value(msg, t, v);
	}
	return (int)off;
}

/* ---- parsing --------------------------------------------------------- */

/* Exact value lengths; FLOW, KEY and SA_IDS have several, SA is a list. */
static const uint16_t exact_len[NICSEC_CTL_T_MAX] = {
	[NICSEC_CTL_T_DIR]	= 1,
	[NICSEC_CTL_T_SPI]	= 4,
	[NICSEC_CTL_T_ALG]	= 2,
	[NICSEC_CTL_T_SALT]	= 4,
	[NICSEC_CTL_T_LIFETIME]	= NICSEC_CTL_LIFETIME_LEN,
	[NICSEC_CTL_T_SA_ID]	= 4,
	[NICSEC_CTL_T_COUNTERS]	= NICSEC_CTL_COUNTERS_LEN,
	[NICSEC_CTL_T_ENCAP]	= NICSEC_CTL_ENCAP_LEN,
	[NICSEC_CTL_T_CODE]	= 4,
	[NICSEC_CTL_T_DEVINFO]	= NICSEC_CTL_DEVINFO_LEN,
	[NICSEC_CTL_T_INDEX]	= 4,
};

static int validate_tlv_len(unsigned int t, size_t len)
{
	switch (t) {
	case NICSEC_CTL_T_FLOW:
		return len == NICSEC_CTL_FLOW2_LEN || len == NICSEC_CTL_FLOW5_LEN;
	case NICSEC_CTL_T_KEY:
		return len == 16 || len == 32;
	case NICSEC_CTL_T_SA_IDS:
		return len && len % 4 == 0 && len <= 4 * NICSEC_CTL_MAX_IDS;
	}
	return len == exact_len[t];
}

/* Copy TLV @t of an SA (length already checked); E_VALUE if out of range. */
static int parse_sa_value(struct nicsec_ctl_sa *sa, unsigned int t,
			  const uint8_t *v, size_t len)
{
	switch (t) {
	case NICSEC_CTL_T_FLOW:
		sa->flow.saddr = get_raw32(v);
		sa->flow.daddr = get_raw32(v + 4);
		if (!sa->flow.saddr || !sa->flow.daddr)
			return NICSEC_CTL_E_VALUE;
		sa->flow.ntuple = 2;
		if (len == NICSEC_CTL_FLOW2_LEN)
			break;
		sa->flow.ntuple = 5;
		sa->flow.sport = get_raw16(v + 8);
		sa->flow.dport = get_raw16(v + 10);
		sa->flow.proto = v[12];
		if (!sa->flow.proto || v[13] || v[14] || v[15])
			return NICSEC_CTL_E_VALUE;
		break;
	case NICSEC_CTL_T_DIR:
		sa->dir = v[0];
		if (sa->dir != NICSEC_CTL_DIR_OUT && sa->dir != NICSEC_CTL_DIR_IN)
			return NICSEC_CTL_E_VALUE;
		break;
	case NICSEC_CTL_T_SPI:
		sa->spi = get32(v);
		if (sa->spi < 256)	/* RFC 4303 2.1: 1..255 reserved */
			return NICSEC_CTL_E_VALUE;
		break;
	case NICSEC_CTL_T_ALG:
		sa->alg = get16(v);
		if (sa->alg != NICSEC_CTL_ALG_AES_GCM_16)
			return NICSEC_CTL_E_VALUE;
		break;
	case NICSEC_CTL_T_KEY:
		memcpy(sa->key, v, len);
		sa->key_len = (uint8_t)len;
		break;
	case NICSEC_CTL_T_SALT:
		memcpy(sa->salt, v, 4);
		break;
	case NICSEC_CTL_T_LIFETIME:
		sa->lifetime.seconds = get64(v);
		sa->lifetime.bytes = get64(v + 8);
		sa->lifetime.packets = get64(v + 16);
		break;
	case NICSEC_CTL_T_ENCAP:
		sa->encap.local_addr = get_raw32(v);
		sa->encap.peer_addr = get_raw32(v + 4);
		sa->encap.local_port = get_raw16(v + 8);
		sa->encap.peer_port = get_raw16(v + 10);
		if (!sa->encap.local_addr || !sa->encap.peer_addr ||
		    !sa->encap.local_port || !sa->encap.peer_port)
			return NICSEC_CTL_E_VALUE;
		break;
	}
	return NICSEC_CTL_OK;
}

/* Copy message-level TLV @t (length already checked). */
static int parse_msg_value(struct nicsec_ctl_msg *msg, unsigned int t,
			   const uint8_t *v, size_t len)
{
	struct nicsec_ctl_counters *c = &msg->counters;
	size_t i;

	switch (t) {
	case NICSEC_CTL_T_SA_ID:
		msg->sa_id = get32(v);
		break;
	case NICSEC_CTL_T_COUNTERS:
		c->packets = get64(v);
		c->bytes = get64(v + 8);
		c->auth_fail = get64(v + 16);
		c->replay = get64(v + 24);
		c->other_drop = get64(v + 32);
		break;
	case NICSEC_CTL_T_CODE:
		msg->code = get32(v);
		break;
	case NICSEC_CTL_T_DEVINFO:
		msg->devinfo.engine = get32(v);
		msg->devinfo.sa_used = get32(v + 4);
		msg->devinfo.sa_max = get32(v + 8);
		if (get32(v + 12))
			return NICSEC_CTL_E_VALUE;
		break;
	case NICSEC_CTL_T_SA_IDS:
		msg->n_ids = (uint32_t)(len / 4);
		for (i = 0; i < msg->n_ids; i++)
			msg->ids[i] = get32(v + 4 * i);
		break;
	case NICSEC_CTL_T_INDEX:
		msg->index = get32(v);
		if (msg->index >= NICSEC_CTL_MAX_SAS)
			return NICSEC_CTL_E_VALUE;
		break;
	}
	return NICSEC_CTL_OK;
}

/* A bounded walk over one TLV list (the body, or an SA's value). */
struct tlv_walk {
	const uint8_t *p;
	size_t left;
	unsigned int n;		/* TLVs seen, ignored ones included */
};

#define TLV_END	(-1)

/*
 * The next TLV of @w: 0 with *@t, *@v, *@vlen set; TLV_END at the end of
 * the list; or the status of a framing fault (section 3.2 of the document).
 */
static int tlv_next(struct tlv_walk *w, unsigned int *t, const uint8_t **v, size_t *vlen)
{
	size_t i, len;

	if (!w->left)
		return TLV_END;
	if (++w->n > NICSEC_CTL_MAX_TLVS)
		return NICSEC_CTL_E_TOO_BIG;
	if (w->left < NICSEC_CTL_TLV_HDR_LEN)
		return NICSEC_CTL_E_MALFORMED;
	*t = get16(w->p);
	len = get16(w->p + 2);
	if (padded(len) > w->left - NICSEC_CTL_TLV_HDR_LEN)
		return NICSEC_CTL_E_MALFORMED;
	for (i = len; i < padded(len); i++)
		if (w->p[NICSEC_CTL_TLV_HDR_LEN + i])
			return NICSEC_CTL_E_MALFORMED;
	*v = w->p + NICSEC_CTL_TLV_HDR_LEN;
	*vlen = len;
	w->p += NICSEC_CTL_TLV_HDR_LEN + padded(len);
	w->left -= NICSEC_CTL_TLV_HDR_LEN + padded(len);
	return 0;
}

/* Is @t a type of this version? Unknown ones are skipped if may-ignore. */
static int tlv_known(unsigned int t, int *err)
{
	if (t && t < NICSEC_CTL_T_MAX)
		return 1;
	*err = (t & NICSEC_CTL_TLV_MAY_IGNORE) ? NICSEC_CTL_OK : NICSEC_CTL_E_TLV_UNKNOWN;
	return 0;
}

/* An SA TLV's list into @sa: the same rules as the body, one level down. */
static int parse_sa(const uint8_t *buf, size_t len, struct nicsec_ctl_sa *sa)
{
	const uint32_t allowed = NICSEC_CTL_SA_REQUIRED | NICSEC_CTL_SA_OPTIONAL;
	struct tlv_walk w = { .p = buf, .left = len };
	const uint8_t *v;
	unsigned int t;
	size_t vlen;
	int err;

	while (!(err = tlv_next(&w, &t, &v, &vlen))) {
		if (!tlv_known(t, &err)) {
			if (err)
				return err;
			continue;
		}
		if (!(allowed & NICSEC_CTL_F(t)))
			return NICSEC_CTL_E_TLV_UNEXPECTED;
		if (sa->present & NICSEC_CTL_F(t))
			return NICSEC_CTL_E_TLV_DUP;
		sa->present |= NICSEC_CTL_F(t);
		if (!validate_tlv_len(t, vlen))
			return NICSEC_CTL_E_TLV_LEN;
		err = parse_sa_value(sa, t, v, vlen);
		if (err)
			return err;
	}
	if (err != TLV_END)
		return err;
	if ((sa->present & NICSEC_CTL_SA_REQUIRED) != NICSEC_CTL_SA_REQUIRED)
		return NICSEC_CTL_E_TLV_MISSING;
	return NICSEC_CTL_OK;
}

int nicsec_ctl_precheck(const uint8_t *buf, size_t len)
{
	if (len > NICSEC_CTL_MAX_LEN)
		return NICSEC_CTL_E_TOO_BIG;
	if (len < NICSEC_CTL_MIN_LEN)
		return NICSEC_CTL_E_MALFORMED;
	if (get32(buf) != NICSEC_CTL_MAGIC)
		return NICSEC_CTL_E_MALFORMED;
	return NICSEC_CTL_OK;
}

static int parse(const uint8_t *buf, size_t len, struct nicsec_ctl_msg *msg)
{
	struct tlv_walk w;
	const uint8_t *v;
	uint32_t seen = 0;
	unsigned int t;
	size_t vlen;
	int err;

	if (len > NICSEC_CTL_MAX_LEN - NICSEC_CTL_TAG_LEN)
		return NICSEC_CTL_E_TOO_BIG;
	if (len < NICSEC_CTL_HDR_LEN || get32(buf) != NICSEC_CTL_MAGIC)
		return NICSEC_CTL_E_MALFORMED;
	msg->version = buf[4];
	msg->type = buf[5];
	msg->flags = get16(buf + 6);
	msg->request_id = get32(buf + 8);
	msg->sender_id = get32(buf + 12);
	msg->counter = get64(buf + 16);
	if (msg->version != NICSEC_CTL_VERSION)
		return NICSEC_CTL_E_VERSION;
	if (!msg->type || msg->type >= NICSEC_CTL_TYPE_MAX)
		return NICSEC_CTL_E_TYPE;
	if (msg->flags)
		return NICSEC_CTL_E_FLAGS;

	w = (struct tlv_walk){ .p = buf + NICSEC_CTL_HDR_LEN, .left = len - NICSEC_CTL_HDR_LEN };
	while (!(err = tlv_next(&w, &t, &v, &vlen))) {
		if (!tlv_known(t, &err)) {
			if (err)
				return err;
			continue;
		}
		if (!(nicsec_ctl_allowed(msg->type) & NICSEC_CTL_F(t)))
			return NICSEC_CTL_E_TLV_UNEXPECTED;
		if (t == NICSEC_CTL_T_SA) {
			/* the one type that repeats: an INSTALL's SAs */
			if (msg->n_sa == NICSEC_CTL_MAX_SAS)
				return NICSEC_CTL_E_TOO_BIG;
			msg->index = msg->n_sa;
			err = parse_sa(v, vlen, &msg->sa[msg->n_sa]);
			if (err) {
				msg->present = NICSEC_CTL_F(NICSEC_CTL_T_INDEX);
				return err;
			}
			msg->n_sa++;
			seen |= NICSEC_CTL_F(t);
			continue;
		}
		if (seen & NICSEC_CTL_F(t))
			return NICSEC_CTL_E_TLV_DUP;
		seen |= NICSEC_CTL_F(t);
		if (!validate_tlv_len(t, vlen))
			return NICSEC_CTL_E_TLV_LEN;
		err = parse_msg_value(msg, t, v, vlen);
		if (err)
			return err;
	}
	if (err != TLV_END)
		return err;
	if ((seen & required[msg->type]) != required[msg->type])
		return NICSEC_CTL_E_TLV_MISSING;
	msg->present = seen;
	return NICSEC_CTL_OK;
}

int nicsec_ctl_parse(const uint8_t *buf, size_t len, struct nicsec_ctl_msg *msg)
{
	int err;

	memset(msg, 0, sizeof(*msg));
	err = parse(buf, len, msg);
	if (err) {
		/* keep the header, so that a STATUS can name the request, and
		 * which SA a fault inside an SA TLV was in */
		struct nicsec_ctl_msg hdr = {
			.version = msg->version, .type = msg->type,
			.flags = msg->flags, .request_id = msg->request_id,
			.sender_id = msg->sender_id, .counter = msg->counter,
			.present = msg->present & NICSEC_CTL_F(NICSEC_CTL_T_INDEX),
			.index = msg->index,
		};

		nicsec_ctl_msg_wipe(msg);
		*msg = hdr;
	}
	return err;
}

void nicsec_ctl_msg_wipe(struct nicsec_ctl_msg *msg)
{
	nicsec_wipe(msg, sizeof(*msg));
}

void nicsec_ctl_sa_wipe(struct nicsec_ctl_sa *sa)
{
	nicsec_wipe(sa, sizeof(*sa));
}
