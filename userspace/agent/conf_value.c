// SPDX-License-Identifier: GPL-2.0
/*
 * The values of nicsec-agent's configuration (Documentation/agent.md):
 * numbers, times, ports, addresses, identities, IKE/ESP proposals and
 * traffic selectors. Each parser reads one NUL-terminated value, bounded,
 * and returns 0 or -1; the caller says which key was wrong.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ike.h"
#include "conf.h"
#include "conf_value.h"
#include "keyfile.h"	/* nicsec_wipe() */

static int parse_uint(const char *s, uint64_t max, uint64_t *out, const char **end)
{
	uint64_t v = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	*end = s;
	return 0;
}

int conf_parse_time(const char *s, uint32_t *out)
{
	static const struct { char unit; uint32_t mul; } units[] = {
		{ '\0', 1 }, { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
	};
	const char *end;
	uint64_t v;
	size_t i;

	if (parse_uint(s, CONF_MAX_TIME, &v, &end))
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (*end != units[i].unit || (*end && end[1]))
			continue;
		if (v * units[i].mul > CONF_MAX_TIME)
			return -1;
		*out = (uint32_t)(v * units[i].mul);
		return 0;
	}
	return -1;
}

int conf_parse_port(const char *s, uint16_t *out)
{
	const char *end;
	uint64_t v;

	if (parse_uint(s, 65535, &v, &end) || *end || !v)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* One dotted-quad IPv4 address, not 0.0.0.0. */
int conf_parse_addr(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1 || !a.s_addr)
		return -1;
	*out = a.s_addr;
	return 0;
}

int conf_parse_id(const char *s, struct conf_id *id)
{
	size_t len = strlen(s);
	struct in_addr a;

	memset(id, 0, sizeof(*id));
	if (inet_pton(AF_INET, s, &a) == 1) {
		id->type = IKE_ID_IPV4_ADDR;
		id->len = 4;
		memcpy(id->data, &a.s_addr, 4);
		return 0;
	}
	id->type = IKE_ID_FQDN;
	if (s[0] == '@') {	/* strongSwan's "@host": an FQDN, never an address */
		s++;
		len--;
		if (strchr(s, '@'))
			return -1;
	} else if (strchr(s, '@')) {
		id->type = IKE_ID_RFC822_ADDR;
	}
	if (!len || len > AGENT_MAX_ID)
		return -1;
	id->len = (uint16_t)len;
	memcpy(id->data, s, len);
	return 0;
}

int conf_parse_id_pattern(const char *s, struct conf_id *id)
{
	if (!strcmp(s, "%any")) {
		memset(id, 0, sizeof(*id));
		id->match = CONF_ID_ANY;
		return 0;
	}
	if (s[0] == '*') {
		if (!s[1] || strchr(s + 1, '*') || (s[1] != '@' && s[1] != '.'))
			return -1;
		memset(id, 0, sizeof(*id));
		id->type = s[1] == '@' ? IKE_ID_RFC822_ADDR : IKE_ID_FQDN;
		if (id->type == IKE_ID_FQDN && strchr(s + 1, '@'))
			return -1;
		if (strlen(s + 1) > AGENT_MAX_ID - 1)
			return -1;
		id->match = CONF_ID_SUFFIX;
		id->len = (uint16_t)strlen(s + 1);
		memcpy(id->data, s + 1, id->len);
		return 0;
	}
	return conf_parse_id(s, id);
}

int conf_parse_range(const char *s, uint32_t *addr, uint8_t *prefix)
{
	char buf[32];
	char *slash, *end;
	struct in_addr a;
	unsigned long n;

	if (!strcmp(s, "%any")) {
		*addr = 0;
		*prefix = 0;
		return 0;
	}
	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	n = 32;
	if (slash) {
		*slash++ = '\0';
		n = strtoul(slash, &end, 10);
		if (!*slash || *end || n > 32)
			return -1;
	}
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	if (n < 32 && (ntohl(a.s_addr) & (0xffffffffu >> n)))
		return -1;	/* host bits set: say what is meant */
	if (n == 32 && !a.s_addr)
		return -1;
	*addr = a.s_addr;
	*prefix = (uint8_t)n;
	return 0;
}

