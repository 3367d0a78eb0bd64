// SPDX-License-Identifier: GPL-2.0
/*
 * Loading the device: open the chosen engine's device object, size every
 * SA table (and the bpf engine's key slots) for --max-sas before loading,
 * load it, record the device's settings in dev_info, attach nic_wire to
 * the wire port through a bpf_link (so that it goes away with the daemon),
 * and pin every map under the bpffs directory for `nicsec` to read. Host
 * ports come and go with tenants: devd_port_attach() fills their map
 * entries, then attaches nic_host.
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
#include <sys/random.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "flowtab.h"
#include "keyset.h"
#include "maps.h"
#include "log.h"
#include "devd.h"

/* The maps sized by the number of SAs (and flow_tab, by flowtab_buckets()). */
static const char *const sa_maps[] = {
	"sa_table", "sa_replay", "spi_in", "gcm_slots",
};

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

static int if_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		err = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return err;
}

static void unpin_all(struct devd_dev *d)
{
	struct bpf_map *m;
	char path[PATH_MAX];

	bpf_object__for_each_map(m, d->obj) {
		snprintf(path, sizeof(path), "%s/%s", d->pin_dir, bpf_map__name(m));
		unlink(path);
	}
}

static int pin_all(struct devd_dev *d)
{
	struct bpf_map *m;
	char path[PATH_MAX];
	int err;

	bpf_object__for_each_map(m, d->obj) {
		snprintf(path, sizeof(path), "%s/%s", d->pin_dir, bpf_map__name(m));
		unlink(path);	/* a stale pin from a daemon that was killed */
		err = bpf_map__pin(m, path);
		if (err)
			return err;
	}
	return 0;
}

int devd_dev_info_write(struct devd_dev *d)
{
	__u32 zero = 0;

	return bpf_map_update_elem(d->info_fd, &zero, &d->info, 0) ? -errno : 0;
}

int devd_dev_open(struct devd_dev *d, const char *bpffs)
{
	const void *elf;
	size_t elf_sz, i;
	__u32 key, ifindex;
	int err;

	d->wire_link = -1;
	d->db.sa_fd = -1;
	for (i = 0; i < NICSEC_PORT_MAX; i++)
		d->host_link[i] = -1;
	d->wire_ifindex = (int)if_nametoindex(d->wire_ifname);
	if (!d->wire_ifindex) {
		err = -errno;
		log_err("wire port \"%s\": %s", d->wire_ifname, strerror(errno));
		return err;
	}
	if (!d->wire_mtu)
		d->wire_mtu = if_mtu(d->wire_ifname);
	if (d->wire_mtu < 576 || d->wire_mtu > 9000) {
		log_err("wire MTU %u out of range (576..9000)", d->wire_mtu);
		return -EINVAL;
	}

	if (d->engine->id == NICSEC_ENGINE_ID_KMOD) {
		/* the module's key slots are the SA ids too: size them alike */
		uint32_t cap = 0;

		err = nicsec_kmod_slots_capacity(&cap);
		if (!err && cap != d->max_sas)
			err = nicsec_kmod_slots_resize(d->max_sas);
		if (err) {
			log_err("sizing nicsec.ko's key slots for %u SAs (now %u): %s", d->max_sas,
				cap, err == -EBUSY ? "keys are set in slots above that (left by "
				"an earlier daemon?)" : strerror(-err));
			return err;
		}
		log_info("nicsec.ko: %u key slots", d->max_sas);
	}
	elf = d->engine->elf(&elf_sz);
	{
		LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "nicsec_device");

		d->obj = bpf_object__open_mem(elf, elf_sz, &oo);
	}
	if (!d->obj) {
		err = -errno;
		log_err("opening the %s device object: %s", d->engine->name, strerror(-err));
		return err;
	}
	for (i = 0; i < sizeof(sa_maps) / sizeof(sa_maps[0]); i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(d->obj, sa_maps[i]);

		if (m && bpf_map__set_max_entries(m, d->max_sas)) {
			err = -EINVAL;
			log_err("sizing %s for %u SAs failed", sa_maps[i], d->max_sas);
			goto fail;
		}
	}
	{
		struct bpf_map *m = bpf_object__find_map_by_name(d->obj, "flow_tab");
		uint32_t buckets = flowtab_buckets(d->max_sas);

		if (!m || bpf_map__set_max_entries(m, buckets * NICSEC_FLOW_WAYS)) {
			err = -EINVAL;
			log_err("sizing flow_tab for %u SAs failed", d->max_sas);
			goto fail;
		}
		d->info.flow_bmask = buckets - 1;
	}
	/* the flow hash's secret: flows a tenant picks land where it cannot
	 * tell (bpf/flow_hash.h) */
	if (getrandom(d->info.flow_seed, sizeof(d->info.flow_seed), 0) !=
	    (ssize_t)sizeof(d->info.flow_seed)) {
		err = errno ? -errno : -EIO;
		log_err("drawing the flow hash's secret: %s", strerror(-err));
		goto fail;
	}
	err = bpf_object__load(d->obj);
	if (err) {
		log_err("loading the %s device object for %u SAs: %s (run with -v for the "
			"verifier log; ENOMEM: not enough memory for the tables)",
			d->engine->name, d->max_sas, strerror(-err));
		goto fail;
	}
	d->tx_port_fd = map_fd(d->obj, "tx_port");
	d->port_info_fd = map_fd(d->obj, "port_info");
	d->port_of_fd = map_fd(d->obj, "port_of");
	d->owner_fd = map_fd(d->obj, "owner");
	d->info_fd = map_fd(d->obj, "dev_info");
	d->xsks_fd = map_fd(d->obj, "xsks");
	d->devd_info_fd = map_fd(d->obj, "devd_info");

	key = NICSEC_PORT_WIRE;
	ifindex = (__u32)d->wire_ifindex;
	d->info.engine = d->engine->id;
	d->info.wire_mtu = d->wire_mtu;
	d->info.wire_ifindex = (__u32)d->wire_ifindex;
	d->info.max_sas = d->max_sas;
	if (bpf_map_update_elem(d->tx_port_fd, &key, &ifindex, 0) || devd_dev_info_write(d)) {
		err = -errno;
		log_err("filling the device maps: %s", strerror(-err));
		goto fail;
	}
	{
		struct nicsec_port_info pi = { .ifindex = ifindex };

		snprintf(pi.ifname, sizeof(pi.ifname), "%s", d->wire_ifname);
		if_mac(d->wire_ifname, pi.mac);
		bpf_map_update_elem(d->port_info_fd, &key, &pi, 0);
	}

	d->wire_link = attach(d->obj, "nic_wire", d->wire_ifindex, d->generic);
	if (d->wire_link < 0) {
		err = -errno;
		log_err("attaching nic_wire to %s: %s", d->wire_ifname, strerror(-err));
		goto fail;
	}

	snprintf(d->pin_dir, sizeof(d->pin_dir), "%s", bpffs);
	if (mkdir(d->pin_dir, 0700) && errno != EEXIST) {
		err = -errno;
		log_err("creating %s: %s", d->pin_dir, strerror(-err));
		goto fail;
	}
	d->pinned = true;
	err = pin_all(d);
	if (err) {
		log_err("pinning maps under %s: %s (is it a bpffs mount?)", d->pin_dir,
			strerror(-err));
		goto fail;
	}
	err = sadb_open(&d->db, d->pin_dir);
	if (err) {
		log_err("opening the SA tables under %s: %s", d->pin_dir, strerror(-err));
		goto fail;
	}
	/* the first install should not wait for the key programs' verifier */
	err = nicsec_key_prepare(d->engine->id, d->db.slots_fd);
	if (err) {
		log_err("loading the %s engine's key programs: %s", d->engine->name,
			strerror(-err));
		goto fail;
	}
	log_info("attached nic_wire to %s (ifindex %d), %s mode, wire MTU %u, engine %s, "
		 "tables for %u SAs", d->wire_ifname, d->wire_ifindex,
		 d->generic ? "generic" : "native", d->wire_mtu, d->engine->name, d->max_sas);
	return 0;
