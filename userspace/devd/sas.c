// SPDX-License-Identifier: GPL-2.0
/*
 * The device's SA table as devd keeps it: which ids are free (a stack, so
 * allocation and release are O(1) at a million SAs), which port (tenant)
 * owns each SA, and the flow each outbound SA was installed with, so that
 * deleting one never walks the flow table. Installs come in batches that
 * are applied all or nothing: on the first failure everything the batch
 * installed so far is removed again, keys wiped by the engine. Never holds
 * a key: those go straight from the request to the engine (sadb_add()).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ctl_sadb.h"
#include "keyset.h"
#include "log.h"
#include "devd.h"

int devd_sas_init(struct devd_sas *s, struct nicsec_sadb *db, uint32_t max)
{
	uint32_t i;

	memset(s, 0, sizeof(*s));
	s->meta = calloc(max, sizeof(*s->meta));
	s->free = calloc(max, sizeof(*s->free));
	if (!s->meta || !s->free) {
		devd_sas_fini(s);
		return -ENOMEM;
	}
	s->db = db;
	s->max = max;
	/* lowest id on top: a fresh device hands out 0, 1, 2, ... */
	for (i = 0; i < max; i++)
		s->free[i] = max - 1 - i;
	s->n_free = max;
	return 0;
}

void devd_sas_fini(struct devd_sas *s)
{
	free(s->meta);
	free(s->free);
	memset(s, 0, sizeof(*s));
}

uint32_t devd_sas_used(const struct devd_sas *s)
{
	return s->max - s->n_free;
}

uint16_t devd_sas_port(const struct devd_sas *s, uint32_t id)
{
	return id < s->max ? s->meta[id].port : 0;
}

/* Take @want off the free stack (an operator asked for that id). */
static int take_id(struct devd_sas *s, uint32_t want)
{
	uint32_t i;

	if (want >= s->max)
		return -ERANGE;
	if (s->meta[want].port)
		return -EEXIST;
	for (i = 0; i < s->n_free; i++) {
		if (s->free[i] == want) {
			memmove(&s->free[i], &s->free[i + 1],
				(s->n_free - i - 1) * sizeof(*s->free));
			s->n_free--;
			return 0;
		}
	}
	return -EEXIST;
}

static void put_id(struct devd_sas *s, uint32_t id)
{
	memset(&s->meta[id], 0, sizeof(s->meta[id]));
	s->free[s->n_free++] = id;
}

int devd_sas_del(struct devd_sas *s, uint32_t id)
{
	struct devd_sa_meta *m;
	int err;

	if (id >= s->max || !s->meta[id].port)
		return -ENOENT;
	m = &s->meta[id];
	err = sadb_del(s->db, id, m->out ? &m->flow : NULL);
	if (err && err != -ENOENT)
		log_warn("SA %u: removing it from the device: %s", id, strerror(-err));
	put_id(s, id);
	return err == -ENOENT ? 0 : err;
}

/* Two SAs of one batch that would claim the same inbound SPI. */
static bool same_spi(const struct devd_sa_new *a, const struct devd_sa_new *b)
{
	return (a->sa.flags & NICSEC_SA_IN) && (b->sa.flags & NICSEC_SA_IN) &&
	       a->sa.spi == b->sa.spi && a->sa.local_addr == b->sa.local_addr;
}

