// SPDX-License-Identifier: GPL-2.0
/*
 * What every exchange does with a CHILD_SA: a free slot, a new SPI, its
 * keys derived (RFC 7296 2.17) and installed on the device, its outbound
 * half moved in, the rekey and expiry timers of CHILD_SAs and IKE SAs; and
 * the notify lookup the exchanges share. Used by init.c and create.c.
 */
#include <string.h>
#include <openssl/crypto.h>
#include "agent.h"
#include "log.h"

void child_schedule(struct agent *a, struct ikesa *sa, struct child_sa *c)
{
	const struct conf_child *ch = c->cfg;
	uint32_t jitter = 0;

	c->rekey_at_ms = c->expire_at_ms = 0;
	if (ch->rekey_time) {
		if (ch->rand_time) {
			uint32_t r;

			ike_random(&r, sizeof(r));
			jitter = r % (ch->rand_time + 1);
		}
		c->rekey_at_ms = a->now_ms + (uint64_t)(ch->rekey_time - jitter) * 1000;
	}
	if (ch->life_time)
		c->expire_at_ms = a->now_ms + (uint64_t)ch->life_time * 1000;
	c->last_active_ms = a->now_ms;
}

void ike_schedule(struct agent *a, struct ikesa *sa)
{
	uint32_t t = sa->conn->rekey_time, jitter = 0, r;

	sa->rekey_at_ms = 0;
	if (!t)
		return;
	ike_random(&r, sizeof(r));
	jitter = r % (t / 10 + 1);	/* 10%, as strongSwan's default rand_time */
	sa->rekey_at_ms = a->now_ms + (uint64_t)(t - jitter) * 1000;
}

struct child_sa *child_slot(struct ikesa *sa)
{
	unsigned int i;

	for (i = 0; i < AGENT_MAX_CHILD; i++)
		if (sa->child[i].state == CHILD_FREE)
			return &sa->child[i];
	return NULL;
}

/*
 * Key, keylog, install: the common end of every CHILD_SA negotiation.
 * @we_init: we initiated the exchange that made it (KEYMAT order).
 */
int child_up(struct agent *a, struct ikesa *sa, struct child_sa *c, int we_init,
	     const uint8_t *gir, size_t gir_len, const uint8_t *ni, size_t ni_len,
	     const uint8_t *nr, size_t nr_len, int delay_out)
{
	uint8_t *k_in, *k_out;
	uint8_t k_ir[IKE_ENCR_MAX_KEY], k_ri[IKE_ENCR_MAX_KEY];
	int err;

	err = keys_child(sa, &c->suite, gir, gir_len, ni, ni_len, nr, nr_len, k_ir, k_ri);
	if (err) {
		log_err("%s: KEYMAT derivation failed (%d)", sa->conn->name, err);
		return -1;
	}
	c->created_ms = a->now_ms;
	k_in = we_init ? k_ri : k_ir;
	k_out = we_init ? k_ir : k_ri;
	keylog_esp(a, sa, c, k_in, k_out);
	if (delay_out) {
		memcpy(c->out_key, k_out, sizeof(c->out_key));
		c->out_pending = 1;
		c->out_at_ms = a->now_ms + OUT_DELAY_MS;
		k_out = NULL;
	}
	err = device_install(a, sa, c, k_in, k_out);
	OPENSSL_cleanse(k_ir, sizeof(k_ir));
	OPENSSL_cleanse(k_ri, sizeof(k_ri));
	if (err) {
		OPENSSL_cleanse(c->out_key, sizeof(c->out_key));
		c->out_pending = 0;
		a->st.install_failed++;
		return err;
	}
	c->state = CHILD_INSTALLED;
	child_schedule(a, sa, c);
	a->st.child_up++;
	log_info("%s: CHILD_SA %08x_i %08x_o up: %s, ESP-in-UDP AES-GCM-16-%u, installed in %.3f ms",
		 sa->conn->name, c->spi_in, c->spi_out,
		 c->ts_l.proto ? "5-tuple" : "host pair", c->suite.encr_bits,
		 c->installed_us / 1000.0);
	agent_status_write(a);
	return 0;
}

