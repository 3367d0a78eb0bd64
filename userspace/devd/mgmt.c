// SPDX-License-Identifier: GPL-2.0
/*
 * The operator's UNIX socket (userspace/lib/mgmt.h): tenants added,
 * removed and shown, SAs added, deleted and flushed by hand, the device's
 * state. One request per connection, answered in full before the next
 * (requests are short and rare; the data path never waits for them). Only
 * root (or devd's own user) may talk to it: the socket is mode 0600 and
 * each peer's credentials are checked. Requests that carry a key (sa_add)
 * are wiped as soon as they are handled.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "ctl.h"
#include "hex.h"
#include "keyfile.h"
#include "mgmt.h"
#include "log.h"
#include "devd.h"

struct devd_mgmt {
	int fd;
	char path[108];
	struct nicsec_mgmt_msg req;	/* big: not on the stack */
	struct nicsec_mgmt_out out;
	char raw[NICSEC_MGMT_MAX_LEN + 1];
};

static const char *const engine_names[] = { "none", "kmod", "bpf" };

/* ---- argument parsing ------------------------------------------------- */

static int get_u32(const char *s, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || *end || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int get_port(const char *s, uint16_t *p)
{
	uint32_t v;

	if (!s) {
		*p = 0;
		return 0;
	}
	if (get_u32(s, &v) || v > 65535)
		return -1;
	*p = htons((uint16_t)v);
	return 0;
}

static int get_addr(const char *s, uint32_t *a)
{
	struct in_addr in;

	if (!s) {
		*a = 0;
		return 0;
	}
	if (inet_pton(AF_INET, s, &in) != 1)
		return -1;
	*a = in.s_addr;
	return 0;
}

/* A.B.C.D[/LEN]; 0.0.0.0/0 is "every address", other zero addresses are not. */
static int get_prefix(const char *s, struct nicsec_prefix *p)
{
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	char a[INET_ADDRSTRLEN];
	uint32_t len = 32;

	if (n >= sizeof(a) || (slash && (get_u32(slash + 1, &len) || len > 32)))
		return -1;
	memcpy(a, s, n);
	a[n] = '\0';
	if (get_addr(a, &p->addr) || (!p->addr && len))
		return -1;
	p->prefixlen = len;
	return 0;
}

/* ---- commands -------------------------------------------------------- */

static int fail(struct devd_mgmt *m, int err, const char *why)
{
	m->out.len = 0;
	m->out.full = 0;
	nicsec_mgmt_put(&m->out, "errno", "%d", -err);
	nicsec_mgmt_put(&m->out, "error", "%s", why ? why : strerror(-err));
	return err;
}

static int cmd_tenant_add(struct devd *d, struct devd_mgmt *m)
{
	struct devd_tenant_conf c = {};
	const char *why = NULL, *v;
	unsigned int pos = 0;
	int err;

	c.name = nicsec_mgmt_get(&m->req, "name", NULL);
	c.ifname = nicsec_mgmt_get(&m->req, "dev", NULL);
	c.key_file = nicsec_mgmt_get(&m->req, "key_file", NULL);
	c.enroll_file = nicsec_mgmt_get(&m->req, "enroll_file", NULL);
	if (!c.name || !c.ifname)
		return fail(m, -EINVAL, "tenant add needs a name and a dev");
	v = nicsec_mgmt_get(&m->req, "quota", NULL);
	if (v && get_u32(v, &c.quota))
		return fail(m, -EINVAL, "quota: not a number");
	while ((v = nicsec_mgmt_get(&m->req, "addr", &pos))) {
		if (c.n_pfx == DEVD_TENANT_PREFIXES)
			return fail(m, -E2BIG, "a tenant owns at most 16 address prefixes");
		if (get_prefix(v, &c.pfx[c.n_pfx]))
			return fail(m, -EINVAL, "addr: expected an IPv4 prefix A.B.C.D[/LEN]");
		c.n_pfx++;
	}
	err = devd_tenant_add(d, &c, &why);
	if (err) {
		log_warn("tenant add %s: %s", c.name, why ? why : strerror(-err));
		return fail(m, err, why);
	}
	return 0;
}

static void tenant_put(struct devd *d, struct nicsec_mgmt_out *o, const struct devd_tenant *t)
{
	struct nicsec_ctl_dev_stats cs = {};
	char a[INET_ADDRSTRLEN];
	unsigned int i;

	(void)d;
	if (t->ctl)
		nicsec_ctl_dev_get_stats(t->ctl, &cs);
	nicsec_mgmt_put(o, "tenant", "%s", t->name);
	nicsec_mgmt_put(o, "port", "%u", t->port);
	nicsec_mgmt_put(o, "dev", "%s", t->ifname);
	for (i = 0; i < t->n_pfx; i++) {
		inet_ntop(AF_INET, &t->pfx[i].addr, a, sizeof(a));
		nicsec_mgmt_put(o, "addr", "%s/%u", a, t->pfx[i].prefixlen);
	}
	nicsec_mgmt_put(o, "quota", "%u", t->quota);
	nicsec_mgmt_put(o, "sas", "%u", t->sas);
	nicsec_mgmt_put(o, "ctl", "%s", t->ctl ? "yes" : "no");
	nicsec_mgmt_put(o, "installed", "%llu", (unsigned long long)t->st.installed);
	nicsec_mgmt_put(o, "deleted", "%llu", (unsigned long long)t->st.deleted);
	nicsec_mgmt_put(o, "flushed", "%llu", (unsigned long long)t->st.flushed);
	nicsec_mgmt_put(o, "denied", "%llu", (unsigned long long)t->st.denied);
	nicsec_mgmt_put(o, "foreign", "%llu", (unsigned long long)t->st.foreign);
	nicsec_mgmt_put(o, "quota_full", "%llu", (unsigned long long)t->st.quota);
	nicsec_mgmt_put(o, "table_full", "%llu", (unsigned long long)t->st.full);
	nicsec_mgmt_put(o, "refused", "%llu", (unsigned long long)t->st.refused);
	nicsec_mgmt_put(o, "ctl_rx", "%llu", (unsigned long long)cs.rx);
	nicsec_mgmt_put(o, "ctl_replies", "%llu", (unsigned long long)cs.replies);
	nicsec_mgmt_put(o, "ctl_retransmits", "%llu", (unsigned long long)cs.retransmits);
	nicsec_mgmt_put(o, "drop_malformed", "%llu",
			(unsigned long long)(cs.drops[NICSEC_CTL_E_MALFORMED] +
					     cs.drops[NICSEC_CTL_E_TOO_BIG] + devd_xsk_bad(t->xsk)));
	nicsec_mgmt_put(o, "drop_auth", "%llu", (unsigned long long)cs.drops[NICSEC_CTL_E_AUTH]);
	nicsec_mgmt_put(o, "drop_replay", "%llu",
			(unsigned long long)cs.drops[NICSEC_CTL_E_REPLAY]);
	nicsec_mgmt_put(o, "drop_other", "%llu",
			(unsigned long long)(cs.drops[NICSEC_CTL_E_SENDER] +
					     cs.drops[NICSEC_CTL_E_TYPE]));
}

static int cmd_tenant_show(struct devd *d, struct devd_mgmt *m)
{
	const char *name = nicsec_mgmt_get(&m->req, "name", NULL);
	uint32_t p;
	int found = 0;

	for (p = NICSEC_PORT_HOST1; p < NICSEC_PORT_MAX; p++) {
		if (!d->tenant[p] || (name && strcmp(name, d->tenant[p]->name)))
			continue;
		tenant_put(d, &m->out, d->tenant[p]);
		found++;
	}
	if (name && !found)
		return fail(m, -ENOENT, "no tenant of that name");
	return 0;
}

static int cmd_dev_show(struct devd *d, struct devd_mgmt *m)
{
	struct nicsec_mgmt_out *o = &m->out;
	char a[INET_ADDRSTRLEN] = "";
	uint32_t p, n = 0;

	for (p = NICSEC_PORT_HOST1; p < NICSEC_PORT_MAX; p++)
		n += !!d->tenant[p];
	if (d->ctl_addr)
		inet_ntop(AF_INET, &d->ctl_addr, a, sizeof(a));
	nicsec_mgmt_put(o, "device", "%s", d->dev.wire_ifname);
	nicsec_mgmt_put(o, "pid", "%d", (int)getpid());
	nicsec_mgmt_put(o, "engine", "%s", d->dev.info.engine < 3 ?
			engine_names[d->dev.info.engine] : "unknown");
	nicsec_mgmt_put(o, "max_sas", "%u", d->sas.max);
	nicsec_mgmt_put(o, "sas", "%u", devd_sas_used(&d->sas));
	nicsec_mgmt_put(o, "tenants", "%u", n);
	nicsec_mgmt_put(o, "ctl_addr", "%s", d->ctl_addr ? a : "none");
	nicsec_mgmt_put(o, "ctl_port", "%u", ntohs(d->ctl_port));
	return 0;
}

/* The one tenant, or the one named: whose SA the operator means. */
static struct devd_tenant *tenant_arg(struct devd *d, struct devd_mgmt *m)
{
	const char *name = nicsec_mgmt_get(&m->req, "tenant", NULL);
	struct devd_tenant *only = NULL;
	uint32_t p;
	int n = 0;

	if (name)
		return devd_tenant_find(d, name);
	for (p = NICSEC_PORT_HOST1; p < NICSEC_PORT_MAX; p++)
		if (d->tenant[p]) {
			only = d->tenant[p];
			n++;
		}
	return n == 1 ? only : NULL;
}

static int cmd_sa_add(struct devd *d, struct devd_mgmt *m)
{
	struct devd_tenant *t = tenant_arg(d, m);
	struct devd_sa_new e = { .id = UINT32_MAX };
	const char *dir = nicsec_mgmt_get(&m->req, "dir", NULL);
	const char *hex = nicsec_mgmt_get(&m->req, "key", NULL);
	const char *id = nicsec_mgmt_get(&m->req, "id", NULL);
	uint8_t kb[36];
	uint32_t spi, sel_proto = 0, sid;
	unsigned int bad;
	int n, code, out;

	if (!t)
		return fail(m, -ENOENT, "which tenant? (no such tenant, or several: name one)");
	if (!dir || (strcmp(dir, "out") && strcmp(dir, "in")))
		return fail(m, -EINVAL, "dir: out or in");
	out = dir[0] == 'o';
	if (get_u32(nicsec_mgmt_get(&m->req, "spi", NULL), &spi) || spi < 256)
		return fail(m, -EINVAL, "spi: 256..0xffffffff");
	if (id && get_u32(id, &e.id))
		return fail(m, -EINVAL, "id: not a number");
	if (nicsec_mgmt_get(&m->req, "sel_proto", NULL) &&
	    (get_u32(nicsec_mgmt_get(&m->req, "sel_proto", NULL), &sel_proto) || !sel_proto ||
	     sel_proto > 255))
		return fail(m, -EINVAL, "sel_proto: 1..255");
	e.sa.flags = out ? NICSEC_SA_OUT : NICSEC_SA_IN;
	e.sa.spi = htonl(spi);
	e.sa.port = (uint16_t)t->port;
	{
		uint32_t src, dst, ssrc, sdst;
		uint16_t sport, dport, ssport, sdport;

		if (get_addr(nicsec_mgmt_get(&m->req, "src", NULL), &src) || !src ||
		    get_addr(nicsec_mgmt_get(&m->req, "dst", NULL), &dst) || !dst ||
		    get_port(nicsec_mgmt_get(&m->req, "sport", NULL), &sport) || !sport ||
		    get_port(nicsec_mgmt_get(&m->req, "dport", NULL), &dport) || !dport ||
		    get_addr(nicsec_mgmt_get(&m->req, "sel_src", NULL), &ssrc) ||
		    get_addr(nicsec_mgmt_get(&m->req, "sel_dst", NULL), &sdst) ||
		    get_port(nicsec_mgmt_get(&m->req, "sel_sport", NULL), &ssport) ||
		    get_port(nicsec_mgmt_get(&m->req, "sel_dport", NULL), &sdport))
			return fail(m, -EINVAL, "an address or port is malformed or missing");
		if (out) {
			if (!ssrc || !sdst)
				return fail(m, -EINVAL, "an out SA needs the flow it encrypts");
			e.sa.local_addr = src, e.sa.peer_addr = dst;
			e.sa.local_port = sport, e.sa.peer_port = dport;
			e.flow.saddr = ssrc, e.flow.daddr = sdst;
			e.flow.port = (uint16_t)t->port;
			if (ssport || sdport) {
				e.flow.proto = (uint8_t)sel_proto;
				e.flow.sport = ssport, e.flow.dport = sdport;
			}
		} else {
			e.sa.peer_addr = src, e.sa.local_addr = dst;
			e.sa.peer_port = sport, e.sa.local_port = dport;
			e.sa.sel_remote = ssrc, e.sa.sel_local = sdst;
			e.sa.sel_proto = (uint8_t)sel_proto;
			e.sa.sel_remote_port = ssport, e.sa.sel_local_port = sdport;
		}
	}
	n = hex ? hex_decode(hex, strlen(hex), kb, sizeof(kb)) : -EINVAL;
	if (n != 20 && n != 36) {
		nicsec_wipe(kb, sizeof(kb));
		return fail(m, -EINVAL, "key: 20 or 36 bytes of hex (key and salt)");
	}
	e.key_len = (uint32_t)n - 4;
	memcpy(e.key, kb, e.key_len);
	memcpy(e.salt, kb + e.key_len, 4);
	nicsec_wipe(kb, sizeof(kb));
	code = devd_tenant_install(d, t, &e, 1, &sid, &bad);
	nicsec_wipe(&e, sizeof(e));
	if (code)
		return fail(m, -EINVAL, nicsec_ctl_strerror(code));
	nicsec_mgmt_put(&m->out, "sa", "%u", sid);
	nicsec_mgmt_put(&m->out, "tenant", "%s", t->name);
	return 0;
}

static int cmd_sa_del(struct devd *d, struct devd_mgmt *m)
{
	uint32_t id;

	if (get_u32(nicsec_mgmt_get(&m->req, "id", NULL), &id))
		return fail(m, -EINVAL, "id: not a number");
	if (devd_tenant_sa_del(d, id) == -ENOENT)
		return fail(m, -ENOENT, "no such SA");
	return 0;
}

static int cmd_sa_flush(struct devd *d, struct devd_mgmt *m)
{
	const char *name = nicsec_mgmt_get(&m->req, "tenant", NULL);
	struct devd_tenant *t = name ? devd_tenant_find(d, name) : NULL;
	uint32_t n;

	if (name && !t)
		return fail(m, -ENOENT, "no tenant of that name");
	n = devd_tenant_flush(d, t);
	log_info("operator flushed %u SAs%s%s", n, t ? " of tenant " : "", t ? t->name : "");
	nicsec_mgmt_put(&m->out, "flushed", "%u", n);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct devd *d, struct devd_mgmt *m);
} cmds[] = {
	{ "tenant_add", cmd_tenant_add },
	{ "tenant_show", cmd_tenant_show },
	{ "dev_show", cmd_dev_show },
	{ "sa_add", cmd_sa_add },
	{ "sa_del", cmd_sa_del },
	{ "sa_flush", cmd_sa_flush },
};

