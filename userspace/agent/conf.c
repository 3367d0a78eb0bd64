// SPDX-License-Identifier: GPL-2.0
/*
 * nicsec-agent's configuration file (Documentation/agent.md): a line-based
 * lexer, a fixed stack of sections and one table of keys per section. The
 * first error ends the parse with "FILE:LINE: what". Fixed buffers only.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "ike.h"
#include "ctl_proto.h"
#include "conf.h"

#define CONF_MAX_LINE		1024	/* characters, newline excluded */
#define CONF_MAX_DEPTH		5	/* top level + connections.NAME.children.NAME */
#define CONF_MAX_TIME		315360000U	/* 10 years: rekey_time * 11 fits 32 bits */
#define CONF_MAX_TOKEN		128	/* one proposal or traffic selector */
#define CONF_IKE_PORT		500
#define CONF_IKE_REKEY		14400	/* strongSwan's default, 4h */
#define CONF_CHILD_REKEY	3600
#define CONF_DEFAULT_IKE	"aes128gcm16-prfsha256-x25519"
#define CONF_DEFAULT_ESP	"aes128gcm16"

enum conf_ctx {
	CTX_ROOT,
	CTX_DEVICE,
	CTX_CONNECTIONS,
	CTX_CONN,
	CTX_LOCAL,
	CTX_REMOTE,
	CTX_CHILDREN,
	CTX_CHILD,
};

struct conf_frame {
	enum conf_ctx ctx;
	char name[AGENT_NAME_LEN];
	unsigned int line;	/* where the section opened */
	uint32_t keys;		/* bit i: key i of the section's table was set */
	uint32_t sections;	/* bit i: fixed subsection i was opened */
};

struct conf_parser {
	const char *path;
	unsigned int line;
	char *err;
	size_t err_len;
	struct agent_conf *conf;
	struct conf_conn *conn;		/* the connection being parsed */
	unsigned int conn_line[AGENT_MAX_CONNS];
	unsigned int child_line;	/* 0: the connection has no child yet */
	uint32_t child_keys;		/* keys set in the connection's child */
	int depth;			/* index of the current frame */
	struct conf_frame stack[CONF_MAX_DEPTH];
};

struct conf_key {
	const char *name;
	int (*set)(struct conf_parser *p, const char *key, const char *val);
};

__attribute__((format(printf, 2, 3)))
static int perr(struct conf_parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->err || !p->err_len)
		return -1;
	n = snprintf(p->err, p->err_len, "%s:%u: ", p->path, p->line);
	if (n < 0 || (size_t)n >= p->err_len)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->err_len - n, fmt, ap);
	va_end(ap);
	return -1;
}

static struct conf_frame *cur(struct conf_parser *p)
{
	return &p->stack[p->depth];
}

/* "in connections.cli.local", or "at top level". */
static const char *where(const struct conf_parser *p, char *buf, size_t cap)
{
	size_t n;
	int i;

	if (!p->depth)
		return "at top level";
	n = snprintf(buf, cap, "in ");
	for (i = 1; i <= p->depth && n < cap; i++)
		n += snprintf(buf + n, cap - n, "%s%s", i > 1 ? "." : "",
			      p->stack[i].name);
	return buf;
}

/* ---- values ------------------------------------------------------------------ */

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

static int parse_time(const char *s, uint32_t *out)
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

static int parse_port(const char *s, uint16_t *out)
{
	const char *end;
	uint64_t v;

	if (parse_uint(s, 65535, &v, &end) || *end || !v)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* One dotted-quad IPv4 address, not 0.0.0.0. */
static int parse_addr(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1 || !a.s_addr)
		return -1;
	*out = a.s_addr;
	return 0;
}

static int parse_id(const char *s, struct conf_id *id)
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
	if (!ts->proto || parse_port(slash, &ts->port))
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

/* ---- key handlers --------------------------------------------------------------- */

static int set_addr(struct conf_parser *p, const char *key, const char *val, uint32_t *out)
{
	if (parse_addr(val, out))
		return perr(p, "bad address '%s' for %s (one IPv4 address)", val, key);
	return 0;
}

static int set_port(struct conf_parser *p, const char *key, const char *val, uint16_t *out)
{
	if (parse_port(val, out))
		return perr(p, "bad port '%s' for %s (1..65535)", val, key);
	return 0;
}

