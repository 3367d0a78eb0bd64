// SPDX-License-Identifier: GPL-2.0
/*
 * bench_scale: the device's side of `make bench-scale` (tools/bench_scale.sh
 * drives it). Run in the device's namespace:
 *
 *   bench_scale count BPFFS_DIR
 *       the valid SAs in the device's table (read in batches) and the
 *       memlock of every map, as JSON on stdout
 *   bench_scale seal BPFFS_DIR IFNAME N SAMPLES [TRAIN]
 *       lookup + seal of the program attached to host port IFNAME, through
 *       BPF_PROG_TEST_RUN on the device's own maps: SAMPLES runs, each a
 *       1400-byte UDP packet whose flow is that of a random one of the N
 *       SAs ctlload installed (SA i: 10.77.0.1:(1024 + i % 60000) ->
 *       10.128.0.0 + i / 60000 : 4242), one run per packet, so packets hit
 *       SAs spread over the table as a loaded device's would. Prints the
 *       kernel-measured ns per run (median, p10, p90) as JSON; every run
 *       must come out sealed (XDP_REDIRECT, the frame grown by the ESP
 *       encapsulation), else it exits 1. With TRAIN > 1 each random flow
 *       sends TRAIN packets in a row, each its own run (test_run's repeat
 *       would run the program again on the frame it already encapsulated):
 *       the first finds its SA cold, the rest warm, as a flow's bursts do;
 *       SAMPLES counts the packets.
 *   bench_scale prime BPFFS_DIR IFNAME FIRST COUNT
 *       one packet of each of SAs FIRST..FIRST+COUNT-1 through the same
 *       program, in order: afterwards every flow has sent before (its
 *       hints are filled in, bpf/maps.h struct nicsec_flow_way), as on a
 *       device carrying traffic; exits 1 unless every packet was sealed.
 *
 * A benchmark, not a test: nothing is asserted about the figures.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "maps.h"
#include "sadb.h"

#define INNER_LEN	1400

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Ethernet + IPv4 + UDP of SA number @i's flow, INNER_LEN bytes of IP. */
static size_t frame(uint8_t *f, unsigned long i)
{
	uint8_t *ip = f + 14, *udp = ip + 20;
	uint32_t src = htonl(0x0a4d0001), dst = htonl(0x0a800000u + (uint32_t)(i / 60000));
	uint16_t sport = htons((uint16_t)(1024 + i % 60000)), dport = htons(4242);

	memset(f, 0, 14 + INNER_LEN);
	memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00", 14);
	ip[0] = 0x45;
	ip[2] = INNER_LEN >> 8;
	ip[3] = INNER_LEN & 0xff;
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	*(uint16_t *)(ip + 10) = htons(csum(ip, 20));
	memcpy(udp, &sport, 2);
	memcpy(udp + 2, &dport, 2);
	*(uint16_t *)(udp + 4) = htons(INNER_LEN - 20);
	memset(udp + 8, 0x5a, INNER_LEN - 28);
	return 14 + INNER_LEN;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int count_one(void *arg, uint32_t id, const struct nicsec_sa *sa)
{
	(void)id;
	(void)sa;
	(*(unsigned long *)arg)++;
	return 0;
}

static int do_count(const char *dir)
{
	static const char *const maps[] = {
		"sa_table", "sa_replay", "flow_tab", "spi_in", "gcm_slots",
		"tx_port", "port_stats", "drop_stats", "port_info", "port_of", "owner",
		"dev_info", "devd_info", "xsks", "move_buf", "gcm_scratch",
	};
	unsigned long n = 0, sa_bytes = 0, other = 0;
	struct nicsec_sadb db;
	size_t i;
	int err;

	err = sadb_open(&db, dir);
	if (err) {
		fprintf(stderr, "bench_scale: the device under %s: %s\n", dir, strerror(-err));
		return 1;
	}
	err = sadb_walk(&db, count_one, &n);
	if (err) {
		fprintf(stderr, "bench_scale: reading the SA table: %s\n", strerror(-err));
		return 1;
	}
	printf("{\"sas\":%lu,\"max_sas\":%u,\"maps\":{", n, db.max_sas);
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		char path[512], line[256];
		unsigned long long memlock = 0;
		FILE *p;

		snprintf(path, sizeof(path), "bpftool -j map show pinned %s/%s 2>/dev/null",
			 dir, maps[i]);
		p = popen(path, "r");
		if (!p)
			continue;
		while (fgets(line, sizeof(line), p)) {
			char *m = strstr(line, "\"bytes_memlock\":");

			if (m)
				memlock = strtoull(m + 16, NULL, 10);
		}
		pclose(p);
		if (!memlock)
			continue;
		printf("%s\"%s\":%llu", i ? "," : "", maps[i], memlock);
		if (i < 5)
			sa_bytes += memlock;
		else
			other += memlock;
	}
	printf("},\"sa_maps_bytes\":%lu,\"other_maps_bytes\":%lu}\n", sa_bytes, other);
	sadb_close(&db);
	return 0;
}

