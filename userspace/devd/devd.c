// SPDX-License-Identifier: GPL-2.0
/*
 * nicsec-devd: the device's software stack. It loads the data plane with
 * tables for --max-sas SAs and attaches the wire port, pins the maps for
 * `nicsec`, serves each tenant's control channel on the tenant's host
 * port and the operator's management socket, and keeps all of it until it
 * is told to stop (SIGINT/SIGTERM), when it removes every tenant (ports
 * detached, SAs deleted, keys wiped), detaches and unpins.
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
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ctl.h"
#include "mgmt.h"
#include "log.h"
#include "devd.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nicsec-devd [-v] [--generic] [--engine E] [--wire-mtu N] [--bpffs DIR]\n"
		"                   [--max-sas N] [--sock PATH] [--ctl-addr A [--ctl-port P]]\n"
		"                   [--host IFNAME [--ctl-key FILE | --enroll FILE]] --wire IFNAME\n"
		"\n"
		"  --wire IFNAME   the device port that faces the network\n"
		"  --host IFNAME   a host port for one tenant named \"default\" that owns every\n"
		"                  address (the one-VM set-up); more tenants, each on its own\n"
		"                  host port, come with `nicsec tenant add`\n"
		"  --max-sas N     size of the SA tables and the engine's key slots (default\n"
		"                  %u, at most %u)\n"
		"  --sock PATH     the management socket for `nicsec` (default %s)\n"
		"  --bpffs DIR     pin the device's maps here for `nicsec` (a bpffs directory;\n"
		"                  default /sys/fs/bpf/nicsec)\n"
		"  --engine E      AES-GCM engine: auto (default: kmod if nicsec.ko is\n"
		"                  loaded, else bpf if the kernel has BPF crypto),\n"
		"                  kmod, bpf, or none (forwarding only, no ESP)\n"
		"  --wire-mtu N    MTU of the path beyond the wire port (default: its MTU)\n"
		"  --ctl-addr A    serve the control channel at IPv4 address A on every host\n"
		"                  port (datagrams to A:PORT go to devd over AF_XDP; ARP for A\n"
		"                  is answered); each tenant has its own enrollment key\n"
		"  --ctl-port P    its UDP port (default %u)\n"
		"  --ctl-key FILE  the --host tenant's enrollment key (hex, mode 0600)\n"
		"  --enroll FILE   make a new enrollment key for the --host tenant, keep it in\n"
		"                  memory only, and write the agent's copy to FILE (created\n"
		"                  0600, never overwritten)\n"
		"  --generic       attach in generic (skb) mode instead of native\n"
		"  -v, --verbose   debug logs, including libbpf's\n",
		NICSEC_MAX_SA_DEFAULT, NICSEC_MAX_SA_LIMIT, NICSEC_MGMT_SOCK, NICSEC_CTL_PORT);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !log_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* devd_info[0]: our pid and socket, so that `nicsec -d DIR` finds us. */
static void devd_info_write(struct devd *d, const char *sock)
{
	struct nicsec_devd_info di = { .pid = (__u32)getpid() };
	__u32 zero = 0;

	snprintf(di.sock, sizeof(di.sock), "%s", sock);
	bpf_map_update_elem(d->dev.devd_info_fd, &zero, &di, 0);
}

