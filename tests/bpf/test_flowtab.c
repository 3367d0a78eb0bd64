// SPDX-License-Identifier: GPL-2.0
/*
 * The outbound flow table (bpf/flow_hash.h, userspace/lib/flowtab.c,
 * bpf/flow_tab.bpf.h):
 *   - SipHash-2-4 against the reference vector for a 16-byte message
 *     (key and message 00 01 .. 0f: 0x3f2acc7f57c29bdb, the reference
 *     implementation's vectors.h, entry 16);
 *   - at the load nicsec-devd allows (as many flows as buckets: half the
 *     ways), every flow goes in, is found with its SA, and stays found
 *     while others are removed and put back; removing by SA id;
 *   - filled past that until there is no room: the refusal is -ENOSPC and
 *     loses no flow already in;
 *   - while the host-port program (BPF_PROG_TEST_RUN on another thread)
 *     sends one flow's packets, user space churns a table of 4 buckets
 *     kept 7 ways of 8 full, so that flows, that one among them, move
 *     between buckets thousands of times: the packets must find their SA
 *     every time, and only that SA (its sequence number counts every
 *     packet; no other SA's moves). The window in which a move without
 *     flow_gen would lose a packet is a few instructions wide: with the
 *     generation counter taken out, about one run in three misses one.
 * Root and BPF needed (maps and the device object, engine "none").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "device_none.skel.h"
#include "flow_hash.h"
#include "flowtab.h"
#include "maps.h"
#include "../tap.h"

#define VM_ADDR	0x0a4d0001	/* 10.77.0.1, host port 1's */
#define CLI_ADDR 0x0a4e0001

/* A table of @buckets buckets over plain maps, SA table of @sas. */
struct bed {
	int flow_fd, gen_fd, sa_fd;
	struct nicsec_dev_info di;
	struct nicsec_flowtab ft;
};

static void bed_open(struct bed *b, uint32_t buckets, uint32_t sas)
{
	LIBBPF_OPTS(bpf_map_create_opts, mm, .map_flags = BPF_F_MMAPABLE);

	memset(b, 0, sizeof(*b));
	b->flow_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "flow_tab", 4,
				    sizeof(struct nicsec_flow_way), 2 * buckets, &mm);
	b->gen_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "flow_gen", 4, 4, 1, &mm);
	b->sa_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "sa_table", 4, sizeof(struct nicsec_sa),
				  sas, NULL);
	if (b->flow_fd < 0 || b->gen_fd < 0 || b->sa_fd < 0)
		tap_bail("cannot create maps (root and BPF needed)");
	b->di.flow_bmask = buckets - 1;
	if (getrandom(b->di.flow_seed, sizeof(b->di.flow_seed), 0) != sizeof(b->di.flow_seed) ||
	    flowtab_open(&b->ft, b->flow_fd, b->gen_fd, b->sa_fd, &b->di))
		tap_bail("flowtab_open");
}

static void bed_close(struct bed *b)
{
	flowtab_close(&b->ft);
	close(b->flow_fd);
	close(b->gen_fd);
	close(b->sa_fd);
}

/* Flow number @i of port 1: 10.77.0.1:(i % 60000) -> 10.78.x.y:4242 */
static struct nicsec_flow flow_n(uint32_t i)
{
	struct nicsec_flow f = {
		.saddr = htonl(VM_ADDR), .daddr = htonl(CLI_ADDR + i / 60000),
		.sport = htons((uint16_t)(1024 + i % 60000)), .dport = htons(4242),
		.proto = 17, .port = NICSEC_PORT_HOST1,
	};
	return f;
}

/* SA @id: outbound, port 1's, installed for @f (as sadb_add() writes it) */
static int sa_for(int sa_fd, uint32_t id, const struct nicsec_flow *f)
{
	struct nicsec_sa sa = {
		.flags = NICSEC_SA_VALID | NICSEC_SA_OUT, .spi = htonl(0x1000 + id),
		.local_addr = htonl(0x0a4d00fe), .peer_addr = htonl(CLI_ADDR),
		.local_port = htons(4500), .peer_port = htons(4500),
		.sel_local = f->saddr, .sel_remote = f->daddr,
		.sel_local_port = f->sport, .sel_remote_port = f->dport,
		.sel_proto = f->proto, .port = f->port,
	};
	return bpf_map_update_elem(sa_fd, &id, &sa, 0);
}

static void test_siphash(void)
{
	uint64_t w0 = 0x0706050403020100ULL, w1 = 0x0f0e0d0c0b0a0908ULL;

	is_int(nicsec_siphash16(w0, w1, w0, w1), 0x3f2acc7f57c29bdbULL,
	       "SipHash-2-4 of 00..0f under key 00..0f is the reference 0x3f2acc7f57c29bdb");
	ok(nicsec_siphash16(w0, w1 ^ 1, w0, w1) != 0x3f2acc7f57c29bdbULL,
	   "another key, another hash");
}

