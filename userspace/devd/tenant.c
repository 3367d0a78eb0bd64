// SPDX-License-Identifier: GPL-2.0
/*
 * Tenants: one per host port, as a SmartNIC gives each VM a virtual
 * function. A tenant is its port, its enrollment key (inside its control
 * handler: a request that does not open under it is dropped), the IPv4
 * prefixes it owns (the owner map: the data path drops what it sends from
 * other addresses and delivers it only what is addressed to them), and a
 * quota of SAs. Its control requests reach only its own SAs: an INSTALL
 * whose local side is not its own is DENIED, DELETE and QUERY of an SA id
 * it does not hold see NO_SA (as for a free id: a tenant cannot probe
 * another's ids), FLUSH removes its own SAs only. Every refusal is counted
 * in the tenant's stats. Adding a tenant touches only its own port's map
 * entries; removing one detaches its port first (no frame of it is
 * handled any more), then stops its channel (its key is wiped with the
 * handler) and deletes its SAs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "ctl.h"
#include "ctl_sadb.h"
#include "keyfile.h"
#include "log.h"
#include "devd.h"

static uint32_t mask_of(uint32_t plen)
{
	return plen ? htonl(~0u << (32 - plen)) : 0;
}

bool devd_tenant_owns(const struct devd_tenant *t, uint32_t addr)
{
	unsigned int i;

	for (i = 0; i < t->n_pfx; i++)
		if ((addr & mask_of(t->pfx[i].prefixlen)) == t->pfx[i].addr)
			return true;
	return false;
}

struct devd_tenant *devd_tenant_find(struct devd *d, const char *name)
{
	uint32_t p;

	for (p = NICSEC_PORT_HOST1; p < NICSEC_PORT_MAX; p++)
		if (d->tenant[p] && !strcmp(d->tenant[p]->name, name))
			return d->tenant[p];
	return NULL;
}

/* Do prefixes @a and @b share an address? */
static bool overlap(const struct nicsec_prefix *a, const struct nicsec_prefix *b)
{
	uint32_t m = mask_of(a->prefixlen < b->prefixlen ? a->prefixlen : b->prefixlen);

	return (a->addr & m) == (b->addr & m);
}

static bool name_ok(const char *n)
{
	size_t i, len = strlen(n);

	if (!len || len >= DEVD_TENANT_NAME_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= 'A' && n[i] <= 'Z') ||
		      (n[i] >= '0' && n[i] <= '9') || n[i] == '-' || n[i] == '_' || n[i] == '.'))
			return false;
	return true;
}

/* ---- the tenant's control requests ------------------------------------- */

int devd_tenant_from_ctl(const struct devd_tenant *t, const struct nicsec_ctl_sa *in,
			 struct devd_sa_new *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = nicsec_ctl_to_sa(in, &out->sa, &out->flow);
	if (err)
		return err;
	out->sa.port = (uint16_t)t->port;
	out->flow.port = (uint16_t)t->port;
	out->key_len = in->key_len;
	memcpy(out->key, in->key, in->key_len);
	memcpy(out->salt, in->salt, sizeof(out->salt));
	out->id = UINT32_MAX;
	return NICSEC_CTL_OK;
}

/* The local side of an SA: outer local address, and the inner one it
 * carries (outbound: source; inbound: destination, 0 = any). */
static bool local_side_owned(const struct devd_tenant *t, const struct devd_sa_new *e)
{
	if (!devd_tenant_owns(t, e->sa.local_addr))
		return false;
	if (e->sa.flags & NICSEC_SA_OUT)
		return devd_tenant_owns(t, e->flow.saddr);
	return !e->sa.sel_local || devd_tenant_owns(t, e->sa.sel_local);
}

int devd_tenant_install(struct devd *d, struct devd_tenant *t, struct devd_sa_new *e,
			unsigned int n, uint32_t *ids, unsigned int *bad)
{
	unsigned int i;
	int code;

	*bad = n;
	for (i = 0; i < n; i++) {
		if (e[i].sa.port != t->port || !local_side_owned(t, &e[i])) {
			char a[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, (e[i].sa.flags & NICSEC_SA_OUT) ? &e[i].flow.saddr :
				  &e[i].sa.local_addr, a, sizeof(a));
			log_warn("tenant %s: INSTALL of spi 0x%08x refused: local address %s "
				 "is not the tenant's", t->name, ntohl(e[i].sa.spi), a);
			t->st.denied++;
			*bad = i;
			return NICSEC_CTL_E_DENIED;
		}
	}
	if (t->sas + n > t->quota) {
		log_warn("tenant %s: INSTALL of %u SAs refused: quota of %u reached (%u held)",
			 t->name, n, t->quota, t->sas);
		t->st.quota++;
		*bad = t->quota > t->sas ? t->quota - t->sas : 0;
		return NICSEC_CTL_E_NO_SPACE;
	}
	code = devd_sas_install(&d->sas, e, n, ids, bad);
	if (code == NICSEC_CTL_E_NO_SPACE) {
		log_warn("tenant %s: INSTALL of %u SAs refused: the device's table is full "
			 "(%u SAs)", t->name, n, d->sas.max);
		t->st.full++;
	} else if (code) {
		log_warn("tenant %s: INSTALL refused: %s (SA %u of the request)", t->name,
			 nicsec_ctl_strerror(code), *bad);
		t->st.refused++;
	} else {
		t->sas += n;
		t->st.installed += n;
		for (i = 0; i < n; i++)
			log_debug("tenant %s: installed SA %u (%s, spi 0x%08x)", t->name, ids[i],
				  (e[i].sa.flags & NICSEC_SA_OUT) ? "out" : "in",
				  ntohl(e[i].sa.spi));
	}
	return code;
}

