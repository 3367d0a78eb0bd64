// SPDX-License-Identifier: GPL-2.0
/*
 * nstraffic: the "app" of nicsec's tests. An echo server and a client that
 * sends numbered, patterned data and checks every byte that comes back, so
 * a test knows exactly what crossed the device and whether it arrived
 * intact. Every wait has a timeout; the summary is one line on stdout.
 *
 *   nstraffic udp-echo  [-b ADDR] -p PORT [-n COUNT] [-t SEC]
 *   nstraffic udp-send  -a ADDR -p PORT -n COUNT [-s SIZE] [-P SPORT] [-z] [-x] [-r RATE]
 *                       [-L LOGFILE] [-t SEC]
 *   nstraffic tcp-echo  [-b ADDR] -p PORT [-t SEC]
 *   nstraffic tcp-send  -a ADDR -p PORT -B BYTES [-P SPORT] [-t SEC]
 *   nstraffic encap     [-b ADDR] -p PORT [-t SEC]
 *
 * udp-send sends datagram i (4-byte big-endian i, then a pattern seeded by
 * i) and waits for its echo before the next; it exits 0 only if all COUNT
 * came back intact. -z puts a 4-byte zero (RFC 3948's non-ESP marker) in
 * front, as IKE does on port 4500; -L writes each datagram sent as one
 * line of hex; -x sends without waiting for echoes. tcp-send streams BYTES of pattern and reads them back.
 * Servers exit after COUNT datagrams / one connection, or at the timeout.
 * encap holds a UDP_ENCAP_ESPINUDP socket open, as an IKE daemon does, so
 * that the kernel's own IPsec (XFRM) receives ESP in UDP on PORT.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <linux/udp.h>

#define MAX_DGRAM 65507

static const char *addr = "0.0.0.0";
static int port = -1, count = 1, size = 64, timeout_sec = 10, sport, marker, no_echo, rate;
static const char *src_addr;
static const char *logfile;
static long long bytes = 1 << 20;

/* SIGTERM/SIGINT end a server early, still printing its summary. */
static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	stop = sig;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int left_ms(long long deadline)
{
	long long l = deadline - now_ms();

	return l < 0 ? 0 : (int)l;
}

static uint8_t pattern(uint32_t seed, size_t i)
{
	return (uint8_t)((seed * 2654435761u + i * 40503u) >> 7);
}

static int sockaddr_of(const char *a, int p, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)p);
	if (inet_pton(AF_INET, a, &sin->sin_addr) != 1) {
		fprintf(stderr, "nstraffic: bad IPv4 address \"%s\"\n", a);
		return -1;
	}
	return 0;
}

static int bound_socket(int type)
{
	struct sockaddr_in sin;
	int one = 1, fd;

	if (sockaddr_of(addr, port, &sin))
		return -1;
	fd = socket(AF_INET, type, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		perror("nstraffic: bind");
		close(fd);
		return -1;
	}
	return fd;
}

static int wait_fd(int fd, short ev, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = ev };
	int r;

	do
		r = poll(&p, 1, left_ms(deadline));
	while (r < 0 && errno == EINTR && !stop);
	return stop ? 0 : r;	/* 0: timed out or told to stop */
}

static int udp_echo(void)
{
	static uint8_t buf[MAX_DGRAM];
	long long deadline = now_ms() + timeout_sec * 1000LL;
	int fd = bound_socket(SOCK_DGRAM), n = 0;

	if (fd < 0)
		return 1;
	while (n < count && wait_fd(fd, POLLIN, deadline) > 0) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t r = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);

		if (r < 0)
			continue;
		if (sendto(fd, buf, (size_t)r, 0, (struct sockaddr *)&from, fl) == r)
			n++;
	}
	close(fd);
	printf("udp-echo: echoed %d datagrams\n", n);
	return n == count ? 0 : 1;
}

/* Bind @fd to source address -S and port -P, if given. */
static int bind_sport(int fd)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)sport) };
	int one = 1;

	if (!sport && !src_addr)
		return 0;
	if (src_addr && inet_pton(AF_INET, src_addr, &sin.sin_addr) != 1) {
		fprintf(stderr, "nstraffic: bad source address %s\n", src_addr);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		perror("nstraffic: bind source port");
		return -1;
	}
	return 0;
}

