// SPDX-License-Identifier: GPL-2.0
/*
 * The device's control channel: datagrams addressed to the control address
 * and port are steered by nic_host (XDP) into an AF_XDP socket on the host
 * port, before any OS stack sees them; here they are parsed (bounded),
 * handed to the protocol handler (userspace/lib/ctl_device.c), whose
 * callbacks apply INSTALL/DELETE/FLUSH/QUERY to the SA database, and the
 * sealed STATUS goes back through the same socket to the sender's address
 * and port. The socket runs in copy mode (veth has no zero-copy) with our
 * own XDP program, so libxdp loads none (INHIBIT_PROG_LOAD).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>
#include "ctl.h"
#include "ctl_sadb.h"
#include "sadb.h"
#include "log.h"
#include "devd.h"

#define NUM_FRAMES	64
#define FRAME_SIZE	XSK_UMEM__DEFAULT_FRAME_SIZE
#define RX_FRAMES	(NUM_FRAMES / 2)	/* the rest is the TX pool */
#define BATCH		16

struct devd_ctl {
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq, rx;
	void *area;
	uint64_t tx_free[NUM_FRAMES - RX_FRAMES];
	unsigned int n_tx_free;
	struct nicsec_ctl_dev *dev;
	struct nicsec_sadb db;
	uint32_t ctl_addr;		/* network order */
	uint16_t ctl_port;		/* network order */
	uint8_t mac[6];
	uint64_t rx_bad;		/* frames that were not a control datagram */
};

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

/* ---- the SA database behind the protocol ------------------------------- */

static int op_install(void *arg, const struct nicsec_ctl_msg *req, struct nicsec_ctl_msg *reply)
{
	struct devd_ctl *c = arg;
	struct nicsec_flow flow;
	struct nicsec_sa sa, cur;
	uint32_t id;
	int err;

	err = nicsec_ctl_to_sa(req, &sa, &flow);
	if (err)
		return err;
	for (id = 0; id < NICSEC_MAX_SA; id++)
		if (sadb_get(&c->db, id, &cur) == -ENOENT)
			break;
	if (id == NICSEC_MAX_SA)
		return NICSEC_CTL_E_NO_SPACE;
	err = sadb_add(&c->db, id, &sa, req->dir == NICSEC_CTL_DIR_OUT ? &flow : NULL,
		       req->key, req->key_len, req->salt);
	if (err) {
		log_warn("control: INSTALL spi 0x%08x from sender %u refused: %s", req->spi,
			 req->sender_id, strerror(-err));
		return nicsec_ctl_status_from_errno(err);
	}
	log_debug("control: installed SA %u (%s, spi 0x%08x) for sender %u", id,
		  req->dir == NICSEC_CTL_DIR_OUT ? "out" : "in", req->spi, req->sender_id);
	reply->sa_id = id;
	reply->present |= NICSEC_CTL_F(NICSEC_CTL_T_SA_ID);
	return NICSEC_CTL_OK;
}

static int op_del(void *arg, const struct nicsec_ctl_msg *req, struct nicsec_ctl_msg *reply)
{
	struct devd_ctl *c = arg;
	int err = sadb_del(&c->db, req->sa_id);

	(void)reply;
	if (!err)
		log_debug("control: deleted SA %u for sender %u", req->sa_id, req->sender_id);
	return nicsec_ctl_status_from_errno(err);
}

static int op_flush(void *arg, const struct nicsec_ctl_msg *req, struct nicsec_ctl_msg *reply)
{
	struct devd_ctl *c = arg;
	struct nicsec_sa sa;
	uint32_t id, n = 0;
	int err = 0;

	(void)reply;
	for (id = 0; id < NICSEC_MAX_SA; id++) {
		if (sadb_get(&c->db, id, &sa))
			continue;
		if (sadb_del(&c->db, id))
			err = -EIO;
		else
			n++;
	}
	log_info("control: flushed %u SAs for sender %u", n, req->sender_id);
	return nicsec_ctl_status_from_errno(err);
}

