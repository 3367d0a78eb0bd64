// SPDX-License-Identifier: GPL-2.0
/*
 * Loading the device: open the chosen engine's device object, load it,
 * point the tx_port devmap at the two ports, record the device's settings
 * in dev_info, attach both programs through bpf_link (so that they go away
 * with the daemon), and pin every map under the bpffs directory for
 * `nicsec` to read and fill.
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "maps.h"
#include "log.h"
#include "devd.h"

static int attach(struct bpf_object *obj, const char *prog, int ifindex, bool generic)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts,
		.flags = generic ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);
	struct bpf_program *p = bpf_object__find_program_by_name(obj, prog);

	if (!p) {
		errno = ENOENT;
		return -1;
	}
	return bpf_link_create(bpf_program__fd(p), ifindex, BPF_XDP, &opts);
}

static int map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);

	return m ? bpf_map__fd(m) : -ENOENT;
}

static unsigned int if_mtu(const char *ifname)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	unsigned int mtu = 0;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (fd >= 0 && !ioctl(fd, SIOCGIFMTU, &ifr))
		mtu = (unsigned int)ifr.ifr_mtu;
	if (fd >= 0)
		close(fd);
	return mtu;
}

static void unpin_all(struct devd_ports *p)
{
	struct bpf_map *m;
	char path[PATH_MAX];

	bpf_object__for_each_map(m, p->obj) {
		snprintf(path, sizeof(path), "%s/%s", p->pin_dir, bpf_map__name(m));
		unlink(path);
	}
}

static int pin_all(struct devd_ports *p)
{
	struct bpf_map *m;
	char path[PATH_MAX];
	int err;

	bpf_object__for_each_map(m, p->obj) {
		snprintf(path, sizeof(path), "%s/%s", p->pin_dir, bpf_map__name(m));
		unlink(path);	/* a stale pin from a daemon that was killed */
		err = bpf_map__pin(m, path);
		if (err)
			return err;
	}
	return 0;
}

int devd_ports_open(struct devd_ports *p, const char *bpffs)
{
	struct nicsec_dev_info info = {};
	const void *elf;
	size_t elf_sz;
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
	if (!p->wire_mtu)
		p->wire_mtu = if_mtu(p->wire_ifname);
	if (p->wire_mtu < 576 || p->wire_mtu > 9000) {
		log_err("wire MTU %u out of range (576..9000)", p->wire_mtu);
		return -EINVAL;
	}

	elf = p->engine->elf(&elf_sz);
	{
		LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "nicsec_device");

		p->obj = bpf_object__open_mem(elf, elf_sz, &oo);
	}
	if (!p->obj) {
		err = -errno;
		log_err("opening the %s device object: %s", p->engine->name, strerror(-err));
		return err;
	}
	err = bpf_object__load(p->obj);
	if (err) {
		log_err("loading the %s device object: %s (run with -v for the verifier log)",
			p->engine->name, strerror(-err));
		goto fail;
	}

	key = NICSEC_PORT_HOST;
	ifindex = p->host_ifindex;
	err = bpf_map_update_elem(map_fd(p->obj, "tx_port"), &key, &ifindex, 0);
	if (!err) {
		key = NICSEC_PORT_WIRE;
		ifindex = p->wire_ifindex;
		err = bpf_map_update_elem(map_fd(p->obj, "tx_port"), &key, &ifindex, 0);
	}
	info.engine = p->engine->id;
	info.wire_mtu = p->wire_mtu;
	info.host_ifindex = p->host_ifindex;
	info.wire_ifindex = p->wire_ifindex;
	key = 0;
	if (!err)
		err = bpf_map_update_elem(map_fd(p->obj, "dev_info"), &key, &info, 0);
	if (err) {
		err = -errno;
		log_err("filling the device maps: %s", strerror(-err));
		goto fail;
	}

	p->host_link = attach(p->obj, "nic_host", p->host_ifindex, p->generic);
	if (p->host_link < 0) {
		err = -errno;
		log_err("attaching nic_host to %s: %s", p->host_ifname, strerror(-err));
		goto fail;
	}
	p->wire_link = attach(p->obj, "nic_wire", p->wire_ifindex, p->generic);
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
		err = pin_all(p);
		if (err) {
			log_err("pinning maps under %s: %s (is it a bpffs mount?)",
				p->pin_dir, strerror(-err));
			goto fail;
		}
	}
	log_info("attached nic_host to %s (ifindex %d) and nic_wire to %s (ifindex %d), "
		 "%s mode, wire MTU %u, engine %s", p->host_ifname, p->host_ifindex,
		 p->wire_ifname, p->wire_ifindex, p->generic ? "generic" : "native",
		 p->wire_mtu, p->engine->name);
	return 0;
fail:
	devd_ports_close(p);
	return err;
}

void devd_ports_close(struct devd_ports *p)
{
	if (p->pinned) {
		unpin_all(p);
		p->pinned = false;
	}
	if (p->host_link >= 0)
		close(p->host_link);
	if (p->wire_link >= 0)
		close(p->wire_link);
	p->host_link = p->wire_link = -1;
	bpf_object__close(p->obj);
	p->obj = NULL;
}
