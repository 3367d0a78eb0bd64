/* SPDX-License-Identifier: GPL-2.0 */
/* nicsec-devd internals, grouped by file. */
#ifndef NICSEC_DEVD_H
#define NICSEC_DEVD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bpf_object;

/* engine.c: the AES-GCM engines the device programs are built for. */
struct devd_engine {
	const char *name;
	unsigned int id;			/* enum nicsec_engine_id */
	const void *(*elf)(size_t *size);	/* the device object */
};

/*
 * Pick the engine: "auto" takes kmod when nicsec.ko is loaded, else bpf
 * when the kernel has the BPF crypto kfuncs; "kmod", "bpf" and "none"
 * force one. Returns NULL (after logging why) when none fits.
 */
const struct devd_engine *devd_engine_pick(const char *want);

struct devd_ports {
	const char *host_ifname, *wire_ifname;
	int host_ifindex, wire_ifindex;
	unsigned int wire_mtu;		/* 0: the wire port's MTU */
	bool generic;			/* XDP_FLAGS_SKB_MODE instead of native */
	const struct devd_engine *engine;
	struct bpf_object *obj;
	int host_link, wire_link;	/* bpf_link fds: closing them detaches */
	char pin_dir[256];		/* where maps are pinned for the CLI */
	bool pinned;
};

/* ports.c: load the device object, attach both ports, pin the maps. */
int devd_ports_open(struct devd_ports *p, const char *bpffs);
void devd_ports_close(struct devd_ports *p);

/* ctl.c: the control channel over AF_XDP on the host port. */
struct devd_ctl;
int devd_ctl_open(struct devd_ctl **c, struct devd_ports *p, uint32_t ctl_addr,
		  uint16_t ctl_port, const uint8_t *key);
void devd_ctl_close(struct devd_ctl *c);
int devd_ctl_fd(const struct devd_ctl *c);
void devd_ctl_process(struct devd_ctl *c);

#endif
