// SPDX-License-Identifier: GPL-2.0
/* The SA database over the pinned maps; see sadb.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "keyset.h"
#include "sadb.h"

static int open_pin(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return bpf_obj_get(path);
}

int sadb_open(struct nicsec_sadb *db, const char *dir)
{
	static const char *const names[] = {
		"sa_table", "flow_tab", "flow_gen", "spi_in", "sa_replay", "dev_info",
		"drop_stats", "port_stats",
	};
	int *fds[] = { &db->sa_fd, &db->flow_fd, &db->gen_fd, &db->spi_fd, &db->replay_fd,
		       &db->info_fd, &db->drop_fd, &db->port_fd };
	uint32_t zero = 0;
	size_t i;
	int err;

	db->slots_fd = -1;
	db->flows.ways = NULL;
	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		*fds[i] = -1;
	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		*fds[i] = open_pin(dir, names[i]);
		if (*fds[i] < 0) {
			err = -errno;
			goto fail;
		}
	}
	if (bpf_map_lookup_elem(db->info_fd, &zero, &db->info)) {
		err = -errno;
		goto fail;
	}
	{
		struct bpf_map_info mi = {};
		__u32 len = sizeof(mi);

		if (bpf_obj_get_info_by_fd(db->sa_fd, &mi, &len)) {
			err = -errno;
			goto fail;
		}
		db->max_sas = mi.max_entries;
	}
	err = flowtab_open(&db->flows, db->flow_fd, db->gen_fd, db->sa_fd, &db->info);
	if (err) {
		db->flows.ways = NULL;
		goto fail;
	}
	/* the bpf engine's key slots (crypto contexts as kptrs) */
	if (db->info.engine == NICSEC_ENGINE_ID_BPF) {
		db->slots_fd = open_pin(dir, "gcm_slots");
		if (db->slots_fd < 0) {
			err = -errno;
			goto fail;
		}
	}
	return 0;
fail:
	sadb_close(db);
	return err;
}

void sadb_close(struct nicsec_sadb *db)
{
	int *fds[] = { &db->sa_fd, &db->flow_fd, &db->gen_fd, &db->spi_fd, &db->replay_fd,
		       &db->info_fd, &db->drop_fd, &db->port_fd };
	size_t i;

	if (db->flows.ways)
		flowtab_close(&db->flows);
	db->flows.ways = NULL;
	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	if (db->slots_fd >= 0)
		close(db->slots_fd);
	db->slots_fd = -1;
}

int sadb_get(struct nicsec_sadb *db, uint32_t id, struct nicsec_sa *sa)
{
	if (id >= db->max_sas)
		return -ERANGE;
	if (bpf_map_lookup_elem(db->sa_fd, &id, sa))
		return -errno;
	return (sa->flags & NICSEC_SA_VALID) ? 0 : -ENOENT;
}

int sadb_add(struct nicsec_sadb *db, uint32_t id, const struct nicsec_sa *sa,
	     const struct nicsec_flow *flow, const uint8_t *key, uint32_t key_len,
	     const uint8_t *salt)
{
	struct nicsec_replay replay = {};
	struct nicsec_sa cur, entry = *sa, none = {};
	int err;

	struct nicsec_spi_key skey = { .spi = sa->spi, .daddr = sa->local_addr };

	if (id >= db->max_sas)
		return -ERANGE;
	if (!sadb_get(db, id, &cur))
		return -EEXIST;
	if (!!(sa->flags & NICSEC_SA_OUT) == !!(sa->flags & NICSEC_SA_IN))
		return -EINVAL;		/* exactly one direction */
	if ((sa->flags & NICSEC_SA_OUT) && (!flow || flow->port != sa->port))
		return -EINVAL;
	if ((sa->flags & NICSEC_SA_IN) && sadb_spi_used(db, sa->spi, sa->local_addr))
		return -EADDRINUSE;	/* that SPI belongs to another SA */

	err = nicsec_key_set(db->info.engine, db->slots_fd, id, key, key_len, salt);
	if (err)
		return err;
	entry.flags |= NICSEC_SA_VALID;
	entry.seq = 0;
	if (sa->flags & NICSEC_SA_OUT) {
		/* the flow the data path checks a way against */
		entry.sel_local = flow->saddr;
		entry.sel_remote = flow->daddr;
		entry.sel_local_port = flow->sport;
		entry.sel_remote_port = flow->dport;
		entry.sel_proto = flow->proto;
		entry.pad0 = 0;
	}
	memset(&entry.st, 0, sizeof(entry.st));
	if (bpf_map_update_elem(db->replay_fd, &id, &replay, 0) ||
	    bpf_map_update_elem(db->sa_fd, &id, &entry, 0)) {
		err = -errno;
		goto undo_key;
	}
	if (sa->flags & NICSEC_SA_IN) {
		err = bpf_map_update_elem(db->spi_fd, &skey, &id, BPF_NOEXIST);
		if (err)
			err = -errno;
	} else {
		err = flowtab_set(&db->flows, flow, id);
	}
	if (err)
		goto undo_sa;
	return 0;
undo_sa:
	bpf_map_update_elem(db->sa_fd, &id, &none, 0);
undo_key:
	nicsec_key_clear(db->info.engine, db->slots_fd, id);
	return err;
}

int sadb_flow_lookup(struct nicsec_sadb *db, const struct nicsec_flow *flow, uint32_t *id)
{
	return flowtab_find(&db->flows, flow, id, NULL);
}

