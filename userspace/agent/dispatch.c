// SPDX-License-Identifier: GPL-2.0
/*
 * Datagrams in (non-ESP marker on 4500, parse, SA lookup, message id and
 * role checks, SK decryption) handed to the exchange they belong to
 * (init.c, create.c); the timers: retransmission of our request with
 * window size 1, the cached answer for a retransmitted request, rekeys,
 * DPD, inactivity and expiry. The top of the agent below main.c.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include "agent.h"
#include "log.h"

static const struct ike_sk_keys *rx_keys(const struct ikesa *sa)
{
	return sa->initiator ? &sa->keys.r : &sa->keys.i;
}

/* A request on an SA we know: new, a retransmission, or out of window. */
static int msgid_check_request(struct agent *a, struct ikesa *sa, uint32_t msgid)
{
	if (msgid == sa->peer_msgid)
		return 1;
	if (sa->have_resp && msgid == sa->resp_msgid) {
		log_debug("%s: retransmitted request %u answered again", sa_name(sa), msgid);
		a->st.rtx++;
		sa_xmit(a, sa, sa->resp, sa->resp_len);
		return 0;
	}
	a->st.drop_msgid++;
	log_debug("%s: request with message id %u, expected %u: dropped", sa_name(sa), msgid,
		  sa->peer_msgid);
	return 0;
}

static void rx_protected(struct agent *a, struct ikesa *sa, int natt,
			 const struct sockaddr_in *from, uint8_t *buf, size_t len,
			 const struct ike_msg *m)
{
	int response = !!(m->hdr.flags & IKE_FLAG_RESPONSE);
	const struct ike_pld *sk = ike_msg_find(m, IKE_PLD_SK);
	const uint8_t *pt;
	size_t pt_len;
	struct ike_msg in;
	int err;

	if (sa->state == SA_INIT_SENT) {	/* no keys yet */
		a->st.drop_state++;
		return;
	}
	/* The I flag says who sent it: it must be the peer's role. */
	if (!!(m->hdr.flags & IKE_FLAG_INITIATOR) == !!sa->initiator) {
		a->st.drop_parse++;
		log_debug("%s: initiator flag of our own role: dropped", sa_name(sa));
		return;
	}
	if (response) {
		if (sa->pending == P_NONE || m->hdr.msgid != sa->my_msgid) {
			a->st.drop_msgid++;
			log_debug("%s: unexpected response %u: dropped", sa_name(sa), m->hdr.msgid);
			return;
		}
	} else if (!msgid_check_request(a, sa, m->hdr.msgid)) {
		return;
	}
	if (!sk || m->n_pld != 1) {
		/* 3.14: everything after IKE_SA_INIT travels in SK */
		a->st.drop_parse++;
		log_info("%s: message %u without an SK payload (or with payloads outside it): dropped",
			 sa_name(sa), m->hdr.msgid);
		return;
	}
	err = ike_sk_open(&sa->suite, rx_keys(sa), buf, len, sk->off, &pt, &pt_len);
	if (err) {
		a->st.drop_auth++;
		log_info("%s: message %u failed integrity check (%s): dropped", sa_name(sa),
			 m->hdr.msgid, err == -EBADMSG ? "ICV" : "length");
		return;
	}
	err = ike_pld_chain(m->sk_next, pt, pt_len, &in);
	if (err) {
		a->st.drop_parse++;
		log_info("%s: message %u: encrypted payloads malformed: %s", sa_name(sa),
			 m->hdr.msgid, ike_err_str(err));
		if (!response) {
			struct ike_buf b;
			struct ike_notify n = { .type = ike_err_notify(err) ?: IKE_N_INVALID_SYNTAX };
			uint8_t out[64], bad = in.bad_type;

			if (err == IKE_E_CRITICAL) {
				n.data = &bad;
				n.len = 1;
			}
			ike_build_chain(&b, out, sizeof(out));
			ike_build_notify(&b, &n);
			sa->peer_msgid++;
			sa_send_sk(a, sa, m->hdr.exchange, 1, m->hdr.msgid, &b, P_NONE);
		}
		return;
	}
	/* 2.23: answer and send to where the peer's last authenticated message came from */
	if (from->sin_addr.s_addr != sa->peer.sin_addr.s_addr || from->sin_port != sa->peer.sin_port ||
	    natt != sa->natt) {
		log_debug("%s: peer now at %s:%u", sa_name(sa), inet_ntoa(from->sin_addr),
			  ntohs(from->sin_port));
		sa->peer = *from;
		sa->natt = natt;
	}
	sa->last_rx_ms = a->now_ms;

	if (response) {
		enum sa_pending p = sa->pending;

		sa->pending = P_NONE;
		sa->my_msgid++;
		buf_free(&sa->req, &sa->req_len);
		switch (p) {
		case P_AUTH:
			auth_rx_response(a, sa, &in);
			break;
		case P_CHILD_REKEY:
		case P_CHILD_CREATE:
		case P_IKE_REKEY:
			create_rx_response(a, sa, &in);
			break;
		default:
			info_rx_response(a, sa, p, &in);
			break;
		}
		return;
	}
	sa->peer_msgid++;
	switch (m->hdr.exchange) {
	case IKE_AUTH:
		if (sa->state != SA_HALF_OPEN || sa->initiator) {
			a->st.drop_state++;
			return;
		}
		auth_rx_request(a, sa, &in);
		break;
	case IKE_CREATE_CHILD_SA:
		create_rx_request(a, sa, m->hdr.msgid, &in);
		break;
	case IKE_INFORMATIONAL:
		info_rx_request(a, sa, m->hdr.msgid, &in);
		break;
	default:
		a->st.drop_parse++;
		break;
	}
}