static int cmd_tenant_del(struct devd *d, struct devd_mgmt *m)
{
	const char *name = nicsec_mgmt_get(&m->req, "name", NULL);

	if (!name)
		return fail(m, -EINVAL, "tenant del needs a name");
	if (devd_tenant_del(d, name))
		return fail(m, -ENOENT, "no tenant of that name");
	return 0;
}

static void handle(struct devd *d, struct devd_mgmt *m, const char *data, size_t len)
{
	const char *cmd;
	size_t i;
	int err;

	/* the answer starts with errno=0; fail() starts it afresh */
	m->out.len = 0;
	m->out.full = 0;
	nicsec_mgmt_put(&m->out, "errno", "0");
	err = nicsec_mgmt_parse(&m->req, data, len);
	if (err) {
		fail(m, err, "malformed request (key=value lines)");
		return;
	}
	cmd = nicsec_mgmt_get(&m->req, "cmd", NULL);
	if (!cmd) {
		fail(m, -EINVAL, "no cmd");
		return;
	}
	if (!strcmp(cmd, "tenant_del")) {
		cmd_tenant_del(d, m);
		return;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (!strcmp(cmd, cmds[i].name)) {
			cmds[i].fn(d, m);
			if (m->out.full)
				fail(m, -E2BIG, "the answer does not fit in one message");
			return;
		}
	}
	fail(m, -EOPNOTSUPP, "unknown cmd");
}