static int serve(struct devd *d, const sigset_t *set)
{
	struct pollfd pfd[2 + NICSEC_PORT_MAX];
	struct devd_tenant *owner[2 + NICSEC_PORT_MAX];
	struct signalfd_siginfo si;
	int sfd = signalfd(-1, set, SFD_CLOEXEC), sig = SIGTERM;
	unsigned int n, i;
	uint32_t p;

	if (sfd < 0) {
		log_err("signalfd: %s", strerror(errno));
		return -errno;
	}
	for (;;) {
		n = 0;
		pfd[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = devd_mgmt_fd(d->mgmt), .events = POLLIN };
		for (p = NICSEC_PORT_HOST1; p < NICSEC_PORT_MAX; p++) {
			if (!d->tenant[p] || !d->tenant[p]->xsk)
				continue;
			owner[n] = d->tenant[p];
			pfd[n++] = (struct pollfd){ .fd = devd_xsk_fd(d->tenant[p]->xsk),
						    .events = POLLIN };
		}
		/* the timeout also reaps TX completions of quiet sockets */
		if (poll(pfd, n, 100) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & POLLIN) {
			if (read(sfd, &si, sizeof(si)) == sizeof(si))
				sig = (int)si.ssi_signo;
			log_info("%s: removing the tenants and detaching", strsignal(sig));
			break;
		}
		for (i = 2; i < n; i++)
			if (d->tenant[owner[i]->port] == owner[i] && owner[i]->xsk)
				devd_xsk_process(d, owner[i]);
		/* last: a request may add or remove tenants */
		if (pfd[1].revents & POLLIN)
			devd_mgmt_process(d);
	}
	close(sfd);
	return 0;
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
		{ "max-sas", required_argument, NULL, 'S' },
		{ "sock", required_argument, NULL, 's' },
		{ "ctl-addr", required_argument, NULL, 'A' },
		{ "ctl-port", required_argument, NULL, 'P' },
		{ "ctl-key", required_argument, NULL, 'K' },
		{ "enroll", required_argument, NULL, 'E' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	static struct devd d;
	const char *bpffs = "/sys/fs/bpf/nicsec", *engine = "auto", *sock = NICSEC_MGMT_SOCK;
	const char *host = NULL, *ctl_key = NULL, *enroll = NULL;
	struct in_addr ctl_addr = {};
	unsigned long ctl_port = NICSEC_CTL_PORT, v;
	char *endp;
	sigset_t set;
	int c, err;

	log_prog = "nicsec-devd";
	d.dev.max_sas = NICSEC_MAX_SA_DEFAULT;
	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case 'H': host = optarg; break;
		case 'W': d.dev.wire_ifname = optarg; break;
		case 'b': bpffs = optarg; break;
		case 'g': d.dev.generic = true; break;
		case 'e': engine = optarg; break;
		case 's': sock = optarg; break;
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
			d.dev.wire_mtu = (unsigned int)strtoul(optarg, &endp, 10);
			if (*endp || !d.dev.wire_mtu) {
				log_err("--wire-mtu \"%s\": not a number", optarg);
				return 2;
			}
			break;
		case 'S':
			errno = 0;
			v = strtoul(optarg, &endp, 10);
			if (errno || *endp || !v || v > NICSEC_MAX_SA_LIMIT) {
				log_err("--max-sas \"%s\": expected 1..%u", optarg, NICSEC_MAX_SA_LIMIT);
				return 2;
			}
			d.dev.max_sas = (uint32_t)v;
			break;
		case 'v': log_verbose = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!d.dev.wire_ifname || optind != argc) {
		usage(stderr);
		return 2;
	}
	if ((ctl_key || enroll) && (!host || !ctl_addr.s_addr)) {
		log_err("--ctl-key and --enroll are the --host tenant's key: they need --host "
			"and --ctl-addr");
		return 2;
	}
	if (host && ctl_addr.s_addr && !!ctl_key == !!enroll) {
		log_err("--host with --ctl-addr needs exactly one of --ctl-key and --enroll");
		return 2;
	}
	d.ctl_addr = ctl_addr.s_addr;
	d.ctl_port = htons((uint16_t)ctl_port);
	/* key buffers (ours, OpenSSL's, the AF_XDP frames) never go to swap */
	if (d.ctl_addr && mlockall(MCL_CURRENT | MCL_FUTURE))
		log_warn("mlockall: %s", strerror(errno));
	libbpf_set_print(libbpf_print);

	/* Block the stop signals first so none is lost between attach and wait. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);

	d.dev.engine = devd_engine_pick(engine);
	if (!d.dev.engine)
		return 1;
	err = devd_dev_open(&d.dev, bpffs);
	if (err)
		return 1;
	d.dev.info.ctl_addr = d.ctl_addr;
	d.dev.info.ctl_port = d.ctl_port;
	err = devd_dev_info_write(&d.dev);
	if (!err)
		err = devd_sas_init(&d.sas, &d.dev.db, d.dev.max_sas);
	if (err) {
		log_err("the SA table: %s", strerror(-err));
		goto out;
	}
	err = devd_mgmt_open(&d, sock);
	if (err)
		goto out;
	devd_info_write(&d, sock);
	if (d.ctl_addr) {
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &d.ctl_addr, a, sizeof(a));
		log_info("control channel on %s:%lu (AF_XDP on each tenant's port)", a, ctl_port);
	}
	if (host) {
		struct devd_tenant_conf tc = {
			.name = "default", .ifname = host, .key_file = ctl_key,
			.enroll_file = enroll, .n_pfx = 1,	/* 0.0.0.0/0: everything */
		};
		const char *why;

		err = devd_tenant_add(&d, &tc, &why);
		if (err) {
			log_err("host port %s: %s", host, why ? why : strerror(-err));
			goto out;
		}
	}
	log_info("ready");
	err = serve(&d, &set);
out:
	devd_tenant_del_all(&d);
	devd_mgmt_close(d.mgmt);
	devd_sas_fini(&d.sas);
	devd_dev_close(&d.dev);
	return err ? 1 : 0;
}
