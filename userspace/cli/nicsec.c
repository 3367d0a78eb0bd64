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
#include "print.h"
#include "nicsec.h"

const char *bpffs_dir = "/sys/fs/bpf/nicsec";

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} objects[] = {
	{ "port", do_port },
	{ "sa", do_sa },
	{ "stats", do_stats },
	{ "ctl", do_ctl },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nicsec [ OPTIONS ] OBJECT { COMMAND | help }\n"
		"where  OBJECT := { port | sa | stats | ctl }\n"
		"       OPTIONS := { -j[son] | -d[ir] BPFFS_DIR }\n"
		"BPFFS_DIR is where nicsec-devd pinned the device's maps\n"
		"(default /sys/fs/bpf/nicsec).\n");
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