static int udp_send(void)
{
	static uint8_t out[MAX_DGRAM], in[MAX_DGRAM];
	long long start = now_ms(), deadline = start + timeout_sec * 1000LL;
	int fd, i, echoed = 0, corrupt = 0, lost = 0, m = marker ? 4 : 0;
	struct sockaddr_in to;
	FILE *log = NULL;
	size_t j;

	if (size < 4 + m || size > MAX_DGRAM) {
		fprintf(stderr, "nstraffic: size must be %d..%d\n", 4 + m, MAX_DGRAM);
		return 2;
	}
	if (sockaddr_of(addr, port, &to))
		return 2;
	if (logfile && !(log = fopen(logfile, "w"))) {
		perror("nstraffic: log file");
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind_sport(fd) || connect(fd, (struct sockaddr *)&to, sizeof(to))) {
		perror("nstraffic: udp socket");
		return 1;
	}
	for (i = 0; i < count; i++) {
		/* each datagram gets 1 s (or what is left) to come back */
		long long d = now_ms() + 1000;
		ssize_t r;

		if (d > deadline)
			d = deadline;
		memset(out, 0, (size_t)m);
		out[m + 0] = (uint8_t)(i >> 24);
		out[m + 1] = (uint8_t)(i >> 16);
		out[m + 2] = (uint8_t)(i >> 8);
		out[m + 3] = (uint8_t)i;
		for (j = (size_t)m + 4; j < (size_t)size; j++)
			out[j] = pattern((uint32_t)i, j);
		if (log) {
			for (j = 0; j < (size_t)size; j++)
				fprintf(log, "%02x", out[j]);
			fputc('\n', log);
		}
		if (send(fd, out, (size_t)size, 0) != size) {
			lost++;
			continue;
		}
		if (no_echo) {		/* -x: send only */
			echoed++;
			continue;
		}
		for (;;) {
			if (wait_fd(fd, POLLIN, d) <= 0) {
				lost++;
				break;
			}
			r = recv(fd, in, sizeof(in), 0);
			if (r < 4)
				continue;
			/* a late echo of an earlier datagram is not this one */
			if (memcmp(in, out, (size_t)m + 4))
				continue;
			if (r == size && !memcmp(in, out, (size_t)size))
				echoed++;
			else
				corrupt++;
			break;
		}
		if (now_ms() >= deadline && i + 1 < count) {
			lost += count - i - 1;
			break;
		}
		if (rate > 0) {		/* -r: datagram i + 1 leaves at start + (i + 1) / rate */
			long long due = start + (long long)(i + 1) * 1000 / rate;

			while (now_ms() < due && !stop)
				usleep(1000);
		}
	}
	close(fd);
	if (log)
		fclose(log);
	if (no_echo)
		printf("udp: sent %d of %d (no echo awaited)\n", echoed, count);
	else
		printf("udp: sent %d, echoed intact %d, corrupt %d, lost %d\n", count, echoed,
	       corrupt, lost);
	return echoed == count ? 0 : 1;
}

static int tcp_echo(void)
{
	static uint8_t buf[65536];
	long long deadline = now_ms() + timeout_sec * 1000LL;
	int lfd = bound_socket(SOCK_STREAM), fd;
	long long total = 0;

	if (lfd < 0 || listen(lfd, 1)) {
		perror("nstraffic: listen");
		return 1;
	}
	if (wait_fd(lfd, POLLIN, deadline) <= 0) {
		printf("tcp-echo: no connection within %ds\n", timeout_sec);
		return 1;
	}
	fd = accept(lfd, NULL, NULL);
	close(lfd);
	if (fd < 0)
		return 1;
	while (wait_fd(fd, POLLIN, deadline) > 0) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0), w = 0;

		if (r <= 0)
			break;
		while (w < r) {
			ssize_t s = send(fd, buf + w, (size_t)(r - w), MSG_NOSIGNAL);

			if (s <= 0)
				goto out;
			w += s;
		}
		total += r;
	}
out:
	close(fd);
	printf("tcp-echo: echoed %lld bytes\n", total);
	return 0;
}

