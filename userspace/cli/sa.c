// SPDX-License-Identifier: GPL-2.0
/*
 * `nicsec sa`: install, remove and show the device's SAs by hand (the
 * control channel will do this for the agent). Grammar after ip-xfrm(8):
 * addresses and ports are as they appear in the packet in the SA's
 * direction. The key comes from a file or stdin, never from argv, and is
 * never printed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "keyfile.h"
#include "sadb.h"
#include "print.h"
#include "nicsec.h"

static void sa_usage(FILE *f)
{
	fprintf(f,
		"Usage: nicsec sa add id ID dir { out | in } spi SPI src ADDR dst ADDR\n"
		"                     [ sport PORT ] [ dport PORT ] [ sel SELECTOR ] key KEYFILE\n"
		"       nicsec sa del id ID\n"
		"       nicsec sa show [ id ID ]\n"
		"       nicsec sa flush\n"
		"ID := 0..%d, also the engine's key slot\n"
		"SPI := 256..0xffffffff\n"
		"src, dst, sport, dport := the outer (ESP-in-UDP) header in the SA's\n"
		"       direction; ports default to 4500\n"
		"SELECTOR := src ADDR dst ADDR [ proto { udp | tcp | NUMBER }\n"
		"       [ sport PORT dport PORT ] ]: the inner packet; \"out\" SAs match\n"
		"       it (5-tuple when proto and both ports are given, else 2-tuple),\n"
		"       \"in\" SAs require it (0.0.0.0 or no port: any)\n"
		"KEYFILE := a file (mode 0600 or stricter) or - for stdin, holding the\n"
		"       AES-GCM key and 4-byte salt in hex: 20 bytes (AES-128) or 36\n"
		"       (AES-256), as ip-xfrm's rfc4106(gcm(aes)) takes them\n",
		NICSEC_MAX_SA - 1);
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

static int sa_add(int argc, char **argv)
{
	struct nicsec_sa sa = { .local_port = htons(4500), .peer_port = htons(4500) };
	struct nicsec_flow flow = {};
	uint8_t keybuf[KEYFILE_MAX_LEN];
	const char *keyfile = NULL;
	uint32_t id = UINT32_MAX, spi = 0;
	__be32 src = 0, dst = 0, ssrc = 0, sdst = 0;
	__be16 sport = htons(4500), dport = htons(4500), ssport = 0, sdport = 0;
	uint8_t sproto = 0;
	int dir = 0, have_sel = 0, n, ret = 1;
	struct nicsec_sadb db;

	while (argc > 0) {
		const char *kw = argv[0];

		if (!strcmp(kw, "id")) {
			NEXT_ARG(kw);
			if (get_u32(argv[0], &id) || id >= NICSEC_MAX_SA)
				return invarg("id", argv[0], "expected 0..1023");
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
	if (id == UINT32_MAX || !dir || !spi || !src || !dst || !keyfile) {
		fprintf(stderr, "Error: \"id\", \"dir\", \"spi\", \"src\", \"dst\" and \"key\" "
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

	sa.flags = (uint32_t)dir;
	sa.spi = htonl(spi);
	if (dir == NICSEC_SA_OUT) {
		sa.local_addr = src, sa.peer_addr = dst;
		sa.local_port = sport, sa.peer_port = dport;
		flow.saddr = ssrc, flow.daddr = sdst;
		if (ssport) {
			flow.proto = sproto;
			flow.sport = ssport, flow.dport = sdport;
		}
	} else {
		sa.peer_addr = src, sa.local_addr = dst;
		sa.peer_port = sport, sa.local_port = dport;
		sa.sel_remote = ssrc, sa.sel_local = sdst;
		sa.sel_proto = sproto;
		sa.sel_remote_port = ssport, sa.sel_local_port = sdport;
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
	if (sadb_open_or_say(&db))
		goto out;
	n = sadb_add(&db, id, &sa, dir == NICSEC_SA_OUT ? &flow : NULL, keybuf,
		     (uint32_t)n - 4, keybuf + n - 4);
	sadb_close(&db);
	if (n) {
		fprintf(stderr, "Error: cannot add SA %u: %s\n", id,
			n == -EEXIST ? "that id is in use" :
			n == -EADDRINUSE ? "another SA has that SPI" :
			n == -EOPNOTSUPP ? "the device's engine holds no keys (engine none)" :
			strerror(-n));
		goto out;
	}
	ret = 0;
out:
	nicsec_wipe(keybuf, sizeof(keybuf));
	return ret;
}

static int sa_del(int argc, char **argv)
{
	struct nicsec_sadb db;
	uint32_t id;
	int err;

	if (argc != 2 || strcmp(argv[0], "id")) {
		fprintf(stderr, "Error: usage: nicsec sa del id ID\n");
		return 2;
	}
	if (get_u32(argv[1], &id) || id >= NICSEC_MAX_SA)
		return invarg("id", argv[1], "expected 0..1023");
	if (sadb_open_or_say(&db))
		return 1;
	err = sadb_del(&db, id);
	sadb_close(&db);
	if (err) {
		fprintf(stderr, "Error: cannot delete SA %u: %s\n", id,
			err == -ENOENT ? "no such SA" : strerror(-err));
		return 1;
	}
	return 0;
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

static void sa_print(struct nicsec_sadb *db, uint32_t id, const struct nicsec_sa *sa)
{
	struct nicsec_sa_stats st = {};
	int out = !!(sa->flags & NICSEC_SA_OUT);
	char spi[16];

	sadb_stats(db, id, &st);
	snprintf(spi, sizeof(spi), "0x%08x", ntohl(sa->spi));
	print_object_open();
	print_u64("id", "sa %" PRIu64, id);
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
}

static int sa_show(int argc, char **argv)
{
	struct nicsec_sadb db;
	struct nicsec_sa sa;
	uint32_t id, only = UINT32_MAX;

	if (argc == 2 && !strcmp(argv[0], "id")) {
		if (get_u32(argv[1], &only) || only >= NICSEC_MAX_SA)
			return invarg("id", argv[1], "expected 0..1023");
	} else if (argc) {
		fprintf(stderr, "Error: usage: nicsec sa show [ id ID ]\n");
		return 2;
	}
	if (sadb_open_or_say(&db))
		return 1;
	print_array_open();
	for (id = 0; id < NICSEC_MAX_SA; id++) {
		if (only != UINT32_MAX && id != only)
			continue;
		if (!sadb_get(&db, id, &sa))
			sa_print(&db, id, &sa);
	}
	print_array_close();
	sadb_close(&db);
	return 0;
}

static int sa_flush(void)
{
	struct nicsec_sadb db;
	struct nicsec_sa sa;
	uint32_t id;
	int ret = 0, err;

	if (sadb_open_or_say(&db))
		return 1;
	for (id = 0; id < NICSEC_MAX_SA; id++) {
		if (sadb_get(&db, id, &sa))
			continue;
		err = sadb_del(&db, id);
		if (err) {
			fprintf(stderr, "Error: cannot delete SA %u: %s\n", id, strerror(-err));
			ret = 1;
		}
	}
	sadb_close(&db);
	return ret;
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
		return sa_flush();
	if (!strcmp(argv[0], "help")) {
		sa_usage(stdout);
		return 0;
	}
	fprintf(stderr, "Error: unknown command \"%s\" for \"sa\", try \"nicsec sa help\"\n",
		argv[0]);
	return 2;
}