static int set_time(struct conf_parser *p, const char *key, const char *val, uint32_t *out)
{
	if (parse_time(val, out))
		return perr(p, "bad time '%s' for %s (N, Ns, Nm, Nh or Nd, at most %us)",
			    val, key, CONF_MAX_TIME);
	return 0;
}

static int set_path(struct conf_parser *p, const char *key, const char *val, char *out)
{
	if (strlen(val) >= PATH_MAX)
		return perr(p, "path too long for %s (max %d bytes)", key, PATH_MAX - 1);
	strcpy(out, val);
	return 0;
}

static int set_id(struct conf_parser *p, const char *key, const char *val, struct conf_id *id)
{
	if (parse_id(val, id))
		return perr(p, "bad id '%s' (1..%d bytes)", val, AGENT_MAX_ID);
	return 0;
}

/* "a, b, c" into @out; @n gets the count. */
static int set_proposals(struct conf_parser *p, const char *key, const char *val,
			 int ike, struct ike_suite *out, unsigned int *n)
{
	char buf[CONF_MAX_LINE + 1];
	char *item, *comma;

	snprintf(buf, sizeof(buf), "%s", val);
	*n = 0;
	for (item = buf; item; item = comma) {
		char *end;

		comma = strchr(item, ',');
		if (comma)
			*comma++ = '\0';
		while (isspace((unsigned char)*item))
			item++;
		end = item + strlen(item);
		while (end > item && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (!*item)
			return perr(p, "empty proposal in %s", key);
		if (*n == AGENT_MAX_PROPOSALS)
			return perr(p, "too many proposals in %s (max %d)", key,
				    AGENT_MAX_PROPOSALS);
		if (conf_parse_proposal(item, ike, &out[*n]))
			return perr(p, "bad proposal '%s' in %s", item, key);
		(*n)++;
	}
	return 0;
}

static int set_ts(struct conf_parser *p, const char *key, const char *val, struct conf_ts *ts)
{
	if (strchr(val, ','))
		return perr(p, "one traffic selector only in %s", key);
	if (conf_parse_ts(val, ts))
		return perr(p, "bad traffic selector '%s' for %s", val, key);
	return 0;
}

static int key_dev_address(struct conf_parser *p, const char *k, const char *v)
{
	return set_addr(p, k, v, &p->conf->dev_addr);
}

static int key_dev_port(struct conf_parser *p, const char *k, const char *v)
{
	return set_port(p, k, v, &p->conf->dev_port);
}

static int key_dev_enroll_key(struct conf_parser *p, const char *k, const char *v)
{
	return set_path(p, k, v, p->conf->enroll_key);
}

static int key_local_addrs(struct conf_parser *p, const char *k, const char *v)
{
	return set_addr(p, k, v, &p->conn->local_addr);
}

static int key_remote_addrs(struct conf_parser *p, const char *k, const char *v)
{
	return set_addr(p, k, v, &p->conn->remote_addr);
}

static int key_local_port(struct conf_parser *p, const char *k, const char *v)
{
	return set_port(p, k, v, &p->conn->local_port);
}

static int key_remote_port(struct conf_parser *p, const char *k, const char *v)
{
	return set_port(p, k, v, &p->conn->remote_port);
}

static int key_start(struct conf_parser *p, const char *k, const char *v)
{
	if (!strcmp(v, "yes"))
		p->conn->start = 1;
	else if (!strcmp(v, "no"))
		p->conn->start = 0;
	else
		return perr(p, "bad boolean '%s' for %s (yes or no)", v, k);
	return 0;
}

static int key_proposals(struct conf_parser *p, const char *k, const char *v)
{
	return set_proposals(p, k, v, 1, p->conn->ike, &p->conn->n_ike);
}

static int key_rekey_time(struct conf_parser *p, const char *k, const char *v)
{
	return set_time(p, k, v, &p->conn->rekey_time);
}

static int key_over_time(struct conf_parser *p, const char *k, const char *v)
{
	return set_time(p, k, v, &p->conn->over_time);
}

static int key_dpd_delay(struct conf_parser *p, const char *k, const char *v)
{
	return set_time(p, k, v, &p->conn->dpd_delay);
}

static int key_auth(struct conf_parser *p, const char *k, const char *v)
{
	if (strcmp(v, "psk"))
		return perr(p, "auth '%s' not supported (psk only)", v);
	return 0;
}

static int key_local_id(struct conf_parser *p, const char *k, const char *v)
{
	return set_id(p, k, v, &p->conn->local_id);
}

static int key_psk_file(struct conf_parser *p, const char *k, const char *v)
{
	return set_path(p, k, v, p->conn->psk_file);
}

static int key_remote_id(struct conf_parser *p, const char *k, const char *v)
{
	return set_id(p, k, v, &p->conn->remote_id);
}

static int key_local_ts(struct conf_parser *p, const char *k, const char *v)
{
	return set_ts(p, k, v, &p->conn->child.local_ts);
}

static int key_remote_ts(struct conf_parser *p, const char *k, const char *v)
{
	return set_ts(p, k, v, &p->conn->child.remote_ts);
}

static int key_esp_proposals(struct conf_parser *p, const char *k, const char *v)
{
	return set_proposals(p, k, v, 0, p->conn->child.esp, &p->conn->child.n_esp);
}

static int key_child_rekey(struct conf_parser *p, const char *k, const char *v)
{
	return set_time(p, k, v, &p->conn->child.rekey_time);
}

static int key_rand_time(struct conf_parser *p, const char *k, const char *v)
{
	return set_time(p, k, v, &p->conn->child.rand_time);
}

static int key_life_time(struct conf_parser *p, const char *k, const char *v)
{
	return set_time(p, k, v, &p->conn->child.life_time);
}

static int key_inactivity(struct conf_parser *p, const char *k, const char *v)
{
	return set_time(p, k, v, &p->conn->child.inactivity);
}

/* Each table ends with a NULL name; a key's index is its bit in frame.keys. */
static const struct conf_key device_keys[] = {
	{ "address", key_dev_address },
	{ "port", key_dev_port },
	{ "enroll_key", key_dev_enroll_key },
	{ NULL, NULL },
};

static const struct conf_key conn_keys[] = {
	{ "local_addrs", key_local_addrs },
	{ "remote_addrs", key_remote_addrs },
	{ "local_port", key_local_port },
	{ "remote_port", key_remote_port },
	{ "start", key_start },
	{ "proposals", key_proposals },
	{ "rekey_time", key_rekey_time },
	{ "over_time", key_over_time },
	{ "dpd_delay", key_dpd_delay },
	{ NULL, NULL },
};
#define CONN_KEY_OVER_TIME	7

static const struct conf_key local_keys[] = {
	{ "id", key_local_id },
	{ "psk_file", key_psk_file },
	{ "auth", key_auth },
	{ NULL, NULL },
};

static const struct conf_key remote_keys[] = {
	{ "id", key_remote_id },
	{ "auth", key_auth },
	{ NULL, NULL },
};

static const struct conf_key child_keys[] = {
	{ "local_ts", key_local_ts },
	{ "remote_ts", key_remote_ts },
	{ "esp_proposals", key_esp_proposals },
	{ "rekey_time", key_child_rekey },
	{ "rand_time", key_rand_time },
	{ "life_time", key_life_time },
	{ "inactivity", key_inactivity },
	{ NULL, NULL },
};
#define CHILD_KEY_LOCAL_TS	0
#define CHILD_KEY_REMOTE_TS	1

static const struct conf_key *keys_of(enum conf_ctx ctx)
{
	switch (ctx) {
	case CTX_DEVICE:
		return device_keys;
	case CTX_CONN:
		return conn_keys;
	case CTX_LOCAL:
		return local_keys;
	case CTX_REMOTE:
		return remote_keys;
	case CTX_CHILD:
		return child_keys;
	default:
		return NULL;
	}
}

static int set_key(struct conf_parser *p, const char *key, const char *val)
{
	const struct conf_key *k = keys_of(cur(p)->ctx);
	char w[4 * AGENT_NAME_LEN];
	unsigned int i;

	for (i = 0; k && k[i].name; i++) {
		if (strcmp(k[i].name, key))
			continue;
		if (cur(p)->keys & (1u << i))
			return perr(p, "duplicate key '%s' %s", key,
				    where(p, w, sizeof(w)));
		cur(p)->keys |= 1u << i;
		if (!*val)
			return perr(p, "empty value for %s", key);
		return k[i].set(p, key, val);
	}
	return perr(p, "unknown key '%s' %s", key, where(p, w, sizeof(w)));
}

/* ---- sections ---------------------------------------------------------------- */

static const struct conf_section {
	enum conf_ctx parent, ctx;
	const char *name;
} fixed_sections[] = {
	{ CTX_ROOT, CTX_DEVICE, "device" },
	{ CTX_ROOT, CTX_CONNECTIONS, "connections" },
	{ CTX_CONN, CTX_LOCAL, "local" },
	{ CTX_CONN, CTX_REMOTE, "remote" },
	{ CTX_CONN, CTX_CHILDREN, "children" },
};

static void conn_init(struct conf_conn *c, const char *name)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->local_port = CONF_IKE_PORT;
	c->remote_port = CONF_IKE_PORT;
	c->rekey_time = CONF_IKE_REKEY;
}

