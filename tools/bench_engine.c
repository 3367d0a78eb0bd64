// SPDX-License-Identifier: GPL-2.0
/*
 * Micro-benchmark of the bpf engine (not a test): seal and open cost per
 * packet for 64, 512 and 1400-byte ESP payloads, beside the bare ECB cost
 * of the same blocks (counter blocks + J0) with the same crypto context,
 * all measured in the same run with BPF_PROG_TEST_RUN on this kernel, for
 * both AES drivers (ecb(aes), ecb(aes-generic)). Each figure is the median
 * of RUNS single runs (the kernel's own timing of the program, no syscall
 * cost): open needs a freshly sealed packet each time.
 *
 * Those runs reuse one slot, so its GHASH table stays in the CPU's caches.
 * With many SAs a packet's table is cold, so the same three are measured
 * again for the default driver with a cold slot: every run on its own slot
 * (all hold the same key, so one sealed packet opens in any of them) after
 * EVICT_LEN bytes of other memory have gone through the caches.
 *
 * Usage: bench_engine [OUT.json]    (make bench writes build/bench/engine.json)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "engine_bpf_test.skel.h"
#include "keyset.h"

#define ESP_OFF	42
#define RUNS	301
/* cold runs: one slot each, slots 3..; RUNS + 3 <= the map's 1024 entries */
#define COLD_SLOT0	3
#define EVICT_LEN	(64u << 20)	/* twice this machine's L3 */

static struct engine_bpf_test_bpf *skel;

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/* one run of @p over @frame (in place); kernel ns, or 0 on failure */
static __u32 run1(struct bpf_program *p, unsigned char *frame, __u32 flen,
		  __u32 len, __u32 slot)
{
	static unsigned char out[4096];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = flen,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);

	skel->bss->esp_off = ESP_OFF;
	skel->bss->len = len;
	skel->bss->slot = slot;
	if (bpf_prog_test_run_opts(bpf_program__fd(p), &o) || skel->bss->ret)
		return 0;
	memcpy(frame, out, flen);
	return o.duration ? o.duration : 1;
}

/* Push everything else out of the caches: read and write EVICT_LEN bytes. */
static void evict(void)
{
	static volatile unsigned char *buf;
	size_t i;

	if (!buf)
		buf = calloc(1, EVICT_LEN);
	if (!buf)
		return;
	for (i = 0; i < EVICT_LEN; i += 64)
		buf[i]++;
}

/* The slot of cold run @i: a permutation of RUNS slots, so that neighbours
 * in time are not neighbours in memory (no prefetch). */
static __u32 cold_slot(int i)
{
	return COLD_SLOT0 + (__u32)(((long)i * 181) % RUNS);
}

/* median ns of seal, open and bare ECB for @len bytes with @slot */
static int measure(__u32 len, __u32 slot, double ns[3])
{
	static unsigned char f[4096], sealed[4096], g[4096];
	__u32 flen = ESP_OFF + 16 + len + 16, t[3][RUNS];
	int i, k;

	for (i = 0; i < (int)flen; i++)
		f[i] = (unsigned char)(i * 7);
	if (!run1(skel->progs.seal, f, flen, len, slot))
		return -1;
	memcpy(sealed, f, flen);
	for (i = 0; i < RUNS; i++) {
		t[0][i] = run1(skel->progs.seal, f, flen, len, slot);
		memcpy(g, sealed, flen);
		t[1][i] = run1(skel->progs.open, g, flen, len, slot);
		t[2][i] = run1(skel->progs.ecb, f, flen, len, slot);
		if (!t[0][i] || !t[1][i] || !t[2][i])
			return -1;
	}
	for (k = 0; k < 3; k++) {
		qsort(t[k], RUNS, sizeof(__u32), cmp_u32);
		ns[k] = t[k][RUNS / 2];
	}
	return 0;
}

/* the same with a cold slot each run: each program over all cold slots,
 * after an eviction */
