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

static const char *const port_names[NICSEC_PORT_MAX] = {
	[NICSEC_PORT_HOST] = "host",
	[NICSEC_PORT_WIRE] = "wire",
};

static int port_show(int argc, char **argv)
{
	struct nicsec_port_stats *percpu = NULL, sum;
	int fd, ncpu, ret = 1;
	int only = -1;
	__u32 port;
	int i;

	while (argc > 0) {
		if (!strcmp(argv[0], "host"))
			only = NICSEC_PORT_HOST;
		else if (!strcmp(argv[0], "wire"))
			only = NICSEC_PORT_WIRE;
		else
			return invarg("PORT", argv[0], "expected \"host\" or \"wire\"");
		argc--, argv++;
	}

	fd = open_pinned("port_stats");
	if (fd < 0)
		return 1;
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
		if (only >= 0 && (int)port != only)
			continue;
		if (bpf_map_lookup_elem(fd, &port, percpu)) {
			fprintf(stderr, "Error: reading counters of port %s: %s\n",
				port_names[port], strerror(errno));
			goto out;
		}
		memset(&sum, 0, sizeof(sum));
		for (i = 0; i < ncpu; i++) {
			sum.rx_packets += percpu[i].rx_packets;
			sum.rx_bytes += percpu[i].rx_bytes;
			sum.fwd_packets += percpu[i].fwd_packets;
			sum.fwd_bytes += percpu[i].fwd_bytes;
			sum.drop_no_peer += percpu[i].drop_no_peer;
		}
		print_object_open();
		print_str("port", "port %s:", port_names[port]);
		print_u64("rx_packets", " rx %" PRIu64 " packets", sum.rx_packets);
		print_u64("rx_bytes", " %" PRIu64 " bytes,", sum.rx_bytes);
		print_u64("fwd_packets", " forwarded %" PRIu64 " packets", sum.fwd_packets);
		print_u64("fwd_bytes", " %" PRIu64 " bytes,", sum.fwd_bytes);
		print_u64("drop_no_peer", " dropped (no peer port) %" PRIu64, sum.drop_no_peer);
		print_object_close();
	}
	print_array_close();
	ret = 0;
out:
	free(percpu);
	close_fd(fd);
	return ret;
}

int do_port(int argc, char **argv)
{
	if (argc < 1 || !strcmp(argv[0], "show"))
		return port_show(argc ? argc - 1 : 0, argv + (argc ? 1 : 0));
	if (!strcmp(argv[0], "help")) {
		printf("Usage: nicsec port show [ host | wire ]\n");
		return 0;
	}
	fprintf(stderr, "Error: unknown command \"%s\" for \"port\", try \"nicsec port help\"\n",
		argv[0]);
	return 2;
}