void devd_mgmt_process(struct devd *d)
{
	struct devd_mgmt *m = d->mgmt;
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct pollfd pfd;
	ssize_t n;
	int c;

	c = accept4(m->fd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return;
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &clen) ||
	    (cred.uid != 0 && cred.uid != geteuid())) {
		log_warn("management: refused a peer with uid %u", (unsigned int)cred.uid);
		goto out;
	}
	/* a request is one datagram; a peer that sends none gets 1 s */
	pfd = (struct pollfd){ .fd = c, .events = POLLIN };
	if (poll(&pfd, 1, 1000) != 1)
		goto out;
	n = recv(c, m->raw, sizeof(m->raw), MSG_TRUNC | MSG_DONTWAIT);
	if (n < 0)
		goto out;
	if (n > NICSEC_MGMT_MAX_LEN)
		fail(m, -E2BIG, "request too long");
	else
		handle(d, m, m->raw, (size_t)n);
	send(c, m->out.buf, m->out.len, MSG_DONTWAIT | MSG_NOSIGNAL);
out:
	close(c);
	nicsec_wipe(m->raw, sizeof(m->raw));
	nicsec_mgmt_wipe_msg(&m->req);
}

int devd_mgmt_fd(const struct devd_mgmt *m)
{
	return m->fd;
}

