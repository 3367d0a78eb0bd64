// SPDX-License-Identifier: GPL-2.0
/*
 * A tenant's control channel: datagrams addressed to the control address
 * and port are steered by nic_host (XDP) into the AF_XDP socket of the
 * port they arrived on, before any OS stack sees them; here they are
 * parsed (bounded), handed to the tenant's protocol handler (its key, its
 * replay state: userspace/lib/ctl_device.c), whose callbacks (tenant.c)
 * apply the request to the tenant's SAs, and the sealed STATUS goes back
 * through the same socket to the sender's address and port. So a request
 * counts only when it comes in on the tenant's own port under the tenant's
 * own key. Sockets run in copy mode (veth has no zero-copy) with our own
 * XDP program, so libxdp loads none (INHIBIT_PROG_LOAD).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <net/ethernet.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <bpf/bpf.h>
#include <xdp/xsk.h>
#include "ctl.h"
#include "keyfile.h"
#include "log.h"
#include "devd.h"

#define NUM_FRAMES	64
#define FRAME_SIZE	XSK_UMEM__DEFAULT_FRAME_SIZE
#define RX_FRAMES	(NUM_FRAMES / 2)	/* the rest is the TX pool */
#define BATCH		16
#define HDRS_LEN	(sizeof(struct ether_header) + sizeof(struct iphdr) + sizeof(struct udphdr))

struct devd_xsk {
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq, rx;
	void *area;
	uint64_t tx_free[NUM_FRAMES - RX_FRAMES];
	unsigned int n_tx_free;
	uint32_t port;
	uint8_t mac[6];			/* the host port's */
	uint64_t rx_bad;		/* frames that were not a control datagram */
};

static uint32_t sum16(const void *buf, size_t n, uint32_t s)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Send @plen bytes of STATUS back to the sender of the request frame @req
 * (its headers were checked by handle_frame()). */