static int open_conn(struct conf_parser *p, const char *name)
{
	struct agent_conf *conf = p->conf;
	unsigned int i;

	for (i = 0; i < conf->n_conn; i++)
		if (!strcmp(conf->conn[i].name, name))
			return perr(p, "duplicate connection '%s' (first at line %u)",
				    name, p->conn_line[i]);
	if (conf->n_conn == AGENT_MAX_CONNS)
		return perr(p, "too many connections (max %d)", AGENT_MAX_CONNS);
	p->conn = &conf->conn[conf->n_conn];
	p->conn_line[conf->n_conn++] = p->line;
	conn_init(p->conn, name);
	p->child_line = 0;
	p->child_keys = 0;
	return 0;
}

static int open_child(struct conf_parser *p, const char *name)
{
	struct conf_child *c = &p->conn->child;

	if (p->child_line)
		return perr(p, "too many children in connection '%s' (max 1, '%s' at line %u)",
			    p->conn->name, c->name, p->child_line);
	p->child_line = p->line;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->rekey_time = CONF_CHILD_REKEY;
	return 0;
}

/* The context of a subsection @name of the current section, or -1. */
static int sub_ctx(struct conf_parser *p, const char *name, uint32_t *bit)
{
	enum conf_ctx ctx = cur(p)->ctx;
	unsigned int i;

	*bit = 0;
	if (ctx == CTX_CONNECTIONS)
		return CTX_CONN;
	if (ctx == CTX_CHILDREN)
		return CTX_CHILD;
	for (i = 0; i < sizeof(fixed_sections) / sizeof(fixed_sections[0]); i++) {
		if (fixed_sections[i].parent == ctx && !strcmp(fixed_sections[i].name, name)) {
			*bit = 1u << i;
			return fixed_sections[i].ctx;
		}
	}
	return -1;
}

