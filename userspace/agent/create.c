// SPDX-License-Identifier: GPL-2.0
/*
 * CREATE_CHILD_SA (RFC 7296 1.3, 2.8, 2.17-2.18), both roles: CHILD_SA
 * rekey and IKE SA rekey (the DELETE that ends a rekey is info.c's).
 *
 * Rekeying is make-before-break on the device. Rekey initiator: the answer
 * brings the new keys; the new inbound and outbound SAs go to the device
 * (the outbound one takes the flow over), the old outbound one is removed,
 * and the old inbound one stays until the DELETE exchange is done. Rekey
 * responder: the new inbound SA goes to the device before we answer; the
 * new outbound one when the peer deletes the old CHILD_SA (it has the new
 * inbound SA by then) or OUT_DELAY_MS later.
 *
 * Simultaneous rekeys (2.8.1) are answered with TEMPORARY_FAILURE and left
 * to the peer's retry; the collision resolution by nonces is not done.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include "agent.h"
#include "log.h"

#define REKEY_RETRY_MS	5000

static int build_ke(struct ike_buf *b, struct ike_dh *dh, uint16_t group)
{
	uint8_t pub[IKE_DH_MAX_PUB];
	struct ike_ke ke = { .group = group, .data = pub };
	size_t len;

	if (ike_dh_pub(dh, pub, sizeof(pub), &len))
		return -1;
	ke.len = len;
	return ike_build_ke(b, &ke);
}

/* ---- starting an exchange ---- */

int child_rekey_start(struct agent *a, struct ikesa *sa, int idx)
{
	struct child_sa *c = &sa->child[idx];
	const struct conf_child *ch = c->cfg;
	uint16_t pfs = ch->esp[0].dh;
	uint32_t old_spi = htonl(c->spi_in);
	struct ike_notify n = {
		.proto = IKE_PROTO_ESP, .spi_len = 4, .type = IKE_N_REKEY_SA,
	};
	uint8_t out[2048];
	struct ike_ts_set ts;
	struct ike_sa prop;
	struct ike_buf b;
	int err;

	ike_dh_free(sa->x_dh);
	sa->x_dh = NULL;
	if (pfs && ike_dh_new(pfs, &sa->x_dh))
		return -1;
	sa->x_child = idx;
	sa->x_spi = child_new_spi();
	ike_random(sa->x_ni, sizeof(sa->x_ni));
	memcpy(n.spi, &old_spi, 4);
	ike_build_chain(&b, out, sizeof(out));
	ike_build_notify(&b, &n);
	prop_build_esp(ch, sa->x_spi, &prop);
	ike_build_sa(&b, &prop);
	ike_build_nonce(&b, sa->x_ni, sizeof(sa->x_ni));
	if (pfs)
		build_ke(&b, sa->x_dh, pfs);
	ts_from_conf(&c->ts_l, &ts);
	ike_build_ts(&b, IKE_PLD_TSI, &ts);
	ts_from_conf(&c->ts_r, &ts);
	ike_build_ts(&b, IKE_PLD_TSR, &ts);
	err = sa_send_sk(a, sa, IKE_CREATE_CHILD_SA, 0, sa->my_msgid, &b, P_CHILD_REKEY);
	if (err) {
		c->rekey_at_ms = a->now_ms + REKEY_RETRY_MS;
		return err;
	}
	c->rekey_at_ms = 0;	/* until the answer says otherwise */
	log_info("%s: rekeying CHILD_SA %08x_i %08x_o", sa->conn->name, c->spi_in, c->spi_out);
	return 0;
}

int child_create_start(struct agent *a, struct ikesa *sa, int cfg_idx)
{
	const struct conf_child *ch = &sa->conn->children[cfg_idx];
	uint16_t pfs = ch->esp[0].dh;
	uint8_t out[2048];
	struct ike_ts_set ts;
	struct ike_sa prop;
	struct ike_buf b;
	int err;

	ike_dh_free(sa->x_dh);
	sa->x_dh = NULL;
	if (pfs && ike_dh_new(pfs, &sa->x_dh))
		return -1;
	sa->x_child = -1;
	sa->x_cfg = cfg_idx;
	sa->x_spi = child_new_spi();
	ike_random(sa->x_ni, sizeof(sa->x_ni));
	ike_build_chain(&b, out, sizeof(out));
	prop_build_esp(ch, sa->x_spi, &prop);
	ike_build_sa(&b, &prop);
	ike_build_nonce(&b, sa->x_ni, sizeof(sa->x_ni));
	if (pfs)
		build_ke(&b, sa->x_dh, pfs);
	ts_from_conf(&ch->local_ts, &ts);
	ike_build_ts(&b, IKE_PLD_TSI, &ts);
	ts_from_conf(&ch->remote_ts, &ts);
	ike_build_ts(&b, IKE_PLD_TSR, &ts);
	err = sa_send_sk(a, sa, IKE_CREATE_CHILD_SA, 0, sa->my_msgid, &b, P_CHILD_CREATE);
	sa->create_at_ms[cfg_idx] = err ? a->now_ms + REKEY_RETRY_MS : UINT64_MAX;
	if (!err)
		log_info("%s: asking for CHILD_SA '%s'", sa->conn->name, ch->name);
	return err;
}

