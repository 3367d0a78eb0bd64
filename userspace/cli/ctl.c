// SPDX-License-Identifier: GPL-2.0
/*
 * `nicsec ctl`: drive a device's control channel by hand, as the agent
 * does: sealed requests from an OS-assigned port, each returning on its
 * STATUS or with a timeout error. Keys come from files or stdin, never
 * from argv, and are never printed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctl.h"
#include "keyfile.h"
#include "print.h"
#include "nicsec.h"

static void ctl_usage(FILE *f)
{
	fprintf(f,
		"Usage: nicsec ctl dev ADDR[:PORT] key ENROLLFILE COMMAND\n"
		"COMMAND := install dir { out | in } spi SPI flow SRC DST\n"
		"                   [ proto { udp | tcp | NUMBER } sport PORT dport PORT ]\n"
		"                   sakey KEYFILE\n"
		"         | delete id ID [ id ID ]... | query [ id ID ] | flush\n"
		"ENROLLFILE: the agent's copy of the device enrollment key (hex, 0600)\n"
		"KEYFILE: the SA's AES-GCM key and 4-byte salt in hex (20 or 36 bytes),\n"
		"         a file or - for stdin\n"
		"PORT defaults to %u. Each command prints the device's answer and exits\n"
		"non-zero on an error STATUS or a timeout.\n", NICSEC_CTL_PORT);
}

static int u32_arg(const char *s, uint32_t *v)
{
	unsigned long long x;
	char *end;

	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || *end || !*s || s[0] == '-' || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int port_arg(const char *s, uint16_t *p)
{
	uint32_t v;

	if (u32_arg(s, &v) || !v || v > 65535)
		return -1;
	*p = htons((uint16_t)v);
	return 0;
}

static int addr_arg(const char *s, uint32_t *a)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return -1;
	*a = in.s_addr;
	return 0;
}

static int say(int err, const char *what)
{
	if (err) {
		fprintf(stderr, "Error: %s: %s\n", what, nicsec_ctl_strerror(err));
		return 1;
	}
	return 0;
}

static int ctl_install(struct nicsec_ctl_chan *ch, int argc, char **argv)
{
	struct nicsec_ctl_sa sa = { .flow.ntuple = 2, .alg = NICSEC_CTL_ALG_AES_GCM_16,
				    .present = NICSEC_CTL_SA_REQUIRED };
	uint8_t kb[KEYFILE_MAX_LEN];
	const char *keyfile = NULL;
	uint32_t id = 0;
	int n, err;

	while (argc > 0) {
		const char *kw = argv[0];

		if (argc < 2)
			return invarg("install", kw, "needs a value");
		if (!strcmp(kw, "dir")) {
			if (!strcmp(argv[1], "out"))
				sa.dir = NICSEC_CTL_DIR_OUT;
			else if (!strcmp(argv[1], "in"))
				sa.dir = NICSEC_CTL_DIR_IN;
			else
				return invarg("dir", argv[1], "expected out or in");
		} else if (!strcmp(kw, "spi")) {
			if (u32_arg(argv[1], &sa.spi) || sa.spi < 256)
				return invarg("spi", argv[1], "expected 256..0xffffffff");
		} else if (!strcmp(kw, "flow")) {
			if (argc < 3 || addr_arg(argv[1], &sa.flow.saddr) ||
			    addr_arg(argv[2], &sa.flow.daddr))
				return invarg("flow", argv[1], "expected two IPv4 addresses");
			argc--, argv++;
		} else if (!strcmp(kw, "proto")) {
			uint32_t p;

			if (!strcmp(argv[1], "udp"))
				p = 17;
			else if (!strcmp(argv[1], "tcp"))
				p = 6;
			else if (u32_arg(argv[1], &p) || !p || p > 255)
				return invarg("proto", argv[1], "expected udp, tcp or 1..255");
			sa.flow.proto = (uint8_t)p;
			sa.flow.ntuple = 5;
		} else if (!strcmp(kw, "sport")) {
			if (port_arg(argv[1], &sa.flow.sport))
				return invarg("sport", argv[1], "expected a port");
		} else if (!strcmp(kw, "dport")) {
			if (port_arg(argv[1], &sa.flow.dport))
				return invarg("dport", argv[1], "expected a port");
		} else if (!strcmp(kw, "sakey")) {
			keyfile = argv[1];
		} else {
			return invarg("install", kw, "unknown keyword");
		}
		argc -= 2, argv += 2;
	}
	if (!sa.dir || !sa.spi || !sa.flow.saddr || !sa.flow.daddr || !keyfile ||
	    (sa.flow.ntuple == 5 && (!sa.flow.sport || !sa.flow.dport))) {
		fprintf(stderr, "Error: install needs dir, spi, flow and sakey (and with proto, "
			"both ports)\n");
		return 2;
	}
	n = keyfile_read(keyfile, kb, sizeof(kb));
	if (n != 20 && n != 36) {
		fprintf(stderr, "Error: SA key file \"%s\": %s\n", keyfile,
			n < 0 ? strerror(-n) : "expected 20 or 36 bytes (key + salt)");
		nicsec_wipe(kb, sizeof(kb));
		return 1;
	}
	sa.key_len = (uint8_t)(n - 4);
	memcpy(sa.key, kb, sa.key_len);
	memcpy(sa.salt, kb + sa.key_len, 4);
	nicsec_wipe(kb, sizeof(kb));
	err = nicsec_ctl_install(ch, &sa, 1, &id, NULL);
	nicsec_wipe(&sa, sizeof(sa));
	if (say(err, "install"))
		return 1;
	print_object_open();
	print_str("status", "%s", "ok");
	print_u64("sa_id", " sa %" PRIu64, id);
	print_u64("port", " (from port %" PRIu64 ")", nicsec_ctl_chan_port(ch));
	print_object_close();
	return 0;
}

static int ctl_query(struct nicsec_ctl_chan *ch, int argc, char **argv)
{
	struct nicsec_ctl_msg r = {};
	uint32_t id = NICSEC_CTL_QUERY_DEVICE;
	int err;

	if (argc == 2 && !strcmp(argv[0], "id")) {
		if (u32_arg(argv[1], &id) || id == NICSEC_CTL_QUERY_DEVICE)
			return invarg("id", argv[1], "expected an SA id");
	} else if (argc) {
		fprintf(stderr, "Error: usage: query [ id ID ]\n");
		return 2;
	}
	err = nicsec_ctl_query(ch, id, &r);
	if (say(err, "query"))
		return 1;
	print_object_open();
	if (id == NICSEC_CTL_QUERY_DEVICE) {
		print_str("status", "%s", "alive");
		print_u64("engine", " engine %" PRIu64, r.devinfo.engine);
		print_u64("sa_used", " sas %" PRIu64, r.devinfo.sa_used);
		print_u64("sa_max", "/%" PRIu64, r.devinfo.sa_max);
	} else {
		print_u64("sa_id", "sa %" PRIu64, id);
		print_u64("packets", " packets %" PRIu64, r.counters.packets);
		print_u64("bytes", " bytes %" PRIu64, r.counters.bytes);
		print_u64("auth_fail", " auth-fail %" PRIu64, r.counters.auth_fail);
		print_u64("replay", " replay %" PRIu64, r.counters.replay);
		print_u64("other_drop", " other-drop %" PRIu64, r.counters.other_drop);
	}
	print_object_close();
	return 0;
}

int do_ctl(int argc, char **argv)
{
	struct nicsec_ctl_opts opts = {};
	struct sockaddr_in dev = { .sin_family = AF_INET, .sin_port = htons(NICSEC_CTL_PORT) };
	uint8_t key[NICSEC_CTL_KEY_LEN];
	struct nicsec_ctl_chan *ch = NULL;
	const char *keyfile = NULL;
	int err, ret;

	while (argc >= 2 && (!strcmp(argv[0], "dev") || !strcmp(argv[0], "key"))) {
		if (argv[0][0] == 'd') {
			char a[64], *colon;

			snprintf(a, sizeof(a), "%s", argv[1]);
			colon = strchr(a, ':');
			if (colon) {
				*colon = '\0';
				if (port_arg(colon + 1, &dev.sin_port))
					return invarg("dev", argv[1], "bad port");
			}
			if (inet_pton(AF_INET, a, &dev.sin_addr) != 1)
				return invarg("dev", argv[1], "expected ADDR[:PORT]");
		} else {
			keyfile = argv[1];
		}
		argc -= 2, argv += 2;
	}
	if (argc < 1 || !strcmp(argv[0], "help")) {
		ctl_usage(argc < 1 ? stderr : stdout);
		return argc < 1 ? 2 : 0;
	}
	if (!dev.sin_addr.s_addr || !keyfile) {
		fprintf(stderr, "Error: \"dev\" and \"key\" are required\n");
		return 2;
	}
	err = nicsec_ctl_key_load(keyfile, key);
	if (err) {
		fprintf(stderr, "Error: enrollment key \"%s\": %s\n", keyfile,
			nicsec_ctl_strerror(err));
		return 1;
	}
	err = nicsec_ctl_chan_open(&ch, (struct sockaddr *)&dev, sizeof(dev), key, &opts);
	nicsec_wipe(key, sizeof(key));
	if (err)
		return say(err, "opening the channel");
	if (!strcmp(argv[0], "install")) {
		ret = ctl_install(ch, argc - 1, argv + 1);
	} else if (!strcmp(argv[0], "query")) {
		ret = ctl_query(ch, argc - 1, argv + 1);
	} else if (!strcmp(argv[0], "flush")) {
		ret = say(nicsec_ctl_flush(ch), "flush");
	} else if (!strcmp(argv[0], "delete") && argc >= 3 && argc % 2 &&
		   argc <= 1 + 2 * NICSEC_CTL_MAX_IDS) {
		uint32_t ids[NICSEC_CTL_MAX_IDS];
		int i, n = 0;

		ret = 0;
		for (i = 1; i < argc && !ret; i += 2) {
			if (strcmp(argv[i], "id") || u32_arg(argv[i + 1], &ids[n++]))
				ret = invarg("id", argv[i + 1], "expected \"id ID\"");
		}
		if (!ret)
			ret = say(nicsec_ctl_delete(ch, ids, (unsigned int)n), "delete");
	} else {
		ctl_usage(stderr);
		ret = 2;
	}
	nicsec_ctl_chan_close(ch);
	return ret;
}