static int open_section(struct conf_parser *p, const char *name)
{
	char w[4 * AGENT_NAME_LEN];
	struct conf_frame *f;
	uint32_t bit;
	int ctx = sub_ctx(p, name, &bit);

	if (ctx < 0)
		return perr(p, "unknown section '%s' %s", name, where(p, w, sizeof(w)));
	if (cur(p)->sections & bit)
		return perr(p, "duplicate section '%s' %s", name, where(p, w, sizeof(w)));
	if (p->depth + 1 >= CONF_MAX_DEPTH)
		return perr(p, "sections nested too deep");
	cur(p)->sections |= bit;
	if (ctx == CTX_CONN && open_conn(p, name))
		return -1;
	if (ctx == CTX_CHILD && open_child(p, name))
		return -1;
	f = &p->stack[++p->depth];
	memset(f, 0, sizeof(*f));
	f->ctx = ctx;
	f->line = p->line;
	snprintf(f->name, sizeof(f->name), "%s", name);
	return 0;
}

/* Errors found when a section closes point at the line that opened it. */
__attribute__((format(printf, 3, 4)))
static int perr_at(struct conf_parser *p, unsigned int line, const char *fmt, ...)
{
	unsigned int now = p->line;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->line = line;
	perr(p, "%s", msg);
	p->line = now;
	return -1;
}

static int close_device(struct conf_parser *p, const struct conf_frame *f)
{
	if (p->conf->dev_addr && !p->conf->enroll_key[0])
		return perr_at(p, f->line, "device: no enroll_key");
	if (!p->conf->dev_addr && p->conf->enroll_key[0])
		return perr_at(p, f->line, "device: no address");
	return 0;
}