int ike_rekey_start(struct agent *a, struct ikesa *sa)
{
	uint8_t out[2048];
	struct ike_sa prop;
	struct ike_buf b;
	int err;

	ike_dh_free(sa->x_dh);
	sa->x_dh = NULL;
	if (ike_dh_new(sa->suite.dh, &sa->x_dh))
		return -1;
	do {
		ike_random(sa->x_ike_spi, 8);
	} while (!memcmp(sa->x_ike_spi, "\0\0\0\0\0\0\0\0", 8));
	ike_random(sa->x_ni, sizeof(sa->x_ni));
	sa->x_child = -1;
	sa->x_cfg = -1;
	ike_build_chain(&b, out, sizeof(out));
	prop_build_ike(sa->conn, sa->x_ike_spi, 8, sa->suite.dh, &prop);
	ike_build_sa(&b, &prop);
	ike_build_nonce(&b, sa->x_ni, sizeof(sa->x_ni));
	build_ke(&b, sa->x_dh, sa->suite.dh);
	err = sa_send_sk(a, sa, IKE_CREATE_CHILD_SA, 0, sa->my_msgid, &b, P_IKE_REKEY);
	sa->rekey_at_ms = err ? a->now_ms + REKEY_RETRY_MS : 0;
	if (!err)
		log_info("%s: rekeying IKE SA %s", sa->conn->name, sa_name(sa));
	return err;
}

/* ---- answers to our requests ---- */

/* Move the CHILD_SAs of @old to @nsa (IKE SA rekey, 2.18). */
static void children_move(struct ikesa *old, struct ikesa *nsa)
{
	memcpy(nsa->child, old->child, sizeof(nsa->child));
	OPENSSL_cleanse(old->child, sizeof(old->child));
	memcpy(nsa->create_at_ms, old->create_at_ms, sizeof(nsa->create_at_ms));
}

static struct ikesa *ike_successor(struct agent *a, struct ikesa *sa, int we_init,
				   const uint8_t *spi_peer, const struct ike_suite *s,
				   const uint8_t *ni, size_t ni_len, const uint8_t *nr,
				   size_t nr_len, const uint8_t *gir, size_t gir_len)
{
	struct ikesa *nsa = sa_new(a, sa->conn, we_init);

	if (!nsa)
		return NULL;
	if (we_init) {
		memcpy(nsa->spi_i, sa->x_ike_spi, 8);
		memcpy(nsa->spi_r, spi_peer, 8);
	} else {
		memcpy(nsa->spi_i, spi_peer, 8);
	}
	sa_index(a, nsa);
	nsa->suite = *s;
	memcpy(nsa->ni, ni, ni_len);
	nsa->ni_len = ni_len;
	memcpy(nsa->nr, nr, nr_len);
	nsa->nr_len = nr_len;
	nsa->peer = sa->peer;
	nsa->natt = sa->natt;
	if (keys_ike(nsa, gir, gir_len, sa->keys.sk_d, ike_prf_len(sa->suite.prf))) {
		sa_free(a, nsa);
		return NULL;
	}
	nsa->state = SA_ESTABLISHED;
	nsa->established_ms = a->now_ms;
	nsa->last_rx_ms = a->now_ms;
	ike_schedule(a, nsa);
	children_move(sa, nsa);
	sa->state = SA_REKEYED;
	sa->half_open_deadline_ms = a->now_ms + REKEYED_GRACE_MS;
	a->st.rekeys_ike++;
	keylog_ike(a, nsa);
	log_info("%s: IKE SA rekeyed: %s replaces the old one", sa->conn->name, sa_name(nsa));
	return nsa;
}