static int op_query(void *arg, const struct nicsec_ctl_msg *req, struct nicsec_ctl_msg *reply)
{
	struct devd_ctl *c = arg;
	struct nicsec_sa_stats st;
	struct nicsec_sa sa;
	uint32_t id, used = 0;

	if (!(req->present & NICSEC_CTL_F(NICSEC_CTL_T_SA_ID))) {
		for (id = 0; id < NICSEC_MAX_SA; id++)
			used += !sadb_get(&c->db, id, &sa);
		reply->devinfo.engine = c->db.info.engine;
		reply->devinfo.sa_used = used;
		reply->devinfo.sa_max = NICSEC_MAX_SA;
		reply->present |= NICSEC_CTL_F(NICSEC_CTL_T_DEVINFO);
		return NICSEC_CTL_OK;
	}
	if (sadb_get(&c->db, req->sa_id, &sa))
		return NICSEC_CTL_E_NO_SA;
	if (sadb_stats(&c->db, req->sa_id, &st))
		return NICSEC_CTL_E_DEVICE;
	nicsec_ctl_counters_from_stats(&st, &reply->counters);
	reply->sa_id = req->sa_id;
	reply->present |= NICSEC_CTL_F(NICSEC_CTL_T_COUNTERS) | NICSEC_CTL_F(NICSEC_CTL_T_SA_ID);
	return NICSEC_CTL_OK;
}

static const struct nicsec_ctl_ops ctl_ops = {
	.install = op_install, .del = op_del, .flush = op_flush, .query = op_query,
};

/* ---- frames -------------------------------------------------------------- */

