// SPDX-License-Identifier: GPL-2.0
/* `nicsec port show`: per-port counters of the device, summed over CPUs. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "maps.h"
#include "print.h"
#include "nicsec.h"

static int port_show(int argc, char **argv)
{
	struct nicsec_port_stats *percpu = NULL, sum;
	struct nicsec_port_info pi;
	const char *only = NULL;
	int fd, info_fd, ncpu, ret = 1;
	__u32 port;
	int i;

	if (argc > 1)
		return invarg("PORT", argv[1], "expected one of wire, host, or a tenant's name");
	if (argc)
		only = argv[0];

	fd = open_pinned("port_stats");
	info_fd = open_pinned("port_info");
	if (fd < 0 || info_fd < 0)
		goto out;
	ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0) {
		fprintf(stderr, "Error: cannot count CPUs: %s\n", strerror(-ncpu));
		goto out;
	}
	percpu = calloc((size_t)ncpu, sizeof(*percpu));
	if (!percpu)
		goto out;

	print_array_open();
	for (port = 0; port < NICSEC_PORT_MAX; port++) {
		const char *role = port == NICSEC_PORT_WIRE ? "wire" : "host";

		if (bpf_map_lookup_elem(info_fd, &port, &pi) || !pi.ifindex)
			continue;
		pi.ifname[sizeof(pi.ifname) - 1] = pi.tenant[sizeof(pi.tenant) - 1] = '\0';
		if (only && strcmp(only, role) && strcmp(only, pi.tenant))
			continue;
		if (bpf_map_lookup_elem(fd, &port, percpu)) {
			fprintf(stderr, "Error: reading counters of port %u: %s\n", port,
				strerror(errno));
			goto out;
		}
		memset(&sum, 0, sizeof(sum));
		for (i = 0; i < ncpu; i++) {
			sum.rx_packets += percpu[i].rx_packets;
			sum.rx_bytes += percpu[i].rx_bytes;
			sum.fwd_packets += percpu[i].fwd_packets;
			sum.fwd_bytes += percpu[i].fwd_bytes;
			sum.drop_no_peer += percpu[i].drop_no_peer;
			sum.sealed += percpu[i].sealed;
			sum.opened += percpu[i].opened;
			sum.passed += percpu[i].passed;
			sum.icmp_sent += percpu[i].icmp_sent;
			sum.ctl_rx += percpu[i].ctl_rx;
			sum.arp_replies += percpu[i].arp_replies;
			sum.dropped += percpu[i].dropped;
		}
		print_object_open();
		print_str("port", "port %s", role);
		print_u64("index", " %" PRIu64, port);
		print_str("ifname", " dev %s", pi.ifname);
		if (port != NICSEC_PORT_WIRE)
			print_str("tenant", " tenant %s", pi.tenant);
		print_u64("rx_packets", ":\n    rx %" PRIu64 " packets", sum.rx_packets);
		print_u64("rx_bytes", " %" PRIu64 " bytes,", sum.rx_bytes);
		print_u64("fwd_packets", " forwarded %" PRIu64 " packets", sum.fwd_packets);
		print_u64("fwd_bytes", " %" PRIu64 " bytes,", sum.fwd_bytes);
		print_u64("drop_no_peer", " dropped (no peer port) %" PRIu64, sum.drop_no_peer);
		print_u64("sealed", "\n    sealed %" PRIu64, sum.sealed);
		print_u64("opened", " opened %" PRIu64, sum.opened);
		print_u64("passed", " passed %" PRIu64, sum.passed);
		print_u64("icmp_sent", " icmp-sent %" PRIu64, sum.icmp_sent);
		print_u64("ctl_rx", " control %" PRIu64, sum.ctl_rx);
		print_u64("arp_replies", " arp-replies %" PRIu64, sum.arp_replies);
		print_u64("dropped", " dropped %" PRIu64, sum.dropped);
		print_object_close();
	}
	print_array_close();
	ret = 0;
out:
	free(percpu);
	close_fd(fd);
	close_fd(info_fd);
	return ret;
}

int do_port(int argc, char **argv)
{
	if (argc < 1 || !strcmp(argv[0], "show"))
		return port_show(argc ? argc - 1 : 0, argv + (argc ? 1 : 0));
	if (!strcmp(argv[0], "help")) {
		printf("Usage: nicsec port show [ wire | host | TENANT ]\n");
		return 0;
	}
	fprintf(stderr, "Error: unknown command \"%s\" for \"port\", try \"nicsec port help\"\n",
		argv[0]);
	return 2;
}
