// SPDX-License-Identifier: GPL-2.0
/*
 * nicsec-agent's configuration schema (Documentation/agent.md): a fixed
 * stack of sections and one table of keys per section, driven by the
 * lexer (conf_lex.c); the values are parsed in conf_value.c. The first
 * error ends the parse with "FILE:LINE: what". Fixed buffers only.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "hex.h"
#include "ike.h"
#include "ctl_proto.h"
#include "conf.h"
#include "conf_lex.h"
#include "conf_value.h"

#define CONF_MAX_DEPTH		5	/* top level + connections.NAME.children.NAME */
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
	CTX_SECRETS,
	CTX_SECRET,
};

struct conf_frame {
	enum conf_ctx ctx;
	char name[AGENT_NAME_LEN];
	unsigned int line;	/* where the section opened */
	uint32_t keys;		/* bit i: key i of the section's table was set */
	uint32_t sections;	/* bit i: fixed subsection i was opened */
};

struct conf_parser {
	struct conf_lex lex;		/* file, line, error buffer */
	struct agent_conf *conf;
	struct conf_conn *conn;		/* the connection being parsed */
	unsigned int conn_line[AGENT_MAX_CONNS];
	struct conf_child *child;	/* the child being parsed */
	unsigned int child_line[AGENT_MAX_CHILDREN];
	uint32_t child_keys[AGENT_MAX_CHILDREN];	/* keys set in each child */
	struct conf_secret *secret;	/* the secret being parsed */
	unsigned int secret_line[AGENT_MAX_SECRETS];
	int inline_secrets;		/* the file holds a secret itself */
	int depth;			/* index of the current frame */
	struct conf_frame stack[CONF_MAX_DEPTH];
};

struct conf_key {
	const char *name;
	int (*set)(struct conf_parser *p, const char *key, const char *val);
};

#define perr(p, ...)		conf_perr(&(p)->lex, __VA_ARGS__)
#define perr_at(p, line, ...)	conf_perr_at(&(p)->lex, line, __VA_ARGS__)

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

/* ---- key handlers --------------------------------------------------------------- */

static int set_addr(struct conf_parser *p, const char *key, const char *val, uint32_t *out)
{
	if (conf_parse_addr(val, out))
		return perr(p, "bad address '%s' for %s (one IPv4 address)", val, key);
	return 0;
}

static int set_port(struct conf_parser *p, const char *key, const char *val, uint16_t *out)
{
	if (conf_parse_port(val, out))
		return perr(p, "bad port '%s' for %s (1..65535)", val, key);
	return 0;
}

static int set_time(struct conf_parser *p, const char *key, const char *val, uint32_t *out)
{
	if (conf_parse_time(val, out))
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
	if (conf_parse_id(val, id))
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
	if (conf_parse_range(v, &p->conn->remote_addr, &p->conn->remote_prefix))
		return perr(p, "bad address '%s' for %s (one IPv4 address, A.B.C.D/N or %%any)",
			    v, k);
	return 0;
}

static int key_local_port(struct conf_parser *p, const char *k, const char *v)
{
	return set_port(p, k, v, &p->conn->local_port);
}

static int key_remote_port(struct conf_parser *p, const char *k, const char *v)
{
	return set_port(p, k, v, &p->conn->remote_port);
}

static int key_unique(struct conf_parser *p, const char *k, const char *v)
{
	static const char *const names[] = { "no", "never", "replace", "keep" };
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(v, names[i])) {
			p->conn->unique = (uint8_t)i;
			return 0;
		}
	}
	return perr(p, "bad value '%s' for %s (no, never, replace or keep)", v, k);
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
	if (v[0] == '*' || !strcmp(v, "%any"))
		return perr(p, "local id '%s': our own identity, not a pattern", v);
	return set_id(p, k, v, &p->conn->local_id);
}

static int key_psk_file(struct conf_parser *p, const char *k, const char *v)
{
	return set_path(p, k, v, p->conn->psk_file);
}

static int key_remote_id(struct conf_parser *p, const char *k, const char *v)
{
	if (conf_parse_id_pattern(v, &p->conn->remote_id))
		return perr(p, "bad id '%s' (1..%d bytes, %%any, or * and a suffix such as "
			    "*@example.org)", v, AGENT_MAX_ID);
	return 0;
}

