/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nicsec-devd internals, grouped by file. Data flows one way:
 *   devd.c (options, event loop, signals)
 *     -> mgmt.c (operator requests on the UNIX socket)
 *     -> ctl.c (a tenant's control datagrams over AF_XDP)
 *          -> tenant.c (tenants: ports, keys, addresses, quotas, policy)
 *               -> sas.c (the SA table: ids, all-or-nothing installs)
 *               -> ports.c (the device object, its maps and port links)
 */
#ifndef NICSEC_DEVD_H
#define NICSEC_DEVD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "maps.h"
#include "sadb.h"

struct bpf_object;
struct nicsec_ctl_dev;
struct nicsec_ctl_sa;

/* engine.c: the AES-GCM engines the device programs are built for. */
struct devd_engine {
	const char *name;
	unsigned int id;			/* enum nicsec_engine_id */
	const void *(*elf)(size_t *size);	/* the device object */
};

/*
 * Pick the engine: "auto" takes kmod when nicsec.ko is loaded, else bpf
 * when the kernel has the BPF crypto kfuncs; "kmod", "bpf" and "none"
 * force one. Returns NULL (after logging why) when none fits.
 */
const struct devd_engine *devd_engine_pick(const char *want);

/* ---- ports.c: the device object, the wire port, host port links ---- */

struct devd_dev {
	const struct devd_engine *engine;
	const char *wire_ifname;
	int wire_ifindex;
	unsigned int wire_mtu;		/* 0: the wire port's MTU */
	bool generic;			/* XDP_FLAGS_SKB_MODE instead of native */
	uint32_t max_sas;		/* sizes the SA tables and key slots */
	struct bpf_object *obj;
	int wire_link;			/* bpf_link fds: closing them detaches */
	int host_link[NICSEC_PORT_MAX];
	int tx_port_fd, port_info_fd, port_of_fd, owner_fd, info_fd, xsks_fd, devd_info_fd;
	struct nicsec_dev_info info;	/* what dev_info[0] holds */
	struct nicsec_sadb db;		/* the SA tables, through their pins */
	char pin_dir[256];
	bool pinned;
};

/*
 * Load the engine's device object with every SA table sized for
 * @d->max_sas, attach nic_wire to the wire port, pin the maps under
 * @bpffs, open the SA tables. Host ports come with tenants.
 */
int devd_dev_open(struct devd_dev *d, const char *bpffs);
void devd_dev_close(struct devd_dev *d);
/* dev_info[0] = d->info. */
int devd_dev_info_write(struct devd_dev *d);

/*
 * Make @ifname host port @port: port_of, port_info (@pi, its ifindex and
 * MAC filled here), tx_port, then nic_host attached (last: the program
 * finds its maps ready). Returns 0 or -errno (logged), nothing left.
 */
int devd_port_attach(struct devd_dev *d, uint32_t port, const char *ifname,
		     struct nicsec_port_info *pi);
/* Detach nic_host from @port first (no frame of it is handled any more),
 * then clear its map entries. */
void devd_port_detach(struct devd_dev *d, uint32_t port);

/* ---- sas.c: the SA table, ids and owners ---------------------------- */

/* What devd remembers of an installed SA (never its key). */
struct devd_sa_meta {
	uint16_t port;			/* the owning tenant; 0: id free */
	uint8_t out;
	union {
		struct nicsec_flow flow;	/* outbound: its lookup key */
		struct nicsec_spi_key spi;	/* inbound: its lookup key */
	};
};

struct devd_sas {
	struct nicsec_sadb *db;
	uint32_t max;
	struct devd_sa_meta *meta;	/* [max] */
	uint32_t *free;			/* stack of free ids, lowest on top */
	uint32_t n_free;
};

/* One SA to install: the entry, its flow (outbound), its key. */
struct devd_sa_new {
	struct nicsec_sa sa;		/* sa.port: the tenant */
	struct nicsec_flow flow;
	uint32_t key_len;
	uint8_t key[32];
	uint8_t salt[4];
	uint32_t id;			/* a requested id, or UINT32_MAX: any */
};

int devd_sas_init(struct devd_sas *s, struct nicsec_sadb *db, uint32_t max);
void devd_sas_fini(struct devd_sas *s);
/*
 * Install @n SAs all or nothing. Returns NICSEC_CTL_OK with @ids filled,
 * or a status code (EXISTS, NO_SPACE, VALUE, DEVICE) with *@bad = the SA
 * it is about; whatever was installed of the batch is removed again. The
 * keys in @e are the caller's to wipe.
 */
int devd_sas_install(struct devd_sas *s, const struct devd_sa_new *e, unsigned int n,
		     uint32_t *ids, unsigned int *bad);
/* The port owning SA @id, 0 if the id is free or out of range. */
uint16_t devd_sas_port(const struct devd_sas *s, uint32_t id);
/* Remove SA @id (the caller checked its owner). Returns 0 or -errno. */
int devd_sas_del(struct devd_sas *s, uint32_t id);
/* Remove every SA of @port (0: every SA), in map batches; returns how
 * many. */
uint32_t devd_sas_flush(struct devd_sas *s, uint16_t port);

uint32_t devd_sas_used(const struct devd_sas *s);

/* ---- tenant.c: tenants, one per host port --------------------------- */

#define DEVD_TENANT_NAME_LEN	16
#define DEVD_TENANT_PREFIXES	16

/* Control requests of one tenant, by outcome (the handler counts drops). */
struct devd_tenant_stats {
	uint64_t installed;		/* SAs installed */
	uint64_t deleted;		/* SAs deleted */
	uint64_t flushed;		/* SAs removed by FLUSH */
	uint64_t denied;		/* INSTALLs refused: a local address not its own */
	uint64_t foreign;		/* DELETE/QUERY of an SA id not its own */
	uint64_t quota;			/* INSTALLs refused: quota reached */
	uint64_t full;			/* INSTALLs refused: device table full */
	uint64_t refused;		/* INSTALLs refused otherwise (EXISTS, ...) */
};

struct devd;

struct devd_tenant {
	struct devd *d;			/* back to the daemon, for callbacks */
	char name[DEVD_TENANT_NAME_LEN];
	uint32_t port;
	char ifname[16];
	struct nicsec_prefix pfx[DEVD_TENANT_PREFIXES];	/* addresses it owns */
	unsigned int n_pfx;
	uint32_t quota;			/* SAs it may hold */
	uint32_t sas;			/* SAs it holds */
	struct nicsec_ctl_dev *ctl;	/* its control channel (holds its key) */
	struct devd_xsk *xsk;		/* the AF_XDP socket on its port */
	struct devd_tenant_stats st;
};

struct devd {
	struct devd_dev dev;
	struct devd_sas sas;
	struct devd_tenant *tenant[NICSEC_PORT_MAX];	/* by port */
	uint32_t ctl_addr;		/* network order; 0: no control channel */
	uint16_t ctl_port;		/* network order */
	struct devd_mgmt *mgmt;
};

/* What tenant_add() is asked for. */
struct devd_tenant_conf {
	const char *name;
	const char *ifname;
	const char *key_file;		/* load the enrollment key, or ... */
	const char *enroll_file;	/* ... make one and write the agent's copy */
	struct nicsec_prefix pfx[DEVD_TENANT_PREFIXES];
	unsigned int n_pfx;
	uint32_t quota;			/* 0: the whole table */
};

/*
 * Add a tenant on its own host port; disturbs no other. Returns 0 or
 * -errno with @why (a sentence for the operator) set. Removing it
 * detaches its port, stops its control channel, deletes its SAs and wipes
 * its key.
 */
int devd_tenant_add(struct devd *d, const struct devd_tenant_conf *c, const char **why);
int devd_tenant_del(struct devd *d, const char *name);
void devd_tenant_del_all(struct devd *d);
struct devd_tenant *devd_tenant_find(struct devd *d, const char *name);
/* Does @t own IPv4 address @addr (network order)? */
bool devd_tenant_owns(const struct devd_tenant *t, uint32_t addr);
/* Install on behalf of @t (control request or operator): ownership,
 * quota, then devd_sas_install(). Same results; counts in t->st. */
int devd_tenant_install(struct devd *d, struct devd_tenant *t, struct devd_sa_new *e,
			unsigned int n, uint32_t *ids, unsigned int *bad);
/* The operator removes SA @id / every SA of @t (NULL: of every tenant);
 * the tenants' counts follow. */
int devd_tenant_sa_del(struct devd *d, uint32_t id);
uint32_t devd_tenant_flush(struct devd *d, struct devd_tenant *t);
/* A control request's SA into a devd_sa_new for @t (key copied). */
int devd_tenant_from_ctl(const struct devd_tenant *t, const struct nicsec_ctl_sa *in,
			 struct devd_sa_new *out);

/* ---- ctl.c: a tenant's control channel over AF_XDP ------------------- */

struct devd_xsk;
/* Open the AF_XDP socket on @t's port (queue 0) and put it in xsks. */
int devd_xsk_open(struct devd *d, struct devd_tenant *t);
void devd_xsk_close(struct devd *d, struct devd_xsk *x);
int devd_xsk_fd(const struct devd_xsk *x);
/* Handle what arrived on @t's socket. */
void devd_xsk_process(struct devd *d, struct devd_tenant *t);
/* Frames the socket received that were no control datagram. */
uint64_t devd_xsk_bad(const struct devd_xsk *x);

/* ---- mgmt.c: the operator's UNIX socket ------------------------------ */

struct devd_mgmt;
int devd_mgmt_open(struct devd *d, const char *path);
void devd_mgmt_close(struct devd_mgmt *m);
int devd_mgmt_fd(const struct devd_mgmt *m);
/* Serve one waiting connection. */
void devd_mgmt_process(struct devd *d);

#endif