static int op_install(void *arg, const struct nicsec_ctl_msg *req, struct nicsec_ctl_msg *reply)
{
	struct devd_tenant *t = arg;
	struct devd_sa_new e[NICSEC_CTL_MAX_SAS];
	unsigned int i, n = req->n_sa, bad = n;
	int code = NICSEC_CTL_OK;

	for (i = 0; i < n && !code; i++) {
		code = devd_tenant_from_ctl(t, &req->sa[i], &e[i]);
		bad = i;
	}
	if (!code)
		code = devd_tenant_install(t->d, t, e, n, reply->ids, &bad);
	nicsec_wipe(e, sizeof(e));
	if (code) {
		if (bad < n) {
			reply->index = bad;
			reply->present |= NICSEC_CTL_F(NICSEC_CTL_T_INDEX);
		}
		return code;
	}
	reply->n_ids = n;
	reply->present |= NICSEC_CTL_F(NICSEC_CTL_T_SA_IDS);
	return NICSEC_CTL_OK;
}

static int op_del(void *arg, const struct nicsec_ctl_msg *req, struct nicsec_ctl_msg *reply)
{
	struct devd_tenant *t = arg;
	unsigned int i, j;

	/* all of them the tenant's, once each, or nothing is deleted */
	for (i = 0; i < req->n_ids; i++) {
		bool dup = false;

		for (j = 0; j < i; j++)
			dup |= req->ids[j] == req->ids[i];
		if (dup || devd_sas_port(&t->d->sas, req->ids[i]) != t->port) {
			if (!dup && devd_sas_port(&t->d->sas, req->ids[i])) {
				log_warn("tenant %s: DELETE of SA %u refused: not the tenant's",
					 t->name, req->ids[i]);
				t->st.foreign++;
			}
			reply->index = i;
			reply->present |= NICSEC_CTL_F(NICSEC_CTL_T_INDEX);
			return NICSEC_CTL_E_NO_SA;
		}
	}
	for (i = 0; i < req->n_ids; i++) {
		if (devd_sas_del(&t->d->sas, req->ids[i]))
			log_warn("tenant %s: SA %u: engine or map error while deleting", t->name,
				 req->ids[i]);
		t->sas--;
		t->st.deleted++;
		log_debug("tenant %s: deleted SA %u", t->name, req->ids[i]);
	}
	return NICSEC_CTL_OK;
}

static int op_flush(void *arg, const struct nicsec_ctl_msg *req, struct nicsec_ctl_msg *reply)
{
	struct devd_tenant *t = arg;
	uint32_t n = devd_sas_flush(&t->d->sas, (uint16_t)t->port);

	(void)req;
	(void)reply;
	t->sas -= n;
	t->st.flushed += n;
	log_info("tenant %s: FLUSH removed its %u SAs", t->name, n);
	return NICSEC_CTL_OK;
}

static int op_query(void *arg, const struct nicsec_ctl_msg *req, struct nicsec_ctl_msg *reply)
{
	struct devd_tenant *t = arg;
	struct nicsec_sa_stats st;

	if (!(req->present & NICSEC_CTL_F(NICSEC_CTL_T_SA_ID))) {
		/* the tenant's own view: its SAs and its room, nobody else's */
		reply->devinfo.engine = t->d->dev.info.engine;
		reply->devinfo.sa_used = t->sas;
		reply->devinfo.sa_max = t->quota;
		reply->present |= NICSEC_CTL_F(NICSEC_CTL_T_DEVINFO);
		return NICSEC_CTL_OK;
	}
	if (devd_sas_port(&t->d->sas, req->sa_id) != t->port) {
		if (devd_sas_port(&t->d->sas, req->sa_id)) {
			log_warn("tenant %s: QUERY of SA %u refused: not the tenant's", t->name,
				 req->sa_id);
			t->st.foreign++;
		}
		return NICSEC_CTL_E_NO_SA;
	}
	if (sadb_stats(&t->d->dev.db, req->sa_id, &st))
		return NICSEC_CTL_E_DEVICE;
	nicsec_ctl_counters_from_stats(&st, &reply->counters);
	reply->sa_id = req->sa_id;
	reply->present |= NICSEC_CTL_F(NICSEC_CTL_T_COUNTERS) | NICSEC_CTL_F(NICSEC_CTL_T_SA_ID);
	return NICSEC_CTL_OK;
}