/* secrets.NAME: id / id-* (up to AGENT_SECRET_IDS), secret or file */
static int secret_key(struct conf_parser *p, const char *k, const char *v)
{
	struct conf_secret *s = p->secret;
	char w[4 * AGENT_NAME_LEN];

	if (!*v)
		return perr(p, "empty value for %s", k);
	if (!strcmp(k, "id") || !strncmp(k, "id-", 3)) {
		if (s->n_id == AGENT_SECRET_IDS)
			return perr(p, "too many ids in secret '%s' (max %d)", s->name,
				    AGENT_SECRET_IDS);
		return set_id(p, k, v, &s->id[s->n_id++]);
	}
	if (!strcmp(k, "secret")) {
		size_t n = strlen(v);

		if (s->len || s->file[0])
			return perr(p, "secret '%s': one secret or file only", s->name);
		if (n > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
			int r = hex_decode(v + 2, n - 2, s->secret, sizeof(s->secret));

			if (r <= 0)
				return perr(p, "secret '%s': bad hex or longer than %d bytes",
					    s->name, AGENT_PSK_MAX);
			s->len = (uint16_t)r;
		} else {
			if (n > AGENT_PSK_MAX)
				return perr(p, "secret '%s': longer than %d bytes", s->name,
					    AGENT_PSK_MAX);
			memcpy(s->secret, v, n);
			s->len = (uint16_t)n;
		}
		p->inline_secrets = 1;
		return 0;
	}
	if (!strcmp(k, "file")) {
		if (s->len || s->file[0])
			return perr(p, "secret '%s': one secret or file only", s->name);
		if (strlen(v) >= sizeof(s->file))
			return perr(p, "path too long for file (max %zu bytes)",
				    sizeof(s->file) - 1);
		strcpy(s->file, v);
		return 0;
	}
	return perr(p, "unknown key '%s' %s", k, where(p, w, sizeof(w)));
}

static int key_local_ts(struct conf_parser *p, const char *k, const char *v)
{
	return set_ts(p, k, v, &p->child->local_ts);
}

static int key_remote_ts(struct conf_parser *p, const char *k, const char *v)
{
	return set_ts(p, k, v, &p->child->remote_ts);
}

static int key_esp_proposals(struct conf_parser *p, const char *k, const char *v)
{
	return set_proposals(p, k, v, 0, p->child->esp, &p->child->n_esp);
}

static int key_child_rekey(struct conf_parser *p, const char *k, const char *v)
{
	return set_time(p, k, v, &p->child->rekey_time);
}

static int key_rand_time(struct conf_parser *p, const char *k, const char *v)
{
	return set_time(p, k, v, &p->child->rand_time);
}

static int key_life_time(struct conf_parser *p, const char *k, const char *v)
{
	return set_time(p, k, v, &p->child->life_time);
}

static int key_inactivity(struct conf_parser *p, const char *k, const char *v)
{
	return set_time(p, k, v, &p->child->inactivity);
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
	{ "unique", key_unique },
	{ NULL, NULL },
};
#define CONN_KEY_REMOTE_ADDRS	1
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

	if (cur(p)->ctx == CTX_SECRET)
		return secret_key(p, key, val);
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
	{ CTX_ROOT, CTX_SECRETS, "secrets" },
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
	p->conn_line[conf->n_conn++] = p->lex.line;
	conn_init(p->conn, name);
	p->child = NULL;
	memset(p->child_line, 0, sizeof(p->child_line));
	memset(p->child_keys, 0, sizeof(p->child_keys));
	return 0;
}

