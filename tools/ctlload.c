// SPDX-License-Identifier: GPL-2.0
/*
 * ctlload: N SA installs through the control channel, as fast as the
 * channel allows, in INSTALLs of B SAs each (all or nothing per INSTALL),
 * each SA with its own SPI, flow and random key; prints how many
 * completed, the retransmissions, request latency (median, p99) and the
 * install rate, and exits 0 only if every one completed with STATUS ok.
 * Used by the loss test (tests/net/test_ctl.sh), the tenant test and the
 * scale benchmark (tools/bench_scale.sh).
 *
 *   ctlload -d ADDR[:PORT] -k ENROLLFILE -n COUNT [-b BATCH] [-s SRC]
 *           [-t out|in|both] [-f FIRST] [-r RTO_MS] [-j JSON] [-P]
 *
 * SA i (counting from FIRST, default 0) has SPI 0x100000 + i and the
 * outbound flow SRC:(1024 + i % 60000) -> 10.128.0.0 + i / 60000 : 4242
 * UDP (inbound: the reverse), so up to 3.9 million SAs never collide.
 * -t both alternates outbound and inbound. -P prints progress on stderr.
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

/* SA number @i as ctlload installs it. */
static void sa_make(struct nicsec_ctl_sa *sa, unsigned long i, uint32_t src, int in)
{
	uint32_t peer = htonl(0x0a800000u + (uint32_t)(i / 60000));
	uint16_t lport = htons((uint16_t)(1024 + i % 60000)), pport = htons(4242);

	memset(sa, 0, sizeof(*sa));
	sa->present = NICSEC_CTL_SA_REQUIRED;
	sa->flow.ntuple = 5;
	sa->flow.proto = 17;
	sa->flow.saddr = in ? peer : src;
	sa->flow.daddr = in ? src : peer;
	sa->flow.sport = in ? pport : lport;
	sa->flow.dport = in ? lport : pport;
	sa->dir = in ? NICSEC_CTL_DIR_IN : NICSEC_CTL_DIR_OUT;
	sa->spi = 0x100000u + (uint32_t)i;
	sa->alg = NICSEC_CTL_ALG_AES_GCM_16;
	sa->key_len = 16;
	RAND_bytes(sa->key, 16);
	RAND_bytes(sa->salt, 4);
}

static void usage(void)
{
	fprintf(stderr, "usage: ctlload -d ADDR[:PORT] -k ENROLLFILE -n COUNT [-b BATCH] "
		"[-s SRC] [-t out|in|both] [-f FIRST] [-r RTO_MS] [-j JSON] [-P]\n");
}

int main(int argc, char **argv)
{
	struct sockaddr_in dev = { .sin_family = AF_INET, .sin_port = htons(NICSEC_CTL_PORT) };
	struct nicsec_ctl_opts opts = { .rto_ms = 20, .tries = 20 };
	struct nicsec_ctl_sa sa[NICSEC_CTL_MAX_SAS];
	uint32_t ids[NICSEC_CTL_MAX_SAS], src = htonl(0x0a4d0001);
	struct nicsec_ctl_chan_stats cs;
	struct nicsec_ctl_chan *ch;
	uint8_t key[NICSEC_CTL_KEY_LEN];
	const char *keyfile = NULL, *json = NULL, *type = "out";
	unsigned long n = 100, first = 0, batch = 1, i, ok = 0, reqs, r;
	double *lat, t0, total, last_progress = 0;
	int c, err, progress = 0, rc = 0;

	while ((c = getopt(argc, argv, "d:k:n:b:s:t:f:r:j:P")) != -1) {
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
		case 'b': batch = strtoul(optarg, NULL, 10); break;
		case 's':
			if (inet_pton(AF_INET, optarg, &src) != 1)
				return 2;
			break;
		case 't': type = optarg; break;
		case 'f': first = strtoul(optarg, NULL, 10); break;
		case 'r': opts.rto_ms = (unsigned int)atoi(optarg); break;
		case 'j': json = optarg; break;
		case 'P': progress = 1; break;
		default:
			usage();
			return 2;
		}
	}
	if (!keyfile || !dev.sin_addr.s_addr || !n || n > 4000000 || !batch ||
	    batch > NICSEC_CTL_MAX_SAS ||
	    (strcmp(type, "out") && strcmp(type, "in") && strcmp(type, "both"))) {
		usage();
		return 2;
	}
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
	{
		/* no more per INSTALL than fit one datagram (15 of these) */
		unsigned long fit;

		sa_make(&sa[0], 0, src, 0);
		fit = NICSEC_CTL_INSTALL_ROOM / nicsec_ctl_sa_wire_len(&sa[0]);
		OPENSSL_cleanse(sa, sizeof(sa));
		if (batch > fit) {
			fprintf(stderr, "ctlload: %lu SAs per INSTALL (%lu do not fit a datagram)\n",
				fit, batch);
			batch = fit;
		}
	}
	reqs = (n + batch - 1) / batch;
	lat = calloc(reqs, sizeof(*lat));
	if (!lat)
		return 1;
	t0 = now_us();
	for (r = 0, i = 0; i < n; r++) {
		unsigned int k, m = (unsigned int)(n - i < batch ? n - i : batch), bad;
		double t;

		for (k = 0; k < m; k++) {
			unsigned long s = first + i + k;
			int in = !strcmp(type, "in") || (!strcmp(type, "both") && (s & 1));

			sa_make(&sa[k], s, src, in);
		}
		t = now_us();
		err = nicsec_ctl_install(ch, sa, m, ids, &bad);
		lat[r] = now_us() - t;
		OPENSSL_cleanse(sa, sizeof(sa));
		if (!err) {
			ok += m;
		} else {
			fprintf(stderr, "ctlload: INSTALL of SAs %lu..%lu: %s (SA %u of it)\n",
				first + i, first + i + m - 1, nicsec_ctl_strerror(err), bad);
			rc = 1;
			if (err < 0)	/* the channel is gone: the rest would wait too */
				break;
		}
		i += m;
		if (progress && now_us() - last_progress > 2e6) {
			last_progress = now_us();
			fprintf(stderr, "ctlload: %lu/%lu installed (%.0f/s)\n", ok, n,
				ok / ((last_progress - t0) / 1e6));
		}
	}
	total = now_us() - t0;
	reqs = r;
	nicsec_ctl_chan_stats(ch, &cs);	/* counted since the channel opened */
	nicsec_ctl_chan_close(ch);
	qsort(lat, reqs, sizeof(*lat), cmp);
	printf("installs: %lu/%lu ok, %lu SAs per INSTALL, %llu retransmissions, "
	       "median %.0f us, p99 %.0f us, %.0f installs/s\n", ok, n, batch,
	       (unsigned long long)cs.retransmits, lat[reqs / 2],
	       lat[(reqs * 99) / 100 < reqs ? (reqs * 99) / 100 : reqs - 1], ok / (total / 1e6));
	if (json) {
		FILE *f = fopen(json, "w");

		if (f) {
			fprintf(f, "{\"installs\":%lu,\"ok\":%lu,\"batch\":%lu,\"retransmissions\":%llu,"
				"\"median_us\":%.1f,\"p99_us\":%.1f,\"per_s\":%.1f,\"seconds\":%.3f}\n",
				n, ok, batch, (unsigned long long)cs.retransmits, lat[reqs / 2],
				lat[(reqs * 99) / 100 < reqs ? (reqs * 99) / 100 : reqs - 1],
				ok / (total / 1e6), total / 1e6);
			fclose(f);
		}
	}
	free(lat);
	return ok == n ? rc : 1;
}
