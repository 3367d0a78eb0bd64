/* SPDX-License-Identifier: GPL-2.0 */
/* nicsec-devd internals, grouped by file. */
#ifndef NICSEC_DEVD_H
#define NICSEC_DEVD_H

#include <stdbool.h>

struct nic_host_bpf;
struct nic_wire_bpf;

struct devd_ports {
	const char *host_ifname, *wire_ifname;
	int host_ifindex, wire_ifindex;
	bool generic;			/* XDP_FLAGS_SKB_MODE instead of native */
	struct nic_host_bpf *host;
	struct nic_wire_bpf *wire;
	int host_link, wire_link;	/* bpf_link fds: closing them detaches */
	char pin_dir[256];		/* where maps are pinned for the CLI */
	bool pinned;
};

/* ports.c: load both port programs with shared maps, attach, pin. */
int devd_ports_open(struct devd_ports *p, const char *bpffs);
void devd_ports_close(struct devd_ports *p);

#endif
