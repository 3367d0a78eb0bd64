// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's side of the control channel (DESIGN.md steps 6-7, 9): each
 * CHILD_SA becomes two INSTALLs (outbound: the flow from our side to the
 * peer's, encrypted by the device; inbound: the peer's SPI, decrypted and
 * checked against the reverse flow), each confirmed by the device's STATUS
 * before the agent goes on. Keys exist here only between derivation and
 * the sealed INSTALL, and are wiped on every path.
 *
 * Requests block the agent until their STATUS (at most the channel's
 * retransmission budget, about 5 s): one device, one agent, one request
 * at a time is what the prototype needs.
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

static int install_one(struct ikesa *sa, struct child_sa *c, int out, uint8_t *key,
		       uint32_t *id)
{
	const struct conf_conn *conn = sa->conn;
	struct nicsec_ctl_encap encap = {
		.local_addr = conn->local_addr,
		.peer_addr = sa->peer.sin_addr.s_addr,
		.local_port = htons(NATT_PORT),
		.peer_port = sa->peer.sin_port,
	};
	struct nicsec_ctl_sa s = { .encap = &encap };
	int klen = c->suite.encr_bits / 8, err;

	if (out) {
		flow_of(&c->ts_l, &c->ts_r, &s.flow);
		s.dir = NICSEC_CTL_DIR_OUT;
		s.spi = c->spi_out;
	} else {
		flow_of(&c->ts_r, &c->ts_l, &s.flow);
		s.dir = NICSEC_CTL_DIR_IN;
		s.spi = c->spi_in;
	}
	s.key_len = klen;
	memcpy(s.key, key, klen);
	memcpy(s.salt, key + klen, 4);
	err = nicsec_ctl_install(chan, &s, id);
	OPENSSL_cleanse(&s, sizeof(s));
	if (err)
		log_err("%s: INSTALL %s SA %08x: %s", conn->name, out ? "outbound" : "inbound",
			out ? c->spi_out : c->spi_in, nicsec_ctl_strerror(err));
	return err;
}

int device_install(struct agent *a, struct ikesa *sa, struct child_sa *c,
		   uint8_t *k_in, uint8_t *k_out)
{
	uint64_t t0 = agent_now_us();
	int err = 0;

	if (!chan) {
		if (k_in)
			c->dev_in = NO_DEV_SA;
		if (k_out)
			c->dev_out = NO_DEV_SA;
		goto out;
	}
	/* inbound first: once the outbound SA carries the flow, answers may come */
	if (k_in) {
		err = install_one(sa, c, 0, k_in, &c->dev_in);
		if (err)
			goto out;
	}
	if (k_out) {
		err = install_one(sa, c, 1, k_out, &c->dev_out);
		if (err && k_in) {
			nicsec_ctl_delete(chan, c->dev_in);
			c->dev_in = NO_DEV_SA;
		}
	}
	if (!err) {
		a->st.installs += !!k_in + !!k_out;
		c->installed_us = agent_now_us() - t0;
	}
out:
	if (k_in)
		OPENSSL_cleanse(k_in, IKE_ENCR_MAX_KEY);
	if (k_out)
		OPENSSL_cleanse(k_out, IKE_ENCR_MAX_KEY);
	return err ? -1 : 0;
}

static void delete_one(struct child_sa *c, uint32_t *id, const char *dir, uint32_t spi)
{
	int err;

	if (!chan || *id == NO_DEV_SA)
		return;
	err = nicsec_ctl_delete(chan, *id);
	if (err && err != NICSEC_CTL_E_NO_SA)
		log_warn("DELETE %s SA %08x (device id %u): %s", dir, spi, *id,
			 nicsec_ctl_strerror(err));
	*id = NO_DEV_SA;
	(void)c;
}

void device_delete(struct agent *a, struct child_sa *c, int in, int out)
{
	(void)a;
	if (out && !c->out_pending)
		delete_one(c, &c->dev_out, "outbound", c->spi_out);
	if (in)
		delete_one(c, &c->dev_in, "inbound", c->spi_in);
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
