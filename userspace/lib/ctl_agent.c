// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's end of the control channel: a UDP socket on an OS-assigned
 * port, connected to the device, and the request loop that seals a request,
 * sends it, and waits for the STATUS with its request id, retransmitting
 * with exponential backoff up to a bounded number of tries. Each
 * transmission gets a new counter (a new nonce) and keeps the request id,
 * which is what lets the device answer a retransmission from its cache.
 * STATUS datagrams are authenticated and replay-checked like requests.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include "ctl.h"
#include "keyfile.h"

struct nicsec_ctl_chan {
	int fd;
	uint16_t port;
	uint8_t key[NICSEC_CTL_KEY_LEN];
	uint32_t sender_id;
	uint32_t next_request;
	uint64_t counter;			/* next counter to send */
	struct nicsec_ctl_replay replay;	/* of the device's STATUS */
	struct nicsec_ctl_opts opts;
	struct nicsec_ctl_chan_stats stats;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int nicsec_ctl_chan_open(struct nicsec_ctl_chan **chanp, const struct sockaddr *dev,
			 socklen_t dev_len, const uint8_t *key,
			 const struct nicsec_ctl_opts *opts)
{
	struct sockaddr_storage local = { 0 };
	socklen_t local_len = sizeof(local);
	struct nicsec_ctl_chan *chan;
	int err;

	chan = calloc(1, sizeof(*chan));
	if (!chan)
		return -ENOMEM;
	chan->fd = -1;
	if (opts)
		chan->opts = *opts;
	if (!chan->opts.rto_ms)
		chan->opts.rto_ms = 100;
	if (!chan->opts.rto_max_ms)
		chan->opts.rto_max_ms = 1600;
	if (!chan->opts.tries)
		chan->opts.tries = 7;
	chan->sender_id = chan->opts.sender_id;
	while (chan->sender_id == NICSEC_CTL_DEVICE_ID) {
		if (RAND_bytes((uint8_t *)&chan->sender_id, sizeof(chan->sender_id)) != 1) {
			err = -EIO;
			goto out;
		}
	}
	if (RAND_bytes((uint8_t *)&chan->next_request, sizeof(chan->next_request)) != 1) {
		err = -EIO;
		goto out;
	}
	chan->counter = realtime_ns();
	memcpy(chan->key, key, NICSEC_CTL_KEY_LEN);

	chan->fd = socket(dev->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (chan->fd < 0) {
		err = -errno;
		goto out;
	}
	/* port 0: the OS assigns one; connect() then filters other sources */
	local.ss_family = dev->sa_family;
	if (bind(chan->fd, (struct sockaddr *)&local,
		 dev->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
					      sizeof(struct sockaddr_in)) < 0 ||
	    connect(chan->fd, dev, dev_len) < 0 ||
	    getsockname(chan->fd, (struct sockaddr *)&local, &local_len) < 0) {
		err = -errno;
		goto out;
	}
	chan->port = ntohs(dev->sa_family == AF_INET6 ?
			   ((struct sockaddr_in6 *)&local)->sin6_port :
			   ((struct sockaddr_in *)&local)->sin_port);
	*chanp = chan;
	return 0;
out:
	nicsec_ctl_chan_close(chan);
	return err;
}

void nicsec_ctl_chan_close(struct nicsec_ctl_chan *chan)
{
	if (!chan)
		return;
	if (chan->fd >= 0)
		close(chan->fd);
	nicsec_wipe(chan, sizeof(*chan));
	free(chan);
}

uint16_t nicsec_ctl_chan_port(const struct nicsec_ctl_chan *chan)
{
	return chan->port;
}

int nicsec_ctl_chan_fd(const struct nicsec_ctl_chan *chan)
{
	return chan->fd;
}

uint32_t nicsec_ctl_chan_sender(const struct nicsec_ctl_chan *chan)
{
	return chan->sender_id;
}

void nicsec_ctl_chan_stats(const struct nicsec_ctl_chan *chan,
			   struct nicsec_ctl_chan_stats *st)
{
	*st = chan->stats;
}

/*
 * Wait up to @ms for the STATUS of @request_id. Returns 1 with @reply
 * filled, 0 on timeout, -errno on a socket error.
 */
static int wait_status(struct nicsec_ctl_chan *chan, uint32_t request_id,
		       unsigned int ms, struct nicsec_ctl_msg *reply)
{
	uint64_t deadline = now_ms() + ms;
	uint8_t buf[NICSEC_CTL_MAX_LEN + 1];

	for (;;) {
		struct pollfd pfd = { .fd = chan->fd, .events = POLLIN };
		uint64_t now = now_ms();
		ssize_t n;
		int err;

		if (now >= deadline)
			return 0;
		err = poll(&pfd, 1, (int)(deadline - now));
		if (err < 0 && errno == EINTR)
			continue;
		if (err < 0)
			return -errno;
		if (!err)
			return 0;
		n = recv(chan->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			/* ICMP unreachable from an earlier send: keep trying */
			if (errno == EINTR || errno == EAGAIN || errno == ECONNREFUSED)
				continue;
			return -errno;
		}
		err = nicsec_ctl_open_msg(buf, (size_t)n, chan->key, reply);
		if (err || reply->type != NICSEC_CTL_STATUS ||
		    reply->sender_id != NICSEC_CTL_DEVICE_ID ||
		    nicsec_ctl_replay_check(&chan->replay, reply->counter)) {
			chan->stats.ignored++;
			continue;
		}
		nicsec_ctl_replay_update(&chan->replay, reply->counter);
		/* a late answer to an earlier request: not ours */
		if (reply->request_id != request_id) {
			chan->stats.ignored++;
			continue;
		}
		return 1;
	}
}

/* Run @req (type and TLVs set) to its STATUS in @reply. */
static int transact(struct nicsec_ctl_chan *chan, struct nicsec_ctl_msg *req,
		    struct nicsec_ctl_msg *reply)
{
	uint8_t dgram[NICSEC_CTL_MAX_LEN];
	unsigned int try, rto = chan->opts.rto_ms;
	int len, err = -ETIMEDOUT;

	req->version = NICSEC_CTL_VERSION;
	req->sender_id = chan->sender_id;
	req->request_id = chan->next_request++;
	for (try = 0; try < chan->opts.tries; try++) {
		/* realtime ns, or one above the last if the clock lags */
		chan->counter = chan->counter > realtime_ns() ? chan->counter : realtime_ns();
		req->counter = chan->counter++;
		len = nicsec_ctl_seal(req, chan->key, dgram, sizeof(dgram));
		if (len < 0) {
			err = len;
			goto out;
		}
		chan->stats.sent++;
		if (try)
			chan->stats.retransmits++;
		/* a refused or failed send is a lost datagram: the timer runs */
		if (send(chan->fd, dgram, (size_t)len, 0) < 0 &&
		    errno != ECONNREFUSED && errno != ENOBUFS && errno != EAGAIN) {
			err = -errno;
			goto out;
		}
		err = wait_status(chan, req->request_id, rto, reply);
		if (err < 0)
			goto out;
		if (err) {
			err = (int)reply->code;
			goto out;
		}
		err = -ETIMEDOUT;
		rto = rto * 2 > chan->opts.rto_max_ms ? chan->opts.rto_max_ms : rto * 2;
	}
out:
	nicsec_wipe(dgram, sizeof(dgram));
	nicsec_ctl_msg_wipe(req);
	return err;
}

int nicsec_ctl_install(struct nicsec_ctl_chan *chan, const struct nicsec_ctl_sa *sa,
		       unsigned int n, uint32_t *ids, unsigned int *bad)
{
	struct nicsec_ctl_msg *req, reply;
	size_t room = 0;
	unsigned int i;
	int err;

	if (bad)
		*bad = n;
	if (!n || n > NICSEC_CTL_MAX_SAS)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		size_t len = nicsec_ctl_sa_wire_len(&sa[i]);

		if (!len || (sa[i].present & NICSEC_CTL_SA_REQUIRED) != NICSEC_CTL_SA_REQUIRED) {
			if (bad)
				*bad = i;
			return -EINVAL;
		}
		room += len;
	}
	if (room > NICSEC_CTL_INSTALL_ROOM)
		return -EMSGSIZE;
	/* the request holds up to 16 keys: off the stack, wiped by transact() */
	req = calloc(1, sizeof(*req));
	if (!req)
		return -ENOMEM;
	req->type = NICSEC_CTL_INSTALL;
	req->n_sa = n;
	memcpy(req->sa, sa, n * sizeof(*sa));
	err = transact(chan, req, &reply);
	free(req);
	if (err > 0 && bad && (reply.present & NICSEC_CTL_F(NICSEC_CTL_T_INDEX)) &&
	    reply.index < n)
		*bad = reply.index;
	if (!err && (!(reply.present & NICSEC_CTL_F(NICSEC_CTL_T_SA_IDS)) || reply.n_ids != n))
		err = NICSEC_CTL_E_TLV_MISSING;	/* the device's fault */
	if (!err && ids)
		memcpy(ids, reply.ids, n * sizeof(*ids));
	return err;
}

int nicsec_ctl_delete(struct nicsec_ctl_chan *chan, const uint32_t *ids, unsigned int n)
{
	struct nicsec_ctl_msg req = { .type = NICSEC_CTL_DELETE }, reply;

	if (!n || n > NICSEC_CTL_MAX_IDS)
		return -EINVAL;
	req.present = NICSEC_CTL_F(NICSEC_CTL_T_SA_IDS);
	req.n_ids = n;
	memcpy(req.ids, ids, n * sizeof(*ids));
	return transact(chan, &req, &reply);
}

int nicsec_ctl_flush(struct nicsec_ctl_chan *chan)
{
	struct nicsec_ctl_msg req = { .type = NICSEC_CTL_FLUSH }, reply;

	return transact(chan, &req, &reply);
}

int nicsec_ctl_query(struct nicsec_ctl_chan *chan, uint32_t sa_id,
		     struct nicsec_ctl_msg *reply)
{
	struct nicsec_ctl_msg req = { .type = NICSEC_CTL_QUERY };

	if (sa_id != NICSEC_CTL_QUERY_DEVICE) {
		req.present = NICSEC_CTL_F(NICSEC_CTL_T_SA_ID);
		req.sa_id = sa_id;
	}
	return transact(chan, &req, reply);
}
