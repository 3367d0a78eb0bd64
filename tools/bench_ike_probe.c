// SPDX-License-Identifier: GPL-2.0
/*
 * bench_ike_probe: one sample of `make bench-ike` (tools/bench_ike.sh), run
 * in the initiator's namespace:
 *
 *   bench_ike_probe -i IFNAME -s SRC -d DST [-I INTERVAL_US] [-t TIMEOUT_MS] -- CMD...
 *
 * Opens a packet socket on IFNAME (the outer interface) and a raw ICMP
 * socket bound to the inner address SRC, then forks and execs CMD (swanctl
 * --initiate ...). From the first IKE message that leaves IFNAME on, it sends
 * an ICMP echo request to DST every INTERVAL_US (default 1000); requests
 * fail with ENETUNREACH until the initiator's CHILD_SA has put its route in
 * place. It stops at the first echo reply from DST, which has crossed the
 * tunnel both ways (decrypted by the responder side, encrypted back).
 *
 *   t_exec   clock_gettime(CLOCK_REALTIME) just before fork()
 *   t_wire   kernel timestamp of the first IKE datagram (UDP to 500, or a
 *            non-ESP-marker datagram to 4500) leaving IFNAME
 *   t_route  the first echo request the kernel accepted
 *   t_echo   kernel timestamp of the first echo reply from DST
 *
 * The sample is t_echo - t_wire: swanctl's own start-up (and ip netns
 * exec's, and the vici round trip) lies before t_wire and is reported
 * apart, as wire_after_exec_us. One line of key=value on stdout (times in
 * microseconds); CMD's output goes to stderr. Exit 0 on an echo, 1 if none
 * came within TIMEOUT_MS (default 10000) or CMD failed first, 2 on usage.
 */
#include <net/if.h>		/* before the linux/ headers (their libc guards) */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/icmp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NS	1000000000LL

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

static int64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * NS + ts.tv_nsec;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_ike_probe -i IFNAME -s SRC -d DST [-I INTERVAL_US] "
		"[-t TIMEOUT_MS] -- CMD...\n");
	exit(2);
}

static uint16_t csum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t s = 0;

	for (; len > 1; len -= 2, b += 2)
		s += (uint32_t)b[0] << 8 | b[1];
	if (len)
		s += (uint32_t)b[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons((uint16_t)~s);
}

/*
 * Receive one datagram; returns its length (or -1) and its kernel receive
 * timestamp in *ts (CLOCK_REALTIME), or the time of the call where the
 * kernel gave none or an implausible one (*kts = 0 then).
 */
static ssize_t recv_ts(int fd, void *buf, size_t len, struct sockaddr *from,
		       socklen_t fromlen, int64_t *ts, int *kts)
{
	char ctl[256];
	struct iovec iov = { buf, len };
	struct msghdr mh = {
		.msg_name = from, .msg_namelen = fromlen,
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *c;
	int64_t now;
	ssize_t n;

	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return -1;
	now = now_ns(CLOCK_REALTIME);
	*ts = now;
	*kts = 0;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec t;
			int64_t k;

			memcpy(&t, CMSG_DATA(c), sizeof(t));
			k = t.tv_sec * NS + t.tv_nsec;
			/* a stamp from another clock (EDT) would be far off */
			if (k > 0 && k <= now && now - k < NS) {
				*ts = k;
				*kts = 1;
			}
		}
	}
	return n;
}

/* Is this IPv4 packet an IKE datagram (to 500, or a non-ESP marker to 4500)? */
static int is_ike(const uint8_t *p, ssize_t n)
{
	const struct iphdr *ip = (const void *)p;
	const struct udphdr *udp;
	unsigned int ihl;

	if (n < (ssize_t)sizeof(*ip) || ip->version != 4 || ip->protocol != IPPROTO_UDP)
		return 0;
	ihl = ip->ihl * 4u;
	if (ihl < 20 || n < (ssize_t)(ihl + sizeof(*udp)))
		return 0;
	udp = (const void *)(p + ihl);
	if (udp->dest == htons(500))
		return 1;
	return udp->dest == htons(4500) && n >= (ssize_t)(ihl + sizeof(*udp) + 8) &&
	       !memcmp(p + ihl + sizeof(*udp), "\0\0\0\0", 4);
}

