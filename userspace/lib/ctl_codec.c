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
	[NICSEC_CTL_INSTALL]	= F(FLOW) | F(DIR) | F(SPI) | F(ALG) | F(KEY) | F(SALT),
	[NICSEC_CTL_DELETE]	= F(SA_ID),
	[NICSEC_CTL_FLUSH]	= 0,
	[NICSEC_CTL_QUERY]	= 0,
	[NICSEC_CTL_STATUS]	= F(CODE),
};

static const uint32_t optional[NICSEC_CTL_TYPE_MAX] = {
	[NICSEC_CTL_INSTALL]	= F(LIFETIME) | F(ENCAP),
	[NICSEC_CTL_QUERY]	= F(SA_ID),
	[NICSEC_CTL_STATUS]	= F(SA_ID) | F(COUNTERS) | F(DEVINFO),
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

/* Value length of TLV @t in @msg, 0 if the codec cannot express it. */
static size_t tlv_len(const struct nicsec_ctl_msg *msg, unsigned int t)
{
	switch (t) {
	case NICSEC_CTL_T_FLOW:
		return msg->flow.ntuple == 2 ? NICSEC_CTL_FLOW2_LEN :
		       msg->flow.ntuple == 5 ? NICSEC_CTL_FLOW5_LEN : 0;
	case NICSEC_CTL_T_DIR:		return 1;
	case NICSEC_CTL_T_SPI:		return 4;
	case NICSEC_CTL_T_ALG:		return 2;
	case NICSEC_CTL_T_KEY:
		return msg->key_len == 16 || msg->key_len == 32 ? msg->key_len : 0;
	case NICSEC_CTL_T_SALT:		return 4;
	case NICSEC_CTL_T_LIFETIME:	return NICSEC_CTL_LIFETIME_LEN;
	case NICSEC_CTL_T_SA_ID:	return 4;
	case NICSEC_CTL_T_COUNTERS:	return NICSEC_CTL_COUNTERS_LEN;
	case NICSEC_CTL_T_ENCAP:	return NICSEC_CTL_ENCAP_LEN;
	case NICSEC_CTL_T_CODE:		return 4;
	case NICSEC_CTL_T_DEVINFO:	return NICSEC_CTL_DEVINFO_LEN;
	}
	return 0;
}

static void put_value(const struct nicsec_ctl_msg *msg, unsigned int t, uint8_t *v)
{
	const struct nicsec_ctl_counters *c = &msg->counters;

	switch (t) {
	case NICSEC_CTL_T_FLOW:
		put_raw32(v, msg->flow.saddr);
		put_raw32(v + 4, msg->flow.daddr);
		if (msg->flow.ntuple == 5) {
			memcpy(v + 8, &msg->flow.sport, 2);
			memcpy(v + 10, &msg->flow.dport, 2);
			v[12] = msg->flow.proto;
		}
		break;
	case NICSEC_CTL_T_DIR:
		v[0] = msg->dir;
		break;
	case NICSEC_CTL_T_SPI:
		put32(v, msg->spi);
		break;
	case NICSEC_CTL_T_ALG:
		put16(v, msg->alg);
		break;
	case NICSEC_CTL_T_KEY:
		memcpy(v, msg->key, msg->key_len);
		break;
	case NICSEC_CTL_T_SALT:
		memcpy(v, msg->salt, 4);
		break;
	case NICSEC_CTL_T_LIFETIME:
		put64(v, msg->lifetime.seconds);
		put64(v + 8, msg->lifetime.bytes);
		put64(v + 16, msg->lifetime.packets);
		break;
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
	case NICSEC_CTL_T_ENCAP:
		put_raw32(v, msg->encap.local_addr);
		put_raw32(v + 4, msg->encap.peer_addr);
		memcpy(v + 8, &msg->encap.local_port, 2);
		memcpy(v + 10, &msg->encap.peer_port, 2);
		break;
	case NICSEC_CTL_T_CODE:
		put32(v, msg->code);
		break;
	case NICSEC_CTL_T_DEVINFO:
		put32(v, msg->devinfo.engine);
		put32(v + 4, msg->devinfo.sa_used);
		put32(v + 8, msg->devinfo.sa_max);
		break;
	}
}

int nicsec_ctl_encode(const struct nicsec_ctl_msg *msg, uint8_t *out, size_t cap)
{
	size_t off = NICSEC_CTL_HDR_LEN;
	unsigned int t;

	if (cap < NICSEC_CTL_HDR_LEN)
		return -EMSGSIZE;
	if (msg->present & ~((1u << NICSEC_CTL_T_MAX) - 2))
		return -EINVAL;
	put32(out, NICSEC_CTL_MAGIC);
	out[4] = msg->version;
	out[5] = msg->type;
	put16(out + 6, msg->flags);
	put32(out + 8, msg->request_id);
	put32(out + 12, msg->sender_id);
	put64(out + 16, msg->counter);
	for (t = 1; t < NICSEC_CTL_T_MAX; t++) {
		size_t len, total;

		if (!(msg->present & NICSEC_CTL_F(t)))
			continue;
		len = tlv_len(msg, t);
		if (!len)
			return -EINVAL;
		total = NICSEC_CTL_TLV_HDR_LEN + padded(len);
		if (total > cap - off)
			return -EMSGSIZE;
		put16(out + off, (uint16_t)t);
		put16(out + off + 2, (uint16_t)len);
		memset(out + off + NICSEC_CTL_TLV_HDR_LEN, 0, padded(len));
		put_value(msg, t, out + off + NICSEC_CTL_TLV_HDR_LEN);
		off += total;
	}
	return (int)off;
}

/* Exact value lengths; the 2 lengths of FLOW and KEY are handled apart. */
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
};

