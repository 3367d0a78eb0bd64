// SPDX-License-Identifier: GPL-2.0
/*
 * `nicsec sa`: install, remove and show the device's SAs by hand (the
 * control channel does this for the agents). Grammar after ip-xfrm(8):
 * addresses and ports are as they appear in the packet in the SA's
 * direction. add, del and flush go through nicsec-devd, which owns the
 * table (ids, tenants, quotas); show reads the pinned maps. The key comes
 * from a file or stdin, never from argv, and is never printed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "hex.h"
#include "keyfile.h"
#include "mgmt.h"
#include "sadb.h"
#include "print.h"
#include "nicsec.h"

static void sa_usage(FILE *f)
{
	fprintf(f,
		"Usage: nicsec sa add [ tenant NAME ] [ id ID ] dir { out | in } spi SPI\n"
		"                     src ADDR dst ADDR [ sport PORT ] [ dport PORT ]\n"
		"                     [ sel SELECTOR ] key KEYFILE\n"
		"       nicsec sa del id ID\n"
		"       nicsec sa show [ id ID ] [ tenant NAME ]\n"
		"       nicsec sa flush [ tenant NAME ]\n"
		"NAME := the tenant the SA is for (optional when there is one tenant)\n"
		"ID := an SA id below the device's --max-sas, also the engine's key\n"
		"       slot (default: the lowest free one)\n"
		"SPI := 256..0xffffffff\n"
		"src, dst, sport, dport := the outer (ESP-in-UDP) header in the SA's\n"
		"       direction; ports default to 4500\n"
		"SELECTOR := src ADDR dst ADDR [ proto { udp | tcp | NUMBER }\n"
		"       [ sport PORT dport PORT ] ]: the inner packet; \"out\" SAs match\n"
		"       it (5-tuple when proto and both ports are given, else 2-tuple),\n"
		"       \"in\" SAs require it (0.0.0.0 or no port: any)\n"
		"KEYFILE := a file (mode 0600 or stricter) or - for stdin, holding the\n"
		"       AES-GCM key and 4-byte salt in hex: 20 bytes (AES-128) or 36\n"
		"       (AES-256), as ip-xfrm's rfc4106(gcm(aes)) takes them\n");
}

static int get_u32(const char *s, uint32_t *v)
{
	unsigned long long x;
	char *end;

	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || *end || !*s || x > UINT32_MAX || s[0] == '-')
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int get_port(const char *s, __be16 *p)
{
	uint32_t v;

	if (get_u32(s, &v) || v > 65535)
		return -1;
	*p = htons((uint16_t)v);
	return 0;
}

static int get_addr(const char *s, __be32 *a)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return -1;
	*a = in.s_addr;
	return 0;
}

static int get_proto(const char *s, uint8_t *p)
{
	uint32_t v;

	if (!strcmp(s, "udp"))
		*p = 17;
	else if (!strcmp(s, "tcp"))
		*p = 6;
	else if (!get_u32(s, &v) && v > 0 && v < 256)
		*p = (uint8_t)v;
	else
		return -1;
	return 0;
}

#define NEXT_ARG(what) do {						\
	if (argc < 2) {							\
		fprintf(stderr, "Error: argument \"%s\" needs a value\n", what); \
		return 2;						\
	}								\
	argc--, argv++;							\
} while (0)

static int sadb_open_or_say(struct nicsec_sadb *db)
{
	int err = sadb_open(db, bpffs_dir);

	if (err)
		fprintf(stderr, "Error: cannot open the device's maps under %s: %s "
			"(is nicsec-devd running?)\n", bpffs_dir, strerror(-err));
	return err;
}

static struct nicsec_mgmt_out req;
static struct nicsec_mgmt_msg resp;

static void put_addr(const char *key, __be32 a)
{
	char buf[INET_ADDRSTRLEN];

	if (!a)
		return;
	inet_ntop(AF_INET, &a, buf, sizeof(buf));
	nicsec_mgmt_put(&req, key, "%s", buf);
}

static void put_port(const char *key, __be16 p)
{
	if (p)
		nicsec_mgmt_put(&req, key, "%u", ntohs(p));
}

static int sa_add(int argc, char **argv)
{
	uint8_t keybuf[KEYFILE_MAX_LEN];
	char hex[2 * KEYFILE_MAX_LEN + 1];
	const char *keyfile = NULL, *tenant = NULL;
	uint32_t id = UINT32_MAX, spi = 0;
	__be32 src = 0, dst = 0, ssrc = 0, sdst = 0;
	__be16 sport = htons(4500), dport = htons(4500), ssport = 0, sdport = 0;
	uint8_t sproto = 0;
	int dir = 0, have_sel = 0, n, ret = 1;

	while (argc > 0) {
		const char *kw = argv[0];

		if (!strcmp(kw, "id")) {
			NEXT_ARG(kw);
			if (get_u32(argv[0], &id) || id == UINT32_MAX)
				return invarg("id", argv[0], "expected an SA id");
		} else if (!strcmp(kw, "tenant")) {
			NEXT_ARG(kw);
			tenant = argv[0];
		} else if (!strcmp(kw, "dir")) {
			NEXT_ARG(kw);
			if (!strcmp(argv[0], "out"))
				dir = NICSEC_SA_OUT;
			else if (!strcmp(argv[0], "in"))
				dir = NICSEC_SA_IN;
			else
				return invarg("dir", argv[0], "expected \"out\" or \"in\"");
		} else if (!strcmp(kw, "spi")) {
			NEXT_ARG(kw);
			/* RFC 4303 2.1: 1..255 are reserved, 0 is local use */
			if (get_u32(argv[0], &spi) || spi < 256)
				return invarg("spi", argv[0], "expected 256..0xffffffff");
		} else if (!strcmp(kw, "src") || !strcmp(kw, "dst")) {
			NEXT_ARG(kw);
			if (get_addr(argv[0], kw[0] == 's' ? &src : &dst))
				return invarg(kw, argv[0], "expected an IPv4 address");
		} else if (!strcmp(kw, "sport") || !strcmp(kw, "dport")) {
			NEXT_ARG(kw);
			if (get_port(argv[0], kw[0] == 's' ? &sport : &dport) ||
			    !(kw[0] == 's' ? sport : dport))
				return invarg(kw, argv[0], "expected a port 1..65535");
		} else if (!strcmp(kw, "sel")) {
			have_sel = 1;
			while (argc > 1) {
				const char *k = argv[1];

				if (!strcmp(k, "src") || !strcmp(k, "dst")) {
					argc--, argv++;
					NEXT_ARG(k);
					if (get_addr(argv[0], k[0] == 's' ? &ssrc : &sdst))
						return invarg(k, argv[0], "expected an IPv4 address");
				} else if (!strcmp(k, "proto")) {
					argc--, argv++;
					NEXT_ARG(k);
					if (get_proto(argv[0], &sproto))
						return invarg("proto", argv[0],
							      "expected udp, tcp or 1..255");
				} else if (!strcmp(k, "sport") || !strcmp(k, "dport")) {
					argc--, argv++;
					NEXT_ARG(k);
					if (get_port(argv[0], k[0] == 's' ? &ssport : &sdport))
						return invarg(k, argv[0], "expected a port");
				} else {
					break;
				}
			}
		} else if (!strcmp(kw, "key")) {
			NEXT_ARG(kw);
			keyfile = argv[0];
		} else if (!strcmp(kw, "help")) {
			sa_usage(stdout);
			return 0;
		} else {
			return invarg("sa add", kw, "unknown keyword");
		}
		argc--, argv++;
	}
	if (!dir || !spi || !src || !dst || !keyfile) {
		fprintf(stderr, "Error: \"dir\", \"spi\", \"src\", \"dst\" and \"key\" "
			"are required\n");
		return 2;
	}
	if (dir == NICSEC_SA_OUT && (!have_sel || !ssrc || !sdst)) {
		fprintf(stderr, "Error: an \"out\" SA needs \"sel src ADDR dst ADDR\": the "
			"flow it encrypts\n");
		return 2;
	}
	if (sproto && (!ssport) != (!sdport)) {
		fprintf(stderr, "Error: give both selector ports or none\n");
		return 2;
	}
	if ((ssport || sdport) && !sproto) {
		fprintf(stderr, "Error: selector ports need \"proto\"\n");
		return 2;
	}

	n = keyfile_read(keyfile, keybuf, sizeof(keybuf));
	if (n < 0) {
		fprintf(stderr, "Error: key file \"%s\": %s\n", keyfile,
			n == -EPERM ? "readable or writable by others (chmod 600)" :
			n == -EINVAL ? "not one line of hex digits" :
			n == -EMSGSIZE ? "too long" : strerror(-n));
		return 1;
	}
	if (n != 20 && n != 36) {
		fprintf(stderr, "Error: key file \"%s\": %d bytes; expected 20 (AES-128 key "
			"+ salt) or 36 (AES-256 key + salt)\n", keyfile, n);
		goto out;
	}
	nicsec_mgmt_put(&req, "cmd", "sa_add");
	if (tenant)
		nicsec_mgmt_put(&req, "tenant", "%s", tenant);
	if (id != UINT32_MAX)
		nicsec_mgmt_put(&req, "id", "%u", id);
	nicsec_mgmt_put(&req, "dir", "%s", dir == NICSEC_SA_OUT ? "out" : "in");
	nicsec_mgmt_put(&req, "spi", "0x%08x", spi);
	put_addr("src", src);
	put_addr("dst", dst);
	put_port("sport", sport);
	put_port("dport", dport);
	put_addr("sel_src", ssrc);
	put_addr("sel_dst", sdst);
	if (sproto)
		nicsec_mgmt_put(&req, "sel_proto", "%u", sproto);
	put_port("sel_sport", ssport);
	put_port("sel_dport", sdport);
	hex_encode(keybuf, (size_t)n, hex, sizeof(hex));
	nicsec_mgmt_put(&req, "key", "%s", hex);
	ret = mgmt_run("cannot add the SA", &req, &resp);
	/* quiet on success, as ip xfrm state add is; -j tells the id */
	if (!ret && print_json)
		printf("{\"id\":%s}\n", nicsec_mgmt_get(&resp, "sa", NULL) ?: "null");