static void reply_frame(struct devd *d, struct devd_xsk *x, const uint8_t *req,
			const uint8_t *payload, size_t plen)
{
	const struct ether_header *reth = (const void *)req;
	const struct iphdr *rip = (const void *)(req + sizeof(*reth));
	const struct udphdr *rudp = (const void *)((const uint8_t *)rip + rip->ihl * 4);
	struct ether_header *eth;
	struct udphdr *udp;
	struct iphdr *ip;
	uint32_t idx, s;
	uint64_t addr;
	uint8_t *f;

	if (!x->n_tx_free || xsk_ring_prod__reserve(&x->tx, 1, &idx) != 1) {
		log_warn("control: no TX frame free on port %u, reply dropped", x->port);
		return;
	}
	addr = x->tx_free[--x->n_tx_free];
	f = xsk_umem__get_data(x->area, addr);
	eth = (void *)f;
	ip = (void *)(eth + 1);
	udp = (void *)(ip + 1);

	memcpy(eth->ether_dhost, reth->ether_shost, ETH_ALEN);	/* the requester */
	memcpy(eth->ether_shost, x->mac, ETH_ALEN);
	eth->ether_type = htons(ETHERTYPE_IP);
	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons((uint16_t)(sizeof(*ip) + sizeof(*udp) + plen));
	ip->frag_off = htons(IP_DF);
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->saddr = d->ctl_addr;
	ip->daddr = rip->saddr;
	ip->check = htons(fold(sum16(ip, sizeof(*ip), 0)));
	udp->source = d->ctl_port;
	udp->dest = rudp->source;			/* the requester's port */
	udp->len = htons((uint16_t)(sizeof(*udp) + plen));
	udp->check = 0;
	memcpy(udp + 1, payload, plen);
	/* UDP checksum over the pseudo header and the datagram */
	s = sum16(&ip->saddr, 8, IPPROTO_UDP + (uint32_t)(sizeof(*udp) + plen));
	s = fold(sum16(udp, sizeof(*udp) + plen, s));
	udp->check = htons(s ? (uint16_t)s : 0xffff);

	xsk_ring_prod__tx_desc(&x->tx, idx)->addr = addr;
	xsk_ring_prod__tx_desc(&x->tx, idx)->len = (uint32_t)(HDRS_LEN + plen);
	xsk_ring_prod__submit(&x->tx, 1);
	/* copy mode moves TX only on a syscall */
	sendto(xsk_socket__fd(x->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0);
}

/* One frame from @t's socket: a control datagram, validated before use. */
static void handle_frame(struct devd *d, struct devd_tenant *t, const uint8_t *f, size_t len)
{
	const struct ether_header *eth = (const void *)f;
	const struct iphdr *ip = (const void *)(eth + 1);
	const struct udphdr *udp;
	uint8_t out[NICSEC_CTL_MAX_LEN];
	size_t ihl, ulen, tot;
	int n, status;

	if (len < HDRS_LEN || eth->ether_type != htons(ETHERTYPE_IP))
		goto bad;
	ihl = (size_t)ip->ihl * 4;
	tot = ntohs(ip->tot_len);
	if (ip->version != 4 || ihl < sizeof(*ip) || tot < ihl + sizeof(*udp) ||
	    sizeof(*eth) + tot > len || ip->protocol != IPPROTO_UDP || ip->daddr != d->ctl_addr)
		goto bad;
	udp = (const void *)((const uint8_t *)ip + ihl);
	ulen = ntohs(udp->len);
	if (udp->dest != d->ctl_port || ulen < sizeof(*udp) || ihl + ulen > tot)
		goto bad;
	n = nicsec_ctl_dev_handle(t->ctl, (const uint8_t *)(udp + 1), ulen - sizeof(*udp),
				  out, sizeof(out), &status);
	if (n > 0)
		reply_frame(d, t->xsk, f, out, (size_t)n);
	else if (n < 0)
		log_warn("tenant %s: cannot seal a STATUS: %s", t->name, strerror(-n));
	else
		log_debug("tenant %s: control datagram dropped: %s", t->name,
			  nicsec_ctl_strerror(status));
	nicsec_wipe(out, sizeof(out));
	return;
bad:
	t->xsk->rx_bad++;
}

static void reap_tx(struct devd_xsk *x)
{
	uint32_t idx, n, i;

	n = xsk_ring_cons__peek(&x->cq, NUM_FRAMES, &idx);
	for (i = 0; i < n; i++)
		x->tx_free[x->n_tx_free++] = *xsk_ring_cons__comp_addr(&x->cq, idx + i);
	xsk_ring_cons__release(&x->cq, n);
}

void devd_xsk_process(struct devd *d, struct devd_tenant *t)
{
	struct devd_xsk *x = t->xsk;
	uint32_t idx, fidx, n, i;

	reap_tx(x);
	n = xsk_ring_cons__peek(&x->rx, BATCH, &idx);
	if (!n)
		return;
	for (i = 0; i < n; i++) {
		const struct xdp_desc *desc = xsk_ring_cons__rx_desc(&x->rx, idx + i);
		uint8_t *frame = xsk_umem__get_data(x->area, desc->addr);

		handle_frame(d, t, frame, desc->len);
		nicsec_wipe(frame, desc->len);	/* sealed, but wipe all the same */
	}
	/* the frames go back to the fill ring */
	if (xsk_ring_prod__reserve(&x->fq, n, &fidx) == n) {
		for (i = 0; i < n; i++) {
			uint64_t a = xsk_ring_cons__rx_desc(&x->rx, idx + i)->addr;

			*xsk_ring_prod__fill_addr(&x->fq, fidx + i) = a - (a % FRAME_SIZE);
		}
		xsk_ring_prod__submit(&x->fq, n);
	}
	xsk_ring_cons__release(&x->rx, n);
}

int devd_xsk_fd(const struct devd_xsk *x)
{
	return xsk_socket__fd(x->xsk);
}

uint64_t devd_xsk_bad(const struct devd_xsk *x)
{
	return x ? x->rx_bad : 0;
}

int devd_xsk_open(struct devd *d, struct devd_tenant *t)
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
	struct nicsec_port_info pi;
	struct devd_xsk *x;
	uint32_t idx, i;
	int err, fd;

	if (bpf_map_lookup_elem(d->dev.port_info_fd, &t->port, &pi))
		return -errno;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->port = t->port;
	memcpy(x->mac, pi.mac, sizeof(x->mac));
	if (posix_memalign(&x->area, (size_t)getpagesize(), NUM_FRAMES * FRAME_SIZE)) {
		free(x);
		return -ENOMEM;
	}
	memset(x->area, 0, NUM_FRAMES * FRAME_SIZE);
	err = xsk_umem__create(&x->umem, x->area, NUM_FRAMES * FRAME_SIZE, &x->fq, &x->cq, &ucfg);
	if (err) {
		log_err("tenant %s: AF_XDP umem: %s", t->name, strerror(-err));
		goto fail;
	}
	err = xsk_socket__create(&x->xsk, t->ifname, 0, x->umem, &x->rx, &x->tx, &scfg);
	if (err) {
		log_err("tenant %s: AF_XDP socket on %s queue 0: %s", t->name, t->ifname,
			strerror(-err));
		goto fail;
	}
	if (xsk_ring_prod__reserve(&x->fq, RX_FRAMES, &idx) != RX_FRAMES) {
		err = -EIO;
		goto fail;
	}
	for (i = 0; i < RX_FRAMES; i++)
		*xsk_ring_prod__fill_addr(&x->fq, idx + i) = (uint64_t)i * FRAME_SIZE;
	xsk_ring_prod__submit(&x->fq, RX_FRAMES);
	for (i = RX_FRAMES; i < NUM_FRAMES; i++)
		x->tx_free[x->n_tx_free++] = (uint64_t)i * FRAME_SIZE;
	/* only now does nic_host steer the tenant's datagrams here */
	fd = xsk_socket__fd(x->xsk);
	if (bpf_map_update_elem(d->dev.xsks_fd, &t->port, &fd, 0)) {
		err = -errno;
		log_err("tenant %s: xsks map: %s", t->name, strerror(-err));
		goto fail;
	}
	t->xsk = x;
	return 0;
fail:
	devd_xsk_close(d, x);
	return err;
}

void devd_xsk_close(struct devd *d, struct devd_xsk *x)
{
	if (!x)
		return;
	bpf_map_delete_elem(d->dev.xsks_fd, &x->port);
	if (x->xsk)
		xsk_socket__delete(x->xsk);
	if (x->umem)
		xsk_umem__delete(x->umem);
	if (x->area) {
		nicsec_wipe(x->area, NUM_FRAMES * FRAME_SIZE);
		free(x->area);
	}
	free(x);
}