int main(int argc, char **argv)
{
	int64_t wire_lag = 0, t_exec, t_wire = 0, t_route = 0, t_echo = 0, next_send = 0, deadline;
	unsigned int interval_us = 1000, timeout_ms = 10000, probes = 0, unreach = 0;
	const char *ifname = NULL, *src = NULL, *dst = NULL;
	int pfd, ifd, on = 1, opt, status, child_rc = -1, kts_wire = 0, kts_echo = 0;
	struct sockaddr_in sin_src = { .sin_family = AF_INET }, sin_dst = { .sin_family = AF_INET };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct icmp_filter filt = { ~(1u << ICMP_ECHOREPLY) };
	uint16_t id = (uint16_t)getpid(), seq = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, orig;
	pid_t pid;

	while ((opt = getopt(argc, argv, "i:s:d:I:t:")) != -1) {
		switch (opt) {
		case 'i': ifname = optarg; break;
		case 's': src = optarg; break;
		case 'd': dst = optarg; break;
		case 'I': interval_us = strtoul(optarg, NULL, 0); break;
		case 't': timeout_ms = strtoul(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (!ifname || !src || !dst || optind >= argc || !interval_us || !timeout_ms)
		usage();
	if (inet_pton(AF_INET, src, &sin_src.sin_addr) != 1 ||
	    inet_pton(AF_INET, dst, &sin_dst.sin_addr) != 1)
		usage();
	/* ETH_P_ALL: only taps of every protocol see what an interface sends */
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = if_nametoindex(ifname);
	if (!sll.sll_ifindex) {
		perror(ifname);
		return 2;
	}

	/* The sockets exist before CMD runs, so no packet can slip past. */
	pfd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL));
	if (pfd < 0 || bind(pfd, (struct sockaddr *)&sll, sizeof(sll)) ||
	    setsockopt(pfd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on))) {
		perror("packet socket");
		return 2;
	}
	ifd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (ifd < 0 || bind(ifd, (struct sockaddr *)&sin_src, sizeof(sin_src)) ||
	    setsockopt(ifd, SOL_RAW, ICMP_FILTER, &filt, sizeof(filt)) ||
	    setsockopt(ifd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on))) {
		perror("icmp socket");
		return 2;
	}

	/* Signals only reach us inside ppoll(): no lost wake-up. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &orig);

	fflush(stdout);
	t_exec = now_ns(CLOCK_REALTIME);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		sigprocmask(SIG_SETMASK, &orig, NULL);
		close(pfd);
		close(ifd);
		dup2(2, 1);
		execvp(argv[optind], argv + optind);
		perror(argv[optind]);
		_exit(127);
	}
	deadline = now_ns(CLOCK_MONOTONIC) + timeout_ms * 1000000LL;

	while (!t_echo && !stop_sig) {
		/* pfd is done with once t_wire is known; it stays open until
		 * the end, as closing a packet socket waits for an RCU grace
		 * period (over 10 ms here) */
		struct pollfd pf[2] = { { t_wire ? -1 : pfd, POLLIN, 0 }, { ifd, POLLIN, 0 } };
		int64_t now = now_ns(CLOCK_MONOTONIC), wait_ns;
		struct timespec tmo;

		if (now >= deadline)
			break;
		if (child_rc < 0 && waitpid(pid, &status, WNOHANG) == pid) {
			child_rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			if (child_rc)
				break;		/* the initiation failed: no echo will come */
		}
		if (t_wire && now >= next_send) {
			struct { struct icmphdr h; uint64_t t; } req = { 0 };

			req.h.type = ICMP_ECHO;
			req.h.un.echo.id = htons(id);
			req.h.un.echo.sequence = htons(++seq);
			req.t = (uint64_t)now;
			req.h.checksum = csum(&req, sizeof(req));
			probes++;
			if (sendto(ifd, &req, sizeof(req), 0, (struct sockaddr *)&sin_dst,
				   sizeof(sin_dst)) == (ssize_t)sizeof(req)) {
				if (!t_route)
					t_route = now_ns(CLOCK_REALTIME);
			} else {
				unreach++;	/* ENETUNREACH until the route is there */
			}
			next_send += interval_us * 1000LL;
			if (next_send <= now)
				next_send = now + interval_us * 1000LL;
		}
		wait_ns = t_wire ? next_send - now : 5000000;	/* 5 ms to re-check CMD */
		if (wait_ns > deadline - now)
			wait_ns = deadline - now;
		if (wait_ns < 0)
			wait_ns = 0;
		tmo.tv_sec = wait_ns / NS;
		tmo.tv_nsec = wait_ns % NS;
		if (ppoll(pf, 2, &tmo, &orig) < 0) {
			if (errno == EINTR)
				continue;
			perror("ppoll");
			break;
		}
		if (pf[0].revents & POLLIN) {
			uint8_t buf[2048];
			struct sockaddr_ll from;
			int64_t ts;
			int k;
			ssize_t n;

			while ((n = recv_ts(pfd, buf, sizeof(buf), (struct sockaddr *)&from,
					    sizeof(from), &ts, &k)) >= 0) {
				if (!t_wire && from.sll_pkttype == PACKET_OUTGOING &&
				    from.sll_protocol == htons(ETH_P_IP) && is_ike(buf, n)) {
					t_wire = ts;
					kts_wire = k;
					next_send = now_ns(CLOCK_MONOTONIC);
					wire_lag = now_ns(CLOCK_REALTIME) - t_wire;
				}
			}
		}
		if (pf[1].revents & POLLIN) {
			uint8_t buf[2048];
			struct sockaddr_in from;
			int64_t ts;
			int k;
			ssize_t n;

			while ((n = recv_ts(ifd, buf, sizeof(buf), (struct sockaddr *)&from,
					    sizeof(from), &ts, &k)) >= 0) {
				const struct iphdr *ip = (const void *)buf;
				const struct icmphdr *h;

				if (n < 20 || n < ip->ihl * 4 + (ssize_t)sizeof(*h))
					continue;
				h = (const void *)(buf + ip->ihl * 4);
				if (ip->saddr == sin_dst.sin_addr.s_addr && h->type == ICMP_ECHOREPLY &&
				    h->un.echo.id == htons(id) && t_wire) {
					t_echo = ts;
					kts_echo = k;
					break;
				}
			}
		}
	}
	close(pfd);
	close(ifd);

	/* CMD (swanctl --initiate) returns once the CHILD_SA is up: reap it. */
	while (child_rc < 0) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			child_rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			break;
		}
		if (stop_sig || now_ns(CLOCK_MONOTONIC) >= deadline) {
			kill(pid, SIGTERM);
			waitpid(pid, &status, 0);
			child_rc = 128 + SIGTERM;
			break;
		}
		usleep(2000);
	}

	printf("ok=%d sample_us=%.1f wire_after_exec_us=%.1f route_us=%.1f probes=%u unreach=%u "
	       "cmd_rc=%d kernel_ts=%d wire_lag_us=%.1f\n",
	       t_echo ? 1 : 0, t_echo ? (t_echo - t_wire) / 1e3 : -1.0,
	       t_wire ? (t_wire - t_exec) / 1e3 : -1.0,
	       t_route ? (t_route - t_wire) / 1e3 : -1.0, probes, unreach, child_rc,
	       kts_wire && kts_echo, wire_lag / 1e3);
	if (stop_sig)
		return 128 + stop_sig;
	return t_echo && !child_rc ? 0 : 1;
}