out:
	nicsec_wipe(hex, sizeof(hex));
	nicsec_wipe(keybuf, sizeof(keybuf));
	nicsec_mgmt_wipe_out(&req);
	return ret;
}

static int sa_del(int argc, char **argv)
{
	uint32_t id;

	if (argc != 2 || strcmp(argv[0], "id")) {
		fprintf(stderr, "Error: usage: nicsec sa del id ID\n");
		return 2;
	}
	if (get_u32(argv[1], &id))
		return invarg("id", argv[1], "expected an SA id");
	nicsec_mgmt_put(&req, "cmd", "sa_del");
	nicsec_mgmt_put(&req, "id", "%u", id);
	return mgmt_run("cannot delete the SA", &req, &resp);
}

static void print_addr_port(const char *key_a, const char *key_p, __be32 a, __be16 p,
			    const char *fmt_a)
{
	char buf[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, buf, sizeof(buf));
	print_str(key_a, fmt_a, buf);
	if (key_p)
		print_u64(key_p, ":%" PRIu64, ntohs(p));
}

struct show {
	struct nicsec_sadb *db;
	uint32_t only;			/* an id, or UINT32_MAX */
	int only_port;			/* a tenant's port, or -1 */
	struct nicsec_port_info ports[NICSEC_PORT_MAX];
};

