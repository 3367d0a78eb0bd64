// SPDX-License-Identifier: GPL-2.0
/*
 * Loading the device's port programs: the host-port object creates the
 * maps, the wire-port object reuses them, both attach through bpf_link so
 * that the programs go away with the daemon, and the maps are pinned under
 * the bpffs directory for `nicsec` to read.
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "nic_host.skel.h"
#include "nic_wire.skel.h"
#include "maps.h"
#include "log.h"
#include "devd.h"

static int attach(int prog_fd, int ifindex, bool generic)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts,
		.flags = generic ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);

	return bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);
}

static int pin_map(struct devd_ports *p, struct bpf_map *map)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", p->pin_dir, bpf_map__name(map));
	unlink(path);	/* a stale pin from a daemon that was killed */
	return bpf_map__pin(map, path);
}

int devd_ports_open(struct devd_ports *p, const char *bpffs)
{
	__u32 key, ifindex;
	int err;

	p->host_link = p->wire_link = -1;
	p->host_ifindex = if_nametoindex(p->host_ifname);
	if (!p->host_ifindex) {
		err = -errno;
		log_err("host port \"%s\": %s", p->host_ifname, strerror(errno));
		return err;
	}
	p->wire_ifindex = if_nametoindex(p->wire_ifname);
	if (!p->wire_ifindex) {
		err = -errno;
		log_err("wire port \"%s\": %s", p->wire_ifname, strerror(errno));
		return err;
	}
	if (p->host_ifindex == p->wire_ifindex) {
		log_err("host and wire port are the same device \"%s\"", p->host_ifname);
		return -EINVAL;
	}

	p->host = nic_host_bpf__open_and_load();
	if (!p->host) {
		err = -errno;
		log_err("loading nic_host: %s", strerror(-err));
		goto fail;
	}
	p->wire = nic_wire_bpf__open();
	if (!p->wire) {
		err = -errno;
		log_err("opening nic_wire: %s", strerror(-err));
		goto fail;
	}
	err = bpf_map__reuse_fd(p->wire->maps.tx_port, bpf_map__fd(p->host->maps.tx_port));
	if (!err)
		err = bpf_map__reuse_fd(p->wire->maps.port_stats,
					bpf_map__fd(p->host->maps.port_stats));
	if (!err)
		err = nic_wire_bpf__load(p->wire);
	if (err) {
		log_err("loading nic_wire: %s", strerror(-err));
		goto fail;
	}

	key = NICSEC_PORT_HOST;
	ifindex = p->host_ifindex;
	err = bpf_map_update_elem(bpf_map__fd(p->host->maps.tx_port), &key, &ifindex, 0);
	if (!err) {
		key = NICSEC_PORT_WIRE;
		ifindex = p->wire_ifindex;
		err = bpf_map_update_elem(bpf_map__fd(p->host->maps.tx_port), &key,
					  &ifindex, 0);
	}
	if (err) {
		err = -errno;
		log_err("filling tx_port: %s", strerror(-err));
		goto fail;
	}

	p->host_link = attach(bpf_program__fd(p->host->progs.nic_host), p->host_ifindex,
			      p->generic);
	if (p->host_link < 0) {
		err = -errno;
		log_err("attaching nic_host to %s: %s", p->host_ifname, strerror(-err));
		goto fail;
	}
	p->wire_link = attach(bpf_program__fd(p->wire->progs.nic_wire), p->wire_ifindex,
			      p->generic);
	if (p->wire_link < 0) {
		err = -errno;
		log_err("attaching nic_wire to %s: %s", p->wire_ifname, strerror(-err));
		goto fail;
	}

	if (bpffs) {
		snprintf(p->pin_dir, sizeof(p->pin_dir), "%s", bpffs);
		if (mkdir(p->pin_dir, 0700) && errno != EEXIST) {
			err = -errno;
			log_err("creating %s: %s", p->pin_dir, strerror(-err));
			goto fail;
		}
		p->pinned = true;
		err = pin_map(p, p->host->maps.port_stats);
		if (err) {
			log_err("pinning maps under %s: %s (is it a bpffs mount?)",
				p->pin_dir, strerror(-err));
			goto fail;
		}
	}
	log_info("attached nic_host to %s (ifindex %d) and nic_wire to %s (ifindex %d), %s mode",
		 p->host_ifname, p->host_ifindex, p->wire_ifname, p->wire_ifindex,
		 p->generic ? "generic" : "native");
	return 0;
fail:
	devd_ports_close(p);
	return err;
}

void devd_ports_close(struct devd_ports *p)
{
	if (p->pinned) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/port_stats", p->pin_dir);
		unlink(path);
		p->pinned = false;
	}
	if (p->host_link >= 0)
		close(p->host_link);
	if (p->wire_link >= 0)
		close(p->wire_link);
	p->host_link = p->wire_link = -1;
	nic_wire_bpf__destroy(p->wire);
	nic_host_bpf__destroy(p->host);
	p->wire = NULL;
	p->host = NULL;
}