static int tcp_send(void)
{
	static uint8_t buf[65536];
	long long deadline = now_ms() + timeout_sec * 1000LL;
	long long sent = 0, recvd = 0, bad = 0;
	struct sockaddr_in to;
	int fd = -1, rc = 1;

	if (sockaddr_of(addr, port, &to))
		return 2;
	/* the server may still be starting: retry refused connects */
	while (now_ms() < deadline) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fd < 0 || bind_sport(fd))
			return 1;
		if (!connect(fd, (struct sockaddr *)&to, sizeof(to)))
			break;
		if (errno == EINPROGRESS && wait_fd(fd, POLLOUT, deadline) > 0) {
			int err = 0;
			socklen_t l = sizeof(err);

			getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l);
			if (!err)
				break;
		}
		close(fd);
		fd = -1;
		usleep(50000);
	}
	if (fd < 0) {
		printf("tcp: cannot connect to %s:%d within %ds\n", addr, port, timeout_sec);
		return 1;
	}
	while (recvd < bytes && now_ms() < deadline) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (sent < bytes)
			p.events |= POLLOUT;
		if (poll(&p, 1, left_ms(deadline)) <= 0)
			break;
		if (p.revents & POLLOUT) {
			size_t n = sizeof(buf), j;

			if ((long long)n > bytes - sent)
				n = (size_t)(bytes - sent);
			for (j = 0; j < n; j++)
				buf[j] = pattern(0, (size_t)(sent + (long long)j));
			r = send(fd, buf, n, MSG_NOSIGNAL);
			if (r > 0)
				sent += r;
			if (sent == bytes)
				shutdown(fd, SHUT_WR);
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t j;

			r = recv(fd, buf, sizeof(buf), 0);
			if (r <= 0)
				break;
			for (j = 0; j < r; j++)
				bad += buf[j] != pattern(0, (size_t)(recvd + j));
			recvd += r;
		}
	}
	close(fd);
	printf("tcp: sent %lld, echoed %lld, corrupt bytes %lld\n", sent, recvd, bad);
	if (recvd == bytes && !bad)
		rc = 0;
	return rc;
}

static int encap(void)
{
	long long deadline = now_ms() + timeout_sec * 1000LL;
	int fd = bound_socket(SOCK_DGRAM), type = UDP_ENCAP_ESPINUDP;
	static uint8_t buf[MAX_DGRAM];
	int n = 0;

	if (fd < 0 || setsockopt(fd, IPPROTO_UDP, UDP_ENCAP, &type, sizeof(type))) {
		perror("nstraffic: UDP_ENCAP");
		return 1;
	}
	printf("encap: ESP-in-UDP socket on port %d\n", port);
	fflush(stdout);
	/* ESP goes to XFRM; what reaches us is IKE (non-ESP marker): count it */
	while (wait_fd(fd, POLLIN, deadline) > 0)
		if (recv(fd, buf, sizeof(buf), 0) >= 0)
			n++;
	close(fd);
	printf("encap: %d non-ESP datagrams\n", n);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"Usage: nstraffic udp-echo [-b ADDR] -p PORT [-n COUNT] [-t SEC]\n"
		"       nstraffic udp-send -a ADDR -p PORT -n COUNT [-s SIZE] [-S SRC] [-P SPORT] [-z] [-x]\n"
		"                          [-r RATE] (RATE datagrams/s)\n"
		"                          [-L LOGFILE] [-t SEC]\n"
		"       nstraffic tcp-echo [-b ADDR] -p PORT [-t SEC]\n"
		"       nstraffic tcp-send -a ADDR -p PORT -B BYTES [-P SPORT] [-t SEC]\n"
		"       nstraffic encap [-b ADDR] -p PORT [-t SEC]\n");
}

int main(int argc, char **argv)
{
	const char *mode;
	int c;

	if (argc < 2) {
		usage();
		return 2;
	}
	mode = argv[1];
	optind = 2;
	{
		struct sigaction sa = { .sa_handler = on_stop };

		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
	}
	while ((c = getopt(argc, argv, "a:b:p:n:s:t:B:P:S:zL:xr:")) != -1) {
		switch (c) {
		case 'a': case 'b': addr = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'n': count = atoi(optarg); break;
		case 's': size = atoi(optarg); break;
		case 't': timeout_sec = atoi(optarg); break;
		case 'B': bytes = atoll(optarg); break;
		case 'P': sport = atoi(optarg); break;
		case 'S': src_addr = optarg; break;
		case 'z': marker = 1; break;
		case 'x': no_echo = 1; break;
		case 'L': logfile = optarg; break;
		case 'r': rate = atoi(optarg); break;
		default: usage(); return 2;
		}
	}
	if (port <= 0 || port > 65535 || count < 1 || timeout_sec < 1 || bytes < 1 ||
	    sport < 0 || sport > 65535) {
		usage();
		return 2;
	}
	if (!strcmp(mode, "udp-echo"))
		return udp_echo();
	if (!strcmp(mode, "udp-send"))
		return udp_send();
	if (!strcmp(mode, "tcp-echo"))
		return tcp_echo();
	if (!strcmp(mode, "tcp-send"))
		return tcp_send();
	if (!strcmp(mode, "encap"))
		return encap();
	usage();
	return 2;
}