/* The XDP program on host port @ifindex, as an fd; -1 if none. */
static int port_prog(unsigned int ifindex)
{
	uint32_t prog_id = 0;

	if (bpf_xdp_query_id((int)ifindex, XDP_FLAGS_DRV_MODE, &prog_id) || !prog_id)
		bpf_xdp_query_id((int)ifindex, XDP_FLAGS_SKB_MODE, &prog_id);
	return prog_id ? bpf_prog_get_fd_by_id(prog_id) : -1;
}

/* One run of @fd on the frame in @in; its duration in ns, or -1 if the
 * packet did not come out sealed (out of the wire port, grown by
 * IP+UDP+ESP+IV, trailer and ICV) or the run failed. */
static long run_one(int fd, unsigned int ifindex, const uint8_t *in, size_t len)
{
	static uint8_t out[4096];
	struct xdp_md ctx = { .data_end = (uint32_t)len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = (uint32_t)len,
		    .data_out = out, .data_size_out = sizeof(out),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);

	if (bpf_prog_test_run_opts(fd, &o)) {
		fprintf(stderr, "bench_scale: test run: %s\n", strerror(errno));
		return -2;
	}
	if (o.retval != XDP_REDIRECT || o.data_size_out < len + 62)
		return -1;
	return (long)o.duration;
}

static int open_port(const char *ifname, unsigned int *ifindex)
{
	int fd;

	*ifindex = if_nametoindex(ifname);
	if (!*ifindex) {
		fprintf(stderr, "bench_scale: no interface %s here\n", ifname);
		return -1;
	}
	fd = port_prog(*ifindex);
	if (fd < 0)
		fprintf(stderr, "bench_scale: no XDP program on %s\n", ifname);
	return fd;
}

static int do_seal(const char *ifname, unsigned long n, unsigned int samples,
		   unsigned int train)
{
	static uint8_t in[14 + INNER_LEN];
	unsigned int ifindex, i, bad = 0;
	uint32_t *ns;
	double sum = 0;
	long d;
	int fd;

	if (!train)
		train = 1;
	if (!n || !samples) {
		fprintf(stderr, "bench_scale: N and SAMPLES must be positive\n");
		return 2;
	}
	fd = open_port(ifname, &ifindex);
	ns = calloc(samples, sizeof(*ns));
	if (fd < 0 || !ns)
		return 1;
	srandom(42);
	for (i = 0; i < samples; i++) {
		unsigned long sa = n == 1 ? 0 : (unsigned long)random() % n;

		if (i % train == 0)
			frame(in, sa);
		d = run_one(fd, ifindex, in, sizeof(in));
		if (d == -2)
			return 1;
		if (d < 0)
			bad++;
		ns[i] = d < 0 ? 0 : (uint32_t)d;
	}
	close(fd);
	for (i = 0; i < samples; i++)
		sum += ns[i];
	qsort(ns, samples, sizeof(*ns), cmp_u32);
	printf("{\"sas\":%lu,\"samples\":%u,\"train\":%u,\"not_sealed\":%u,\"median_ns\":%u,"
	       "\"mean_ns\":%.0f,\"p10_ns\":%u,\"p90_ns\":%u}\n", n, samples, train, bad,
	       ns[samples / 2], sum / samples, ns[samples / 10], ns[samples * 9 / 10]);
	free(ns);
	return bad ? 1 : 0;
}

/* One packet of each of SAs FIRST..FIRST+COUNT-1, in order: the flows
 * have then sent before, as a loaded device's have. */
static int do_prime(const char *ifname, unsigned long first, unsigned long count)
{
	static uint8_t in[14 + INNER_LEN];
	unsigned long sa, bad = 0;
	unsigned int ifindex;
	long d;
	int fd = open_port(ifname, &ifindex);

	if (fd < 0)
		return 1;
	for (sa = first; sa < first + count; sa++) {
		frame(in, sa);
		d = run_one(fd, ifindex, in, sizeof(in));
		if (d == -2)
			return 1;
		bad += d < 0;
	}
	close(fd);
	printf("{\"first\":%lu,\"count\":%lu,\"not_sealed\":%lu}\n", first, count, bad);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "count"))
		return do_count(argv[2]);
	if (argc == 6 && !strcmp(argv[1], "prime"))
		return do_prime(argv[3], strtoul(argv[4], NULL, 10), strtoul(argv[5], NULL, 10));
	if ((argc == 6 || argc == 7) && !strcmp(argv[1], "seal"))
		return do_seal(argv[3], strtoul(argv[4], NULL, 10),
			       (unsigned int)strtoul(argv[5], NULL, 10),
			       argc == 7 ? (unsigned int)strtoul(argv[6], NULL, 10) : 1);
	fprintf(stderr, "usage: bench_scale count BPFFS_DIR\n"
		"       bench_scale seal BPFFS_DIR IFNAME N SAMPLES [TRAIN]\n"
		"       bench_scale prime BPFFS_DIR IFNAME FIRST COUNT\n");
	return 2;
}
