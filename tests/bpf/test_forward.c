// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_TEST_RUN tests of the device's port programs (nic_host,
 * nic_wire; the forwarding-only "none" engine build) on the host kernel:
 * verdicts with and without a peer port, frames left untouched, and
 * per-port counters, read back the way `nicsec port show` reads them
 * (per-CPU values summed). Frames here are neither IPv4 nor ARP, so the
 * wire port sends them to the default port. test_run delivers them as if
 * from loopback, which plays host port 1.
 */
#include <errno.h>
#include <net/if.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "device_none.skel.h"
#include "maps.h"
#include "../tap.h"

static int stats_fd;

static struct nicsec_port_stats port_sum(__u32 port)
{
	struct nicsec_port_stats sum = {}, *v;
	int i, n = libbpf_num_possible_cpus();

	v = calloc((size_t)n, sizeof(*v));
	if (!v || bpf_map_lookup_elem(stats_fd, &port, v))
		tap_bail("reading port_stats failed");
	for (i = 0; i < n; i++) {
		sum.rx_packets += v[i].rx_packets;
		sum.rx_bytes += v[i].rx_bytes;
		sum.fwd_packets += v[i].fwd_packets;
		sum.fwd_bytes += v[i].fwd_bytes;
		sum.drop_no_peer += v[i].drop_no_peer;
		sum.dropped += v[i].dropped;
	}
	free(v);
	return sum;
}

/* Runs @prog on a frame of @len bytes @repeat times; returns the verdict. */
static int run(struct bpf_program *prog, size_t len, int repeat, int *same)
{
	static unsigned char in[1514], out[1514 + 256];
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = in, .data_size_in = (__u32)len,
		.data_out = out, .data_size_out = sizeof(out),
		.repeat = repeat);
	size_t i;

	for (i = 0; i < len; i++)
		in[i] = (unsigned char)(i * 7 + 3);
	if (bpf_prog_test_run_opts(bpf_program__fd(prog), &opts))
		return -errno;
	if (same)
		*same = opts.data_size_out == len && !memcmp(in, out, len);
	return (int)opts.retval;
}

int main(void)
{
	struct device_none_bpf *dev;
	struct nicsec_port_stats h, w;
	struct nicsec_dev_info di = { .default_port = NICSEC_PORT_HOST1 };
	__u32 key, lo = if_nametoindex("lo"), port = NICSEC_PORT_HOST1;
	int devmap, same = 0;

	tap_plan(17);
	dev = device_none_bpf__open_and_load();
	if (!dev)
		tap_bail("cannot load the device object (root and BPF needed)");
	stats_fd = bpf_map__fd(dev->maps.port_stats);
	devmap = bpf_map__fd(dev->maps.tx_port);

	/* Not yet a port, no default port: nothing crosses. */
	is_int(run(dev->progs.nic_host, 64, 1, NULL), XDP_ABORTED,
	       "a frame on an interface that is no host port: aborted");
	is_int(run(dev->progs.nic_wire, 60, 1, NULL), XDP_DROP,
	       "wire port without a default port drops a non-IP frame");
	w = port_sum(NICSEC_PORT_WIRE);
	ok(w.rx_packets == 1 && w.dropped == 1 && w.drop_no_peer == 0,
	   "wire: counted as a drop (no tenant), not as a missing peer");
	key = 0;
	if (bpf_map_update_elem(bpf_map__fd(dev->maps.port_of), &lo, &port, 0) ||
	    bpf_map_update_elem(bpf_map__fd(dev->maps.dev_info), &key, &di, 0))
		tap_bail("cannot fill port_of and dev_info");

	/* No peer port configured: the frame is dropped and counted. */
	is_int(run(dev->progs.nic_host, 64, 1, NULL), XDP_DROP,
	       "host port without a wire port drops");
	h = port_sum(NICSEC_PORT_HOST1);
	ok(h.rx_packets == 1 && h.rx_bytes == 64 && h.drop_no_peer == 1 &&
	   h.fwd_packets == 0, "host: rx 1/64 B, drop_no_peer 1, fwd 0");
	is_int(run(dev->progs.nic_wire, 60, 1, NULL), XDP_DROP,
	       "wire port without a host port drops");

	/* Wire port present (loopback stands in: test_run does not transmit). */
	key = NICSEC_PORT_WIRE;
	if (bpf_map_update_elem(devmap, &key, &lo, 0))
		tap_bail("cannot fill tx_port");
	is_int(run(dev->progs.nic_host, 1514, 1, &same), XDP_REDIRECT,
	       "host port redirects to the wire port");
	ok(same, "frame forwarded unchanged");
	is_int(run(dev->progs.nic_host, 14, 100, NULL), XDP_REDIRECT,
	       "minimum frame (14 B) x100 redirected");
	h = port_sum(NICSEC_PORT_HOST1);
	is_int(h.rx_packets, 102, "host rx_packets counts every run");
	is_int(h.rx_bytes, 64 + 1514 + 14 * 100, "host rx_bytes");
	ok(h.fwd_packets == 101 && h.fwd_bytes == 1514 + 1400,
	   "host fwd counters: 101 packets, 2914 bytes");
	is_int(h.drop_no_peer, 1, "host drop_no_peer unchanged");

	/* The wire port still has no host peer: only the host side is set. */
	is_int(run(dev->progs.nic_wire, 60, 1, NULL), XDP_DROP,
	       "wire port still drops: only its own peer counts");
	key = NICSEC_PORT_HOST1;
	if (bpf_map_update_elem(devmap, &key, &lo, 0))
		tap_bail("cannot fill tx_port");
	is_int(run(dev->progs.nic_wire, 98, 10, &same), XDP_REDIRECT,
	       "wire port redirects to the host port");
	w = port_sum(NICSEC_PORT_WIRE);
	ok(w.rx_packets == 13 && w.rx_bytes == 60 * 3 + 98 * 10 &&
	   w.fwd_packets == 10 && w.drop_no_peer == 2,
	   "wire counters: rx 13, fwd 10, drop_no_peer 2");
	h = port_sum(NICSEC_PORT_HOST1);
	is_int(h.rx_packets, 102, "host counters untouched by wire traffic");

	device_none_bpf__destroy(dev);
	return tap_done();
}
