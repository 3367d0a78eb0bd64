// SPDX-License-Identifier: GPL-2.0
/*
 * Control channel benchmark (not a test): N sealed INSTALLs from the agent
 * API to the device handler over UDP on 127.0.0.1, the device in a thread
 * applying each to a counter. Prints install latency (median, p90, p99,
 * max) and installs/s, and writes the same as JSON to the path given.
 * Usage: bench_ctl [JSON_PATH] [N]   (N: 10000)
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "ctl.h"

static uint8_t key[NICSEC_CTL_KEY_LEN];

struct bench_dev {
	int fd;
	struct nicsec_ctl_dev *ctl;
	atomic_int stop;
	uint32_t next_id;
};

static int op_install(void *ctx, const struct nicsec_ctl_msg *req,
		      struct nicsec_ctl_msg *reply)
{
	struct bench_dev *d = ctx;

	reply->sa_id = d->next_id++;
	reply->present |= NICSEC_CTL_F(NICSEC_CTL_T_SA_ID);
	return NICSEC_CTL_OK;
}

static int op_other(void *ctx, const struct nicsec_ctl_msg *req,
		    struct nicsec_ctl_msg *reply)
{
	return NICSEC_CTL_OK;
}

static const struct nicsec_ctl_ops ops = {
	.install = op_install, .del = op_other, .flush = op_other, .query = op_other,
};

static void *dev_thread(void *arg)
{
	struct bench_dev *d = arg;
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
		len = nicsec_ctl_dev_handle(d->ctl, in, (size_t)n, out, sizeof(out), NULL);
		if (len > 0)
			sendto(d->fd, out, (size_t)len, 0, (struct sockaddr *)&src, slen);
	}
	return NULL;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(const double *v, int n, double p)
{
	int i = (int)(p / 100.0 * (n - 1) + 0.5);

	return v[i];
}

int main(int argc, char **argv)
{
	const char *json = argc > 1 ? argv[1] : NULL;
	int n = argc > 2 ? atoi(argv[2]) : 10000;
	struct nicsec_ctl_sa sa = {
		.flow = { .saddr = htonl(0x0a4d0001), .daddr = htonl(0x0a4d0002),
			  .sport = htons(40000), .dport = htons(443), .proto = 6, .ntuple = 5 },
		.dir = NICSEC_CTL_DIR_OUT, .key_len = 16,
	};
	struct bench_dev d = { 0 };
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(addr);
	struct nicsec_ctl_chan_stats st;
	struct nicsec_ctl_chan *chan;
	double *lat, t0, total, median, p90, p99, max, rate;
	pthread_t th;
	FILE *f;
	int i, err, fails = 0;

	if (n < 1 || !(lat = calloc((size_t)n, sizeof(*lat))))
		return 1;
	for (i = 0; i < NICSEC_CTL_KEY_LEN; i++)
		key[i] = (uint8_t)i;
	d.fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (d.fd < 0 || bind(d.fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    getsockname(d.fd, (struct sockaddr *)&addr, &alen)) {
		perror("bench_ctl: device socket");
		return 1;
	}
	if (nicsec_ctl_dev_create(&d.ctl, key, 1, &ops, &d) ||
	    pthread_create(&th, NULL, dev_thread, &d))
		return 1;
	err = nicsec_ctl_chan_open(&chan, (struct sockaddr *)&addr, sizeof(addr), key, NULL);
	if (err) {
		fprintf(stderr, "bench_ctl: %s\n", nicsec_ctl_strerror(err));
		return 1;
	}
	total = now_us();
	for (i = 0; i < n; i++) {
		sa.spi = 0x10000 + (uint32_t)i;
		sa.key[0] = (uint8_t)i;
		t0 = now_us();
		err = nicsec_ctl_install(chan, &sa, NULL);
		lat[i] = now_us() - t0;
		if (err)
			fails++;
	}
	total = now_us() - total;
	nicsec_ctl_chan_stats(chan, &st);
	nicsec_ctl_chan_close(chan);
	atomic_store(&d.stop, 1);
	pthread_join(th, NULL);
	nicsec_ctl_dev_destroy(d.ctl);
	close(d.fd);

	qsort(lat, (size_t)n, sizeof(*lat), cmp_double);
	median = pct(lat, n, 50);
	p90 = pct(lat, n, 90);
	p99 = pct(lat, n, 99);
	max = lat[n - 1];
	rate = n / (total / 1e6);
	printf("control channel, loopback UDP, %d sealed INSTALLs (one outstanding):\n", n);
	printf("  latency  median %.1f us  p90 %.1f us  p99 %.1f us  max %.1f us\n",
	       median, p90, p99, max);
	printf("  rate     %.0f installs/s  (%d failed, %llu retransmissions)\n",
	       rate, fails, (unsigned long long)st.retransmits);
	if (json) {
		f = fopen(json, "w");
		if (!f) {
			perror(json);
			return 1;
		}
		fprintf(f, "{\"benchmark\": \"ctl_install\", \"transport\": \"udp-loopback\", "
			"\"installs\": %d, \"failed\": %d, \"retransmits\": %llu, "
			"\"latency_us\": {\"median\": %.1f, \"p90\": %.1f, \"p99\": %.1f, "
			"\"max\": %.1f}, \"installs_per_s\": %.0f}\n",
			n, fails, (unsigned long long)st.retransmits, median, p90, p99, max, rate);
		fclose(f);
		printf("  written  %s\n", json);
	}
	free(lat);
	return fails ? 1 : 0;
}