static int open_child(struct conf_parser *p, const char *name)
{
	struct conf_conn *conn = p->conn;
	struct conf_child *c;
	unsigned int i;

	for (i = 0; i < conn->n_child; i++)
		if (!strcmp(conn->children[i].name, name))
			return perr(p, "duplicate child '%s' in connection '%s' (first at line %u)",
				    name, conn->name, p->child_line[i]);
	if (conn->n_child == AGENT_MAX_CHILDREN)
		return perr(p, "too many children in connection '%s' (max %d)", conn->name,
			    AGENT_MAX_CHILDREN);
	p->child_line[conn->n_child] = p->lex.line;
	c = p->child = &conn->children[conn->n_child++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->rekey_time = CONF_CHILD_REKEY;
	return 0;
}

static int open_secret(struct conf_parser *p, const char *name)
{
	struct agent_conf *conf = p->conf;
	unsigned int i;

	for (i = 0; i < conf->n_secret; i++)
		if (!strcmp(conf->secret[i].name, name))
			return perr(p, "duplicate secret '%s' (first at line %u)", name,
				    p->secret_line[i]);
	if (conf->n_secret == AGENT_MAX_SECRETS)
		return perr(p, "too many secrets (max %d)", AGENT_MAX_SECRETS);
	p->secret_line[conf->n_secret] = p->lex.line;
	p->secret = &conf->secret[conf->n_secret++];
	snprintf(p->secret->name, sizeof(p->secret->name), "%s", name);
	return 0;
}

static int close_secret(struct conf_parser *p, const struct conf_frame *f)
{
	const struct conf_secret *s = p->secret;

	if (!s->n_id)
		return perr_at(p, f->line, "secret '%s': no id", s->name);
	if (!s->len && !s->file[0])
		return perr_at(p, f->line, "secret '%s': no secret or file", s->name);
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
	if (ctx == CTX_SECRETS)
		return CTX_SECRET;
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
	if (ctx == CTX_SECRET && open_secret(p, name))
		return -1;
	f = &p->stack[++p->depth];
	memset(f, 0, sizeof(*f));
	f->ctx = ctx;
	f->line = p->lex.line;
	snprintf(f->name, sizeof(f->name), "%s", name);
	return 0;
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
	struct conf_child *c = p->child;

	p->child_keys[c - p->conn->children] = f->keys;
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
	unsigned int i;

	if (!c->n_ike)
		c->n_ike = !conf_parse_proposal(CONF_DEFAULT_IKE, 1, &c->ike[0]);
	if (!(f->keys & (1u << CONN_KEY_OVER_TIME)))
		c->over_time = c->rekey_time / 10;
	for (i = 0; i < c->n_child; i++) {
		struct conf_child *ch = &c->children[i];

		if (!ch->n_esp)
			ch->n_esp = !conf_parse_proposal(CONF_DEFAULT_ESP, 0, &ch->esp[0]);
		if (!(p->child_keys[i] & (1u << CHILD_KEY_LOCAL_TS))) {
			host.addr = c->local_addr;
			ch->local_ts = host;
		}
		if (!(p->child_keys[i] & (1u << CHILD_KEY_REMOTE_TS))) {
			host.addr = c->remote_addr;
			host.prefix = c->remote_prefix;	/* a range: what it allows */
			ch->remote_ts = host;
			host.prefix = 32;
		}
	}
}

static int close_conn(struct conf_parser *p, const struct conf_frame *f)
{
	const struct conf_conn *c = p->conn;
	const char *missing = NULL;

	if (!c->local_addr)
		missing = "no local_addrs";
	else if (!(f->keys & (1u << CONN_KEY_REMOTE_ADDRS)))
		missing = "no remote_addrs";
	else if (!c->local_id.len)
		missing = "no id in local";
	else if (!c->remote_id.len && c->remote_id.match != CONF_ID_ANY)
		missing = "no id in remote";
	else if (c->start && c->remote_prefix != 32)
		missing = "start = yes needs one remote address, not a range";
	else if (!c->n_child)
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
	case CTX_SECRET:
		ret = close_secret(p, f);
		break;
	default:
		break;
	}
	p->depth--;
	return ret;
}

static int g_open(void *ctx, const char *name)
{
	return open_section(ctx, name);
}

static int g_close(void *ctx)
{
	return close_section(ctx);
}

static int g_set(void *ctx, const char *key, const char *val)
{
	return set_key(ctx, key, val);
}

static const struct conf_grammar grammar = {
	.open = g_open,
	.close = g_close,
	.set = g_set,
};

/* Every connection has a key somewhere; a file with secrets in it is
 * readable by its owner only. */
static int check_keys(struct conf_parser *p, FILE *f)
{
	struct stat st;
	unsigned int i;

	for (i = 0; i < p->conf->n_conn; i++)
		if (!p->conf->conn[i].psk_file[0] && !p->conf->n_secret)
			return perr_at(p, p->conn_line[i],
				       "connection '%s': no psk_file in local and no secrets",
				       p->conf->conn[i].name);
	if (p->inline_secrets && (fstat(fileno(f), &st) || (st.st_mode & 077)))
		return conf_perr(&p->lex, "holds secrets but is readable by group or others "
				 "(chmod 600)");
	return 0;
}

int conf_load(const char *path, struct agent_conf *conf, char *err, size_t err_len)
{
	static char dummy[1];
	struct conf_parser p = {
		.lex = {
			.path = path,
			.err = err && err_len ? err : dummy,
			.err_len = err && err_len ? err_len : sizeof(dummy),
		},
		.conf = conf,
	};
	FILE *f;
	int ret;

	memset(conf, 0, sizeof(*conf));
	conf->dev_port = NICSEC_CTL_PORT;
	f = conf_lex_open(&p.lex);
	if (!f)
		return -1;
	ret = conf_lex_file(&p.lex, f, &grammar, &p);
	if (!ret && p.depth)
		ret = perr_at(&p, cur(&p)->line, "section '%s' is not closed", cur(&p)->name);
	if (!ret)
		ret = check_keys(&p, f);
	fclose(f);
	if (ret) {
		conf_wipe(conf);
		memset(conf, 0, sizeof(*conf));
	}
	return ret;
}
