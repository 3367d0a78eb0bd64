// SPDX-License-Identifier: GPL-2.0
/*
 * The agent API (ctl_agent.c) against the device handler (ctl_device.c)
 * over real UDP sockets on 127.0.0.1, the device in a thread with a
 * fault-injecting link that drops a set share of the datagrams in both
 * directions. Round trips of every request; 1000 installs through 30% loss,
 * each of which must complete and be applied exactly once; timeout errors
 * when nobody answers or the key is wrong. Every wait is bounded.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include "ctl.h"
#include "ctl_examples.h"
#include "../tap.h"

#define NINSTALL	1000
#define SPI_BASE	0x1000
#define MAX_SA		(NINSTALL + 16)

/* The device: a table of SPIs, how often each SPI was applied. */
struct fake_dev {
	int fd;
	struct nicsec_ctl_dev *ctl;
	atomic_int stop;
	unsigned int loss_pct;		/* share of datagrams dropped, each way */
	uint64_t rng;
	uint64_t dropped_in, dropped_out, received;
	uint16_t last_src_port;
	uint32_t spi[MAX_SA];		/* 0: free */
	uint8_t dir[MAX_SA];
	int applied[NINSTALL];		/* per SPI_BASE + i */
	int installs, deletes, flushes;
};

static int lossy(struct fake_dev *d)
{
	/* xorshift64: a fixed seed makes the drop pattern repeatable */
	d->rng ^= d->rng << 13;
	d->rng ^= d->rng >> 7;
	d->rng ^= d->rng << 17;
	return d->rng % 100 < d->loss_pct;
}

/* All of the request's SAs, or none: an SPI in use refuses the lot. */
static int dev_install(void *ctx, const struct nicsec_ctl_msg *req,
		       struct nicsec_ctl_msg *reply)
{
	struct fake_dev *d = ctx;
	uint32_t k;
	int i, n_free = 0;

	for (k = 0; k < req->n_sa; k++) {
		for (i = 0; i < MAX_SA; i++) {
			if (d->spi[i] == req->sa[k].spi && d->dir[i] == req->sa[k].dir) {
				reply->index = k;
				reply->present |= NICSEC_CTL_F(NICSEC_CTL_T_INDEX);
				return NICSEC_CTL_E_EXISTS;
			}
		}
	}
	for (i = 0; i < MAX_SA; i++)
		n_free += !d->spi[i];
	if (n_free < (int)req->n_sa)
		return NICSEC_CTL_E_NO_SPACE;
	for (k = 0, i = 0; k < req->n_sa; k++) {
		const struct nicsec_ctl_sa *sa = &req->sa[k];

		while (d->spi[i])
			i++;
		d->spi[i] = sa->spi;
		d->dir[i] = sa->dir;
		if (sa->spi >= SPI_BASE && sa->spi < SPI_BASE + NINSTALL)
			d->applied[sa->spi - SPI_BASE]++;
		d->installs++;
		reply->ids[k] = (uint32_t)i;
	}
	reply->n_ids = req->n_sa;
	reply->present |= NICSEC_CTL_F(NICSEC_CTL_T_SA_IDS);
	return NICSEC_CTL_OK;
}

static int dev_del(void *ctx, const struct nicsec_ctl_msg *req,
		   struct nicsec_ctl_msg *reply)
{
	struct fake_dev *d = ctx;
	uint32_t k;

	for (k = 0; k < req->n_ids; k++)
		if (req->ids[k] >= MAX_SA || !d->spi[req->ids[k]])
			return NICSEC_CTL_E_NO_SA;
	for (k = 0; k < req->n_ids; k++) {
		d->spi[req->ids[k]] = 0;
		d->deletes++;
	}
	return NICSEC_CTL_OK;
}

static int dev_flush(void *ctx, const struct nicsec_ctl_msg *req,
		     struct nicsec_ctl_msg *reply)
{
	struct fake_dev *d = ctx;

	memset(d->spi, 0, sizeof(d->spi));
	d->flushes++;
	return NICSEC_CTL_OK;
}