static int validate_tlv_len(unsigned int t, size_t len)
{
	switch (t) {
	case NICSEC_CTL_T_FLOW:
		return len == NICSEC_CTL_FLOW2_LEN || len == NICSEC_CTL_FLOW5_LEN;
	case NICSEC_CTL_T_KEY:
		return len == 16 || len == 32;
	}
	return len == exact_len[t];
}

/* Copy TLV @t (length already checked) into @msg; E_VALUE if out of range. */
static int parse_value(struct nicsec_ctl_msg *msg, unsigned int t,
		       const uint8_t *v, size_t len)
{
	struct nicsec_ctl_counters *c = &msg->counters;

	switch (t) {
	case NICSEC_CTL_T_FLOW:
		msg->flow.saddr = get_raw32(v);
		msg->flow.daddr = get_raw32(v + 4);
		if (!msg->flow.saddr || !msg->flow.daddr)
			return NICSEC_CTL_E_VALUE;
		msg->flow.ntuple = 2;
		if (len == NICSEC_CTL_FLOW2_LEN)
			break;
		msg->flow.ntuple = 5;
		msg->flow.sport = get_raw16(v + 8);
		msg->flow.dport = get_raw16(v + 10);
		msg->flow.proto = v[12];
		if (!msg->flow.proto || v[13] || v[14] || v[15])
			return NICSEC_CTL_E_VALUE;
		break;
	case NICSEC_CTL_T_DIR:
		msg->dir = v[0];
		if (msg->dir != NICSEC_CTL_DIR_OUT && msg->dir != NICSEC_CTL_DIR_IN)
			return NICSEC_CTL_E_VALUE;
		break;
	case NICSEC_CTL_T_SPI:
		msg->spi = get32(v);
		if (msg->spi < 256)	/* RFC 4303 2.1: 1..255 reserved */
			return NICSEC_CTL_E_VALUE;
		break;
	case NICSEC_CTL_T_ALG:
		msg->alg = get16(v);
		if (msg->alg != NICSEC_CTL_ALG_AES_GCM_16)
			return NICSEC_CTL_E_VALUE;
		break;
	case NICSEC_CTL_T_KEY:
		memcpy(msg->key, v, len);
		msg->key_len = (uint8_t)len;
		break;
	case NICSEC_CTL_T_SALT:
		memcpy(msg->salt, v, 4);
		break;
	case NICSEC_CTL_T_LIFETIME:
		msg->lifetime.seconds = get64(v);
		msg->lifetime.bytes = get64(v + 8);
		msg->lifetime.packets = get64(v + 16);
		break;
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
	case NICSEC_CTL_T_ENCAP:
		msg->encap.local_addr = get_raw32(v);
		msg->encap.peer_addr = get_raw32(v + 4);
		msg->encap.local_port = get_raw16(v + 8);
		msg->encap.peer_port = get_raw16(v + 10);
		if (!msg->encap.local_addr || !msg->encap.peer_addr ||
		    !msg->encap.local_port || !msg->encap.peer_port)
			return NICSEC_CTL_E_VALUE;
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
	}
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
	const uint8_t *p = buf + NICSEC_CTL_HDR_LEN;
	size_t left, ntlv = 0;
	uint32_t seen = 0;

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

	left = len - NICSEC_CTL_HDR_LEN;
	while (left) {
		unsigned int t;
		size_t vlen, i;
		int err;

		if (++ntlv > NICSEC_CTL_MAX_TLVS)
			return NICSEC_CTL_E_TOO_BIG;
		if (left < NICSEC_CTL_TLV_HDR_LEN)
			return NICSEC_CTL_E_MALFORMED;
		t = get16(p);
		vlen = get16(p + 2);
		if (padded(vlen) > left - NICSEC_CTL_TLV_HDR_LEN)
			return NICSEC_CTL_E_MALFORMED;
		for (i = vlen; i < padded(vlen); i++)
			if (p[NICSEC_CTL_TLV_HDR_LEN + i])
				return NICSEC_CTL_E_MALFORMED;
		if (!t || t >= NICSEC_CTL_T_MAX) {
			if (!(t & NICSEC_CTL_TLV_MAY_IGNORE))
				return NICSEC_CTL_E_TLV_UNKNOWN;
		} else {
			if (!(nicsec_ctl_allowed(msg->type) & NICSEC_CTL_F(t)))
				return NICSEC_CTL_E_TLV_UNEXPECTED;
			if (seen & NICSEC_CTL_F(t))
				return NICSEC_CTL_E_TLV_DUP;
			seen |= NICSEC_CTL_F(t);
			if (!validate_tlv_len(t, vlen))
				return NICSEC_CTL_E_TLV_LEN;
			err = parse_value(msg, t, p + NICSEC_CTL_TLV_HDR_LEN, vlen);
			if (err)
				return err;
		}
		p += NICSEC_CTL_TLV_HDR_LEN + padded(vlen);
		left -= NICSEC_CTL_TLV_HDR_LEN + padded(vlen);
	}
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
		/* keep the header, so that a STATUS can name the request */
		struct nicsec_ctl_msg hdr = {
			.version = msg->version, .type = msg->type,
			.flags = msg->flags, .request_id = msg->request_id,
			.sender_id = msg->sender_id, .counter = msg->counter,
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