/* the socket's directory (/run/nicsec by default, on a tmpfs that starts
 * empty at boot): created 0755 if missing, one level only, as wg-quick
 * does for /var/run/wireguard */
static int mkdir_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

int devd_mgmt_open(struct devd *d, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct devd_mgmt *m;
	mode_t old;
	int err;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_err("--sock %s: path too long", path);
		return -ENAMETOOLONG;
	}
	err = mkdir_parent(path);
	if (err) {
		log_err("management socket %s: creating its directory: %s", path, strerror(-err));
		return err;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	snprintf(m->path, sizeof(m->path), "%s", path);
	strcpy(sun.sun_path, path);
	m->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (m->fd < 0) {
		err = -errno;
		free(m);
		return err;
	}
	unlink(path);		/* a socket left by a daemon that was killed */
	old = umask(077);
	err = bind(m->fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (err || listen(m->fd, 16)) {
		err = -errno;
		log_err("management socket %s: %s", path, strerror(-err));
		close(m->fd);
		free(m);
		return err;
	}
	d->mgmt = m;
	log_info("management socket %s", path);
	return 0;
}

void devd_mgmt_close(struct devd_mgmt *m)
{
	if (!m)
		return;
	close(m->fd);
	unlink(m->path);
	nicsec_wipe(m, sizeof(*m));
	free(m);
}
