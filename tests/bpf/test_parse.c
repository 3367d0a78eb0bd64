// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_TEST_RUN tests of the device programs' decisions on the host,
 * with the forwarding-only "none" engine (no crypto here; the VM tests
 * run the kmod engine): what the wire port passes (IKE with the non-ESP
 * marker, NAT keepalives, other traffic) and what it drops, and for which
 * reason (truncated or inconsistent UDP/ESP, unknown SPI, wrong outer
 * addresses, replayed sequence numbers), what the host port matches
 * (5-tuple before 2-tuple, fragments by 2-tuple), sequence number
 * exhaustion, and the ICMP "fragmentation needed" it builds for a packet
 * too big for the wire, checked field by field; and the tenant rules:
 * what a host port sends from an address its tenant does not own is
 * dropped, another port's flows never match, pass-through from the wire
 * goes only where a tenant owns the destination. test_run delivers every
 * frame as if from loopback, which plays host port 1 (the tenant owning
 * 10.77.0.1).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "device_none.skel.h"
#include "flow_hash.h"
#include "flowtab.h"
#include "maps.h"
#include "../tap.h"

#define VM_ADDR		0x0a4d0001	/* 10.77.0.1 */
#define CLI_ADDR	0x0a4d0002	/* 10.77.0.2 */

static struct device_none_bpf *dev;
static struct nicsec_flowtab ft;
static uint8_t out[9100];
static uint32_t out_len;

/* Drops for @reason, summed over CPUs and ports. */
static uint64_t drops(uint32_t reason)
{
	int i, n = libbpf_num_possible_cpus();
	uint64_t v[512], sum = 0;
	uint32_t port, idx;

	for (port = 0; port < NICSEC_PORT_MAX; port++) {
		idx = NICSEC_DROP_IDX(port, reason);
		if (n > 512 || bpf_map_lookup_elem(bpf_map__fd(dev->maps.drop_stats), &idx, v))
			tap_bail("reading drop_stats");
		for (i = 0; i < n; i++)
			sum += v[i];
	}
	return sum;
}

static int run(struct bpf_program *prog, const uint8_t *frame, uint32_t len)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len,
		    .data_out = out, .data_size_out = sizeof(out));

	if (bpf_prog_test_run_opts(bpf_program__fd(prog), &o))
		return -errno;
	out_len = o.data_size_out;
	return (int)o.retval;
}

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Ethernet + IPv4 (+ UDP or TCP ports) frame with @plen payload bytes. */
static uint32_t frame(uint8_t *f, uint8_t proto, uint32_t src, uint32_t dst,
		      uint16_t sport, uint16_t dport, const uint8_t *payload, uint32_t plen,
		      uint16_t frag)
{
	uint32_t l4 = proto == 6 ? 20 : 8, ip_len = 20 + l4 + plen;
	uint8_t *ip = f + 14, *l = f + 34;

	memset(f, 0, 14 + ip_len);
	memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00", 14);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(ip_len >> 8);
	ip[3] = (uint8_t)ip_len;
	ip[6] = (uint8_t)(frag >> 8);
	ip[7] = (uint8_t)frag;
	ip[8] = 64;
	ip[9] = proto;
	*(uint32_t *)(ip + 12) = htonl(src);
	*(uint32_t *)(ip + 16) = htonl(dst);
	*(uint16_t *)(ip + 10) = htons(csum(ip, 20));
	*(uint16_t *)l = htons(sport);
	*(uint16_t *)(l + 2) = htons(dport);
	if (proto == 17)
		*(uint16_t *)(l + 4) = htons((uint16_t)(8 + plen));
	else
		l[12] = 5 << 4;
	if (payload)
		memcpy(l + l4, payload, plen);
	return 14 + ip_len;
}

static void sa_put(uint32_t id, const struct nicsec_sa *sa)
{
	if (bpf_map_update_elem(bpf_map__fd(dev->maps.sa_table), &id, sa, 0))
		tap_bail("sa_table update");
}

/* an outbound flow to SA @id, as sadb_add() writes it: the SA entry
 * records its flow, then the flow goes into flow_tab (no hints yet) */
