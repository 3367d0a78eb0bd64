// SPDX-License-Identifier: GPL-2.0
/*
 * `nicsec tenant` and `nicsec dev`: the device's tenants (one per host
 * port, each with its own enrollment key, the addresses it owns and a
 * quota of SAs) added, removed and shown through nicsec-devd's management
 * socket, and the daemon's own state. Key files are named by path, never
 * given in argv; devd reads or writes them itself.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "mgmt.h"
#include "print.h"
#include "nicsec.h"

static struct nicsec_mgmt_out req;
static struct nicsec_mgmt_msg resp;

static void tenant_usage(FILE *f)
{
	fprintf(f,
		"Usage: nicsec tenant add NAME dev IFNAME { enroll FILE | key FILE }\n"
		"                         addr PREFIX [ addr PREFIX ]... [ quota N ]\n"
		"       nicsec tenant del NAME\n"
		"       nicsec tenant show [ NAME ]\n"
		"NAME := 1..15 letters, digits, '-', '_', '.'\n"
		"IFNAME := the host port (an interface of the device) the tenant's VM is on\n"
		"enroll FILE := make the tenant's enrollment key; the agent's copy goes to\n"
		"       FILE (created 0600, never overwritten)\n"
		"key FILE := the tenant's enrollment key (hex, mode 0600)\n"
		"PREFIX := A.B.C.D[/LEN], an address range the tenant owns: its SAs'\n"
		"       local side, the sources it may send from, what it receives\n"
		"N := the SAs it may hold (default: the device's table size)\n");
}

/* devd resolves paths itself, maybe from another directory: make @p absolute. */
static const char *abs_path(const char *p, char *buf, size_t cap)
{
	char cwd[PATH_MAX];

	if (p[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return p;
	snprintf(buf, cap, "%s/%s", cwd, p);
	return buf;
}

static int tenant_add(int argc, char **argv)
{
	char path[PATH_MAX + 2];
	int have_key = 0, have_addr = 0;

	if (argc < 1 || !strcmp(argv[0], "help")) {
		tenant_usage(argc < 1 ? stderr : stdout);
		return argc < 1 ? 2 : 0;
	}
	nicsec_mgmt_put(&req, "cmd", "tenant_add");
	nicsec_mgmt_put(&req, "name", "%s", argv[0]);
	argc--, argv++;
	while (argc > 0) {
		const char *kw = argv[0];

		if (argc < 2)
			return invarg("tenant add", kw, "needs a value");
		if (!strcmp(kw, "dev")) {
			nicsec_mgmt_put(&req, "dev", "%s", argv[1]);
		} else if (!strcmp(kw, "enroll") || !strcmp(kw, "key")) {
			if (have_key++)
				return invarg("tenant add", kw, "enroll and key go once, one of them");
			nicsec_mgmt_put(&req, kw[0] == 'e' ? "enroll_file" : "key_file", "%s",
					abs_path(argv[1], path, sizeof(path)));
		} else if (!strcmp(kw, "addr")) {
			have_addr = 1;
			nicsec_mgmt_put(&req, "addr", "%s", argv[1]);
		} else if (!strcmp(kw, "quota")) {
			nicsec_mgmt_put(&req, "quota", "%s", argv[1]);
		} else {
			return invarg("tenant add", kw, "unknown keyword");
		}
		argc -= 2, argv += 2;
	}
	if (!have_addr) {
		fprintf(stderr, "Error: a tenant needs at least one \"addr PREFIX\"\n");
		return 2;
	}
	return mgmt_run("tenant add", &req, &resp);
}

static int tenant_del(int argc, char **argv)
{
	if (argc != 1) {
		fprintf(stderr, "Error: usage: nicsec tenant del NAME\n");
		return 2;
	}
	nicsec_mgmt_put(&req, "cmd", "tenant_del");
	nicsec_mgmt_put(&req, "name", "%s", argv[0]);
	return mgmt_run("tenant del", &req, &resp);
}

static uint64_t num(const char *s)
{
	return s ? strtoull(s, NULL, 10) : 0;
}

/* A counter of the record [from, to): 0 if it has none. */
#define COUNTER(key, text) do {						\
	unsigned int p_ = from;						\
	const char *v_ = nicsec_mgmt_get(&resp, key, &p_);		\
	print_u64(key, text, v_ && p_ <= to ? num(v_) : 0);		\
} while (0)

/* One tenant record: the lines from @from up to the next "tenant=". */
static void tenant_print(unsigned int from, unsigned int to)
{
	unsigned int i, pos;
	const char *v;

	print_object_open();
	pos = from;
	print_str("tenant", "tenant %s:", nicsec_mgmt_get(&resp, "tenant", &pos));
	pos = from;
	print_u64("port", " port %" PRIu64, num(nicsec_mgmt_get(&resp, "port", &pos)));
	pos = from;
	print_str("dev", " dev %s", nicsec_mgmt_get(&resp, "dev", &pos) ?: "?");
	print_array_open_key("addrs");
	for (i = from; i < to; i++)
		if (!strcmp(resp.kv[i].key, "addr"))
			print_str(NULL, " addr %s", resp.kv[i].val);
	print_array_close();
	pos = from;
	print_u64("quota", " quota %" PRIu64, num(nicsec_mgmt_get(&resp, "quota", &pos)));
	pos = from;
	print_u64("sas", " sas %" PRIu64, num(nicsec_mgmt_get(&resp, "sas", &pos)));
	pos = from;
	v = nicsec_mgmt_get(&resp, "ctl", &pos);
	print_str("ctl", " control-channel %s", v && !strcmp(v, "yes") ? "yes" : "no");
	COUNTER("installed", "\n    installed %" PRIu64);
	COUNTER("deleted", " deleted %" PRIu64);
	COUNTER("flushed", " flushed %" PRIu64);
	COUNTER("denied", "\n    refused: denied %" PRIu64);
	COUNTER("foreign", " foreign %" PRIu64);
	COUNTER("quota_full", " quota-full %" PRIu64);
	COUNTER("table_full", " table-full %" PRIu64);
	COUNTER("refused", " other %" PRIu64);
	COUNTER("ctl_rx", "\n    control: rx %" PRIu64);
	COUNTER("ctl_replies", " replies %" PRIu64);
	COUNTER("ctl_retransmits", " retransmits %" PRIu64);
	COUNTER("drop_malformed", " drops: malformed %" PRIu64);
	COUNTER("drop_auth", " auth %" PRIu64);
	COUNTER("drop_replay", " replay %" PRIu64);
	COUNTER("drop_other", " other %" PRIu64);
	print_object_close();
}

static int tenant_show(int argc, char **argv)
{
	unsigned int i, start = UINT32_MAX;

	if (argc > 1) {
		fprintf(stderr, "Error: usage: nicsec tenant show [ NAME ]\n");
		return 2;
	}
	nicsec_mgmt_put(&req, "cmd", "tenant_show");
	if (argc)
		nicsec_mgmt_put(&req, "name", "%s", argv[0]);
	if (mgmt_run("tenant show", &req, &resp))
		return 1;
	print_array_open();
	for (i = 0; i <= resp.n; i++) {
		if (i < resp.n && strcmp(resp.kv[i].key, "tenant"))
			continue;
		if (start != UINT32_MAX)
			tenant_print(start, i);
		start = i;
	}
	print_array_close();
	return 0;
}

int do_tenant(int argc, char **argv)
{
	if (argc < 1 || !strcmp(argv[0], "show") || !strcmp(argv[0], "list"))
		return tenant_show(argc ? argc - 1 : 0, argv + (argc ? 1 : 0));
	if (!strcmp(argv[0], "add"))
		return tenant_add(argc - 1, argv + 1);
	if (!strcmp(argv[0], "del") || !strcmp(argv[0], "delete"))
		return tenant_del(argc - 1, argv + 1);
	if (!strcmp(argv[0], "help")) {
		tenant_usage(stdout);
		return 0;
	}
	fprintf(stderr, "Error: unknown command \"%s\" for \"tenant\", try \"nicsec tenant help\"\n",
		argv[0]);
	return 2;
}

/* `nicsec dev show`: the daemon behind the device and the table's size. */
int do_dev(int argc, char **argv)
{
	const char *v;

	if (argc > 1 || (argc == 1 && strcmp(argv[0], "show"))) {
		fprintf(stderr, "Usage: nicsec dev show\n");
		return argc == 1 && !strcmp(argv[0], "help") ? 0 : 2;
	}
	nicsec_mgmt_put(&req, "cmd", "dev_show");
	if (mgmt_run("dev show", &req, &resp))
		return 1;
	print_object_open();
	print_str("device", "device %s", nicsec_mgmt_get(&resp, "device", NULL) ?: "?");
	print_str("engine", " engine %s", nicsec_mgmt_get(&resp, "engine", NULL) ?: "?");
	print_u64("pid", " pid %" PRIu64, num(nicsec_mgmt_get(&resp, "pid", NULL)));
	print_u64("max_sas", "\n    max-sas %" PRIu64, num(nicsec_mgmt_get(&resp, "max_sas", NULL)));
	print_u64("sas", " sas %" PRIu64, num(nicsec_mgmt_get(&resp, "sas", NULL)));
	print_u64("tenants", " tenants %" PRIu64, num(nicsec_mgmt_get(&resp, "tenants", NULL)));
	v = nicsec_mgmt_get(&resp, "ctl_addr", NULL);
	print_str("ctl_addr", " control %s", v ?: "none");
	print_u64("ctl_port", ":%" PRIu64, num(nicsec_mgmt_get(&resp, "ctl_port", NULL)));
	print_object_close();
	return 0;
}