/* The delayed outbound direction of a rekeyed CHILD_SA goes to the device. */
void child_out_install(struct agent *a, struct ikesa *sa, struct child_sa *c)
{
	if (!c->out_pending)
		return;
	c->out_pending = 0;
	if (device_install(a, sa, c, NULL, c->out_key)) {
		a->st.install_failed++;
		log_err("%s: CHILD_SA %08x_o: outbound install failed", sa->conn->name, c->spi_out);
	} else {
		log_info("%s: CHILD_SA %08x_o: outbound direction now on the device",
			 sa->conn->name, c->spi_out);
	}
	OPENSSL_cleanse(c->out_key, sizeof(c->out_key));
}

/* A fresh inbound SPI: random, above the reserved range (RFC 4303 2.1). */
uint32_t child_new_spi(void)
{
	uint32_t spi;

	do {
		ike_random(&spi, sizeof(spi));
	} while (spi < 256);
	return spi;
}

/* Find the first notify of @type in @m (parsed), or the first error if @type is 0. */
int find_notify(const struct ike_msg *m, uint16_t type, struct ike_notify *out)
{
	unsigned int i;

	for (i = 0; i < m->n_pld; i++) {
		const struct ike_pld *p = &m->pld[i];

		if (p->type != IKE_PLD_NOTIFY || ike_pld_notify(p->body, p->len, out))
			continue;
		if (type ? out->type == type : out->type <= IKE_N_ERROR_MAX)
			return 1;
	}
	return 0;
}

void child_clear(struct child_sa *c)
{
	OPENSSL_cleanse(c, sizeof(*c));
}

uint16_t child_cfg_pick(struct agent *a, const struct ikesa *sa, struct child_sa *c,
			const struct ike_sa *offer, int need_dh, const struct ike_ts_set *local,
			const struct ike_ts_set *remote, uint8_t *num)
{
	const struct conf_conn *conn = sa->conn;
	unsigned int i;
	int ts_fit = 0;

	for (i = 0; i < conn->n_child; i++) {
		const struct conf_child *ch = &conn->children[i];

		if (ts_narrow(ch, local, remote, &c->ts_l, &c->ts_r))
			continue;
		ts_fit = 1;
		if (prop_select_esp(ch, offer, need_dh, &c->suite, num, &c->spi_out))
			continue;
		c->cfg = ch;
		return 0;
	}
	if (ts_fit) {
		a->st.no_proposal++;
		log_info("%s: no ESP proposal acceptable to a child whose selectors fit: "
			 "NO_PROPOSAL_CHOSEN", conn->name);
		return IKE_N_NO_PROPOSAL_CHOSEN;
	}
	a->st.ts_unacceptable++;
	log_info("%s: traffic selectors unacceptable to every child: TS_UNACCEPTABLE",
		 conn->name);
	return IKE_N_TS_UNACCEPTABLE;
}

static int ts_same(const struct conf_ts *x, const struct conf_ts *y)
{
	return x->addr == y->addr && x->prefix == y->prefix && x->proto == y->proto &&
	       x->port == y->port;
}

struct child_sa *child_same_flow(struct ikesa *sa, const struct child_sa *c)
{
	unsigned int i;

	for (i = 0; i < AGENT_MAX_CHILD; i++) {
		struct child_sa *o = &sa->child[i];

		if (o != c && o->state == CHILD_INSTALLED && ts_same(&o->ts_l, &c->ts_l) &&
		    ts_same(&o->ts_r, &c->ts_r))
			return o;
	}
	return NULL;
}

struct child_sa *child_by_out(struct ikesa *sa, uint32_t spi_out)
{
	unsigned int i;

	for (i = 0; i < AGENT_MAX_CHILD; i++)
		if (sa->child[i].state != CHILD_FREE && sa->child[i].spi_out == spi_out)
			return &sa->child[i];
	return NULL;
}