fail:
	devd_dev_close(d);
	return err;
}

void devd_dev_close(struct devd_dev *d)
{
	uint32_t i;

	for (i = NICSEC_PORT_HOST1; i < NICSEC_PORT_MAX; i++)
		if (d->host_link[i] >= 0)
			devd_port_detach(d, i);
	if (d->db.sa_fd >= 0)
		sadb_close(&d->db);
	d->db.sa_fd = -1;
	if (d->pinned) {
		unpin_all(d);
		d->pinned = false;
	}
	if (d->wire_link >= 0)
		close(d->wire_link);
	d->wire_link = -1;
	bpf_object__close(d->obj);
	d->obj = NULL;
}

int devd_port_attach(struct devd_dev *d, uint32_t port, const char *ifname,
		     struct nicsec_port_info *pi)
{
	__u32 ifindex = if_nametoindex(ifname);
	int err;

	if (port < NICSEC_PORT_HOST1 || port >= NICSEC_PORT_MAX || d->host_link[port] >= 0)
		return -EINVAL;
	if (!ifindex)
		return -errno;
	if ((int)ifindex == d->wire_ifindex)
		return -EBUSY;
	pi->ifindex = ifindex;
	snprintf(pi->ifname, sizeof(pi->ifname), "%s", ifname);
	err = if_mac(ifname, pi->mac);
	if (err)
		return err;
	/* the program must find its port's entries when its first frame comes */
	if (bpf_map_update_elem(d->port_info_fd, &port, pi, 0) ||
	    bpf_map_update_elem(d->port_of_fd, &ifindex, &port, BPF_NOEXIST) ||
	    bpf_map_update_elem(d->tx_port_fd, &port, &ifindex, 0)) {
		err = -errno;
		goto undo;
	}
	d->host_link[port] = attach(d->obj, "nic_host", (int)ifindex, d->generic);
	if (d->host_link[port] < 0) {
		err = -errno;
		d->host_link[port] = -1;
		goto undo;
	}
	return 0;
undo:
	devd_port_detach(d, port);
	return err;
}

void devd_port_detach(struct devd_dev *d, uint32_t port)
{
	struct nicsec_port_info pi = {}, none = {};

	if (port < NICSEC_PORT_HOST1 || port >= NICSEC_PORT_MAX)
		return;
	if (d->host_link[port] >= 0)
		close(d->host_link[port]);	/* detaches nic_host first */
	d->host_link[port] = -1;
	if (!bpf_map_lookup_elem(d->port_info_fd, &port, &pi) && pi.ifindex) {
		__u32 cur;

		if (!bpf_map_lookup_elem(d->port_of_fd, &pi.ifindex, &cur) && cur == port)
			bpf_map_delete_elem(d->port_of_fd, &pi.ifindex);
	}
	bpf_map_delete_elem(d->tx_port_fd, &port);
	bpf_map_update_elem(d->port_info_fd, &port, &none, 0);
}