static const struct nicsec_ctl_ops ctl_ops = {
	.install = op_install, .del = op_del, .flush = op_flush, .query = op_query,
};

/* ---- adding and removing ------------------------------------------------ */

static int owner_set(struct devd *d, const struct devd_tenant *t, bool add)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < t->n_pfx; i++) {
		struct nicsec_prefix k = t->pfx[i];

		if (add && bpf_map_update_elem(d->dev.owner_fd, &k, &t->port, BPF_NOEXIST))
			err = -errno;
		else if (!add)
			bpf_map_delete_elem(d->dev.owner_fd, &k);
		if (err)
			return err;
	}
	return 0;
}

static void tenant_free(struct devd *d, struct devd_tenant *t)
{
	if (t->xsk)
		devd_xsk_close(d, t->xsk);
	nicsec_ctl_dev_destroy(t->ctl);		/* wipes the key */
	nicsec_wipe(t, sizeof(*t));
	free(t);
}

static void default_port_update(struct devd *d)
{
	uint32_t p;
	unsigned int i;

	d->dev.info.default_port = 0;
	for (p = NICSEC_PORT_HOST1; p < NICSEC_PORT_MAX; p++)
		for (i = 0; d->tenant[p] && i < d->tenant[p]->n_pfx; i++)
			if (!d->tenant[p]->pfx[i].prefixlen)
				d->dev.info.default_port = (uint16_t)p;
	devd_dev_info_write(&d->dev);
}

