// SPDX-License-Identifier: GPL-2.0
/*
 * The IKE SA table (new, free, lookup by SPIs) and the sending half of the
 * transport: the header, SK protection, the datagram out (with the
 * non-ESP marker on 4500), a notify without an SA. The receiving half and
 * the timers are dispatch.c; the exchanges are init.c and create.c.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include "agent.h"
#include "flow_hash.h"	/* nicsec_siphash16() */
#include "log.h"

static const uint8_t zero_spi[8];

static uint32_t spi_bucket(const struct agent *a, const uint8_t *spi_i)
{
	uint64_t w;

	memcpy(&w, spi_i, 8);
	return (uint32_t)nicsec_siphash16(a->spi_key[0], a->spi_key[1], w, 0) %
	       AGENT_SPI_BUCKETS;
}

void sa_index(struct agent *a, struct ikesa *sa)
{
	uint32_t b = spi_bucket(a, sa->spi_i);

	if (sa->indexed)
		return;
	sa->spi_next = a->spi_head[b];
	a->spi_head[b] = (uint32_t)(sa - a->sa) + 1;
	sa->indexed = 1;
}

static void sa_unindex(struct agent *a, struct ikesa *sa)
{
	uint32_t *link = &a->spi_head[spi_bucket(a, sa->spi_i)], me = (uint32_t)(sa - a->sa) + 1;

	if (!sa->indexed)
		return;
	while (*link && *link != me)
		link = &a->sa[*link - 1].spi_next;
	if (*link)
		*link = sa->spi_next;
	sa->indexed = 0;
}

struct ikesa *sa_new(struct agent *a, const struct conf_conn *conn, int initiator)
{
	unsigned int i;

	for (i = 0; i < AGENT_MAX_SA; i++) {
		struct ikesa *sa = &a->sa[i];
		uint8_t *mine;

		if (sa->state != SA_FREE)
			continue;
		memset(sa, 0, sizeof(*sa));
		sa->conn = conn;
		sa->initiator = initiator;
		sa->x_child = -1;
		sa->x_cfg = -1;
		mine = initiator ? sa->spi_i : sa->spi_r;
		do {
			if (ike_random(mine, 8))
				return NULL;
		} while (!memcmp(mine, zero_spi, 8));
		sa->created_ms = a->now_ms;
		sa->last_rx_ms = a->now_ms;
		sa->peer.sin_family = AF_INET;
		sa->peer.sin_addr.s_addr = conn->remote_addr;
		sa->peer.sin_port = htons(conn->remote_port);
		return sa;
	}
	log_warn("IKE SA table full (%d)", AGENT_MAX_SA);
	return NULL;
}

void buf_free(uint8_t **p, size_t *len)
{
	if (*p) {
		OPENSSL_cleanse(*p, *len);
		free(*p);
	}
	*p = NULL;
	*len = 0;
}

/* Also for a slot sa_new() handed out whose setup failed (still SA_FREE):
 * a slot never used is all zeros, so everything below is a no-op on it. */
void sa_free(struct agent *a, struct ikesa *sa)
{
	int used = sa->state != SA_FREE;
	unsigned int i;

	for (i = 0; i < AGENT_MAX_CHILD; i++) {
		struct child_sa *c = &sa->child[i];

		if (c->state == CHILD_FREE)
			continue;
		log_info("%s: CHILD_SA %08x_i %08x_o removed from the device",
			 sa->conn ? sa->conn->name : "?", c->spi_in, c->spi_out);
		device_delete(a, c, 1, 1);
	}
	sa_unindex(a, sa);
	ike_dh_free(sa->dh);
	ike_dh_free(sa->x_dh);
	buf_free(&sa->init_req, &sa->init_req_len);
	buf_free(&sa->init_resp, &sa->init_resp_len);
	buf_free(&sa->req, &sa->req_len);
	buf_free(&sa->resp, &sa->resp_len);
	OPENSSL_cleanse(sa, sizeof(*sa));
	sa->state = SA_FREE;
	if (used)
		agent_status_write(a);
}

void sa_delete_all(struct agent *a)
{
	unsigned int i;

	for (i = 0; i < AGENT_MAX_SA; i++)
		sa_free(a, &a->sa[i]);
}

struct ikesa *sa_by_spi(struct agent *a, const uint8_t *spi_i, const uint8_t *spi_r)
{
	uint32_t n = a->spi_head[spi_bucket(a, spi_i)];

	for (; n; n = a->sa[n - 1].spi_next) {
		struct ikesa *sa = &a->sa[n - 1];

		if (sa->state == SA_FREE || memcmp(sa->spi_i, spi_i, 8))
			continue;
		if (spi_r && memcmp(sa->spi_r, spi_r, 8))
			continue;
		return sa;
	}
	return NULL;
}

