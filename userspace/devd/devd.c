// SPDX-License-Identifier: GPL-2.0
/*
 * nicsec-devd: the device's software stack. Today it loads and attaches the
 * port programs, pins their maps for `nicsec`, and keeps them attached until
 * it is told to stop (SIGINT/SIGTERM), when it detaches and unpins.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "log.h"
#include "devd.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nicsec-devd [-v] [--generic] [--engine E] [--wire-mtu N] [--bpffs DIR]\n"
		"                   --host IFNAME --wire IFNAME\n"
		"\n"
		"  --host IFNAME   the device port that faces the server (VM)\n"
		"  --wire IFNAME   the device port that faces the network\n"
		"  --bpffs DIR     pin the device's maps here for `nicsec` (a bpffs directory;\n"
		"                  default /sys/fs/bpf/nicsec)\n"
		"  --engine E      AES-GCM engine: auto (default: kmod if nicsec.ko is\n"
		"                  loaded, else bpf if the kernel has BPF crypto),\n"
		"                  kmod, bpf, or none (forwarding only, no ESP)\n"
		"  --wire-mtu N    MTU of the path beyond the wire port (default: its MTU)\n"
		"  --generic       attach in generic (skb) mode instead of native\n"
		"  -v, --verbose   debug logs, including libbpf's\n");
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !log_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "wire", required_argument, NULL, 'W' },
		{ "bpffs", required_argument, NULL, 'b' },
		{ "generic", no_argument, NULL, 'g' },
		{ "engine", required_argument, NULL, 'e' },
		{ "wire-mtu", required_argument, NULL, 'm' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct devd_ports ports = { .host_link = -1, .wire_link = -1 };
	const char *bpffs = "/sys/fs/bpf/nicsec", *engine = "auto";
	char *endp;
	sigset_t set;
	int c, sig, err;

	log_prog = "nicsec-devd";
	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case 'H': ports.host_ifname = optarg; break;
		case 'W': ports.wire_ifname = optarg; break;
		case 'b': bpffs = optarg; break;
		case 'g': ports.generic = true; break;
		case 'e': engine = optarg; break;
		case 'm':
			ports.wire_mtu = (unsigned int)strtoul(optarg, &endp, 10);
			if (*endp || !ports.wire_mtu) {
				log_err("--wire-mtu \"%s\": not a number", optarg);
				return 2;
			}
			break;
		case 'v': log_verbose = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!ports.host_ifname || !ports.wire_ifname || optind != argc) {
		usage(stderr);
		return 2;
	}
	libbpf_set_print(libbpf_print);

	/* Block the stop signals first so none is lost between attach and wait. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);

	ports.engine = devd_engine_pick(engine);
	if (!ports.engine)
		return 1;
	err = devd_ports_open(&ports, bpffs);
	if (err)
		return 1;
	log_info("ready");
	if (sigwait(&set, &sig) == 0)
		log_info("%s: detaching", strsignal(sig));
	devd_ports_close(&ports);
	return 0;
}