static void test_load(void)
{
	enum { B = 1 << 16 };
	struct bed b;
	uint32_t i, id, bad = 0, set_err = 0;
	int e;

	bed_open(&b, B, B);
	for (i = 0; i < B; i++) {
		struct nicsec_flow f = flow_n(i);

		if (sa_for(b.sa_fd, i, &f) || flowtab_set(&b.ft, &f, i))
			set_err++;
	}
	is_int(set_err, 0, "%u flows into %u buckets (as many as --max-sas allows): all in", B, B);
	is_int(flowtab_count(&b.ft), B, "%u ways in use", B);
	diag("%llu moves to make room", (unsigned long long)b.ft.moves);
	for (i = 0; i < B; i++) {
		struct nicsec_flow f = flow_n(i);

		bad += flowtab_find(&b.ft, &f, &id, NULL) || id != i;
	}
	is_int(bad, 0, "every flow found, leading to its own SA");
	for (i = 0; i < B; i += 2) {
		struct nicsec_flow f = flow_n(i);

		bad += !!flowtab_del(&b.ft, &f, i);
	}
	for (i = 0; i < B; i++) {
		struct nicsec_flow f = flow_n(i);

		e = flowtab_find(&b.ft, &f, &id, NULL);
		bad += (i & 1) ? (e || id != i) : e != -ENOENT;
	}
	is_int(bad, 0, "half removed: those gone, the rest still found");
	{
		struct nicsec_flow f = flow_n(1);

		is_int(flowtab_del(&b.ft, &f, 3), -ENOENT,
		       "a flow is not removed for an SA it does not lead to");
		/* a rekey: SA B-1's slot reused for flow 1's new SA */
		sa_for(b.sa_fd, 0, &f);
		is_int(flowtab_set(&b.ft, &f, 0), 0, "flow 1 moved to a new SA (a rekey)");
		ok(!flowtab_find(&b.ft, &f, &id, NULL) && id == 0 &&
		   flowtab_count(&b.ft) == B / 2, "it leads there, in the same way (%u in use)",
		   flowtab_count(&b.ft));
	}
	{
		uint32_t ids[] = { 0, 3, 5, 7 };

		is_int(flowtab_del_ids(&b.ft, ids, 4, B), 4, "removing by SA id: 4 ways freed");
		is_int(flowtab_count(&b.ft), B / 2 - 4, "%u left", B / 2 - 4);
	}
	bed_close(&b);
}

static void test_full(void)
{
	enum { B = 256 };
	struct bed b;
	uint32_t i, id, n = 0, bad = 0;
	int e = 0;

	bed_open(&b, B, 4 * B);
	for (i = 0; i < 2 * B; i++) {
		struct nicsec_flow f = flow_n(i);

		sa_for(b.sa_fd, i, &f);
		e = flowtab_set(&b.ft, &f, i);
		if (e)
			break;
		n++;
	}
	is_int(e, -ENOSPC, "filled until no room: -ENOSPC");
	ok(n > B && n > 2 * B * 3 / 4, "... after %u flows in %u ways (%.0f %%)", n, 2 * B,
	   100.0 * n / (2 * B));
	is_int(flowtab_count(&b.ft), n, "the refused flow left nothing behind");
	for (i = 0; i < n; i++) {
		struct nicsec_flow f = flow_n(i);

		bad += flowtab_find(&b.ft, &f, &id, NULL) || id != i;
	}
	is_int(bad, 0, "and every flow already in is still found");
	bed_close(&b);
}

/* ---- moves under a running data path -------------------------------------- */

static struct device_none_bpf *dev;
static volatile int stop;
static uint64_t found, missed, other;

static uint32_t frame_x(uint8_t *f)
{
	uint8_t *ip = f + 14, *udp = ip + 20;
	struct nicsec_flow x = flow_n(0);

	memset(f, 0, 14 + 20 + 8 + 32);
	f[12] = 0x08;
	ip[0] = 0x45;
	*(uint16_t *)(ip + 2) = htons(20 + 8 + 32);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &x.saddr, 4);
	memcpy(ip + 16, &x.daddr, 4);
	memcpy(udp, &x.sport, 2);
	memcpy(udp + 2, &x.dport, 2);
	*(uint16_t *)(udp + 4) = htons(8 + 32);
	return 14 + 20 + 8 + 32;
}

static void *reader(void *arg)
{
	static uint8_t in[128], out[256];
	uint32_t len = frame_x(in);
	int fd = bpf_program__fd(dev->progs.nic_host);

	while (!stop) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = len,
			    .data_out = out, .data_size_out = sizeof(out));

		if (bpf_prog_test_run_opts(fd, &o)) {
			other++;
			continue;
		}
		if (o.retval == XDP_DROP)	/* found: engine "none" refuses */
			found++;
		else if (o.retval == XDP_REDIRECT)	/* passed: not found */
			missed++;
		else
			other++;
	}
	return NULL;
}