static int sa_print(void *arg, uint32_t id, const struct nicsec_sa *sa)
{
	struct show *sh = arg;
	const struct nicsec_sa_stats st = sa->st;
	int out = !!(sa->flags & NICSEC_SA_OUT);
	const char *tenant;
	char spi[16];

	if ((sh->only != UINT32_MAX && id != sh->only) ||
	    (sh->only_port >= 0 && sa->port != sh->only_port))
		return 0;
	tenant = sa->port < NICSEC_PORT_MAX && sh->ports[sa->port].tenant[0] ?
		 sh->ports[sa->port].tenant : "?";
	snprintf(spi, sizeof(spi), "0x%08x", ntohl(sa->spi));
	print_object_open();
	print_u64("id", "sa %" PRIu64, id);
	print_str("tenant", " tenant %s", tenant);
	print_str("dir", " dir %s", out ? "out" : "in");
	print_str("spi", " spi %s", spi);
	print_addr_port("src", "sport", out ? sa->local_addr : sa->peer_addr,
			out ? sa->local_port : sa->peer_port, " src %s");
	print_addr_port("dst", "dport", out ? sa->peer_addr : sa->local_addr,
			out ? sa->peer_port : sa->local_port, " dst %s");
	print_str("aead", "\n    aead %s", "rfc4106(gcm(aes))");
	print_str("key", " key %s", "(hidden)");
	if (out)
		print_u64("seq", " seq %" PRIu64, sa->seq);
	else
		print_str("replay_window", " replay-window %s", "128");
	print_u64("packets", "\n    packets %" PRIu64, st.packets);
	print_u64("bytes", " bytes %" PRIu64, st.bytes);
	print_u64("auth_fail", " auth-fail %" PRIu64, st.auth_fail);
	print_u64("replay", " replay %" PRIu64, st.replay);
	print_u64("other_drop", " other-drop %" PRIu64, st.other_drop);
	print_object_close();
	return 0;
}