int conf_id_matches(const struct conf_id *c, uint8_t type, const uint8_t *data, size_t len)
{
	switch (c->match) {
	case CONF_ID_ANY:
		return 1;
	case CONF_ID_SUFFIX:
		return type == c->type && len > c->len &&
		       !memcmp(data + len - c->len, c->data, c->len);
	default:
		return type == c->type && len == c->len && !memcmp(data, c->data, c->len);
	}
}

int conf_remote_has(const struct conf_conn *c, uint32_t addr)
{
	uint32_t mask = c->remote_prefix ? 0xffffffffu << (32 - c->remote_prefix) : 0;

	return ((ntohl(addr) ^ ntohl(c->remote_addr)) & mask) == 0;
}

void conf_wipe(struct agent_conf *conf)
{
	nicsec_wipe(conf->secret, sizeof(conf->secret));
	conf->n_secret = 0;
}

/* ---- proposals ---------------------------------------------------------------- */

enum alg_kind { ALG_ENCR, ALG_INTEG, ALG_PRF, ALG_DH, ALG_NOESN };

static const struct conf_alg {
	const char *name;
	enum alg_kind kind;
	uint16_t id;
	uint16_t bits;
} conf_algs[] = {
	{ "aes128gcm16",	ALG_ENCR,	IKE_ENCR_AES_GCM_16,	128 },
	{ "aes192gcm16",	ALG_ENCR,	IKE_ENCR_AES_GCM_16,	192 },
	{ "aes256gcm16",	ALG_ENCR,	IKE_ENCR_AES_GCM_16,	256 },
	{ "aes128",		ALG_ENCR,	IKE_ENCR_AES_CBC,	128 },
	{ "aes192",		ALG_ENCR,	IKE_ENCR_AES_CBC,	192 },
	{ "aes256",		ALG_ENCR,	IKE_ENCR_AES_CBC,	256 },
	{ "sha256",		ALG_INTEG,	IKE_AUTH_HMAC_SHA2_256_128, 0 },
	{ "sha384",		ALG_INTEG,	IKE_AUTH_HMAC_SHA2_384_192, 0 },
	{ "sha512",		ALG_INTEG,	IKE_AUTH_HMAC_SHA2_512_256, 0 },
	{ "prfsha256",		ALG_PRF,	IKE_PRF_HMAC_SHA2_256,	0 },
	{ "prfsha384",		ALG_PRF,	IKE_PRF_HMAC_SHA2_384,	0 },
	{ "prfsha512",		ALG_PRF,	IKE_PRF_HMAC_SHA2_512,	0 },
	{ "x25519",		ALG_DH,		IKE_DH_CURVE25519,	0 },
	{ "curve25519",		ALG_DH,		IKE_DH_CURVE25519,	0 },
	{ "ecp256",		ALG_DH,		IKE_DH_ECP256,		0 },
	{ "ecp384",		ALG_DH,		IKE_DH_ECP384,		0 },
	{ "noesn",		ALG_NOESN,	0,			0 },
};

static const struct conf_alg *find_alg(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(conf_algs) / sizeof(conf_algs[0]); i++)
		if (!strcasecmp(name, conf_algs[i].name))
			return &conf_algs[i];
	return NULL;
}

/* The PRF strongSwan pairs with an HMAC integrity algorithm. */
static uint16_t prf_of_integ(uint16_t integ)
{
	switch (integ) {
	case IKE_AUTH_HMAC_SHA2_256_128:
		return IKE_PRF_HMAC_SHA2_256;
	case IKE_AUTH_HMAC_SHA2_384_192:
		return IKE_PRF_HMAC_SHA2_384;
	case IKE_AUTH_HMAC_SHA2_512_256:
		return IKE_PRF_HMAC_SHA2_512;
	}
	return 0;
}