void sa_hdr(const struct ikesa *sa, struct ike_hdr *h, uint8_t exchange, int response,
	    uint32_t msgid)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->spi_i, sa->spi_i, 8);
	memcpy(h->spi_r, sa->spi_r, 8);
	h->version = IKE_VERSION;
	h->exchange = exchange;
	h->flags = (sa->initiator ? IKE_FLAG_INITIATOR : 0) | (response ? IKE_FLAG_RESPONSE : 0);
	h->msgid = msgid;
}

int agent_sendto(struct agent *a, int natt, const struct sockaddr_in *to,
		 const uint8_t *msg, size_t len)
{
	static const uint8_t marker[4];
	struct iovec iov[2] = {
		{ .iov_base = (void *)marker, .iov_len = natt ? 4 : 0 },
		{ .iov_base = (void *)msg, .iov_len = len },
	};
	struct msghdr mh = {
		.msg_name = (void *)to, .msg_namelen = sizeof(*to),
		.msg_iov = iov, .msg_iovlen = 2,
	};

	if (sendmsg(natt ? a->fd4500 : a->fd500, &mh, 0) < 0) {
		log_warn("send to %s:%u: %m", inet_ntoa(to->sin_addr), ntohs(to->sin_port));
		return -errno;
	}
	a->st.tx++;
	return 0;
}

int sa_xmit(struct agent *a, struct ikesa *sa, const uint8_t *msg, size_t len)
{
	return agent_sendto(a, sa->natt, &sa->peer, msg, len);
}

static const struct ike_sk_keys *tx_keys(const struct ikesa *sa)
{
	return sa->initiator ? &sa->keys.i : &sa->keys.r;
}

void sa_keep_request(struct agent *a, struct ikesa *sa, uint8_t *msg, size_t len,
		     enum sa_pending pending)
{
	buf_free(&sa->req, &sa->req_len);
	sa->req = msg;
	sa->req_len = len;
	sa->req_tries = 1;
	sa->req_rtx_ms = a->now_ms + AGENT_RTX_FIRST_MS;
	sa->pending = pending;
}

int sa_send_sk(struct agent *a, struct ikesa *sa, uint8_t exchange, int response,
	       uint32_t msgid, const struct ike_buf *plain, enum sa_pending pending)
{
	int iv_len = ike_sk_iv_len(&sa->suite);
	uint8_t *msg, *body;
	struct ike_hdr h;
	struct ike_buf b;
	size_t sk_off, out_len;
	int err;

	if (plain->err || iv_len < 0)
		return -EINVAL;
	msg = calloc(1, AGENT_MSG_MAX);
	body = calloc(1, AGENT_MSG_MAX);
	if (!msg || !body) {
		free(msg);
		free(body);
		return -ENOMEM;
	}
	/* SK with the IV space and the plaintext; ike_sk_seal() does the rest. */
	memcpy(body + iv_len, plain->p, plain->len);
	sa_hdr(sa, &h, exchange, response, msgid);
	ike_build_begin(&b, msg, AGENT_MSG_MAX - IKE_SK_MAX_OVERHEAD, &h);
	sk_off = b.len;
	/* room for the pad length byte and the ICV too: the SK validator
	 * wants a whole payload, and ike_sk_seal() rewrites the lengths */
	ike_build_sk(&b, plain->len ? plain->first : IKE_PLD_NONE, body,
		     iv_len + plain->len + 1 + ike_sk_icv_len(&sa->suite));
	err = ike_build_end(&b);
	OPENSSL_cleanse(body, AGENT_MSG_MAX);
	free(body);
	if (err < 0) {
		log_warn("%s: message does not fit: %s", sa_name(sa), ike_err_str(err));
		free(msg);
		return -EMSGSIZE;
	}
	err = ike_sk_seal(&sa->suite, tx_keys(sa), sa->iv_counter++, msg, AGENT_MSG_MAX,
			  sk_off, plain->len, &out_len);
	if (err) {
		log_err("%s: SK seal failed (%d)", sa_name(sa), err);
		free(msg);
		return err;
	}
	if (response) {
		buf_free(&sa->resp, &sa->resp_len);
		sa->resp = msg;
		sa->resp_len = out_len;
		sa->resp_msgid = msgid;
		sa->have_resp = 1;
	} else {
		sa_keep_request(a, sa, msg, out_len, pending);
	}
	return sa_xmit(a, sa, msg, out_len);
}

void agent_send_notify(struct agent *a, int natt, const struct sockaddr_in *to,
		       const struct ike_hdr *req, uint16_t type,
		       const uint8_t *data, size_t len)
{
	struct ike_notify n = { .type = type, .len = len, .data = data };
	uint8_t out[512];
	struct ike_hdr h = *req;
	struct ike_buf b;
	int r;

	h.flags = IKE_FLAG_RESPONSE;	/* from the responder: no I flag */
	h.version = IKE_VERSION;
	ike_build_begin(&b, out, sizeof(out), &h);
	ike_build_notify(&b, &n);
	r = ike_build_end(&b);
	if (r > 0)
		agent_sendto(a, natt, to, out, r);
}