int devd_tenant_add(struct devd *d, const struct devd_tenant_conf *c, const char **why)
{
	struct nicsec_port_info pi = {};
	uint8_t key[NICSEC_CTL_KEY_LEN];
	struct devd_tenant *t = NULL;
	uint32_t port, p;
	unsigned int i, j;
	int err;

	*why = NULL;
	if (!name_ok(c->name)) {
		*why = "a tenant name is 1 to 15 letters, digits, '-', '_' or '.'";
		return -EINVAL;
	}
	if (devd_tenant_find(d, c->name)) {
		*why = "a tenant of that name exists";
		return -EEXIST;
	}
	if (!c->n_pfx || c->n_pfx > DEVD_TENANT_PREFIXES) {
		*why = "a tenant owns 1 to 16 address prefixes";
		return -EINVAL;
	}
	if (c->quota > d->sas.max) {
		*why = "the quota is above the device's table size (--max-sas)";
		return -EINVAL;
	}
	if (d->ctl_addr && !!c->key_file == !!c->enroll_file) {
		*why = "the device serves a control channel: give the tenant's key or enroll it";
		return -EINVAL;
	}
	for (i = 0; i < c->n_pfx; i++) {
		if (c->pfx[i].prefixlen > 32 || (c->pfx[i].addr & ~mask_of(c->pfx[i].prefixlen))) {
			*why = "an address prefix has host bits set or a length above 32";
			return -EINVAL;
		}
		for (p = NICSEC_PORT_HOST1; p < NICSEC_PORT_MAX; p++)
			for (j = 0; d->tenant[p] && j < d->tenant[p]->n_pfx; j++)
				if (overlap(&c->pfx[i], &d->tenant[p]->pfx[j])) {
					*why = "an address prefix overlaps another tenant's";
					return -EADDRINUSE;
				}
	}
	for (p = NICSEC_PORT_HOST1; p < NICSEC_PORT_MAX; p++)
		if (d->tenant[p] && !strcmp(d->tenant[p]->ifname, c->ifname)) {
			*why = "that interface is another tenant's port";
			return -EBUSY;
		}
	for (port = NICSEC_PORT_HOST1; port < NICSEC_PORT_MAX && d->tenant[port]; port++)
		;
	if (port == NICSEC_PORT_MAX) {
		*why = "the device has no free host port (64 tenants)";
		return -ENOSPC;
	}

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->d = d;
	t->port = port;
	snprintf(t->name, sizeof(t->name), "%s", c->name);
	snprintf(t->ifname, sizeof(t->ifname), "%s", c->ifname);
	memcpy(t->pfx, c->pfx, c->n_pfx * sizeof(c->pfx[0]));
	t->n_pfx = c->n_pfx;
	t->quota = c->quota ? c->quota : d->sas.max;

	if (d->ctl_addr) {
		struct timespec ts;

		err = c->enroll_file ? nicsec_ctl_key_generate(c->enroll_file, key) :
				       nicsec_ctl_key_load(c->key_file, key);
		if (err) {
			*why = nicsec_ctl_strerror(err);
			err = err > 0 ? -EINVAL : err;
			goto fail;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		err = nicsec_ctl_dev_create(&t->ctl, key,
					    (uint64_t)ts.tv_sec * 1000000000ull +
					    (uint64_t)ts.tv_nsec, &ctl_ops, t);
		nicsec_wipe(key, sizeof(key));	/* the handler has its copy */
		if (err) {
			*why = "cannot create the control handler";
			goto fail;
		}
	}
	/* addresses before the port: its first frame is judged by them */
	err = owner_set(d, t, true);
	if (err) {
		*why = "cannot record the tenant's addresses (owner map full?)";
		goto fail_owner;
	}
	snprintf(pi.tenant, sizeof(pi.tenant), "%s", t->name);
	err = devd_port_attach(&d->dev, port, c->ifname, &pi);
	if (err) {
		*why = err == -ENODEV ? "no such interface" :
		       err == -EBUSY ? "that interface is the wire port" :
		       "cannot attach nic_host to the interface (run with -v)";
		goto fail_owner;
	}
	d->tenant[port] = t;
	if (t->ctl) {
		err = devd_xsk_open(d, t);
		if (err) {
			*why = "cannot open the AF_XDP socket of its control channel";
			goto fail_port;
		}
		pi.ctl = 1;
		bpf_map_update_elem(d->dev.port_info_fd, &port, &pi, 0);
	}
	default_port_update(d);
	{
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &t->pfx[0].addr, a, sizeof(a));
		log_info("tenant %s: port %u on %s, %s/%u%s, quota %u SAs%s", t->name, port,
			 t->ifname, a, t->pfx[0].prefixlen, t->n_pfx > 1 ? " and more" : "",
			 t->quota, t->ctl ? ", control channel up" : "");
	}
	if (c->enroll_file)
		log_info("tenant %s: enrolled, the agent's key is in %s (mode 0600)", t->name,
			 c->enroll_file);
	return 0;
fail_port:
	d->tenant[port] = NULL;
	devd_port_detach(&d->dev, port);
fail_owner:
	owner_set(d, t, false);
fail:
	/* no tenant, no use for the agent's copy of its key (and a retry
	 * would find the file there) */
	if (c->enroll_file && t->ctl)
		unlink(c->enroll_file);
	tenant_free(d, t);
	return err;
}

static void tenant_remove(struct devd *d, struct devd_tenant *t)
{
	uint32_t port = t->port, n;

	/* its frames stop reaching the device before anything else goes */
	devd_port_detach(&d->dev, port);
	d->tenant[port] = NULL;
	if (t->xsk) {
		devd_xsk_close(d, t->xsk);
		t->xsk = NULL;
	}
	n = devd_sas_flush(&d->sas, (uint16_t)port);
	owner_set(d, t, false);
	default_port_update(d);
	log_info("tenant %s: removed, %u SAs deleted, key wiped", t->name, n);
	tenant_free(d, t);
}

int devd_tenant_sa_del(struct devd *d, uint32_t id)
{
	uint16_t port = devd_sas_port(&d->sas, id);
	int err;

	if (!port)
		return -ENOENT;
	err = devd_sas_del(&d->sas, id);
	if (d->tenant[port]) {
		d->tenant[port]->sas--;
		d->tenant[port]->st.deleted++;
	}
	return err;
}

uint32_t devd_tenant_flush(struct devd *d, struct devd_tenant *t)
{
	uint32_t p, n, all = 0;

	for (p = NICSEC_PORT_HOST1; p < NICSEC_PORT_MAX; p++) {
		if (!d->tenant[p] || (t && d->tenant[p] != t))
			continue;
		n = devd_sas_flush(&d->sas, (uint16_t)p);
		d->tenant[p]->sas -= n;
		d->tenant[p]->st.flushed += n;
		all += n;
	}
	return all;
}

int devd_tenant_del(struct devd *d, const char *name)
{
	struct devd_tenant *t = devd_tenant_find(d, name);

	if (!t)
		return -ENOENT;
	tenant_remove(d, t);
	return 0;
}

void devd_tenant_del_all(struct devd *d)
{
	uint32_t p;

	for (p = NICSEC_PORT_HOST1; p < NICSEC_PORT_MAX; p++)
		if (d->tenant[p])
			tenant_remove(d, d->tenant[p]);
}
