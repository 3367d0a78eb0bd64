// SPDX-License-Identifier: GPL-2.0
/*
 * nicsec: inspect and drive a nicsec device.
 *   nicsec [ OPTIONS ] OBJECT { COMMAND | help }
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "maps.h"
#include "mgmt.h"
#include "print.h"
#include "nicsec.h"

const char *bpffs_dir = "/sys/fs/bpf/nicsec";
const char *mgmt_sock;

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} objects[] = {
	{ "port", do_port },
	{ "sa", do_sa },
	{ "stats", do_stats },
	{ "ctl", do_ctl },
	{ "tenant", do_tenant },
	{ "dev", do_dev },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nicsec [ OPTIONS ] OBJECT { COMMAND | help }\n"
		"where  OBJECT := { dev | tenant | port | sa | stats | ctl }\n"
		"       OPTIONS := { -j[son] | -d[ir] BPFFS_DIR | -S[ock] PATH }\n"
		"BPFFS_DIR is where nicsec-devd pinned the device's maps\n"
		"(default /sys/fs/bpf/nicsec); PATH its management socket (default:\n"
		"the one the daemon recorded there).\n");
}

int invarg(const char *what, const char *arg, const char *why)
{
	fprintf(stderr, "Error: argument \"%s\" is wrong: %s (%s)\n", arg, why, what);
	return 2;
}

int open_pinned(const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", bpffs_dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		fprintf(stderr, "Error: cannot open %s: %s (is nicsec-devd running?)\n",
			path, strerror(errno));
	return fd;
}

void close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

static struct nicsec_mgmt_msg mgmt_resp_buf;

int mgmt_run(const char *what, const struct nicsec_mgmt_out *req,
	     struct nicsec_mgmt_msg *resp)
{
	struct nicsec_devd_info di = {};
	const char *path = mgmt_sock, *e;
	__u32 zero = 0;
	int fd, err;

	if (!resp)
		resp = &mgmt_resp_buf;
	if (!path) {
		fd = open_pinned("devd_info");
		if (fd < 0)
			return 1;
		err = bpf_map_lookup_elem(fd, &zero, &di);
		close(fd);
		if (err || !di.sock[0]) {
			fprintf(stderr, "Error: the device under %s names no daemon socket "
				"(give -S PATH)\n", bpffs_dir);
			return 1;
		}
		di.sock[sizeof(di.sock) - 1] = '\0';
		path = di.sock;
	}
	err = nicsec_mgmt_call(path, req, resp);
	if (err) {
		fprintf(stderr, "Error: %s: cannot reach nicsec-devd at %s: %s\n", what, path,
			strerror(-err));
		return 1;
	}
	e = nicsec_mgmt_get(resp, "errno", NULL);
	if (!e || strcmp(e, "0")) {
		const char *why = nicsec_mgmt_get(resp, "error", NULL);

		fprintf(stderr, "Error: %s: %s\n", what, why ? why : "the daemon refused");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t i;

	argc--, argv++;
	while (argc > 0 && argv[0][0] == '-') {
		if (!strcmp(argv[0], "-j") || !strcmp(argv[0], "-json")) {
			print_json = true;
		} else if (!strcmp(argv[0], "-d") || !strcmp(argv[0], "-dir")) {
			if (argc < 2) {
				fprintf(stderr, "Error: option \"%s\" needs an argument\n",
					argv[0]);
				return 2;
			}
			bpffs_dir = argv[1];
			argc--, argv++;
		} else if (!strcmp(argv[0], "-S") || !strcmp(argv[0], "-sock")) {
			if (argc < 2) {
				fprintf(stderr, "Error: option \"%s\" needs an argument\n",
					argv[0]);
				return 2;
			}
			mgmt_sock = argv[1];
			argc--, argv++;
		} else if (!strcmp(argv[0], "-h") || !strcmp(argv[0], "-help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "Error: unknown option \"%s\"\n", argv[0]);
			usage(stderr);
			return 2;
		}
		argc--, argv++;
	}
	if (argc < 1) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[0], "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		if (!strcmp(argv[0], objects[i].name))
			return objects[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "Error: object \"%s\" is unknown, try \"nicsec help\"\n", argv[0]);
	return 2;
}