static int sa_show(int argc, char **argv)
{
	static struct show sh;
	struct nicsec_sadb db;
	const char *tenant = NULL;
	uint32_t p;
	int fd, err;

	sh.only = UINT32_MAX;
	sh.only_port = -1;
	while (argc >= 2) {
		if (!strcmp(argv[0], "id")) {
			if (get_u32(argv[1], &sh.only))
				return invarg("id", argv[1], "expected an SA id");
		} else if (!strcmp(argv[0], "tenant")) {
			tenant = argv[1];
		} else {
			break;
		}
		argc -= 2, argv += 2;
	}
	if (argc) {
		fprintf(stderr, "Error: usage: nicsec sa show [ id ID ] [ tenant NAME ]\n");
		return 2;
	}
	if (sadb_open_or_say(&db))
		return 1;
	fd = open_pinned("port_info");
	for (p = 0; fd >= 0 && p < NICSEC_PORT_MAX; p++) {
		if (bpf_map_lookup_elem(fd, &p, &sh.ports[p]))
			memset(&sh.ports[p], 0, sizeof(sh.ports[p]));
		sh.ports[p].tenant[sizeof(sh.ports[p].tenant) - 1] = '\0';
		if (tenant && p && !strcmp(sh.ports[p].tenant, tenant))
			sh.only_port = (int)p;
	}
	close_fd(fd);
	if (tenant && sh.only_port < 0) {
		sadb_close(&db);
		return invarg("tenant", tenant, "no tenant of that name");
	}
	sh.db = &db;
	print_array_open();
	err = sadb_walk(&db, sa_print, &sh);
	print_array_close();
	sadb_close(&db);
	if (err) {
		fprintf(stderr, "Error: reading the SA table: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}

static int sa_flush(int argc, char **argv)
{
	if (argc && (argc != 2 || strcmp(argv[0], "tenant"))) {
		fprintf(stderr, "Error: usage: nicsec sa flush [ tenant NAME ]\n");
		return 2;
	}
	nicsec_mgmt_put(&req, "cmd", "sa_flush");
	if (argc)
		nicsec_mgmt_put(&req, "tenant", "%s", argv[1]);
	return mgmt_run("cannot flush", &req, &resp);
}

int do_sa(int argc, char **argv)
{
	if (argc < 1 || !strcmp(argv[0], "show") || !strcmp(argv[0], "list"))
		return sa_show(argc ? argc - 1 : 0, argv + (argc ? 1 : 0));
	if (!strcmp(argv[0], "add"))
		return sa_add(argc - 1, argv + 1);
	if (!strcmp(argv[0], "del") || !strcmp(argv[0], "delete"))
		return sa_del(argc - 1, argv + 1);
	if (!strcmp(argv[0], "flush"))
		return sa_flush(argc - 1, argv + 1);
	if (!strcmp(argv[0], "help")) {
		sa_usage(stdout);
		return 0;
	}
	fprintf(stderr, "Error: unknown command \"%s\" for \"sa\", try \"nicsec sa help\"\n",
		argv[0]);
	return 2;
}