static void ike_rekey_response(struct agent *a, struct ikesa *sa, const struct ike_msg *in)
{
	const struct ike_pld *p_sa = ike_msg_find(in, IKE_PLD_SA);
	const struct ike_pld *p_nr = ike_msg_find(in, IKE_PLD_NONCE);
	const struct ike_pld *p_ke = ike_msg_find(in, IKE_PLD_KE);
	uint8_t gir[IKE_DH_MAX_SHARED], spi[8];
	struct ike_sa *resp = calloc(1, sizeof(*resp));
	struct ike_suite s;
	struct ike_notify n;
	struct ike_blob nr;
	struct ike_ke ke;
	size_t spi_len, gir_len;

	if (!resp)
		goto retry;
	if (find_notify(in, 0, &n)) {
		log_info("%s: IKE SA rekey refused: notify %u, retrying later", sa->conn->name, n.type);
		goto retry;
	}
	if (!p_sa || !p_nr || !p_ke || ike_pld_sa(p_sa->body, p_sa->len, resp) ||
	    prop_accept(resp, IKE_PROTO_IKE, &s, spi, &spi_len) || spi_len != 8 ||
	    !prop_listed(sa->conn->ike, sa->conn->n_ike, &s, PROP_PRF) || s.dh != sa->suite.dh ||
	    ike_pld_nonce(p_nr->body, p_nr->len, &nr) || ike_pld_ke(p_ke->body, p_ke->len, &ke) ||
	    ke.group != s.dh ||
	    ike_dh_shared(sa->x_dh, ke.data, ke.len, gir, sizeof(gir), &gir_len)) {
		log_warn("%s: IKE SA rekey answer is not what we asked for", sa->conn->name);
		goto retry;
	}
	if (ike_successor(a, sa, 1, spi, &s, sa->x_ni, sizeof(sa->x_ni), nr.data, nr.len,
			  gir, gir_len)) {
		OPENSSL_cleanse(gir, sizeof(gir));
		delete_ike_start(a, sa);
		goto out;
	}
	OPENSSL_cleanse(gir, sizeof(gir));
retry:
	sa->rekey_at_ms = a->now_ms + REKEY_RETRY_MS;
out:
	free(resp);
	ike_dh_free(sa->x_dh);
	sa->x_dh = NULL;
}

static void child_rekey_response(struct agent *a, struct ikesa *sa, const struct ike_msg *in)
{
	const struct ike_pld *p_sa = ike_msg_find(in, IKE_PLD_SA);
	const struct ike_pld *p_nr = ike_msg_find(in, IKE_PLD_NONCE);
	const struct ike_pld *p_ke = ike_msg_find(in, IKE_PLD_KE);
	const struct ike_pld *p_tsi = ike_msg_find(in, IKE_PLD_TSI);
	const struct ike_pld *p_tsr = ike_msg_find(in, IKE_PLD_TSR);
	struct child_sa *old = &sa->child[sa->x_child], *c = child_slot(sa);
	struct ike_ts_set *tsi = calloc(1, sizeof(*tsi)), *tsr = calloc(1, sizeof(*tsr));
	struct ike_sa *resp = calloc(1, sizeof(*resp));
	uint8_t gir[IKE_DH_MAX_SHARED], spi[8];
	size_t spi_len, gir_len = 0;
	struct ike_notify n;
	struct ike_blob nr;
	struct ike_ke ke;

	if (!tsi || !tsr || !resp || !c)
		goto retry;
	if (find_notify(in, 0, &n)) {
		log_info("%s: CHILD_SA rekey refused: notify %u, retrying later", sa->conn->name,
			 n.type);
		goto retry;
	}
	c->cfg = old->cfg;
	if (!p_sa || !p_nr || !p_tsi || !p_tsr || ike_pld_sa(p_sa->body, p_sa->len, resp) ||
	    prop_accept(resp, IKE_PROTO_ESP, &c->suite, spi, &spi_len) ||
	    !prop_listed(old->cfg->esp, old->cfg->n_esp, &c->suite, 0) ||
	    ike_pld_nonce(p_nr->body, p_nr->len, &nr) ||
	    ike_pld_ts(p_tsi->body, p_tsi->len, tsi) || ike_pld_ts(p_tsr->body, p_tsr->len, tsr) ||
	    ts_narrow(old->cfg, tsi, tsr, &c->ts_l, &c->ts_r)) {
		log_warn("%s: CHILD_SA rekey answer is not what we asked for", sa->conn->name);
		goto retry_clear;
	}
	if (sa->x_dh) {
		if (!p_ke || ike_pld_ke(p_ke->body, p_ke->len, &ke) || c->suite.dh != ke.group ||
		    ike_dh_shared(sa->x_dh, ke.data, ke.len, gir, sizeof(gir), &gir_len)) {
			log_warn("%s: CHILD_SA rekey answer without a usable KE", sa->conn->name);
			goto retry_clear;
		}
	}
	c->spi_in = sa->x_spi;
	memcpy(&c->spi_out, spi, 4);
	c->spi_out = ntohl(c->spi_out);
	if (child_up(a, sa, c, 1, gir_len ? gir : NULL, gir_len, sa->x_ni, sizeof(sa->x_ni),
		     nr.data, nr.len, 0)) {
		OPENSSL_cleanse(gir, sizeof(gir));
		goto retry_clear;
	}
	OPENSSL_cleanse(gir, sizeof(gir));
	/* The new outbound SA carries the flow now: the old one can go. */
	device_delete(a, old, 0, 1);
	old->state = CHILD_REKEYED;
	a->st.rekeys_child++;
	log_info("%s: CHILD_SA %08x_i %08x_o rekeyed to %08x_i %08x_o", sa->conn->name,
		 old->spi_in, old->spi_out, c->spi_in, c->spi_out);
	delete_child_start(a, sa, sa->x_child);
	goto out;
retry_clear:
	child_clear(c);
retry:
	old->rekey_at_ms = a->now_ms + REKEY_RETRY_MS;
out:
	free(tsi);
	free(tsr);
	free(resp);
	ike_dh_free(sa->x_dh);
	sa->x_dh = NULL;
}