/* Send @plen bytes of STATUS back to the sender of the request @req. */
static void reply_frame(struct devd_ctl *c, const uint8_t *req, const uint8_t *payload,
			size_t plen)
{
	const uint8_t *rip = req + 14;
	size_t rihl = (size_t)(rip[0] & 0xf) * 4;
	const uint8_t *rudp = rip + rihl;
	uint8_t *f, *ip, *udp;
	uint32_t idx, s;
	uint64_t addr;
	size_t len = 14 + 20 + 8 + plen;

	if (!c->n_tx_free) {
		log_warn("control: no TX frame free, reply dropped");
		return;
	}
	if (xsk_ring_prod__reserve(&c->tx, 1, &idx) != 1) {
		log_warn("control: TX ring full, reply dropped");
		return;
	}
	addr = c->tx_free[--c->n_tx_free];
	f = xsk_umem__get_data(c->area, addr);
	memcpy(f, req + 6, 6);			/* to the requester's MAC */
	memcpy(f + 6, c->mac, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	ip = f + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (uint8_t)((20 + 8 + plen) >> 8);
	ip[3] = (uint8_t)(20 + 8 + plen);
	ip[6] = 0x40;				/* DF */
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &c->ctl_addr, 4);
	memcpy(ip + 16, rip + 12, 4);		/* the requester's address */
	s = fold(sum16(ip, 20, 0));
	ip[10] = (uint8_t)(s >> 8);
	ip[11] = (uint8_t)s;
	udp = ip + 20;
	memcpy(udp, &c->ctl_port, 2);
	memcpy(udp + 2, rudp, 2);		/* to the requester's port */
	udp[4] = (uint8_t)((8 + plen) >> 8);
	udp[5] = (uint8_t)(8 + plen);
	udp[6] = udp[7] = 0;
	memcpy(udp + 8, payload, plen);
	/* UDP checksum over the pseudo header and the datagram */
	s = sum16(ip + 12, 8, 17 + 8 + (uint32_t)plen);
	s = fold(sum16(udp, 8 + plen, s));
	if (!s)
		s = 0xffff;
	udp[6] = (uint8_t)(s >> 8);
	udp[7] = (uint8_t)s;

	xsk_ring_prod__tx_desc(&c->tx, idx)->addr = addr;
	xsk_ring_prod__tx_desc(&c->tx, idx)->len = (uint32_t)len;
	xsk_ring_prod__submit(&c->tx, 1);
	/* copy mode moves TX only on a syscall */
	sendto(xsk_socket__fd(c->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0);
}

/* One frame from the socket: a control datagram, validated before use. */
static void handle_frame(struct devd_ctl *c, const uint8_t *f, size_t len)
{
	uint8_t out[NICSEC_CTL_MAX_LEN];
	const uint8_t *ip, *udp;
	size_t ihl, ulen, tot;
	int n, status;

	if (len < 14 + 20 + 8 || f[12] != 0x08 || f[13] != 0x00)
		goto bad;
	ip = f + 14;
	ihl = (size_t)(ip[0] & 0xf) * 4;
	tot = (size_t)(ip[2] << 8 | ip[3]);
	if ((ip[0] >> 4) != 4 || ihl < 20 || tot < ihl + 8 || 14 + tot > len || ip[9] != 17)
		goto bad;
	if (memcmp(ip + 16, &c->ctl_addr, 4))
		goto bad;
	udp = ip + ihl;
	ulen = (size_t)(udp[4] << 8 | udp[5]);
	if (memcmp(udp + 2, &c->ctl_port, 2) || ulen < 8 || ihl + ulen > tot)
		goto bad;
	n = nicsec_ctl_dev_handle(c->dev, udp + 8, ulen - 8, out, sizeof(out), &status);
	if (n > 0)
		reply_frame(c, f, out, (size_t)n);
	else if (n < 0)
		log_warn("control: cannot seal a STATUS: %s", strerror(-n));
	else
		log_debug("control: datagram dropped: %s", nicsec_ctl_strerror(status));
	explicit_bzero(out, sizeof(out));
	return;
bad:
	c->rx_bad++;
}

static void reap_tx(struct devd_ctl *c)
{
	uint32_t idx, n, i;

	n = xsk_ring_cons__peek(&c->cq, NUM_FRAMES, &idx);
	for (i = 0; i < n; i++)
		c->tx_free[c->n_tx_free++] = *xsk_ring_cons__comp_addr(&c->cq, idx + i);
	xsk_ring_cons__release(&c->cq, n);
}

void devd_ctl_process(struct devd_ctl *c)
{
	uint32_t idx, fidx, n, i;

	reap_tx(c);
	n = xsk_ring_cons__peek(&c->rx, BATCH, &idx);
	if (!n)
		return;
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&c->rx, idx + i);
		uint8_t *frame = xsk_umem__get_data(c->area, d->addr);

		handle_frame(c, frame, d->len);
		explicit_bzero(frame, d->len);	/* sealed, but wipe all the same */
	}
	/* the frames go back to the fill ring */
	if (xsk_ring_prod__reserve(&c->fq, n, &fidx) == n) {
		for (i = 0; i < n; i++) {
			uint64_t a = xsk_ring_cons__rx_desc(&c->rx, idx + i)->addr;

			*xsk_ring_prod__fill_addr(&c->fq, fidx + i) = a - (a % FRAME_SIZE);
		}
		xsk_ring_prod__submit(&c->fq, n);
	}
	xsk_ring_cons__release(&c->rx, n);
}

int devd_ctl_fd(const struct devd_ctl *c)
{
	return xsk_socket__fd(c->xsk);
}