static void flow_put(const struct nicsec_flow *flow, uint32_t id)
{
	struct nicsec_sa sa;

	if (bpf_map_lookup_elem(bpf_map__fd(dev->maps.sa_table), &id, &sa))
		tap_bail("sa_table lookup");
	sa.sel_local = flow->saddr;
	sa.sel_remote = flow->daddr;
	sa.sel_local_port = flow->sport;
	sa.sel_remote_port = flow->dport;
	sa.sel_proto = flow->proto;
	sa_put(id, &sa);
	if (flowtab_set(&ft, flow, id))
		tap_bail("flow_tab: no room for a flow");
}

/* A way made by hand in @flow's first bucket: its tag, SA @id. */
static void way_forge(const struct nicsec_flow *flow, uint32_t id)
{
	uint64_t h = nicsec_flow_hash(flow, ft.seed);
	uint32_t idx = ((uint32_t)h & ft.bmask) * NICSEC_FLOW_WAYS;

	ft.ways[idx].id = id;
	ft.ways[idx].tag = nicsec_flow_tag(h);
}

static void way_unforge(const struct nicsec_flow *flow)
{
	uint64_t h = nicsec_flow_hash(flow, ft.seed);

	ft.ways[((uint32_t)h & ft.bmask) * NICSEC_FLOW_WAYS].tag = 0;
}