/* The answer to child_create_start(): the new child up, or why not (a
 * TEMPORARY_FAILURE is asked again later, any other refusal is final). */
static void child_create_response(struct agent *a, struct ikesa *sa, const struct ike_msg *in)
{
	const struct ike_pld *p_sa = ike_msg_find(in, IKE_PLD_SA);
	const struct ike_pld *p_nr = ike_msg_find(in, IKE_PLD_NONCE);
	const struct ike_pld *p_ke = ike_msg_find(in, IKE_PLD_KE);
	const struct ike_pld *p_tsi = ike_msg_find(in, IKE_PLD_TSI);
	const struct ike_pld *p_tsr = ike_msg_find(in, IKE_PLD_TSR);
	int idx = sa->x_cfg;
	const struct conf_child *ch = &sa->conn->children[idx];
	struct child_sa *c = child_slot(sa);
	struct ike_ts_set *tsi = calloc(1, sizeof(*tsi)), *tsr = calloc(1, sizeof(*tsr));
	struct ike_sa *resp = calloc(1, sizeof(*resp));
	uint8_t gir[IKE_DH_MAX_SHARED], spi[8];
	size_t spi_len, gir_len = 0;
	struct ike_notify n;
	struct ike_blob nr;
	struct ike_ke ke;

	sa->x_cfg = -1;
	if (!tsi || !tsr || !resp || !c) {
		sa->create_at_ms[idx] = a->now_ms + REKEY_RETRY_MS;
		goto out;
	}
	if (find_notify(in, 0, &n)) {
		log_info("%s: CHILD_SA '%s' refused by the peer: notify %u%s", sa->conn->name,
			 ch->name, n.type, n.type == IKE_N_TEMPORARY_FAILURE ? ", asking again later" : "");
		if (n.type == IKE_N_TEMPORARY_FAILURE)
			sa->create_at_ms[idx] = a->now_ms + REKEY_RETRY_MS;
		goto out;
	}
	c->cfg = ch;
	if (!p_sa || !p_nr || !p_tsi || !p_tsr || ike_pld_sa(p_sa->body, p_sa->len, resp) ||
	    prop_accept(resp, IKE_PROTO_ESP, &c->suite, spi, &spi_len) ||
	    !prop_listed(ch->esp, ch->n_esp, &c->suite, 0) ||
	    ike_pld_nonce(p_nr->body, p_nr->len, &nr) ||
	    ike_pld_ts(p_tsi->body, p_tsi->len, tsi) || ike_pld_ts(p_tsr->body, p_tsr->len, tsr) ||
	    ts_narrow(ch, tsi, tsr, &c->ts_l, &c->ts_r) || spi_len != 4) {
		log_warn("%s: CHILD_SA '%s' answer is not what we asked for", sa->conn->name,
			 ch->name);
		goto clear;
	}
	if (sa->x_dh) {
		if (!p_ke || ike_pld_ke(p_ke->body, p_ke->len, &ke) || c->suite.dh != ke.group ||
		    ike_dh_shared(sa->x_dh, ke.data, ke.len, gir, sizeof(gir), &gir_len)) {
			log_warn("%s: CHILD_SA '%s' answer without a usable KE", sa->conn->name,
				 ch->name);
			goto clear;
		}
	}
	c->spi_in = sa->x_spi;
	memcpy(&c->spi_out, spi, 4);
	c->spi_out = ntohl(c->spi_out);
	if (child_up(a, sa, c, 1, gir_len ? gir : NULL, gir_len, sa->x_ni, sizeof(sa->x_ni),
		     nr.data, nr.len, 0)) {
		/* the peer has it, we do not: it goes again (2.21.3) */
		OPENSSL_cleanse(gir, sizeof(gir));
		log_warn("%s: CHILD_SA '%s' could not be installed here", sa->conn->name, ch->name);
		goto clear;
	}
	OPENSSL_cleanse(gir, sizeof(gir));
	log_info("%s: CHILD_SA %08x_i %08x_o added (child '%s')", sa->conn->name, c->spi_in,
		 c->spi_out, ch->name);
	goto out;
clear:
	child_clear(c);
out:
	free(tsi);
	free(tsr);
	free(resp);
	ike_dh_free(sa->x_dh);
	sa->x_dh = NULL;
}