static int measure_cold(__u32 len, double ns[3])
{
	static unsigned char f[4096], sealed[4096], g[4096];
	__u32 flen = ESP_OFF + 16 + len + 16, t[3][RUNS];
	int i, k;

	for (i = 0; i < (int)flen; i++)
		f[i] = (unsigned char)(i * 7);
	if (!run1(skel->progs.seal, f, flen, len, COLD_SLOT0))
		return -1;
	memcpy(sealed, f, flen);
	for (k = 0; k < 3; k++) {
		evict();
		for (i = 0; i < RUNS; i++) {
			memcpy(g, sealed, flen);
			t[k][i] = run1(k == 0 ? skel->progs.seal : k == 1 ? skel->progs.open :
				       skel->progs.ecb, g, flen, len, cold_slot(i));
			if (!t[k][i])
				return -1;
		}
		qsort(t[k], RUNS, sizeof(__u32), cmp_u32);
		ns[k] = t[k][RUNS / 2];
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const __u32 sizes[] = { 64, 512, 1400 };
	static const char *const aes[] = { "aes", "aes-generic" };
	unsigned char key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	unsigned char salt[4] = { 0xde, 0xad, 0xbe, 0xef };
	double ns[2][3][3], cold[2][3];
	static const __u32 cold_sizes[] = { 64, 1400 };
	FILE *js = NULL;
	__u32 vsize;
	int a, s, i;

	skel = engine_bpf_test_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "bench_engine: cannot load the engine (root, BPF crypto kfuncs)\n");
		return 1;
	}
	for (a = 0; a < 2; a++) {
		if (nicsec_bpf_key_set(bpf_map__fd(skel->maps.gcm_slots), (__u32)a + 1, key, 16,
				       salt, aes[a])) {
			fprintf(stderr, "bench_engine: key set with ecb(%s) failed\n", aes[a]);
			return 1;
		}
		for (s = 0; s < 3; s++)
			if (measure(sizes[s], (__u32)a + 1, ns[a][s])) {
				fprintf(stderr, "bench_engine: run failed\n");
				return 1;
			}
	}
	for (i = 0; i < RUNS; i++)
		if (nicsec_bpf_key_set(bpf_map__fd(skel->maps.gcm_slots), cold_slot(i), key, 16,
				       salt, NICSEC_BPF_AES_DEFAULT)) {
			fprintf(stderr, "bench_engine: key set in cold slot %u failed\n",
				cold_slot(i));
			return 1;
		}
	for (s = 0; s < 2; s++)
		if (measure_cold(cold_sizes[s], cold[s])) {
			fprintf(stderr, "bench_engine: cold run failed\n");
			return 1;
		}
	vsize = bpf_map__value_size(skel->maps.gcm_slots);
	if (argc > 1 && !(js = fopen(argv[1], "w"))) {
		perror(argv[1]);
		return 1;
	}
	printf("bpf engine, AES-128-GCM, ns/packet (median of %d test runs, this kernel)\n",
	       RUNS);
	printf("%-16s %6s %9s %9s %9s %11s %11s\n", "driver", "bytes", "seal", "open",
	       "bare ecb", "seal/ecb", "open/ecb");
	if (js)
		fprintf(js, "{\n  \"unit\": \"ns/packet\",\n  \"runs\": %d,\n  \"results\": [\n",
			RUNS);
	for (a = 0; a < 2; a++)
		for (s = 0; s < 3; s++) {
			double *v = ns[a][s];

			printf("ecb(%-11s) %6u %9.0f %9.0f %9.0f %10.2fx %10.2fx\n", aes[a],
			       sizes[s], v[0], v[1], v[2], v[0] / v[2], v[1] / v[2]);
			if (js)
				fprintf(js, "    { \"driver\": \"ecb(%s)\", \"bytes\": %u, "
					"\"seal_ns\": %.0f, \"open_ns\": %.0f, \"ecb_ns\": %.0f, "
					"\"seal_over_ecb\": %.3f, \"open_over_ecb\": %.3f }%s\n",
					aes[a], sizes[s], v[0], v[1], v[2], v[0] / v[2],
					v[1] / v[2], a == 1 && s == 2 ? "" : ",");
		}
	printf("seal1400/ecb1400: ecb(aes) %.2fx, ecb(aes-generic) %.2fx "
	       "(target <= 2x); engine default ecb(%s)\n",
	       ns[0][2][0] / ns[0][2][2], ns[1][2][0] / ns[1][2][2], NICSEC_BPF_AES_DEFAULT);
	printf("cold slot (a slot per run, caches flushed first), ecb(%s):\n",
	       NICSEC_BPF_AES_DEFAULT);
	for (s = 0; s < 2; s++)
		printf("%-16s %6u %9.0f %9.0f %9.0f %10.2fx %10.2fx\n", "  cold", cold_sizes[s],
		       cold[s][0], cold[s][1], cold[s][2], cold[s][0] / cold[s][2],
		       cold[s][1] / cold[s][2]);
	printf("gcm_slots value: %u bytes per slot\n", vsize);
	if (js) {
		fprintf(js, "  ],\n  \"cold\": [\n");
		for (s = 0; s < 2; s++)
			fprintf(js, "    { \"driver\": \"ecb(%s)\", \"bytes\": %u, "
				"\"seal_ns\": %.0f, \"open_ns\": %.0f, \"ecb_ns\": %.0f, "
				"\"seal_over_ecb\": %.3f, \"open_over_ecb\": %.3f }%s\n",
				NICSEC_BPF_AES_DEFAULT, cold_sizes[s], cold[s][0], cold[s][1],
				cold[s][2], cold[s][0] / cold[s][2], cold[s][1] / cold[s][2],
				s == 1 ? "" : ",");
		fprintf(js, "  ],\n  \"seal1400_over_ecb1400\": { \"ecb(aes)\": %.3f, "
			"\"ecb(aes-generic)\": %.3f },\n  \"default_driver\": \"ecb(%s)\",\n"
			"  \"slot_value_bytes\": %u\n}\n",
			ns[0][2][0] / ns[0][2][2], ns[1][2][0] / ns[1][2][2],
			NICSEC_BPF_AES_DEFAULT, vsize);
		fclose(js);
	}
	engine_bpf_test_bpf__destroy(skel);
	return 0;
}
