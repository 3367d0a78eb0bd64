// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's side of the control channel (DESIGN.md steps 6-7, 9): each
 * CHILD_SA becomes two SAs on the device (outbound: the flow from our side
 * to the peer's, encrypted by the device; inbound: the peer's SPI,
 * decrypted and checked against the reverse flow), confirmed by the
 * device's STATUS before the agent goes on. Keys exist here only between derivation and
 * the sealed INSTALL, and are wiped on every path.
 *
 * Both directions of a CHILD_SA go in one INSTALL (and one DELETE), which
 * the device applies all or nothing. Requests block the agent until their
 * STATUS (at most the channel's retransmission budget, about 5 s).
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include "agent.h"
#include "ctl.h"
#include "log.h"

#define NO_DEV_SA UINT32_MAX

static struct nicsec_ctl_chan *chan;

int device_open(struct agent *a)
{
	struct sockaddr_in dev = { .sin_family = AF_INET };
	uint8_t key[32];
	int err;

	if (!a->conf->dev_addr) {
		log_warn("no device configured: CHILD_SA keys go nowhere (IKE only)");
		return 0;
	}
	err = nicsec_ctl_key_load(a->conf->enroll_key, key);
	if (err) {
		log_err("enrollment key %s: %s", a->conf->enroll_key, nicsec_ctl_strerror(err));
		return -1;
	}
	dev.sin_addr.s_addr = a->conf->dev_addr;
	dev.sin_port = htons(a->conf->dev_port);
	err = nicsec_ctl_chan_open(&chan, (struct sockaddr *)&dev, sizeof(dev), key, NULL);
	OPENSSL_cleanse(key, sizeof(key));
	if (err) {
		log_err("control channel to %s:%u: %s", inet_ntoa(dev.sin_addr), a->conf->dev_port,
			nicsec_ctl_strerror(err));
		return -1;
	}
	log_info("device %s:%u: control channel from port %u", inet_ntoa(dev.sin_addr),
		 a->conf->dev_port, nicsec_ctl_chan_port(chan));
	return 0;
}

void device_close(void)
{
	if (chan)
		nicsec_ctl_chan_close(chan);
	chan = NULL;
}

static void flow_of(const struct conf_ts *src, const struct conf_ts *dst,
		    struct nicsec_ctl_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->saddr = src->addr;
	f->daddr = dst->addr;
	if (src->proto) {
		f->proto = src->proto;
		f->sport = htons(src->port);
		f->dport = htons(dst->port);
		f->ntuple = 5;
	} else {
		f->ntuple = 2;
	}
}

/* The device's view of one direction of CHILD_SA @c. */
static void sa_entry(const struct ikesa *sa, const struct child_sa *c, int out,
		     const uint8_t *key, struct nicsec_ctl_sa *s)
{
	const struct conf_conn *conn = sa->conn;
	int klen = c->suite.encr_bits / 8;

	memset(s, 0, sizeof(*s));
	s->present = NICSEC_CTL_SA_REQUIRED | NICSEC_CTL_F(NICSEC_CTL_T_ENCAP);
	s->encap.local_addr = conn->local_addr;
	s->encap.peer_addr = sa->peer.sin_addr.s_addr;
	s->encap.local_port = htons(NATT_PORT);
	s->encap.peer_port = sa->peer.sin_port;
	if (out) {
		flow_of(&c->ts_l, &c->ts_r, &s->flow);
		s->dir = NICSEC_CTL_DIR_OUT;
		s->spi = c->spi_out;
	} else {
		flow_of(&c->ts_r, &c->ts_l, &s->flow);
		s->dir = NICSEC_CTL_DIR_IN;
		s->spi = c->spi_in;
	}
	s->alg = NICSEC_CTL_ALG_AES_GCM_16;
	s->key_len = (uint8_t)klen;
	memcpy(s->key, key, klen);
	memcpy(s->salt, key + klen, 4);
}

int device_install(struct agent *a, struct ikesa *sa, struct child_sa *c,
		   uint8_t *k_in, uint8_t *k_out)
{
	struct nicsec_ctl_sa s[2];
	uint32_t *dst[2], ids[2];
	uint64_t t0 = agent_now_us();
	unsigned int n = 0, bad, i;
	int err = 0;

	if (!chan) {
		if (k_in)
			c->dev_in = NO_DEV_SA;
		if (k_out)
			c->dev_out = NO_DEV_SA;
		goto out;
	}
	/* both directions in one INSTALL, which the device applies all or
	 * nothing: inbound first, as it is ready for answers first */
	if (k_in) {
		sa_entry(sa, c, 0, k_in, &s[n]);
		dst[n++] = &c->dev_in;
	}
	if (k_out) {
		sa_entry(sa, c, 1, k_out, &s[n]);
		dst[n++] = &c->dev_out;
	}
	if (!n)
		goto out;
	err = nicsec_ctl_install(chan, s, n, ids, &bad);
	i = bad < n && s[bad].dir == NICSEC_CTL_DIR_OUT;
	OPENSSL_cleanse(s, sizeof(s));
	if (err) {
		if (bad < n)
			log_err("%s: INSTALL of CHILD_SA %08x_i %08x_o: %s SA: %s", sa->conn->name,
				c->spi_in, c->spi_out, i ? "the outbound" : "the inbound",
				nicsec_ctl_strerror(err));
		else
			log_err("%s: INSTALL of CHILD_SA %08x_i %08x_o: %s", sa->conn->name,
				c->spi_in, c->spi_out, nicsec_ctl_strerror(err));
		goto out;
	}
	for (i = 0; i < n; i++)
		*dst[i] = ids[i];
	a->st.installs += n;
	c->installed_us = agent_now_us() - t0;
out:
	if (k_in)
		OPENSSL_cleanse(k_in, IKE_ENCR_MAX_KEY);
	if (k_out)
		OPENSSL_cleanse(k_out, IKE_ENCR_MAX_KEY);
	return err;
}

void device_delete(struct agent *a, struct child_sa *c, int in, int out)
{
	uint32_t ids[2], *src[2];
	unsigned int n = 0, i;
	int err;

	(void)a;
	if (out && !c->out_pending && c->dev_out != NO_DEV_SA)
		src[n++] = &c->dev_out;
	if (in && c->dev_in != NO_DEV_SA)
		src[n++] = &c->dev_in;
	for (i = 0; i < n; i++)
		ids[i] = *src[i];
	if (chan && n) {
		/* one DELETE for both directions */
		err = nicsec_ctl_delete(chan, ids, n);
		if (err && err != NICSEC_CTL_E_NO_SA)
			log_warn("DELETE of CHILD_SA %08x_i %08x_o (device ids %u%s%.0u): %s",
				 c->spi_in, c->spi_out, ids[0], n > 1 ? ", " : "",
				 n > 1 ? ids[1] : 0, nicsec_ctl_strerror(err));
	}
	for (i = 0; i < n; i++)
		*src[i] = NO_DEV_SA;
	if (out && c->out_pending) {
		c->out_pending = 0;
		OPENSSL_cleanse(c->out_key, sizeof(c->out_key));
	}
}

int device_bytes(struct agent *a, const struct child_sa *c, uint64_t *bytes)
{
	struct nicsec_ctl_msg reply;
	uint64_t sum = 0;
	int err;

	(void)a;
	if (!chan)
		return -1;
	if (c->dev_in != NO_DEV_SA) {
		err = nicsec_ctl_query(chan, c->dev_in, &reply);
		if (err)
			return -1;
		sum += reply.counters.bytes;
	}
	if (c->dev_out != NO_DEV_SA && !c->out_pending) {
		err = nicsec_ctl_query(chan, c->dev_out, &reply);
		if (err)
			return -1;
		sum += reply.counters.bytes;
	}
	*bytes = sum;
	return 0;
}