void agent_rx(struct agent *a, int natt, const struct sockaddr_in *from,
	      const struct sockaddr_in *local, uint8_t *buf, size_t len)
{
	struct ike_msg *m;
	struct ike_hdr h;
	struct ikesa *sa;
	int err;

	a->st.rx++;
	if (natt) {
		static const uint8_t marker[4];

		if (len == 1 && buf[0] == 0xff)
			return;		/* NAT keepalive (RFC 3948 2.3) */
		if (len < 4 || memcmp(buf, marker, 4)) {
			a->st.drop_parse++;
			log_debug("datagram on 4500 without the non-ESP marker: dropped");
			return;
		}
		buf += 4;
		len -= 4;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return;
	err = ike_pld_msg(buf, len, m);
	if (err) {
		a->st.drop_parse++;
		log_info("from %s:%u: malformed IKE message: %s", inet_ntoa(from->sin_addr),
			 ntohs(from->sin_port), ike_err_str(err));
		/* Unauthenticated answers only to an IKE_SA_INIT request (2.21.1). */
		if (!ike_pld_hdr(buf, len, &h) && h.exchange == IKE_SA_INIT &&
		    !(h.flags & IKE_FLAG_RESPONSE) && ike_err_notify(err)) {
			uint8_t bad = m->bad_type;
			int crit = err == IKE_E_CRITICAL;

			agent_send_notify(a, natt, from, &h, ike_err_notify(err),
					  crit ? &bad : NULL, crit);
		}
		goto out;
	}
	if (m->hdr.exchange == IKE_SA_INIT) {
		if (m->hdr.flags & IKE_FLAG_RESPONSE) {
			sa = sa_by_spi(a, m->hdr.spi_i, NULL);
			if (!sa || sa->state != SA_INIT_SENT || !sa->initiator) {
				a->st.drop_nosa++;
				goto out;
			}
			init_rx_response(a, sa, buf, len, m);
		} else {
			init_rx_request(a, natt, from, local, buf, len, m);
		}
		goto out;
	}
	sa = sa_by_spi(a, m->hdr.spi_i, m->hdr.spi_r);
	if (!sa) {
		a->st.drop_nosa++;
		log_debug("message for an unknown IKE SA: dropped");
		goto out;
	}
	rx_protected(a, sa, natt, from, buf, len, m);
out:
	free(m);
}

uint64_t agent_next_timer(struct agent *a)
{
	uint64_t next = a->now_ms + 1000;
	unsigned int i, j;

	for (i = 0; i < AGENT_MAX_SA; i++) {
		const struct ikesa *sa = &a->sa[i];

		if (sa->state == SA_FREE)
			continue;
		if (sa->pending != P_NONE && sa->req_rtx_ms < next)
			next = sa->req_rtx_ms;
		if (sa->rekey_at_ms && sa->rekey_at_ms < next)
			next = sa->rekey_at_ms;
		if ((sa->state == SA_HALF_OPEN || sa->state == SA_REKEYED ||
		     sa->state == SA_DELETING) && sa->half_open_deadline_ms < next)
			next = sa->half_open_deadline_ms;
		for (j = 0; j < AGENT_MAX_CHILD; j++) {
			const struct child_sa *c = &sa->child[j];

			if (c->state == CHILD_FREE)
				continue;
			if (c->rekey_at_ms && c->rekey_at_ms < next)
				next = c->rekey_at_ms;
			if (c->expire_at_ms && c->expire_at_ms < next)
				next = c->expire_at_ms;
			if (c->out_pending && c->out_at_ms < next)
				next = c->out_at_ms;
		}
	}
	return next;
}

static void sa_retransmit(struct agent *a, struct ikesa *sa)
{
	if (sa->req_tries >= AGENT_RTX_TRIES) {
		log_warn("%s: %s: no answer after %u transmissions: IKE SA deleted",
			 sa->conn->name, sa_name(sa), sa->req_tries);
		sa_free(a, sa);
		return;
	}
	sa->req_tries++;
	sa->req_rtx_ms = a->now_ms + ((uint64_t)AGENT_RTX_FIRST_MS << (sa->req_tries - 1));
	a->st.rtx++;
	log_debug("%s: retransmitting request %u (try %u)", sa_name(sa), sa->my_msgid,
		  sa->req_tries);
	sa_xmit(a, sa, sa->req, sa->req_len);
}

/*
 * Inactivity: the device's counters of the CHILD_SA did not move. Asking
 * costs two QUERY round trips on the control channel, so at most once per
 * IDLE_CHECK_MS, not on every pass of the event loop.
 */
#define IDLE_CHECK_MS	1000

static int child_idle(struct agent *a, const struct ikesa *sa, struct child_sa *c)
{
	uint32_t idle = c->cfg ? c->cfg->inactivity : 0;
	uint64_t bytes;

	if (!idle || a->now_ms - c->idle_check_ms < IDLE_CHECK_MS)
		return 0;
	c->idle_check_ms = a->now_ms;
	if (device_bytes(a, c, &bytes))
		return 0;
	if (bytes != c->last_bytes) {
		c->last_bytes = bytes;
		c->last_active_ms = a->now_ms;
		return 0;
	}
	return a->now_ms - c->last_active_ms >= (uint64_t)idle * 1000;
}

static void sa_timers(struct agent *a, struct ikesa *sa)
{
	unsigned int j;

	if (sa->pending != P_NONE && sa->req && a->now_ms >= sa->req_rtx_ms) {
		sa_retransmit(a, sa);
		if (sa->state == SA_FREE)
			return;
	}
	if (sa->state == SA_HALF_OPEN && a->now_ms >= sa->half_open_deadline_ms) {
		log_info("%s: half-open IKE SA timed out", sa_name(sa));
		sa_free(a, sa);
		return;
	}
	if ((sa->state == SA_REKEYED || sa->state == SA_DELETING) &&
	    a->now_ms >= sa->half_open_deadline_ms) {
		log_info("%s: IKE SA %s: no DELETE exchange in time, dropped", sa->conn->name,
			 sa_name(sa));
		sa_free(a, sa);
		return;
	}
	for (j = 0; j < AGENT_MAX_CHILD; j++)
		if (sa->child[j].out_pending && a->now_ms >= sa->child[j].out_at_ms)
			child_out_install(a, sa, &sa->child[j]);
	if (sa->state != SA_ESTABLISHED || sa->pending != P_NONE)
		return;
	for (j = 0; j < AGENT_MAX_CHILD; j++) {
		struct child_sa *c = &sa->child[j];

		/* a rekeyed CHILD_SA the peer did not delete in time: we do */
		if (c->state == CHILD_REKEYED && c->expire_at_ms && a->now_ms >= c->expire_at_ms) {
			delete_child_start(a, sa, j);
			return;
		}
		if (c->state != CHILD_INSTALLED)
			continue;
		if (c->rekey_at_ms && a->now_ms >= c->rekey_at_ms) {
			log_info("%s: CHILD_SA %08x_i %08x_o: rekey time reached",
				 sa->conn->name, c->spi_in, c->spi_out);
			child_rekey_start(a, sa, j);
			return;
		}
		if (c->expire_at_ms && a->now_ms >= c->expire_at_ms) {
			log_info("%s: CHILD_SA %08x_i %08x_o: life time reached, deleting",
				 sa->conn->name, c->spi_in, c->spi_out);
			delete_child_start(a, sa, j);
			return;
		}
		if (child_idle(a, sa, c)) {
			log_info("%s: CHILD_SA %08x_i %08x_o: inactive for %us, rekeying",
				 sa->conn->name, c->spi_in, c->spi_out, c->cfg->inactivity);
			c->last_active_ms = a->now_ms;
			child_rekey_start(a, sa, j);
			return;
		}
	}
	/* a connection we start asks for its other children, one at a time,
	 * once each (a child the peer deletes later is not asked for again) */
	for (j = 1; sa->conn->start && j < sa->conn->n_child; j++) {
		const struct conf_child *ch = &sa->conn->children[j];
		unsigned int k;
		int have = 0;

		if (sa->create_at_ms[j] == UINT64_MAX || a->now_ms < sa->create_at_ms[j])
			continue;
		for (k = 0; k < AGENT_MAX_CHILD && !have; k++)
			have = sa->child[k].state != CHILD_FREE && sa->child[k].cfg == ch;
		if (have) {
			sa->create_at_ms[j] = UINT64_MAX;
			continue;
		}
		child_create_start(a, sa, (int)j);
		return;
	}
	if (sa->rekey_at_ms && a->now_ms >= sa->rekey_at_ms) {
		log_info("%s: IKE SA rekey time reached", sa->conn->name);
		ike_rekey_start(a, sa);
		return;
	}
	if (sa->conn->dpd_delay && a->now_ms - sa->last_rx_ms >= sa->conn->dpd_delay * 1000ull) {
		dpd_start(a, sa);
		return;
	}
}

void agent_timers(struct agent *a)
{
	unsigned int i;

	for (i = 0; i < AGENT_MAX_SA; i++)
		if (a->sa[i].state != SA_FREE)
			sa_timers(a, &a->sa[i]);
}