void create_rx_response(struct agent *a, struct ikesa *sa, const struct ike_msg *in)
{
	if (sa->x_cfg >= 0)
		child_create_response(a, sa, in);
	else if (sa->x_child >= 0)
		child_rekey_response(a, sa, in);
	else
		ike_rekey_response(a, sa, in);
	agent_status_write(a);
}

/* ---- the peer's requests ---- */

static void answer_notify(struct agent *a, struct ikesa *sa, uint8_t exchange, uint32_t msgid,
			  uint16_t type, const uint8_t *data, size_t len)
{
	struct ike_notify n = { .type = type, .data = data, .len = len };
	uint8_t out[128];
	struct ike_buf b;

	ike_build_chain(&b, out, sizeof(out));
	ike_build_notify(&b, &n);
	sa_send_sk(a, sa, exchange, 1, msgid, &b, P_NONE);
}

static void ike_rekey_request(struct agent *a, struct ikesa *sa, uint32_t msgid,
			      const struct ike_msg *in, const struct ike_sa *offer)
{
	const struct ike_pld *p_ni = ike_msg_find(in, IKE_PLD_NONCE);
	const struct ike_pld *p_ke = ike_msg_find(in, IKE_PLD_KE);
	uint8_t gir[IKE_DH_MAX_SHARED], spi[8], nr[AGENT_NONCE_LEN], num, out[2048];
	struct ikesa *nsa;
	struct ike_dh *dh = NULL;
	struct ike_suite s;
	struct ike_sa chosen;
	struct ike_blob ni;
	struct ike_ke ke;
	struct ike_buf b;
	size_t spi_len, gir_len;

	if (!p_ni || !p_ke || ike_pld_nonce(p_ni->body, p_ni->len, &ni) ||
	    ike_pld_ke(p_ke->body, p_ke->len, &ke)) {
		answer_notify(a, sa, IKE_CREATE_CHILD_SA, msgid, IKE_N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	if (prop_select_ike(sa->conn, offer, ke.group, &s, &num, spi, &spi_len) || spi_len != 8) {
		a->st.no_proposal++;
		answer_notify(a, sa, IKE_CREATE_CHILD_SA, msgid, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	if (ke.group != s.dh) {
		uint16_t g = htons(s.dh);

		answer_notify(a, sa, IKE_CREATE_CHILD_SA, msgid, IKE_N_INVALID_KE_PAYLOAD,
			      (const uint8_t *)&g, 2);
		return;
	}
	ike_random(nr, sizeof(nr));
	if (ike_dh_new(s.dh, &dh) ||
	    ike_dh_shared(dh, ke.data, ke.len, gir, sizeof(gir), &gir_len)) {
		ike_dh_free(dh);
		answer_notify(a, sa, IKE_CREATE_CHILD_SA, msgid, IKE_N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	nsa = ike_successor(a, sa, 0, spi, &s, ni.data, ni.len, nr, sizeof(nr), gir, gir_len);
	OPENSSL_cleanse(gir, sizeof(gir));
	if (!nsa) {
		ike_dh_free(dh);
		answer_notify(a, sa, IKE_CREATE_CHILD_SA, msgid, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	ike_build_chain(&b, out, sizeof(out));
	prop_build_chosen(IKE_PROTO_IKE, nsa->spi_r, 8, &s, num, &chosen);
	ike_build_sa(&b, &chosen);
	ike_build_nonce(&b, nr, sizeof(nr));
	build_ke(&b, dh, s.dh);
	ike_dh_free(dh);
	sa_send_sk(a, sa, IKE_CREATE_CHILD_SA, 1, msgid, &b, P_NONE);
}

static void child_rekey_request(struct agent *a, struct ikesa *sa, uint32_t msgid,
				const struct ike_msg *in, const struct ike_sa *offer,
				const struct ike_notify *rekey)
{
	const struct ike_pld *p_ni = ike_msg_find(in, IKE_PLD_NONCE);
	const struct ike_pld *p_ke = ike_msg_find(in, IKE_PLD_KE);
	const struct ike_pld *p_tsi = ike_msg_find(in, IKE_PLD_TSI);
	const struct ike_pld *p_tsr = ike_msg_find(in, IKE_PLD_TSR);
	uint8_t gir[IKE_DH_MAX_SHARED], nr[AGENT_NONCE_LEN], num, out[2048];
	struct ike_ts_set *tsi = calloc(1, sizeof(*tsi)), *tsr = calloc(1, sizeof(*tsr));
	struct child_sa *old, *c = child_slot(sa);
	struct ike_dh *dh = NULL;
	struct ike_sa chosen;
	struct ike_ts_set ts;
	struct ike_blob ni;
	struct ike_ke ke;
	struct ike_buf b;
	size_t gir_len = 0;
	uint32_t spi, nspi;
	uint16_t type = 0;
	int err;

	memcpy(&spi, rekey->spi, 4);
	old = rekey->spi_len == 4 ? child_by_out(sa, ntohl(spi)) : NULL;
	if (!tsi || !tsr || !c) {
		type = IKE_N_TEMPORARY_FAILURE;
		goto refuse;
	}
	if (!old || old->state != CHILD_INSTALLED) {
		log_info("%s: rekey of an unknown CHILD_SA %08x: CHILD_SA_NOT_FOUND", sa->conn->name,
			 ntohl(spi));
		type = IKE_N_CHILD_SA_NOT_FOUND;
		goto refuse;
	}
	if (!p_ni || !p_tsi || !p_tsr || ike_pld_nonce(p_ni->body, p_ni->len, &ni) ||
	    ike_pld_ts(p_tsi->body, p_tsi->len, tsi) || ike_pld_ts(p_tsr->body, p_tsr->len, tsr) ||
	    (p_ke && ike_pld_ke(p_ke->body, p_ke->len, &ke))) {
		type = IKE_N_INVALID_SYNTAX;
		goto refuse;
	}
	c->cfg = old->cfg;	/* a rekey keeps the child's configuration */
	if (prop_select_esp(c->cfg, offer, !!p_ke, &c->suite, &num, &c->spi_out)) {
		a->st.no_proposal++;
		type = IKE_N_NO_PROPOSAL_CHOSEN;
		goto refuse;
	}
	if (p_ke && !c->suite.dh) {
		/* PFS offered but not configured here: take the offer's group */
		c->suite.dh = ke.group;
	}
	if (p_ke && ke.group != c->suite.dh) {
		uint16_t g = htons(c->suite.dh);

		child_clear(c);
		answer_notify(a, sa, IKE_CREATE_CHILD_SA, msgid, IKE_N_INVALID_KE_PAYLOAD,
			      (const uint8_t *)&g, 2);
		goto out;
	}
	if (ts_narrow(c->cfg, tsr, tsi, &c->ts_l, &c->ts_r)) {
		a->st.ts_unacceptable++;
		type = IKE_N_TS_UNACCEPTABLE;
		goto refuse;
	}
	ike_random(nr, sizeof(nr));
	if (p_ke) {
		if (ike_dh_new(ke.group, &dh) ||
		    ike_dh_shared(dh, ke.data, ke.len, gir, sizeof(gir), &gir_len)) {
			type = IKE_N_INVALID_SYNTAX;
			goto refuse;
		}
	}
	c->spi_in = child_new_spi();
	err = child_up(a, sa, c, 0, gir_len ? gir : NULL, gir_len, ni.data, ni.len, nr,
		       sizeof(nr), 1);
	if (err) {
		OPENSSL_cleanse(gir, sizeof(gir));
		if (err == NICSEC_CTL_E_NO_SPACE) {
			log_warn("%s: the device has no room for the rekeyed CHILD_SA: "
				 "TEMPORARY_FAILURE", sa->conn->name);
			a->st.device_full++;
		}
		type = IKE_N_TEMPORARY_FAILURE;
		goto refuse;
	}
	OPENSSL_cleanse(gir, sizeof(gir));
	old->state = CHILD_REKEYED;
	old->rekey_at_ms = 0;
	old->expire_at_ms = a->now_ms + REKEYED_GRACE_MS;	/* the peer deletes it before */
	a->st.rekeys_child++;
	log_info("%s: CHILD_SA %08x_i %08x_o rekeyed by the peer to %08x_i %08x_o",
		 sa->conn->name, old->spi_in, old->spi_out, c->spi_in, c->spi_out);
	nspi = htonl(c->spi_in);
	ike_build_chain(&b, out, sizeof(out));
	prop_build_chosen(IKE_PROTO_ESP, (const uint8_t *)&nspi, 4, &c->suite, num, &chosen);
	ike_build_sa(&b, &chosen);
	ike_build_nonce(&b, nr, sizeof(nr));
	if (dh)
		build_ke(&b, dh, ke.group);
	ts_from_conf(&c->ts_r, &ts);
	ike_build_ts(&b, IKE_PLD_TSI, &ts);
	ts_from_conf(&c->ts_l, &ts);
	ike_build_ts(&b, IKE_PLD_TSR, &ts);
	sa_send_sk(a, sa, IKE_CREATE_CHILD_SA, 1, msgid, &b, P_NONE);
	goto out;
refuse:
	if (c)
		child_clear(c);
	answer_notify(a, sa, IKE_CREATE_CHILD_SA, msgid, type, NULL, 0);
out:
	ike_dh_free(dh);
	free(tsi);
	free(tsr);
}

/* CREATE_CHILD_SA without REKEY_SA: another CHILD_SA on this IKE SA, for
 * the child configuration its selectors and proposals fit, installed as
 * its own SA pair on the device before we answer. */
static void child_create_request(struct agent *a, struct ikesa *sa, uint32_t msgid,
				 const struct ike_msg *in, const struct ike_sa *offer)
{
	const struct ike_pld *p_ni = ike_msg_find(in, IKE_PLD_NONCE);
	const struct ike_pld *p_ke = ike_msg_find(in, IKE_PLD_KE);
	const struct ike_pld *p_tsi = ike_msg_find(in, IKE_PLD_TSI);
	const struct ike_pld *p_tsr = ike_msg_find(in, IKE_PLD_TSR);
	uint8_t gir[IKE_DH_MAX_SHARED], nr[AGENT_NONCE_LEN], num, out[2048];
	struct ike_ts_set *tsi = calloc(1, sizeof(*tsi)), *tsr = calloc(1, sizeof(*tsr));
	struct child_sa *c = child_slot(sa), *dup;
	struct ike_dh *dh = NULL;
	struct ike_sa chosen;
	struct ike_ts_set ts;
	struct ike_blob ni;
	struct ike_ke ke;
	struct ike_buf b;
	size_t gir_len = 0;
	uint32_t nspi;
	uint16_t type = 0;
	int err;

	if (!tsi || !tsr) {
		type = IKE_N_TEMPORARY_FAILURE;
		goto refuse;
	}
	if (!c) {
		log_info("%s: all %d CHILD_SA slots in use: NO_ADDITIONAL_SAS", sa->conn->name,
			 AGENT_MAX_CHILD);
		type = IKE_N_NO_ADDITIONAL_SAS;
		goto refuse;
	}
	if (!p_ni || !p_tsi || !p_tsr || ike_pld_nonce(p_ni->body, p_ni->len, &ni) ||
	    ike_pld_ts(p_tsi->body, p_tsi->len, tsi) || ike_pld_ts(p_tsr->body, p_tsr->len, tsr) ||
	    (p_ke && ike_pld_ke(p_ke->body, p_ke->len, &ke))) {
		type = IKE_N_INVALID_SYNTAX;
		goto refuse;
	}
	type = child_cfg_pick(a, sa, c, offer, !!p_ke, tsr, tsi, &num);
	if (type)
		goto refuse;
	if (p_ke && !c->suite.dh)
		c->suite.dh = ke.group;	/* PFS offered but not configured: the offer's */
	if (p_ke && ke.group != c->suite.dh) {
		uint16_t g = htons(c->suite.dh);

		child_clear(c);
		answer_notify(a, sa, IKE_CREATE_CHILD_SA, msgid, IKE_N_INVALID_KE_PAYLOAD,
			      (const uint8_t *)&g, 2);
		goto out;
	}
	dup = child_same_flow(sa, c);
	if (dup) {
		/* the device carries a flow with one SA: a second CHILD_SA for
		 * the same selectors would silently take it over */
		log_info("%s: CHILD_SA %08x_i already carries these selectors: TS_UNACCEPTABLE",
			 sa->conn->name, dup->spi_in);
		a->st.ts_unacceptable++;
		type = IKE_N_TS_UNACCEPTABLE;
		goto refuse;
	}
	ike_random(nr, sizeof(nr));
	if (p_ke && (ike_dh_new(ke.group, &dh) ||
		     ike_dh_shared(dh, ke.data, ke.len, gir, sizeof(gir), &gir_len))) {
		type = IKE_N_INVALID_SYNTAX;
		goto refuse;
	}
	c->spi_in = child_new_spi();
	err = child_up(a, sa, c, 0, gir_len ? gir : NULL, gir_len, ni.data, ni.len, nr,
		       sizeof(nr), 0);
	OPENSSL_cleanse(gir, sizeof(gir));
	if (err) {
		if (err == NICSEC_CTL_E_NO_SPACE) {
			log_warn("%s: the device has no room for another CHILD_SA: "
				 "TEMPORARY_FAILURE", sa->conn->name);
			a->st.device_full++;
		}
		type = IKE_N_TEMPORARY_FAILURE;
		goto refuse;
	}
	log_info("%s: CHILD_SA %08x_i %08x_o added (child '%s')", sa->conn->name, c->spi_in,
		 c->spi_out, c->cfg->name);
	nspi = htonl(c->spi_in);
	ike_build_chain(&b, out, sizeof(out));
	prop_build_chosen(IKE_PROTO_ESP, (const uint8_t *)&nspi, 4, &c->suite, num, &chosen);
	ike_build_sa(&b, &chosen);
	ike_build_nonce(&b, nr, sizeof(nr));
	if (dh)
		build_ke(&b, dh, ke.group);
	ts_from_conf(&c->ts_r, &ts);
	ike_build_ts(&b, IKE_PLD_TSI, &ts);
	ts_from_conf(&c->ts_l, &ts);
	ike_build_ts(&b, IKE_PLD_TSR, &ts);
	sa_send_sk(a, sa, IKE_CREATE_CHILD_SA, 1, msgid, &b, P_NONE);
	goto out;
refuse:
	if (c)
		child_clear(c);
	answer_notify(a, sa, IKE_CREATE_CHILD_SA, msgid, type, NULL, 0);
out:
	ike_dh_free(dh);
	free(tsi);
	free(tsr);
}

void create_rx_request(struct agent *a, struct ikesa *sa, uint32_t msgid,
		       const struct ike_msg *in)
{
	const struct ike_pld *p_sa = ike_msg_find(in, IKE_PLD_SA);
	struct ike_sa *offer;
	struct ike_notify rekey;

	if (sa->state != SA_ESTABLISHED) {
		answer_notify(a, sa, IKE_CREATE_CHILD_SA, msgid, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	if (sa->pending == P_CHILD_REKEY || sa->pending == P_IKE_REKEY) {
		log_info("%s: simultaneous rekey: TEMPORARY_FAILURE", sa->conn->name);
		answer_notify(a, sa, IKE_CREATE_CHILD_SA, msgid, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	offer = calloc(1, sizeof(*offer));
	if (!offer)
		return;
	if (!p_sa || ike_pld_sa(p_sa->body, p_sa->len, offer) || !offer->n_prop) {
		answer_notify(a, sa, IKE_CREATE_CHILD_SA, msgid, IKE_N_INVALID_SYNTAX, NULL, 0);
	} else if (offer->prop[0].proto == IKE_PROTO_IKE) {
		ike_rekey_request(a, sa, msgid, in, offer);
	} else if (find_notify(in, IKE_N_REKEY_SA, &rekey)) {
		child_rekey_request(a, sa, msgid, in, offer, &rekey);
	} else {
		child_create_request(a, sa, msgid, in, offer);
	}
	free(offer);
	agent_status_write(a);
}

