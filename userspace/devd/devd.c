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
#include <arpa/inet.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "ctl.h"
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
		"  --ctl-addr A    serve the control channel at IPv4 address A on the host\n"
		"                  port (datagrams to A:PORT go to devd over AF_XDP; ARP for A\n"
		"                  is answered), with the enrollment key of --ctl-key or --enroll\n"
		"  --ctl-port P    its UDP port (default 7447)\n"
		"  --ctl-key FILE  the enrollment key (hex, mode 0600)\n"
		"  --enroll FILE   make a new enrollment key, keep it in memory only, and\n"
		"                  write the agent's copy to FILE (created 0600, never\n"
		"                  overwritten)\n"
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
		{ "ctl-addr", required_argument, NULL, 'A' },
		{ "ctl-port", required_argument, NULL, 'P' },
		{ "ctl-key", required_argument, NULL, 'K' },
		{ "enroll", required_argument, NULL, 'E' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct devd_ports ports = { .host_link = -1, .wire_link = -1 };
	const char *bpffs = "/sys/fs/bpf/nicsec", *engine = "auto";
	const char *ctl_key = NULL, *enroll = NULL;
	struct in_addr ctl_addr = {};
	unsigned long ctl_port = NICSEC_CTL_PORT;
	uint8_t key[NICSEC_CTL_KEY_LEN];
	struct devd_ctl *ctl = NULL;
	char *endp;
	sigset_t set;
	int c, sig = SIGTERM, err;

	log_prog = "nicsec-devd";
	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case 'H': ports.host_ifname = optarg; break;
		case 'W': ports.wire_ifname = optarg; break;
		case 'b': bpffs = optarg; break;
		case 'g': ports.generic = true; break;
		case 'e': engine = optarg; break;
		case 'A':
			if (inet_pton(AF_INET, optarg, &ctl_addr) != 1 || !ctl_addr.s_addr) {
				log_err("--ctl-addr \"%s\": not an IPv4 address", optarg);
				return 2;
			}
			break;
		case 'P':
			ctl_port = strtoul(optarg, &endp, 10);
			if (*endp || !ctl_port || ctl_port > 65535) {
				log_err("--ctl-port \"%s\": not a port", optarg);
				return 2;
			}
			break;
		case 'K': ctl_key = optarg; break;
		case 'E': enroll = optarg; break;
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
	if (!!ctl_addr.s_addr != !!(ctl_key || enroll) || (ctl_key && enroll)) {
		log_err("--ctl-addr needs exactly one of --ctl-key and --enroll");
		return 2;
	}
	/* key buffers (ours, OpenSSL's, the AF_XDP frames) never go to swap */
	if (ctl_addr.s_addr && mlockall(MCL_CURRENT | MCL_FUTURE))
		log_warn("mlockall: %s", strerror(errno));
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
	if (ctl_addr.s_addr) {
		err = enroll ? nicsec_ctl_key_generate(enroll, key) :
			       nicsec_ctl_key_load(ctl_key, key);
		if (err) {
			log_err("enrollment key %s: %s", enroll ? enroll : ctl_key,
				nicsec_ctl_strerror(err));
			goto out;
		}
		if (enroll)
			log_info("enrolled: the agent's key is in %s (mode 0600)", enroll);
		err = devd_ctl_open(&ctl, &ports, ctl_addr.s_addr, htons((uint16_t)ctl_port), key);
		explicit_bzero(key, sizeof(key));	/* the handler has its copy */
		if (err)
			goto out;
	}
	log_info("ready");
	{
		int sfd = signalfd(-1, &set, SFD_CLOEXEC);
		struct pollfd pfd[2] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = ctl ? devd_ctl_fd(ctl) : -1, .events = POLLIN },
		};
		struct signalfd_siginfo si;

		for (;;) {
			if (poll(pfd, 2, ctl ? 100 : -1) < 0 && errno != EINTR)
				break;
			if (pfd[0].revents & POLLIN) {
				if (read(sfd, &si, sizeof(si)) == sizeof(si))
					sig = (int)si.ssi_signo;
				log_info("%s: detaching", strsignal(sig));
				break;
			}
			if (ctl)
				devd_ctl_process(ctl);
		}
		close(sfd);
	}
	err = 0;
out:
	devd_ctl_close(ctl);
	devd_ports_close(&ports);
	return err ? 1 : 0;
}