static int dev_query(void *ctx, const struct nicsec_ctl_msg *req,
		     struct nicsec_ctl_msg *reply)
{
	struct fake_dev *d = ctx;
	int i, used = 0;

	if (!(req->present & NICSEC_CTL_F(NICSEC_CTL_T_SA_ID))) {
		for (i = 0; i < MAX_SA; i++)
			used += !!d->spi[i];
		reply->devinfo.engine = 0;
		reply->devinfo.sa_used = (uint32_t)used;
		reply->devinfo.sa_max = MAX_SA;
		reply->present |= NICSEC_CTL_F(NICSEC_CTL_T_DEVINFO);
		return NICSEC_CTL_OK;
	}
	if (req->sa_id >= MAX_SA || !d->spi[req->sa_id])
		return NICSEC_CTL_E_NO_SA;
	reply->sa_id = req->sa_id;
	reply->counters.packets = 100 + req->sa_id;
	reply->present |= NICSEC_CTL_F(NICSEC_CTL_T_SA_ID) | NICSEC_CTL_F(NICSEC_CTL_T_COUNTERS);
	return NICSEC_CTL_OK;
}

static const struct nicsec_ctl_ops dev_ops = {
	.install = dev_install, .del = dev_del, .flush = dev_flush, .query = dev_query,
};

static void *dev_thread(void *arg)
{
	struct fake_dev *d = arg;
	uint8_t in[2048], out[NICSEC_CTL_MAX_LEN];

	while (!atomic_load(&d->stop)) {
		struct pollfd pfd = { .fd = d->fd, .events = POLLIN };
		struct sockaddr_in src;
		socklen_t slen = sizeof(src);
		ssize_t n;
		int len;

		if (poll(&pfd, 1, 20) <= 0)
			continue;
		n = recvfrom(d->fd, in, sizeof(in), 0, (struct sockaddr *)&src, &slen);
		if (n < 0)
			continue;
		d->received++;
		if (lossy(d)) {
			d->dropped_in++;
			continue;
		}
		d->last_src_port = ntohs(src.sin_port);
		len = nicsec_ctl_dev_handle(d->ctl, in, (size_t)n, out, sizeof(out), NULL);
		if (len <= 0)
			continue;
		if (lossy(d)) {
			d->dropped_out++;
			continue;
		}
		sendto(d->fd, out, (size_t)len, 0, (struct sockaddr *)&src, slen);
	}
	return NULL;
}

static int udp_socket(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)addr, sizeof(*addr)) ||
	    getsockname(fd, (struct sockaddr *)addr, &len))
		tap_bail("cannot make a UDP socket on 127.0.0.1");
	return fd;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct nicsec_ctl_sa test_sa(uint32_t spi)
{
	struct nicsec_ctl_sa sa = ex_sa_template();

	sa.spi = spi;
	return sa;
}