int devd_ctl_open(struct devd_ctl **out, struct devd_ports *p, uint32_t ctl_addr,
		  uint16_t ctl_port, const uint8_t *key)
{
	struct xsk_umem_config ucfg = {
		.fill_size = NUM_FRAMES, .comp_size = NUM_FRAMES,
		.frame_size = FRAME_SIZE, .frame_headroom = 0,
	};
	struct xsk_socket_config scfg = {
		.rx_size = NUM_FRAMES, .tx_size = NUM_FRAMES,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY,
	};
	struct nicsec_dev_info info;
	struct timespec ts;
	struct devd_ctl *c;
	uint32_t idx, i, zero = 0;
	int err, mfd;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->db.sa_fd = -1;
	c->ctl_addr = ctl_addr;
	c->ctl_port = ctl_port;
	err = sadb_open(&c->db, p->pin_dir);
	if (err) {
		log_err("control: the device's maps under %s: %s", p->pin_dir, strerror(-err));
		goto fail;
	}
	/* our MAC (the host port's) and the control address, for nic_host */
	{
		char path[300];
		FILE *fp;
		unsigned int m[6];

		snprintf(path, sizeof(path), "/sys/class/net/%s/address", p->host_ifname);
		fp = fopen(path, "r");
		if (!fp || fscanf(fp, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4],
				  &m[5]) != 6) {
			if (fp)
				fclose(fp);
			err = -EIO;
			log_err("control: cannot read the MAC of %s", p->host_ifname);
			goto fail;
		}
		fclose(fp);
		for (i = 0; i < 6; i++)
			c->mac[i] = (uint8_t)m[i];
	}

	if (posix_memalign(&c->area, (size_t)getpagesize(), NUM_FRAMES * FRAME_SIZE)) {
		err = -ENOMEM;
		goto fail;
	}
	memset(c->area, 0, NUM_FRAMES * FRAME_SIZE);
	err = xsk_umem__create(&c->umem, c->area, NUM_FRAMES * FRAME_SIZE, &c->fq, &c->cq, &ucfg);
	if (err) {
		log_err("control: AF_XDP umem: %s", strerror(-err));
		goto fail;
	}
	err = xsk_socket__create(&c->xsk, p->host_ifname, 0, c->umem, &c->rx, &c->tx, &scfg);
	if (err) {
		log_err("control: AF_XDP socket on %s queue 0: %s", p->host_ifname, strerror(-err));
		goto fail;
	}
	mfd = bpf_map__fd(bpf_object__find_map_by_name(p->obj, "xsks"));
	err = xsk_socket__update_xskmap(c->xsk, mfd);
	if (err) {
		log_err("control: xsks map: %s", strerror(-err));
		goto fail;
	}
	if (xsk_ring_prod__reserve(&c->fq, RX_FRAMES, &idx) != RX_FRAMES) {
		err = -EIO;
		goto fail;
	}
	for (i = 0; i < RX_FRAMES; i++)
		*xsk_ring_prod__fill_addr(&c->fq, idx + i) = (uint64_t)i * FRAME_SIZE;
	xsk_ring_prod__submit(&c->fq, RX_FRAMES);
	for (i = RX_FRAMES; i < NUM_FRAMES; i++)
		c->tx_free[c->n_tx_free++] = (uint64_t)i * FRAME_SIZE;

	clock_gettime(CLOCK_REALTIME, &ts);
	err = nicsec_ctl_dev_create(&c->dev, key,
				    (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec,
				    &ctl_ops, c);
	if (err) {
		log_err("control: handler: %s", strerror(-err));
		goto fail;
	}

	/* only now tell nic_host: steer datagrams and answer ARP */
	info = c->db.info;
	info.ctl_addr = ctl_addr;
	info.ctl_port = ctl_port;
	memcpy(info.host_mac, c->mac, 6);
	if (bpf_map_update_elem(c->db.info_fd, &zero, &info, 0)) {
		err = -errno;
		goto fail;
	}
	c->db.info = info;
	{
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &ctl_addr, a, sizeof(a));
		log_info("control channel on %s:%u (AF_XDP, %s queue 0)", a, ntohs(ctl_port),
			 p->host_ifname);
	}
	*out = c;
	return 0;
fail:
	devd_ctl_close(c);
	return err;
}

void devd_ctl_close(struct devd_ctl *c)
{
	uint32_t zero = 0;

	if (!c)
		return;
	if (c->db.info_fd >= 0 && c->db.info.ctl_addr) {
		c->db.info.ctl_addr = 0;
		bpf_map_update_elem(c->db.info_fd, &zero, &c->db.info, 0);
	}
	nicsec_ctl_dev_destroy(c->dev);
	if (c->xsk)
		xsk_socket__delete(c->xsk);
	if (c->umem)
		xsk_umem__delete(c->umem);
	if (c->area) {
		explicit_bzero(c->area, NUM_FRAMES * FRAME_SIZE);
		free(c->area);
	}
	if (c->db.sa_fd >= 0)
		sadb_close(&c->db);
	free(c);
}