int devd_sas_install(struct devd_sas *s, const struct devd_sa_new *e, unsigned int n,
		     uint32_t *ids, unsigned int *bad)
{
	uint32_t prev[NICSEC_CTL_MAX_SAS];	/* the SA a flow pointed at before */
	unsigned int i, j, done = 0;
	int err = 0;

	*bad = n;
	if (!n || n > NICSEC_CTL_MAX_SAS)
		return NICSEC_CTL_E_VALUE;
	/* what can be refused without touching the device, first */
	for (i = 0; i < n; i++) {
		if (!e[i].sa.port) {
			*bad = i;
			return NICSEC_CTL_E_VALUE;
		}
		for (j = 0; j < i; j++) {
			if (same_spi(&e[i], &e[j])) {
				*bad = i;
				return NICSEC_CTL_E_EXISTS;
			}
		}
		if ((e[i].sa.flags & NICSEC_SA_IN) &&
		    sadb_spi_used(s->db, e[i].sa.spi, e[i].sa.local_addr)) {
			*bad = i;
			return NICSEC_CTL_E_EXISTS;
		}
	}
	if (s->n_free < n) {
		*bad = s->n_free;
		return NICSEC_CTL_E_NO_SPACE;
	}
	for (i = 0; i < n; i++) {
		uint32_t id;

		if (e[i].id != UINT32_MAX) {
			err = take_id(s, e[i].id);
			if (err) {
				err = err == -EEXIST ? NICSEC_CTL_E_EXISTS : NICSEC_CTL_E_VALUE;
				goto undo;
			}
			id = e[i].id;
		} else {
			id = s->free[--s->n_free];
		}
		/* a rekey's outbound SA takes its flow over: remember from whom */
		prev[i] = UINT32_MAX;
		if (e[i].sa.flags & NICSEC_SA_OUT)
			sadb_flow_lookup(s->db, &e[i].flow, &prev[i]);
		err = sadb_add(s->db, id, &e[i].sa, (e[i].sa.flags & NICSEC_SA_OUT) ?
			       &e[i].flow : NULL, e[i].key, e[i].key_len, e[i].salt);
		if (err) {
			log_warn("SA %u (spi 0x%08x): install failed: %s", id,
				 ntohl(e[i].sa.spi), strerror(-err));
			s->free[s->n_free++] = id;
			err = nicsec_ctl_status_from_errno(err);
			goto undo;
		}
		s->meta[id].port = e[i].sa.port;
		s->meta[id].out = !!(e[i].sa.flags & NICSEC_SA_OUT);
		if (s->meta[id].out) {
			s->meta[id].flow = e[i].flow;
		} else {
			s->meta[id].spi.spi = e[i].sa.spi;
			s->meta[id].spi.daddr = e[i].sa.local_addr;
		}
		ids[i] = id;
		done++;
	}
	return NICSEC_CTL_OK;
undo:
	*bad = i;
	/* all or nothing: remove what this batch installed, newest first,
	 * giving a flow back to the SA it belonged to before */
	while (done--) {
		if (prev[done] != UINT32_MAX && devd_sas_port(s, prev[done]))
			sadb_flow_point(s->db, &e[done].flow, prev[done]);
		devd_sas_del(s, ids[done]);
	}
	return err;
}

uint32_t devd_sas_flush(struct devd_sas *s, uint16_t port)
{
	struct nicsec_spi_key *spis = NULL;
	uint32_t id, n = 0, n_spi = 0, *ids = NULL;
	int err;

	for (id = 0; id < s->max; id++)
		n += s->meta[id].port && (!port || s->meta[id].port == port);
	if (!n)
		return 0;
	ids = calloc(n, sizeof(*ids));
	spis = calloc(n, sizeof(*spis));
	if (!ids || !spis) {
		/* no memory for the batches: one by one */
		free(ids);
		free(spis);
		for (n = 0, id = 0; id < s->max; id++) {
			if (s->meta[id].port && (!port || s->meta[id].port == port)) {
				devd_sas_del(s, id);
				n++;
			}
		}
		return n;
	}
	for (n = 0, id = 0; id < s->max; id++) {
		const struct devd_sa_meta *m = &s->meta[id];

		if (!m->port || (port && m->port != port))
			continue;
		ids[n++] = id;
		if (!m->out)
			spis[n_spi++] = m->spi;
	}
	err = sadb_del_many(s->db, ids, n, spis, n_spi);
	if (err)
		log_warn("removing %u SAs: %s", n, strerror(-err));
	for (id = 0; id < n; id++)
		put_id(s, ids[id]);
	free(ids);
	free(spis);
	return n;
}
