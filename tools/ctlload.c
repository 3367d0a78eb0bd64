// SPDX-License-Identifier: GPL-2.0
/*
 * ctlload: N INSTALLs through the control channel, as fast as the channel
 * allows, each with its own SPI, flow and random key; prints how many
 * completed, the retransmissions, and install latency (median, p99) and
 * rate, and exits 0 only if every one completed with STATUS ok. Used by
 * the loss test (tests/net/test_ctl.sh) and the control benchmark.
 *
 *   ctlload -d ADDR[:PORT] -k ENROLLFILE -n COUNT [-r RTO_MS] [-j JSON]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include "ctl.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct sockaddr_in dev = { .sin_family = AF_INET, .sin_port = htons(NICSEC_CTL_PORT) };
	struct nicsec_ctl_opts opts = { .rto_ms = 20, .tries = 20 };
	struct nicsec_ctl_chan_stats cs;
	struct nicsec_ctl_chan *ch;
	uint8_t key[NICSEC_CTL_KEY_LEN];
	const char *keyfile = NULL, *json = NULL;
	unsigned long n = 100, i, ok = 0, retx = 0;
	double *lat, t0, total;
	int c, err;

	while ((c = getopt(argc, argv, "d:k:n:r:j:")) != -1) {
		switch (c) {
		case 'd': {
			char a[64], *colon;

			snprintf(a, sizeof(a), "%s", optarg);
			colon = strchr(a, ':');
			if (colon) {
				*colon = '\0';
				dev.sin_port = htons((uint16_t)atoi(colon + 1));
			}
			if (inet_pton(AF_INET, a, &dev.sin_addr) != 1)
				return 2;
			break;
		}
		case 'k': keyfile = optarg; break;
		case 'n': n = strtoul(optarg, NULL, 10); break;
		case 'r': opts.rto_ms = (unsigned int)atoi(optarg); break;
		case 'j': json = optarg; break;
		default:
			fprintf(stderr, "usage: ctlload -d ADDR[:PORT] -k ENROLLFILE -n COUNT "
				"[-r RTO_MS] [-j JSON]\n");
			return 2;
		}
	}
	if (!keyfile || !dev.sin_addr.s_addr || !n || n > 1000000)
		return 2;
	err = nicsec_ctl_key_load(keyfile, key);
	if (err) {
		fprintf(stderr, "ctlload: %s: %s\n", keyfile, nicsec_ctl_strerror(err));
		return 1;
	}
	err = nicsec_ctl_chan_open(&ch, (struct sockaddr *)&dev, sizeof(dev), key, &opts);
	OPENSSL_cleanse(key, sizeof(key));
	if (err) {
		fprintf(stderr, "ctlload: %s\n", nicsec_ctl_strerror(err));
		return 1;
	}
	lat = calloc(n, sizeof(*lat));
	if (!lat)
		return 1;
	t0 = now_us();
	for (i = 0; i < n; i++) {
		struct nicsec_ctl_sa sa = {
			.flow = { .saddr = htonl(0x0a4d0001), .daddr = htonl(0x0a4d0002),
				  .sport = htons((uint16_t)(10000 + i % 50000)),
				  .dport = htons((uint16_t)(7000 + i / 50000)),
				  .proto = 17, .ntuple = 5 },
			.dir = NICSEC_CTL_DIR_OUT,
			.spi = 0x100000u + (uint32_t)i,
			.key_len = 16,
		};
		uint32_t id;
		double t;

		RAND_bytes(sa.key, 16);
		RAND_bytes(sa.salt, 4);
		t = now_us();
		err = nicsec_ctl_install(ch, &sa, &id);
		lat[i] = now_us() - t;
		OPENSSL_cleanse(&sa, sizeof(sa));
		if (!err)
			ok++;
		else
			fprintf(stderr, "ctlload: install %lu: %s\n", i, nicsec_ctl_strerror(err));
	}
	total = now_us() - t0;
	nicsec_ctl_chan_stats(ch, &cs);	/* counted since the channel opened */
	retx = cs.retransmits;
	nicsec_ctl_chan_close(ch);
	qsort(lat, n, sizeof(*lat), cmp);
	printf("installs: %lu/%lu ok, %lu retransmissions, median %.0f us, p99 %.0f us, %.0f installs/s\n",
	       ok, n, retx, lat[n / 2], lat[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1],
	       n / (total / 1e6));
	if (json) {
		FILE *f = fopen(json, "w");

		if (f) {
			fprintf(f, "{\"installs\":%lu,\"ok\":%lu,\"retransmissions\":%lu,"
				"\"median_us\":%.1f,\"p99_us\":%.1f,\"per_s\":%.1f}\n", n, ok, retx,
				lat[n / 2], lat[(n * 99) / 100], n / (total / 1e6));
			fclose(f);
		}
	}
	free(lat);
	return ok == n ? 0 : 1;
}