static int close_child(struct conf_parser *p, const struct conf_frame *f)
{
	struct conf_child *c = &p->conn->child;

	p->child_keys = f->keys;
	if (c->life_time && c->rekey_time && c->life_time <= c->rekey_time)
		return perr_at(p, f->line,
			       "child '%s': life_time (%us) must be greater than rekey_time (%us)",
			       c->name, c->life_time, c->rekey_time);
	if (c->rand_time && c->rand_time >= c->rekey_time)
		return perr_at(p, f->line,
			       "child '%s': rand_time (%us) must be less than rekey_time (%us)",
			       c->name, c->rand_time, c->rekey_time);
	/* strongSwan's default: 10% more than rekey_time, at least one second
	 * more (a rekey must have time to happen before the hard expiry) */
	if (!c->life_time && c->rekey_time)
		c->life_time = c->rekey_time + (c->rekey_time + 9) / 10;
	return 0;
}

static void conn_defaults(struct conf_parser *p, const struct conf_frame *f)
{
	struct conf_conn *c = p->conn;
	struct conf_ts host = { .prefix = 32 };

	if (!c->n_ike)
		c->n_ike = !conf_parse_proposal(CONF_DEFAULT_IKE, 1, &c->ike[0]);
	if (!c->child.n_esp)
		c->child.n_esp = !conf_parse_proposal(CONF_DEFAULT_ESP, 0, &c->child.esp[0]);
	if (!(f->keys & (1u << CONN_KEY_OVER_TIME)))
		c->over_time = c->rekey_time / 10;
	if (!(p->child_keys & (1u << CHILD_KEY_LOCAL_TS))) {
		host.addr = c->local_addr;
		c->child.local_ts = host;
	}
	if (!(p->child_keys & (1u << CHILD_KEY_REMOTE_TS))) {
		host.addr = c->remote_addr;
		c->child.remote_ts = host;
	}
}

static int close_conn(struct conf_parser *p, const struct conf_frame *f)
{
	const struct conf_conn *c = p->conn;
	const char *missing = NULL;

	if (!c->local_addr)
		missing = "no local_addrs";
	else if (!c->remote_addr)
		missing = "no remote_addrs";
	else if (!c->local_id.len)
		missing = "no id in local";
	else if (!c->psk_file[0])
		missing = "no psk_file in local";
	else if (!c->remote_id.len)
		missing = "no id in remote";
	else if (!p->child_line)
		missing = "no child in children (one is required)";
	if (missing)
		return perr_at(p, f->line, "connection '%s': %s", c->name, missing);
	conn_defaults(p, f);
	return 0;
}

static int close_section(struct conf_parser *p)
{
	const struct conf_frame *f = cur(p);
	int ret = 0;

	if (!p->depth)
		return perr(p, "unbalanced '}'");
	switch (f->ctx) {
	case CTX_DEVICE:
		ret = close_device(p, f);
		break;
	case CTX_CONN:
		ret = close_conn(p, f);
		break;
	case CTX_CHILD:
		ret = close_child(p, f);
		break;
	default:
		break;
	}
	p->depth--;
	return ret;
}

/* ---- lexer --------------------------------------------------------------------- */

static int is_name_char(int c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.';
}

static char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return (char *)s;
}

/* Does "key =" start after the blanks at @s? Then a value ends before them. */
static int next_key_at(const char *s)
{
	s = skip_ws(s);
	if (!is_name_char((unsigned char)*s))
		return 0;
	while (is_name_char((unsigned char)*s))
		s++;
	return *skip_ws(s) == '=';
}

static int perr_char(struct conf_parser *p, int c)
{
	if (isprint(c))
		return perr(p, "unexpected '%c'", c);
	return perr(p, "unexpected byte 0x%02x", c);
}

static char *lex_name(struct conf_parser *p, char *s, char *name)
{
	size_t n = 0;

	if (!is_name_char((unsigned char)*s)) {
		perr_char(p, (unsigned char)*s);
		return NULL;
	}
	while (is_name_char((unsigned char)s[n]))
		n++;
	if (n >= AGENT_NAME_LEN) {
		perr(p, "name too long (max %d characters)", AGENT_NAME_LEN - 1);
		return NULL;
	}
	memcpy(name, s, n);
	name[n] = '\0';
	return s + n;
}