int main(void)
{
	static struct fake_dev d;
	struct nicsec_ctl_opts fast = { .rto_ms = 3, .rto_max_ms = 24, .tries = 25 };
	struct nicsec_ctl_chan_stats cst;
	struct nicsec_ctl_dev_stats dst;
	struct nicsec_ctl_chan *chan;
	struct nicsec_ctl_msg reply;
	struct sockaddr_in dev_addr, local;
	socklen_t llen = sizeof(local);
	struct nicsec_ctl_sa sa;
	pthread_t th;
	uint32_t id, id2;
	int i, err, done, once, other;
	double t0;

	tap_plan(22);
	d.fd = udp_socket(&dev_addr);
	d.rng = 0x9e3779b97f4a7c15ull;
	if (nicsec_ctl_dev_create(&d.ctl, ex_key, 1, &dev_ops, &d))
		tap_bail("dev_create failed");
	if (pthread_create(&th, NULL, dev_thread, &d))
		tap_bail("pthread_create failed");

	err = nicsec_ctl_chan_open(&chan, (struct sockaddr *)&dev_addr, sizeof(dev_addr),
				   ex_key, &fast);
	if (err)
		tap_bail("chan_open failed");
	getsockname(nicsec_ctl_chan_fd(chan), (struct sockaddr *)&local, &llen);
	ok(nicsec_ctl_chan_port(chan) != 0 &&
	   nicsec_ctl_chan_port(chan) == ntohs(local.sin_port),
	   "channel bound to an OS-assigned port (%u)", nicsec_ctl_chan_port(chan));
	ok(nicsec_ctl_chan_sender(chan) != 0, "random non-zero sender id");

	err = nicsec_ctl_query(chan, NICSEC_CTL_QUERY_DEVICE, &reply);
	ok(!err && reply.devinfo.sa_max == MAX_SA && reply.devinfo.sa_used == 0,
	   "QUERY device: alive, DEVINFO");
	ok(d.last_src_port == nicsec_ctl_chan_port(chan),
	   "device saw the request from the channel's port");
	sa = test_sa(0x99990001);
	err = nicsec_ctl_install(chan, &sa, 1, &id, NULL);
	ok(!err && d.installs == 1, "INSTALL: ok, SA id %u", id);
	err = nicsec_ctl_install(chan, &sa, 1, &id2, NULL);
	ok(err == NICSEC_CTL_E_EXISTS, "INSTALL of the same SPI again: EXISTS (%s)",
	   nicsec_ctl_strerror(err));
	{
		struct nicsec_ctl_sa two[2] = { test_sa(0x99990002), sa };
		uint32_t ids[2] = { 77, 77 };
		unsigned int bad;

		err = nicsec_ctl_install(chan, two, 2, ids, &bad);
		ok(err == NICSEC_CTL_E_EXISTS && bad == 1 && ids[0] == 77 && d.installs == 1,
		   "INSTALL of a new and a used SPI: EXISTS for SA 1, nothing installed");
		two[1] = test_sa(0x99990003);
		err = nicsec_ctl_install(chan, two, 2, ids, &bad);
		ok(!err && d.installs == 3 && ids[0] != ids[1] && ids[0] != id && ids[1] != id,
		   "INSTALL of two new SPIs: both ids (%u, %u)", ids[0], ids[1]);
		err = nicsec_ctl_delete(chan, ids, 2);
		ok(!err && d.deletes == 2, "DELETE of both in one request");
	}
	err = nicsec_ctl_query(chan, id, &reply);
	ok(!err && reply.sa_id == id && reply.counters.packets == 100 + id,
	   "QUERY SA: its counters");
	err = nicsec_ctl_delete(chan, &id, 1);
	ok(!err && d.deletes == 3, "DELETE: ok");
	err = nicsec_ctl_delete(chan, &id, 1);
	ok(err == NICSEC_CTL_E_NO_SA, "DELETE again: NO_SA (%s)", nicsec_ctl_strerror(err));
	nicsec_ctl_install(chan, &sa, 1, &id, NULL);
	err = nicsec_ctl_flush(chan);
	err = err ?: nicsec_ctl_query(chan, NICSEC_CTL_QUERY_DEVICE, &reply);
	ok(!err && d.flushes == 1 && reply.devinfo.sa_used == 0, "FLUSH: ok, table empty");
	nicsec_ctl_chan_stats(chan, &cst);
	ok(cst.retransmits == 0, "no retransmission without loss");

	/* 30% of datagrams lost each way: every install completes, once */
	d.loss_pct = 30;
	done = 0;
	t0 = now_s();
	/* half of them one SA per INSTALL, half four per INSTALL */
	for (i = 0; i < NINSTALL;) {
		struct nicsec_ctl_sa batch[4];
		uint32_t ids[4];
		int k, m = i < NINSTALL / 2 ? 1 : 4;

		for (k = 0; k < m; k++)
			batch[k] = test_sa(SPI_BASE + (uint32_t)(i + k));
		err = nicsec_ctl_install(chan, batch, (unsigned int)m, ids, NULL);
		if (!err)
			done += m;
		else
			diag("install %d: %s", i, nicsec_ctl_strerror(err));
		i += m;
	}
	t0 = now_s() - t0;
	d.loss_pct = 0;
	nicsec_ctl_chan_stats(chan, &cst);
	nicsec_ctl_dev_get_stats(d.ctl, &dst);
	once = other = 0;
	for (i = 0; i < NINSTALL; i++) {
		if (d.applied[i] == 1)
			once++;
		else
			other++;
	}
	ok(done == NINSTALL, "30%% loss: %d of %d installs completed", done, NINSTALL);
	ok(once == NINSTALL && !other, "30%% loss: %d applied exactly once, %d not", once, other);
	ok(d.dropped_in > 0 && d.dropped_out > 0 && cst.retransmits > 0 && dst.retransmits > 0,
	   "loss was real: retransmissions happened and were answered from the cache");
	diag("loss test: %d installs in %.2f s; %llu datagrams sent (%llu retransmissions), "
	     "device received %llu, dropped %llu in and %llu out, answered %llu from the cache",
	     NINSTALL, t0, (unsigned long long)cst.sent, (unsigned long long)cst.retransmits,
	     (unsigned long long)d.received, (unsigned long long)d.dropped_in,
	     (unsigned long long)d.dropped_out, (unsigned long long)dst.retransmits);
	err = nicsec_ctl_query(chan, NICSEC_CTL_QUERY_DEVICE, &reply);
	ok(!err && reply.devinfo.sa_used == NINSTALL, "device holds %u SAs",
	   reply.devinfo.sa_used);
	nicsec_ctl_chan_close(chan);

	/* a wrong enrollment key: the device never answers */
	{
		struct nicsec_ctl_opts o = { .rto_ms = 10, .rto_max_ms = 40, .tries = 3 };
		uint8_t key2[32];
		uint64_t auth_before = dst.drops[NICSEC_CTL_E_AUTH];

		memcpy(key2, ex_key, 32);
		key2[5] ^= 1;
		nicsec_ctl_chan_open(&chan, (struct sockaddr *)&dev_addr, sizeof(dev_addr),
				     key2, &o);
		err = nicsec_ctl_flush(chan);
		nicsec_ctl_dev_get_stats(d.ctl, &dst);
		ok(err == -ETIMEDOUT && d.flushes == 1 &&
		   dst.drops[NICSEC_CTL_E_AUTH] == auth_before + 3,
		   "wrong key: 3 datagrams dropped as AUTH, nothing flushed, timeout");
		nicsec_ctl_chan_close(chan);
	}
	atomic_store(&d.stop, 1);
	pthread_join(th, NULL);

	/* nobody answers: a bound socket that never reads */
	{
		struct nicsec_ctl_opts o = { .rto_ms = 10, .rto_max_ms = 40, .tries = 4 };
		struct sockaddr_in mute;
		int fd = udp_socket(&mute);
		double secs;

		nicsec_ctl_chan_open(&chan, (struct sockaddr *)&mute, sizeof(mute), ex_key, &o);
		t0 = now_s();
		err = nicsec_ctl_query(chan, NICSEC_CTL_QUERY_DEVICE, &reply);
		secs = now_s() - t0;
		nicsec_ctl_chan_stats(chan, &cst);
		ok(err == -ETIMEDOUT, "nobody answers: %s", nicsec_ctl_strerror(err));
		ok(cst.sent == 4 && secs >= 0.09 && secs < 1.0,
		   "4 transmissions, backoff 10+20+40+40 ms: %.3f s", secs);
		nicsec_ctl_chan_close(chan);
		close(fd);
	}
	/* nobody listens: ICMP port unreachable, still a timeout */
	{
		struct nicsec_ctl_opts o = { .rto_ms = 5, .rto_max_ms = 10, .tries = 3 };
		struct sockaddr_in gone;
		int fd = udp_socket(&gone);

		close(fd);
		nicsec_ctl_chan_open(&chan, (struct sockaddr *)&gone, sizeof(gone), ex_key, &o);
		id = 1;
		err = nicsec_ctl_delete(chan, &id, 1);
		ok(err == -ETIMEDOUT, "port closed (ICMP unreachable): timeout too");
		nicsec_ctl_chan_close(chan);
	}
	nicsec_ctl_dev_destroy(d.ctl);
	close(d.fd);
	return tap_done();
}