/* The data path fills the flow's hints in again with its next packet. */
int sadb_flow_point(struct nicsec_sadb *db, const struct nicsec_flow *flow, uint32_t id)
{
	return flowtab_set(&db->flows, flow, id);
}

int sadb_spi_used(struct nicsec_sadb *db, uint32_t spi, uint32_t daddr)
{
	struct nicsec_spi_key skey = { .spi = spi, .daddr = daddr };
	uint32_t id;

	return !bpf_map_lookup_elem(db->spi_fd, &skey, &id);
}

int sadb_del(struct nicsec_sadb *db, uint32_t id, const struct nicsec_flow *flow)
{
	struct nicsec_sa sa, none = {};
	int err;

	err = sadb_get(db, id, &sa);
	if (err)
		return err;
	if (sa.flags & NICSEC_SA_IN) {
		struct nicsec_spi_key skey = { .spi = sa.spi, .daddr = sa.local_addr };

		bpf_map_delete_elem(db->spi_fd, &skey);
	} else if (flow) {
		flowtab_del(&db->flows, flow, id);	/* unless a rekey took it */
	}
	if (bpf_map_update_elem(db->sa_fd, &id, &none, 0))
		return -errno;
	err = nicsec_key_clear(db->info.engine, db->slots_fd, id);
	return err == -ENOENT ? 0 : err;
}

/* Delete @n keys of @size bytes at @keys in batches; keys already gone
 * are skipped one by one (a batch stops at the first). */
static int delete_many(int fd, const void *keys, uint32_t n, size_t size)
{
	const uint8_t *k = keys;
	uint32_t done = 0, c;
	int err = 0;

	while (done < n) {
		LIBBPF_OPTS(bpf_map_batch_opts, o);

		c = n - done < 4096 ? n - done : 4096;
		if (!bpf_map_delete_batch(fd, k + done * size, &c, &o)) {
			done += c;
			continue;
		}
		if (errno != ENOENT && !err)
			err = -errno;
		done += c;		/* those went; the next one did not exist */
		if (done < n && bpf_map_delete_elem(fd, k + done * size) && errno != ENOENT &&
		    !err)
			err = -errno;
		done++;
	}
	return err;
}

int sadb_del_many(struct nicsec_sadb *db, const uint32_t *ids, uint32_t n,
		  const struct nicsec_spi_key *spis, uint32_t n_spis)
{
	struct nicsec_sa *none = calloc(4096, sizeof(*none));
	uint32_t done = 0, c;
	int err, e;

	if (!none)
		return -ENOMEM;
	err = delete_many(db->spi_fd, spis, n_spis, sizeof(*spis));
	if (flowtab_del_ids(&db->flows, ids, n, db->max_sas) < 0) {
		/* no memory for the pass: each outbound SA's own flow, from
		 * its entry, before the entry goes */
		uint32_t i;

		for (i = 0; i < n; i++) {
			struct nicsec_sa sa;
			struct nicsec_flow f = {};

			if (sadb_get(db, ids[i], &sa) || !(sa.flags & NICSEC_SA_OUT))
				continue;
			f.saddr = sa.sel_local;
			f.daddr = sa.sel_remote;
			f.sport = sa.sel_local_port;
			f.dport = sa.sel_remote_port;
			f.proto = sa.sel_proto;
			f.port = sa.port;
			flowtab_del(&db->flows, &f, ids[i]);
		}
	}
	while (done < n) {
		LIBBPF_OPTS(bpf_map_batch_opts, o);

		c = n - done < 4096 ? n - done : 4096;
		if (bpf_map_update_batch(db->sa_fd, ids + done, none, &c, &o) && !err)
			err = -errno;
		done += c ? c : 1;
	}
	free(none);
	e = nicsec_key_clear_many(db->info.engine, db->slots_fd, ids, n);
	return err ?: (e == -EOPNOTSUPP ? 0 : e);
}

int sadb_walk(struct nicsec_sadb *db,
	      int (*fn)(void *arg, uint32_t id, const struct nicsec_sa *sa), void *arg)
{
	enum { BATCH = 4096 };
	uint32_t *keys = calloc(BATCH, sizeof(*keys)), out_batch = 0, i, n;
	struct nicsec_sa *vals = calloc(BATCH, sizeof(*vals));
	void *in = NULL;
	int err = 0, ret;

	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	for (;;) {
		LIBBPF_OPTS(bpf_map_batch_opts, o);

		n = BATCH;
		ret = bpf_map_lookup_batch(db->sa_fd, in, &out_batch, keys, vals, &n, &o);
		if (ret && errno != ENOENT) {
			err = -errno;
			goto out;
		}
		for (i = 0; i < n; i++) {
			if (!(vals[i].flags & NICSEC_SA_VALID))
				continue;
			err = fn(arg, keys[i], &vals[i]);
			if (err)
				goto out;
		}
		if (ret)		/* ENOENT: that was the last batch */
			break;
		in = &out_batch;
	}
out:
	free(keys);
	free(vals);
	return err;
}

int sadb_stats(struct nicsec_sadb *db, uint32_t id, struct nicsec_sa_stats *st)
{
	struct nicsec_sa sa;
	int err = sadb_get(db, id, &sa);

	if (err)
		return err;
	*st = sa.st;
	return 0;
}