/* One algorithm into @s; each kind at most once. */
static int add_alg(struct ike_suite *s, const struct conf_alg *a)
{
	uint16_t *field;

	switch (a->kind) {
	case ALG_ENCR:
		field = &s->encr;
		s->encr_bits = a->bits;
		break;
	case ALG_INTEG:
		field = &s->integ;
		break;
	case ALG_PRF:
		field = &s->prf;
		break;
	case ALG_DH:
		field = &s->dh;
		break;
	default:
		return 0;
	}
	if (*field)
		return -1;
	*field = a->id;
	return 0;
}

static int check_suite(struct ike_suite *s, int ike, int noesn)
{
	int gcm = s->encr == IKE_ENCR_AES_GCM_16;

	if (!s->encr)
		return -1;
	if (!ike) {	/* ESP: AES-GCM-16, optional PFS group */
		return gcm && !s->integ && !s->prf ? 0 : -1;
	}
	if (noesn || !s->dh)
		return -1;
	if (gcm)
		return !s->integ && s->prf ? 0 : -1;
	if (!s->integ)
		return -1;
	if (!s->prf)
		s->prf = prf_of_integ(s->integ);
	return 0;
}

int conf_parse_proposal(const char *str, int ike, struct ike_suite *s)
{
	struct ike_suite t = { 0 };
	char buf[CONF_MAX_TOKEN];
	char *tok, *dash;
	int noesn = 0;

	if (!str || strlen(str) >= sizeof(buf))
		return -1;
	strcpy(buf, str);
	for (tok = buf; tok; tok = dash) {
		const struct conf_alg *a;

		dash = strchr(tok, '-');
		if (dash)
			*dash++ = '\0';
		a = find_alg(tok);
		if (!a || add_alg(&t, a) || (a->kind == ALG_NOESN && noesn++))
			return -1;
	}
	if (check_suite(&t, ike, noesn))
		return -1;
	*s = t;
	return 0;
}

/* ---- traffic selectors ---------------------------------------------------------- */

static int parse_proto(const char *s, uint8_t *proto)
{
	static const struct { const char *name; uint8_t proto; } names[] = {
		{ "%any", 0 }, { "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "sctp", 132 },
	};
	const char *end;
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcasecmp(s, names[i].name)) {
			*proto = names[i].proto;
			return 0;
		}
	}
	if (parse_uint(s, 255, &v, &end) || *end)
		return -1;
	*proto = (uint8_t)v;
	return 0;
}

/* "proto" or "proto/port" (the text between the brackets). */
static int parse_ts_filter(char *s, struct conf_ts *ts)
{
	char *slash = strchr(s, '/');

	if (slash)
		*slash++ = '\0';
	if (parse_proto(s, &ts->proto))
		return -1;
	if (!slash || !strcasecmp(slash, "%any"))
		return 0;
	if (!ts->proto || conf_parse_port(slash, &ts->port))
		return -1;
	return 0;
}

int conf_parse_ts(const char *str, struct conf_ts *ts)
{
	struct conf_ts t = { .prefix = 32 };
	char buf[CONF_MAX_TOKEN];
	char *bracket, *slash;
	struct in_addr a;
	size_t len;

	if (!str || (len = strlen(str)) >= sizeof(buf))
		return -1;
	strcpy(buf, str);
	bracket = strchr(buf, '[');
	if (bracket) {
		if (buf[len - 1] != ']')
			return -1;
		buf[len - 1] = '\0';
		*bracket++ = '\0';
		if (parse_ts_filter(bracket, &t))
			return -1;
	}
	slash = strchr(buf, '/');
	if (slash) {
		const char *end;
		uint64_t v;

		*slash++ = '\0';
		if (parse_uint(slash, 32, &v, &end) || *end)
			return -1;
		t.prefix = (uint8_t)v;
	}
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	/* host bits beyond the prefix are a mistake, not something to mask */
	if (t.prefix < 32 && (ntohl(a.s_addr) & (0xffffffffu >> t.prefix)))
		return -1;
	t.addr = a.s_addr;
	*ts = t;
	return 0;
}