/* "..." with \" and \\; then only blanks, a comment or '}' may follow. */
static char *lex_quoted(struct conf_parser *p, char *s, char *val)
{
	size_t n = 0;

	for (s++; *s != '"'; s++) {
		if (!*s) {
			perr(p, "unterminated quoted value");
			return NULL;
		}
		if (*s == '\\') {
			s++;
			if (*s != '"' && *s != '\\') {
				perr(p, "bad escape in quoted value (only \\\" and \\\\)");
				return NULL;
			}
		}
		val[n++] = *s;
	}
	val[n] = '\0';
	s++;
	if (!next_key_at(s)) {
		s = skip_ws(s);
		if (*s && *s != '#' && *s != '}') {
			perr(p, "text after the quoted value");
			return NULL;
		}
	}
	return s;
}

/*
 * A value runs to the end of the line, a comment, a '}' or the blanks
 * before another "key =" on the same line; trailing blanks are trimmed.
 */
static char *lex_value(struct conf_parser *p, const char *key, char *s, char *val)
{
	const char *bad;
	size_t n = 0, end;

	s = skip_ws(s);
	if (*s == '"')
		return lex_quoted(p, s, val);
	while (s[n] && s[n] != '#' && s[n] != '}') {
		if ((s[n] == ' ' || s[n] == '\t') && next_key_at(s + n))
			break;
		n++;
	}
	end = n;
	memcpy(val, s, n);
	val[n] = '\0';
	while (n && (val[n - 1] == ' ' || val[n - 1] == '\t'))
		val[--n] = '\0';
	bad = strpbrk(val, "={\"");
	if (bad) {
		perr(p, "stray '%c' in the value of %s (quote the value if it is meant)",
		     *bad, key);
		return NULL;
	}
	return s + end;
}

static int parse_line(struct conf_parser *p, char *s)
{
	char name[AGENT_NAME_LEN];
	char val[CONF_MAX_LINE + 1];

	for (;;) {
		s = skip_ws(s);
		if (!*s || *s == '#')
			return 0;
		if (*s == '}') {
			if (close_section(p))
				return -1;
			s++;
			continue;
		}
		s = lex_name(p, s, name);
		if (!s)
			return -1;
		s = skip_ws(s);
		if (*s == '{') {
			if (open_section(p, name))
				return -1;
			s++;
		} else if (*s == '=') {
			s = lex_value(p, name, s + 1, val);
			if (!s || set_key(p, name, val))
				return -1;
		} else {
			return perr(p, "expected '{' or '=' after '%s'", name);
		}
	}
}

/* One line into @buf without its newline (LF or CRLF). 1: a line, 0: end of file. */
static int read_line(struct conf_parser *p, FILE *f, char *buf, size_t cap)
{
	size_t n = 0;
	int c;

	p->line++;
	while ((c = getc(f)) != EOF && c != '\n') {
		if (c == '\r') {
			c = getc(f);
			if (c == '\n' || c == EOF)
				break;
			return perr(p, "stray carriage return");
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return perr(p, "control character 0x%02x", c);
		if (n == cap - 1)
			return perr(p, "line too long (max %zu characters)", cap - 1);
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	if (ferror(f))
		return perr(p, "read error: %s", strerror(errno));
	if (c == EOF && !n) {
		p->line--;
		return 0;
	}
	return 1;
}

static int parse_file(struct conf_parser *p, FILE *f)
{
	char line[CONF_MAX_LINE + 1];
	int ret;

	while ((ret = read_line(p, f, line, sizeof(line))) > 0)
		if (parse_line(p, line))
			return -1;
	if (ret < 0)
		return -1;
	if (p->depth)
		return perr_at(p, cur(p)->line, "section '%s' is not closed", cur(p)->name);
	return 0;
}

static FILE *open_conf(struct conf_parser *p)
{
	struct stat st;
	FILE *f = fopen(p->path, "re");

	if (!f) {
		snprintf(p->err, p->err_len, "%s: %s", p->path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		snprintf(p->err, p->err_len, "%s: not a regular file", p->path);
		fclose(f);
		return NULL;
	}
	return f;
}

int conf_load(const char *path, struct agent_conf *conf, char *err, size_t err_len)
{
	static char dummy[1];
	struct conf_parser p = {
		.path = path,
		.err = err && err_len ? err : dummy,
		.err_len = err && err_len ? err_len : sizeof(dummy),
		.conf = conf,
	};
	FILE *f;
	int ret;

	memset(conf, 0, sizeof(*conf));
	conf->dev_port = NICSEC_CTL_PORT;
	f = open_conf(&p);
	if (!f)
		return -1;
	ret = parse_file(&p, f);
	fclose(f);
	if (ret)
		memset(conf, 0, sizeof(*conf));
	return ret;
}