static void test_moves(void)
{
	enum { B = 4, SAS = 16, FILL = 7, ROUNDS = 200000 };
	struct nicsec_flowtab *ft;
	uint32_t lo = if_nametoindex("lo"), key, i, x_idx, idx, id, x_moves = 0;
	uint32_t live[FILL], n_live = 0, next = 1, fno[FILL + 1];
	struct nicsec_dev_info di = { .wire_mtu = 1500, .flow_bmask = B - 1 };
	struct nicsec_flow x = flow_n(0);
	struct nicsec_sa sa;
	uint64_t seq_other = 0;
	pthread_t th;

	dev = device_none_bpf__open();
	if (!dev ||
	    bpf_map__set_max_entries(dev->maps.sa_table, SAS) ||
	    bpf_map__set_max_entries(dev->maps.sa_replay, SAS) ||
	    bpf_map__set_max_entries(dev->maps.flow_tab, 2 * B) ||
	    device_none_bpf__load(dev))
		tap_bail("cannot load the device object (root and BPF needed)");
	ft = calloc(1, sizeof(*ft));
	key = 0;
	if (getrandom(di.flow_seed, sizeof(di.flow_seed), 0) != sizeof(di.flow_seed) ||
	    bpf_map_update_elem(bpf_map__fd(dev->maps.dev_info), &key, &di, 0) ||
	    flowtab_open(ft, bpf_map__fd(dev->maps.flow_tab), bpf_map__fd(dev->maps.flow_gen),
			 bpf_map__fd(dev->maps.sa_table), &di))
		tap_bail("dev_info / flow_tab");
	{
		struct nicsec_prefix vm = { .prefixlen = 32, .addr = htonl(VM_ADDR) };
		__u32 port = NICSEC_PORT_HOST1;

		for (key = 0; key < NICSEC_PORT_MAX; key++)
			bpf_map_update_elem(bpf_map__fd(dev->maps.tx_port), &key, &lo, 0);
		if (bpf_map_update_elem(bpf_map__fd(dev->maps.port_of), &lo, &port, 0) ||
		    bpf_map_update_elem(bpf_map__fd(dev->maps.owner), &vm, &port, 0))
			tap_bail("port_of/owner update");
	}
	/* flow X (flow 0) -> SA 0; the others 1.. fill the table to 88 % */
	sa_for(bpf_map__fd(dev->maps.sa_table), 0, &x);
	if (flowtab_set(ft, &x, 0))
		tap_bail("flow X");
	while (n_live < FILL - 1) {
		uint32_t sid = n_live + 1;
		struct nicsec_flow f = flow_n(next);

		fno[sid] = next++;
		sa_for(bpf_map__fd(dev->maps.sa_table), sid, &f);
		if (!flowtab_set(ft, &f, sid))
			live[n_live++] = sid;
	}
	flowtab_find(ft, &x, &id, &x_idx);
	if (pthread_create(&th, NULL, reader, NULL))
		tap_bail("pthread_create");
	srandom(7);
	for (i = 0; i < ROUNDS; i++) {
		/* one flow out, another in: new flows until one fits (a table
		 * this full refuses some), its SA in the freed id */
		uint32_t k = (uint32_t)random() % n_live, sid = live[k];
		struct nicsec_flow f = flow_n(fno[sid]);

		flowtab_del(ft, &f, sid);
		do {
			fno[sid] = next++;
			f = flow_n(fno[sid]);
			sa_for(bpf_map__fd(dev->maps.sa_table), sid, &f);
		} while (flowtab_set(ft, &f, sid));
		if (!flowtab_find(ft, &x, &id, &idx) && idx != x_idx) {
			x_moves++;
			x_idx = idx;
		}
	}
	stop = 1;
	pthread_join(th, NULL);
	diag("%llu moves in %u rounds, flow X moved %u times; X's packets: %llu found, "
	     "%llu missed", (unsigned long long)ft->moves, ROUNDS, x_moves,
	     (unsigned long long)found, (unsigned long long)missed);
	ok(ft->moves > 1000 && x_moves > 100, "flows moved between buckets (%llu), X among them "
	   "(%u times)", (unsigned long long)ft->moves, x_moves);
	ok(found > 10000, "X's packets ran alongside (%llu)", (unsigned long long)found);
	is_int(missed + other, 0, "every one of X's packets found its SA while flows moved");
	key = 0;
	bpf_map_lookup_elem(bpf_map__fd(dev->maps.sa_table), &key, &sa);
	is_int(sa.seq, found, "SA 0's sequence number counts each of X's packets");
	for (key = 1; key < SAS; key++)
		if (!bpf_map_lookup_elem(bpf_map__fd(dev->maps.sa_table), &key, &sa))
			seq_other += sa.seq;
	is_int(seq_other, 0, "no other SA took one of X's packets");
	flowtab_close(ft);
	free(ft);
	device_none_bpf__destroy(dev);
}

int main(void)
{
	tap_plan(20);
	test_siphash();
	test_load();
	test_full();
	test_moves();
	return tap_done();
}