int main(void)
{
	static uint8_t f[9100], esp[64];
	struct nicsec_flow flow = {};
	struct nicsec_sa sa = {};
	uint32_t key, lo = if_nametoindex("lo"), id, len;
	uint64_t before;
	int i;

	tap_plan(46);
	dev = device_none_bpf__open_and_load();
	if (!dev)
		tap_bail("cannot load the device object (root and BPF needed)");
	for (key = 0; key < NICSEC_PORT_MAX; key++)
		if (bpf_map_update_elem(bpf_map__fd(dev->maps.tx_port), &key, &lo, 0))
			tap_bail("tx_port update");
	{
		/* flow_tab's geometry and secret, as nicsec-devd records them */
		struct nicsec_dev_info info = {
			.flow_bmask = 2 * NICSEC_OBJ_MAX_SA / NICSEC_FLOW_WAYS - 1,
			.flow_seed = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL },
		};

		key = 0;
		if (bpf_map_update_elem(bpf_map__fd(dev->maps.dev_info), &key, &info, 0) ||
		    flowtab_open(&ft, bpf_map__fd(dev->maps.flow_tab),
				 bpf_map__fd(dev->maps.flow_gen),
				 bpf_map__fd(dev->maps.sa_table), &info))
			tap_bail("dev_info / flow_tab");
	}
	{
		struct nicsec_prefix vm = { .prefixlen = 32, .addr = htonl(VM_ADDR) };
		__u32 port = NICSEC_PORT_HOST1;

		if (bpf_map_update_elem(bpf_map__fd(dev->maps.port_of), &lo, &port, 0) ||
		    bpf_map_update_elem(bpf_map__fd(dev->maps.owner), &vm, &port, 0))
			tap_bail("port_of/owner update");
	}

	/* ---- wire port ---- */
	len = frame(f, 17, CLI_ADDR, VM_ADDR, 4500, 4500, (const uint8_t *)"\0\0\0\0IKE-message", 15, 0);
	is_int(run(dev->progs.nic_wire, f, len), XDP_REDIRECT, "wire: IKE on 4500 (non-ESP marker) passes");
	ok(out_len == len && !memcmp(out, f, len), "wire: IKE frame unchanged");
	len = frame(f, 17, CLI_ADDR, VM_ADDR, 4500, 4500, (const uint8_t *)"\xff", 1, 0);
	is_int(run(dev->progs.nic_wire, f, len), XDP_REDIRECT, "wire: NAT keepalive (0xff) passes");
	before = drops(NICSEC_DROP_MALFORMED);
	len = frame(f, 17, CLI_ADDR, VM_ADDR, 4500, 4500, (const uint8_t *)"\x00", 1, 0);
	is_int(run(dev->progs.nic_wire, f, len), XDP_DROP, "wire: 1-byte non-keepalive to 4500 dropped");
	len = frame(f, 17, CLI_ADDR, VM_ADDR, 4500, 4500, (const uint8_t *)"\x00\x00\x10", 3, 0);
	is_int(run(dev->progs.nic_wire, f, len), XDP_DROP, "wire: 3-byte payload to 4500 dropped");
	memset(esp, 0xab, sizeof(esp));
	len = frame(f, 17, CLI_ADDR, VM_ADDR, 4500, 4500, esp, 33, 0);
	is_int(run(dev->progs.nic_wire, f, len), XDP_DROP, "wire: ESP shorter than the minimum (33 B) dropped");
	len = frame(f, 17, CLI_ADDR, VM_ADDR, 4500, 4500, esp, 64, 0);
	f[14 + 20 + 5] += 10;		/* UDP length past the IP packet */
	is_int(run(dev->progs.nic_wire, f, len), XDP_DROP, "wire: UDP length beyond the packet dropped");
	is_int(drops(NICSEC_DROP_MALFORMED) - before, 4, "wire: those 4 counted as malformed");

	before = drops(NICSEC_DROP_NO_SA);
	memcpy(esp, "\x00\x00\x99\x99\x00\x00\x00\x01", 8);
	len = frame(f, 17, CLI_ADDR, VM_ADDR, 4500, 4500, esp, 64, 0);
	is_int(run(dev->progs.nic_wire, f, len), XDP_DROP, "wire: unknown SPI dropped");
	is_int(drops(NICSEC_DROP_NO_SA) - before, 1, "wire: counted as no_sa");

	/* an inbound SA 7 for SPI 0x9999 from cli to vm (port 1's) */
	sa.flags = NICSEC_SA_VALID | NICSEC_SA_IN;
	sa.spi = htonl(0x9999);
	sa.peer_addr = htonl(CLI_ADDR);
	sa.local_addr = htonl(VM_ADDR);
	sa.port = NICSEC_PORT_HOST1;
	sa_put(7, &sa);
	{
		struct nicsec_spi_key sk = { .spi = htonl(0x9999), .daddr = htonl(VM_ADDR) };

		id = 7;
		bpf_map_update_elem(bpf_map__fd(dev->maps.spi_in), &sk, &id, 0);
	}
	before = drops(NICSEC_DROP_BAD_ADDR);
	len = frame(f, 17, 0x0a4d0009, VM_ADDR, 4500, 4500, esp, 64, 0);
	is_int(run(dev->progs.nic_wire, f, len), XDP_DROP, "wire: known SPI from the wrong source dropped");
	is_int(drops(NICSEC_DROP_BAD_ADDR) - before, 1, "wire: counted as bad_addr");
	before = drops(NICSEC_DROP_REPLAY);
	memcpy(esp, "\x00\x00\x99\x99\x00\x00\x00\x00", 8);	/* seq 0 */
	len = frame(f, 17, CLI_ADDR, VM_ADDR, 4500, 4500, esp, 64, 0);
	is_int(run(dev->progs.nic_wire, f, len), XDP_DROP, "wire: sequence number 0 dropped");
	is_int(drops(NICSEC_DROP_REPLAY) - before, 1, "wire: counted as replay");
	before = drops(NICSEC_DROP_ENGINE);
	memcpy(esp, "\x00\x00\x99\x99\x00\x00\x00\x05", 8);
	len = frame(f, 17, CLI_ADDR, VM_ADDR, 4500, 4500, esp, 64, 0);
	is_int(run(dev->progs.nic_wire, f, len), XDP_DROP,
	       "wire: valid-looking ESP reaches the engine (none: refuses)");
	is_int(drops(NICSEC_DROP_ENGINE) - before, 1, "wire: counted as engine");
	before = drops(NICSEC_DROP_NO_SA);
	len = frame(f, 17, CLI_ADDR, 0x0a4d0003, 4500, 4500, esp, 64, 0);
	is_int(run(dev->progs.nic_wire, f, len), XDP_DROP,
	       "wire: the SPI sent to another address is another SA: dropped");
	is_int(drops(NICSEC_DROP_NO_SA) - before, 1, "wire: counted as no_sa");
	len = frame(f, 17, CLI_ADDR, VM_ADDR, 4501, 500, esp, 64, 0);
	is_int(run(dev->progs.nic_wire, f, len), XDP_REDIRECT, "wire: IKE on 500 passes");
	len = frame(f, 6, CLI_ADDR, VM_ADDR, 80, 4500, NULL, 10, 0);
	is_int(run(dev->progs.nic_wire, f, len), XDP_REDIRECT, "wire: TCP to port 4500 passes");
	before = drops(NICSEC_DROP_NO_TENANT);
	len = frame(f, 17, CLI_ADDR, 0x0a4d0009, 4501, 500, esp, 64, 0);
	is_int(run(dev->progs.nic_wire, f, len), XDP_DROP,
	       "wire: to an address no tenant owns: dropped");
	is_int(drops(NICSEC_DROP_NO_TENANT) - before, 1, "wire: counted as no_tenant");

	/* ---- host port ---- */
	before = drops(NICSEC_DROP_SPOOFED);
	len = frame(f, 17, 0x0a4d0009, CLI_ADDR, 7000, 7001, esp, 64, 0);
	is_int(run(dev->progs.nic_host, f, len), XDP_DROP,
	       "host: from an address the tenant does not own: dropped");
	is_int(drops(NICSEC_DROP_SPOOFED) - before, 1, "host: counted as spoofed");
	len = frame(f, 17, VM_ADDR, CLI_ADDR, 7000, 7001, esp, 64, 0);
	is_int(run(dev->progs.nic_host, f, len), XDP_REDIRECT, "host: no SA: passes");
	ok(out_len == len && !memcmp(out, f, len), "host: unmatched frame unchanged");
	memset(&sa, 0, sizeof(sa));
	sa.flags = NICSEC_SA_VALID | NICSEC_SA_OUT;
	sa.spi = htonl(0x1234);
	sa.local_addr = htonl(VM_ADDR);
	sa.peer_addr = htonl(CLI_ADDR);
	sa.local_port = sa.peer_port = htons(4500);
	sa.port = NICSEC_PORT_HOST1;
	sa_put(3, &sa);
	sa_put(4, &sa);
	sa.port = NICSEC_PORT_HOST1 + 1;
	sa_put(5, &sa);			/* port 2's */
	sa.port = NICSEC_PORT_HOST1;
	/* another tenant's flow for the same 5-tuple: never port 1's */
	flow.port = NICSEC_PORT_HOST1 + 1;
	flow.saddr = htonl(VM_ADDR);
	flow.daddr = htonl(CLI_ADDR);
	flow.proto = 17;
	flow.sport = htons(7000);
	flow.dport = htons(7001);
	id = 5;
	flow_put(&flow, id);
	is_int(run(dev->progs.nic_host, f, len), XDP_REDIRECT,
	       "host: another port's flow for the same 5-tuple does not match: passes");
	ok(out_len == len && !memcmp(out, f, len), "host: ... unchanged");
	is_int(flowtab_set(&ft, &flow, 4), -EINVAL,
	       "flow_tab: a flow is refused an SA installed for another flow (port 1's)");
	/* a way that says port 1's 5-tuple but leads to port 2's SA (as a
	 * half-written way or a shared tag could): the SA's own flow decides */
	flow.port = NICSEC_PORT_HOST1;
	way_forge(&flow, 5);
	is_int(run(dev->progs.nic_host, f, len), XDP_REDIRECT,
	       "host: a way with the flow's tag but another tenant's SA: not taken, passes");
	ok(out_len == len && !memcmp(out, f, len), "host: ... unchanged");
	way_unforge(&flow);
	/* a way of the flow whose SA is not valid (being removed, or the old
	 * SA of a rekey): dropped, never passed in clear */
	way_forge(&flow, 6);
	before = drops(NICSEC_DROP_NO_SA);
	is_int(run(dev->progs.nic_host, f, len), XDP_DROP,
	       "host: the flow's way leads to an SA that is not valid: dropped");
	is_int(drops(NICSEC_DROP_NO_SA) - before, 1, "host: counted as no_sa");
	way_unforge(&flow);
	/* user space moving flows (flow_gen odd) throughout: a packet whose
	 * flow is not found might have been there: dropped */
	__atomic_store_n(ft.gen, 1, __ATOMIC_SEQ_CST);
	is_int(run(dev->progs.nic_host, f, len), XDP_DROP,
	       "host: no way found while flows are being moved: dropped, not passed");
	__atomic_store_n(ft.gen, 2, __ATOMIC_SEQ_CST);
	is_int(run(dev->progs.nic_host, f, len), XDP_REDIRECT, "host: moves over: passes again");
	flow.port = NICSEC_PORT_HOST1 + 1;
	is_int(flowtab_del(&ft, &flow, UINT32_MAX), 0, "flow_tab: port 2's flow removed");
	is_int(flowtab_count(&ft), 0, "flow_tab: empty again");
	memset(&flow, 0, sizeof(flow));
	flow.port = NICSEC_PORT_HOST1;
	flow.saddr = htonl(VM_ADDR);
	flow.daddr = htonl(CLI_ADDR);
	id = 3;				/* 2-tuple -> SA 3 */
	flow_put(&flow, id);
	flow.proto = 17;
	flow.sport = htons(7000);
	flow.dport = htons(7001);
	id = 4;				/* 5-tuple -> SA 4 */
	flow_put(&flow, id);
	before = drops(NICSEC_DROP_ENGINE);
	is_int(run(dev->progs.nic_host, f, len), XDP_DROP, "host: 5-tuple match goes to the engine");
	key = 4;
	bpf_map_lookup_elem(bpf_map__fd(dev->maps.sa_table), &key, &sa);
	is_int(sa.seq, 1, "host: the 5-tuple SA (4) took sequence number 1");
	len = frame(f, 17, VM_ADDR, CLI_ADDR, 7000, 7999, esp, 64, 0);
	run(dev->progs.nic_host, f, len);
	len = frame(f, 17, VM_ADDR, CLI_ADDR, 7000, 7001, esp, 64, 0x2000 | 10);	/* fragment */
	run(dev->progs.nic_host, f, len);
	key = 3;
	bpf_map_lookup_elem(bpf_map__fd(dev->maps.sa_table), &key, &sa);
	is_int(sa.seq, 2, "host: other ports and a fragment fall back to the 2-tuple SA (3)");
	is_int(drops(NICSEC_DROP_ENGINE) - before, 3, "host: each counted as engine (none)");

	sa.seq = 0xffffffffULL;
	sa_put(3, &sa);
	before = drops(NICSEC_DROP_SEQ_EXHAUSTED);
	run(dev->progs.nic_host, f, len);
	is_int(drops(NICSEC_DROP_SEQ_EXHAUSTED) - before, 1,
	       "host: SA at seq 2^32-1 refuses to send (never cycles)");

	/* too big for the wire (MTU 1500): ICMP fragmentation needed back */
	{
		struct nicsec_dev_info info;
		uint8_t big[1600];

		key = 0;
		bpf_map_lookup_elem(bpf_map__fd(dev->maps.dev_info), &key, &info);
		info.wire_mtu = 1500;
		bpf_map_update_elem(bpf_map__fd(dev->maps.dev_info), &key, &info, 0);
		for (i = 0; i < (int)sizeof(big); i++)
			big[i] = (uint8_t)i;
		len = frame(f, 17, VM_ADDR, CLI_ADDR, 7000, 7001, big, 1450 - 28, 0x4000);
		is_int(run(dev->progs.nic_host, f, len), XDP_TX,
		       "host: 1450 B packet for a 1500 B wire is sent back (XDP_TX)");
		ok(out_len == 14 + 20 + 8 + 28 && out[14 + 9] == 1 && out[34] == 3 && out[35] == 4 &&
		   (out[34 + 6] << 8 | out[34 + 7]) == 1438,
		   "host: ICMP type 3 code 4 with next-hop MTU 1438 (%u B frame)", out_len);
		ok(!memcmp(out, f + 6, 6) && !memcmp(out + 6, f, 6) &&
		   !memcmp(out + 14 + 12, f + 14 + 16, 4) && !memcmp(out + 14 + 16, f + 14 + 12, 4),
		   "host: MACs and addresses turned around");
		ok(csum(out + 14, 20) == 0 && csum(out + 34, 36) == 0 &&
		   !memcmp(out + 42, f + 14, 28),
		   "host: IP and ICMP checksums valid, quoting the packet's header + 8 bytes");
	}
	flowtab_close(&ft);
	device_none_bpf__destroy(dev);
	return tap_done();
}
