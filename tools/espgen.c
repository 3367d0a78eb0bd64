// SPDX-License-Identifier: GPL-2.0
/*
 * espgen: an independent ESP-in-UDP oracle for nicsec's tests, written from
 * the RFCs alone and sharing no code with the device: RFC 4303 ESP in
 * tunnel mode, UDP-encapsulated per RFC 3948 (port 4500), AES-GCM with a
 * 16-byte ICV per RFC 4106 (OpenSSL EVP does the AEAD). "seal" builds
 * Ethernet frames carrying an inner IPv4/UDP datagram for a given SA and
 * writes them to a pcap file or sends them on an interface (AF_PACKET);
 * each mutation option gives otherwise-valid frames with exactly one
 * defect, for negative tests. "open" reads a capture (pcap or pcapng),
 * verifies and decrypts every ESP-in-UDP frame, checks padding, inner
 * headers, checksums and replay, and prints one line per frame so tests can
 * compare payloads exactly. "kat" checks the AEAD framing against the
 * published ESP test cases of draft-mcgrew-gcm-test-01 and prints TAP.
 * Keys are read as hex from a file or stdin, never from argv, and wiped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <openssl/crypto.h>

#include "espgen.h"

enum {
	MUT_NONE = 0, MUT_FLIP, MUT_TRUNC, MUT_SPI, MUT_SRC, MUT_DST,
	MUT_REPLAY, MUT_BADPAD,
};

/* Locked, and wiped on every exit path of main(). */
static struct esp_key sa_key;

static void invarg(const char *arg, const char *why)
{
	fprintf(stderr, "Error: argument \"%s\" is wrong: %s\n", arg, why);
}

/* ---- small parsers ------------------------------------------------------ */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex with an optional 0x prefix; whitespace and ':' between bytes ignored.
 * Returns the byte count, or -1 if malformed or longer than max. */
long parse_hex(const char *s, size_t n, uint8_t *out, size_t max)
{
	size_t i = 0, len = 0;
	int hi = -1;

	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	if (i + 1 < n && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X'))
		i += 2;
	for (; i < n; i++) {
		int v = hexval((unsigned char)s[i]);

		if (v < 0) {
			if (hi < 0 && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
				       s[i] == '\r' || s[i] == ':'))
				continue;
			return -1;
		}
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (len == max)
			return -1;
		out[len++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return hi < 0 ? (long)len : -1;
}

static bool parse_ulong(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoul(s, &end, 0);
	return !errno && !*end && *v <= max;
}

static bool parse_ipv4(const char *s, uint32_t *be)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return false;
	*be = a.s_addr;
	return true;
}

/* ADDR or ADDR:PORT; the port is left alone when absent. */
static bool parse_endpoint(const char *s, uint32_t *addr, uint16_t *port)
{
	char buf[64];
	const char *colon = strchr(s, ':');
	unsigned long p;

	if (!colon)
		return parse_ipv4(s, addr);
	if ((size_t)(colon - s) >= sizeof(buf))
		return false;
	memcpy(buf, s, (size_t)(colon - s));
	buf[colon - s] = 0;
	if (!parse_ipv4(buf, addr) || !parse_ulong(colon + 1, 65535, &p))
		return false;
	*port = (uint16_t)p;
	return true;
}

static bool parse_mac(const char *s, uint8_t mac[ETH_ALEN])
{
	unsigned int b[ETH_ALEN];
	char tail;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &tail) != ETH_ALEN)
		return false;
	for (i = 0; i < ETH_ALEN; i++) {
		if (b[i] > 0xff)
			return false;
		mac[i] = (uint8_t)b[i];
	}
	return true;
}

/* Key file: hex of key | salt (16, 24 or 32 + 4 bytes), "-" for stdin. */
static int key_read(const char *path, struct esp_key *k)
{
	char text[256];
	uint8_t raw[MAX_KEY_LEN + ESP_SALT_LEN];
	size_t n = 0;
	long len;
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	int rc = -1;

	if (fd < 0) {
		fprintf(stderr, "Error: key file \"%s\": %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		ssize_t r = read(fd, text + n, sizeof(text) - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n == sizeof(text))
			break;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	len = n < sizeof(text) ? parse_hex(text, n, raw, sizeof(raw)) : -1;
	if (len != 20 && len != 28 && len != 36) {
		fprintf(stderr, "Error: key file \"%s\": want hex of a 16/24/32-byte key and a 4-byte salt\n",
			path);
		goto out;
	}
	k->key_len = (size_t)len - ESP_SALT_LEN;
	memcpy(k->key, raw, k->key_len);
	memcpy(k->salt, raw + k->key_len, ESP_SALT_LEN);
	rc = 0;
out:
	OPENSSL_cleanse(text, sizeof(text));
	OPENSSL_cleanse(raw, sizeof(raw));
	return rc;
}

/* ---- headers ---------------------------------------------------------------- */

static void ip_build(uint8_t *p, size_t tot_len, uint16_t id, uint32_t src, uint32_t dst)
{
	struct iphdr ip = {
		.version = 4, .ihl = 5, .tot_len = htons((uint16_t)tot_len),
		.id = htons(id), .ttl = 64, .protocol = IPPROTO_UDP,
		.saddr = src, .daddr = dst,
	};

	memcpy(p, &ip, sizeof(ip));
	ip.check = htons(csum_fold(csum_add(0, p, sizeof(ip))));
	memcpy(p, &ip, sizeof(ip));
}

static void udp_build(uint8_t *ip, uint16_t sport, uint16_t dport, size_t len, bool csum)
{
	uint8_t *p = ip + sizeof(struct iphdr);
	struct udphdr u = {
		.source = htons(sport), .dest = htons(dport), .len = htons((uint16_t)len),
	};
	uint16_t c;

	memcpy(p, &u, sizeof(u));
	if (!csum)
		return;	/* RFC 3948 2.1: zero for ESP-in-UDP over IPv4 */
	c = l4_csum(ip, IPPROTO_UDP, p, len);
	u.check = htons(c ? c : 0xffff);	/* RFC 768: 0 means none */
	memcpy(p, &u, sizeof(u));
}

/* ---- seal ------------------------------------------------------------------ */

struct gen {
	uint32_t spi, src, dst, wire_spi, wire_src, wire_dst;
	uint16_t sport, dport;
	uint32_t in_src, in_dst;
	uint16_t in_sport, in_dport;
	uint8_t *payload;		/* fixed payload, or NULL for the pattern */
	size_t payload_len;
	uint8_t smac[ETH_ALEN], dmac[ETH_ALEN];
	bool have_smac, outer_csum;
	int mutation;
	unsigned long mut_arg;
};

/* Byte j of the pattern payload of datagram seed, as nstraffic sends it. */
static uint8_t pattern(uint32_t seed, size_t i)
{
	return (uint8_t)((seed * 2654435761u + i * 40503u) >> 7);
}

/* One frame for seq into f; returns its length, 0 on error. */
static size_t build_frame(const struct gen *g, uint32_t seq, uint8_t *f)
{
	static uint8_t pt[MAX_FRAME];
	const size_t outer = ETH_HLEN + sizeof(struct iphdr) + sizeof(struct udphdr);
	size_t inner_len = sizeof(struct iphdr) + sizeof(struct udphdr) + g->payload_len;
	size_t pad = (4 - (inner_len + ESP_TRAILER_LEN) % 4) % 4, pt_len, esp_len, i;
	uint8_t *ip = f + ETH_HLEN, *esp = f + outer, iv[ESP_IV_LEN];
	uint8_t *data = pt + sizeof(struct iphdr) + sizeof(struct udphdr);
	uint64_t iv64 = seq;	/* the explicit IV is the sequence number */

	if (g->mutation == MUT_BADPAD && !pad)
		pad = 4;
	pt_len = inner_len + pad + ESP_TRAILER_LEN;
	esp_len = pt_len + ESP_OVERHEAD;
	if (outer - ETH_HLEN + esp_len > 65535)
		return 0;
	if (g->payload) {
		memcpy(data, g->payload, g->payload_len);
	} else {
		for (i = 0; i < g->payload_len; i++)
			data[i] = i < 4 ? (uint8_t)(seq >> (24 - 8 * i)) : pattern(seq, i);
	}
	ip_build(pt, inner_len, (uint16_t)seq, g->in_src, g->in_dst);
	udp_build(pt, g->in_sport, g->in_dport, inner_len - sizeof(struct iphdr), true);
	/* RFC 4303 2.4 default padding 1, 2, 3, ...; --bad-pad breaks it. */
	for (i = 0; i < pad; i++)
		pt[inner_len + i] = g->mutation == MUT_BADPAD ? 0 : (uint8_t)(i + 1);
	pt[inner_len + pad] = (uint8_t)pad;
	pt[inner_len + pad + 1] = ESP_NH_IPV4;
	for (i = 0; i < ESP_IV_LEN; i++)
		iv[i] = (uint8_t)(iv64 >> (56 - 8 * i));
	/* A wrong SPI is also in the AAD: the frame is valid for that SPI, so
	 * only an SPI lookup, not the ICV, can reject it. */
	if (esp_seal(&sa_key, g->wire_spi, seq, iv, pt, pt_len, esp))
		return 0;
	OPENSSL_cleanse(pt, pt_len);

	memcpy(f, g->dmac, ETH_ALEN);
	memcpy(f + ETH_ALEN, g->smac, ETH_ALEN);
	f[12] = ETH_P_IP >> 8;
	f[13] = ETH_P_IP & 0xff;
	switch (g->mutation) {
	case MUT_FLIP:
		if (g->mut_arg >= esp_len * 8)
			return 0;
		esp[g->mut_arg / 8] ^= (uint8_t)(0x80 >> (g->mut_arg % 8));
		break;
	case MUT_TRUNC:
		if (g->mut_arg >= esp_len)
			return 0;
		esp_len = g->mut_arg;
		break;
	}
	/* Outer headers describe the frame as sent, truncated or not. */
	ip_build(ip, outer - ETH_HLEN + esp_len, (uint16_t)seq, g->wire_src, g->wire_dst);
	udp_build(ip, g->sport, g->dport, sizeof(struct udphdr) + esp_len, g->outer_csum);
	return outer + esp_len;
}

struct sink {
	FILE *pcap;
	int fd;
	struct sockaddr_ll to;
	unsigned long n, interval_us;
};

static int sink_put(struct sink *s, const uint8_t *f, size_t len)
{
	if (s->pcap)
		return pcap_write_frame(s->pcap, s->n++, f, len);
	if (s->n++ && s->interval_us)
		usleep((useconds_t)s->interval_us);
	if (sendto(s->fd, f, len, 0, (struct sockaddr *)&s->to, sizeof(s->to)) != (ssize_t)len) {
		perror("espgen: sendto");
		return -1;
	}
	return 0;
}

static int sink_open(struct sink *s, const char *wfile, const char *ifname, struct gen *g)
{
	struct timeval tmo = { .tv_sec = 5 };
	struct ifreq ifr = { 0 };

	if (wfile) {
		s->pcap = strcmp(wfile, "-") ? fopen(wfile, "wbe") : stdout;
		if (!s->pcap || pcap_write_header(s->pcap)) {
			fprintf(stderr, "Error: cannot write \"%s\": %s\n", wfile, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (strlen(ifname) >= IFNAMSIZ) {
		invarg(ifname, "interface name too long");
		return -1;
	}
	s->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);	/* send only */
	if (s->fd < 0) {
		perror("espgen: AF_PACKET socket");
		return -1;
	}
	setsockopt(s->fd, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo));
	s->to.sll_family = AF_PACKET;
	s->to.sll_protocol = htons(ETH_P_IP);
	s->to.sll_ifindex = (int)if_nametoindex(ifname);
	s->to.sll_halen = ETH_ALEN;
	memcpy(s->to.sll_addr, g->dmac, ETH_ALEN);
	if (!s->to.sll_ifindex) {
		invarg(ifname, "no such interface");
		return -1;
	}
	strcpy(ifr.ifr_name, ifname);
	if (!g->have_smac && !ioctl(s->fd, SIOCGIFHWADDR, &ifr))
		memcpy(g->smac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	return 0;
}

static int sink_close(struct sink *s)
{
	int rc = 0;

	if (s->pcap && s->pcap != stdout)
		rc = fclose(s->pcap);
	else if (s->pcap)
		rc = fflush(s->pcap);
	if (s->fd >= 0)
		close(s->fd);
	return rc ? -1 : 0;
}

/* ---- main ---------------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr,
		"Usage: espgen [seal] SA INNER (-w PCAP | -i IFNAME [--interval USEC]) [MUTATION]\n"
		"       espgen open -r CAPTURE --spi SPI --key FILE [--src ADDR] [--dst ADDR]\n"
		"                   [--port PORT] [--window N] [--no-data] [--skip-other-spi]\n"
		"       espgen kat\n"
		"SA       := --spi SPI --src ADDR --dst ADDR [--sport PORT] [--dport PORT]\n"
		"            --key FILE   (hex of key | 4-byte salt; \"-\" for stdin)\n"
		"INNER    := [--inner-src ADDR[:PORT]] [--inner-dst ADDR[:PORT]]\n"
		"            (--payload HEX | --pattern N) [--seq START] [--count N]\n"
		"            [--smac MAC] [--dmac MAC] [--outer-csum]\n"
		"MUTATION := --flip-bit N | --truncate L [--step] | --wrong-spi SPI | --outer-src ADDR |\n"
		"            --outer-dst ADDR | --replay | --bad-pad\n"
		"            (--step: packet n of --count flips bit N+n / keeps N+n bytes)\n");
}

enum {
	OPT_SPI = 256, OPT_SRC, OPT_DST, OPT_SPORT, OPT_DPORT, OPT_KEY, OPT_ISRC, OPT_IDST, OPT_PAYLOAD,
	OPT_PATTERN, OPT_SEQ, OPT_COUNT, OPT_SMAC, OPT_DMAC, OPT_OCSUM, OPT_INTERVAL, OPT_FLIP, OPT_TRUNC, OPT_STEP,
	OPT_WSPI, OPT_OSRC, OPT_ODST, OPT_REPLAY, OPT_BADPAD, OPT_PORT, OPT_WINDOW, OPT_NODATA,
	OPT_SKIPSPI,
};

static const struct option long_opts[] = {
	{ "spi", 1, NULL, OPT_SPI }, { "src", 1, NULL, OPT_SRC }, { "dst", 1, NULL, OPT_DST },
	{ "sport", 1, NULL, OPT_SPORT }, { "dport", 1, NULL, OPT_DPORT },
	{ "key", 1, NULL, OPT_KEY }, { "inner-src", 1, NULL, OPT_ISRC },
	{ "inner-dst", 1, NULL, OPT_IDST }, { "payload", 1, NULL, OPT_PAYLOAD },
	{ "pattern", 1, NULL, OPT_PATTERN }, { "seq", 1, NULL, OPT_SEQ },
	{ "count", 1, NULL, OPT_COUNT }, { "smac", 1, NULL, OPT_SMAC },
	{ "dmac", 1, NULL, OPT_DMAC }, { "outer-csum", 0, NULL, OPT_OCSUM },
	{ "interval", 1, NULL, OPT_INTERVAL }, { "flip-bit", 1, NULL, OPT_FLIP },
	{ "truncate", 1, NULL, OPT_TRUNC }, { "wrong-spi", 1, NULL, OPT_WSPI },
	{ "step", 0, NULL, OPT_STEP },
	{ "outer-src", 1, NULL, OPT_OSRC }, { "outer-dst", 1, NULL, OPT_ODST },
	{ "replay", 0, NULL, OPT_REPLAY }, { "bad-pad", 0, NULL, OPT_BADPAD },
	{ "port", 1, NULL, OPT_PORT }, { "window", 1, NULL, OPT_WINDOW },
	{ "no-data", 0, NULL, OPT_NODATA }, { "skip-other-spi", 0, NULL, OPT_SKIPSPI },
	{ "help", 0, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int main(int argc, char **argv)
{
	static struct gen g = {
		.sport = UDP_ENCAP_PORT, .dport = UDP_ENCAP_PORT,
		.in_sport = 7000, .in_dport = 7000,
		.smac = { 0x02, 0, 0, 0, 0, 0x01 },
		.dmac = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	static struct opener o = { .key = &sa_key, .port = UDP_ENCAP_PORT, .window = 64 };
	static uint8_t frame[MAX_FRAME];
	struct sink s = { .fd = -1 };
	const char *verb = "seal", *keyfile = NULL, *wfile = NULL, *ifname = NULL, *rfile = NULL;
	bool have_spi = false, have_src = false, have_dst = false, have_isrc = false;
	bool have_idst = false, have_payload = false;
	unsigned long v, seq = 1, count = 1, n, base;
	bool step = false;
	int c, rc = 2, nmut = 0;

	if (argc > 1 && argv[1][0] != '-') {
		verb = argv[1];
		optind = 2;
	}
	if (!strcmp(verb, "kat"))
		return esp_kat_run();
	if (strcmp(verb, "seal") && strcmp(verb, "open")) {
		usage();
		return 2;
	}
	mlock(&sa_key, sizeof(sa_key));
	while ((c = getopt_long(argc, argv, "w:i:r:h", long_opts, NULL)) != -1) {
		const char *a = optarg;

		switch (c) {
		case OPT_SPI:
			if (!parse_ulong(a, UINT32_MAX, &v) || !v)
				goto bad;
			g.spi = o.spi = (uint32_t)v;
			have_spi = true;
			break;
		case OPT_SRC:
			if (!parse_ipv4(a, &g.src))
				goto bad;
			o.src = g.src;
			have_src = o.have_src = true;
			break;
		case OPT_DST:
			if (!parse_ipv4(a, &g.dst))
				goto bad;
			o.dst = g.dst;
			have_dst = o.have_dst = true;
			break;
		case OPT_SPORT: case OPT_DPORT: case OPT_PORT:
			if (!parse_ulong(a, 65535, &v) || !v)
				goto bad;
			if (c == OPT_SPORT)
				g.sport = (uint16_t)v;
			else if (c == OPT_DPORT)
				g.dport = (uint16_t)v;
			else
				o.port = (uint16_t)v;
			break;
		case OPT_KEY: keyfile = a; break;
		case OPT_ISRC:
			if (!parse_endpoint(a, &g.in_src, &g.in_sport))
				goto bad;
			have_isrc = true;
			break;
		case OPT_IDST:
			if (!parse_endpoint(a, &g.in_dst, &g.in_dport))
				goto bad;
			have_idst = true;
			break;
		case OPT_PAYLOAD: {
			long l;

			free(g.payload);
			g.payload = malloc(strlen(a) / 2 + 1);
			l = g.payload ? parse_hex(a, strlen(a), g.payload, 65535) : -1;
			if (l < 0)
				goto bad;
			g.payload_len = (size_t)l;
			have_payload = true;
			break;
		}
		case OPT_PATTERN:
			if (!parse_ulong(a, 65535, &v))
				goto bad;
			free(g.payload);
			g.payload = NULL;
			g.payload_len = v;
			have_payload = true;
			break;
		case OPT_SEQ:
			if (!parse_ulong(a, UINT32_MAX, &seq))
				goto bad;
			break;
		case OPT_COUNT:
			if (!parse_ulong(a, 100000000, &count) || !count)
				goto bad;
			break;
		case OPT_SMAC:
			if (!parse_mac(a, g.smac))
				goto bad;
			g.have_smac = true;
			break;
		case OPT_DMAC:
			if (!parse_mac(a, g.dmac))
				goto bad;
			break;
		case OPT_OCSUM: g.outer_csum = true; break;
		case OPT_INTERVAL:
			if (!parse_ulong(a, 10000000, &s.interval_us))
				goto bad;
			break;
		case OPT_FLIP: case OPT_TRUNC:
			if (!parse_ulong(a, 65535 * 8, &g.mut_arg))
				goto bad;
			g.mutation = c == OPT_FLIP ? MUT_FLIP : MUT_TRUNC;
			nmut++;
			break;
		case OPT_WSPI:
			if (!parse_ulong(a, UINT32_MAX, &v) || !v)
				goto bad;
			g.wire_spi = (uint32_t)v;
			g.mutation = MUT_SPI;
			nmut++;
			break;
		case OPT_OSRC: case OPT_ODST:
			if (!parse_ipv4(a, c == OPT_OSRC ? &g.wire_src : &g.wire_dst))
				goto bad;
			g.mutation = c == OPT_OSRC ? MUT_SRC : MUT_DST;
			nmut++;
			break;
		case OPT_REPLAY: g.mutation = MUT_REPLAY; nmut++; break;
		case OPT_BADPAD: g.mutation = MUT_BADPAD; nmut++; break;
		case OPT_WINDOW:
			if (!parse_ulong(a, REPLAY_MAX, &o.window))
				goto bad;
			break;
		case OPT_NODATA: o.no_data = true; break;
		case OPT_STEP: step = true; break;
		case OPT_SKIPSPI: o.skip_other_spi = true; break;
		case 'w': wfile = a; break;
		case 'i': ifname = a; break;
		case 'r': rfile = a; break;
		default:
			usage();
			goto out;
		}
		continue;
bad:
		invarg(a, "not a valid value for this option");
		goto out;
	}
	if (optind < argc) {
		invarg(argv[optind], "unexpected argument");
		goto out;
	}
	if (!have_spi || !keyfile) {
		fprintf(stderr, "Error: --spi and --key are required\n");
		goto out;
	}
	if (!strcmp(verb, "open")) {
		if (!rfile) {
			fprintf(stderr, "Error: open needs -r CAPTURE\n");
			goto out;
		}
		if (!key_read(keyfile, &sa_key))
			rc = esp_open_capture(&o, rfile);
		goto out;
	}
	if (!have_src || !have_dst || !have_payload || !wfile == !ifname || nmut > 1) {
		fprintf(stderr, "Error: seal needs --src, --dst, --payload or --pattern, one of -w and -i, and at most one mutation\n");
		goto out;
	}
	if (seq + count - 1 > UINT32_MAX) {
		fprintf(stderr, "Error: sequence numbers past 2^32 - 1 (no ESN)\n");
		goto out;
	}
	if (!have_isrc)
		g.in_src = g.src;
	if (!have_idst)
		g.in_dst = g.dst;
	if (g.mutation != MUT_SPI)
		g.wire_spi = g.spi;
	if (g.mutation != MUT_SRC)
		g.wire_src = g.src;
	if (g.mutation != MUT_DST)
		g.wire_dst = g.dst;
	if (key_read(keyfile, &sa_key) || sink_open(&s, wfile, ifname, &g))
		goto out_sink;
	if (step && g.mutation != MUT_FLIP && g.mutation != MUT_TRUNC) {
		fprintf(stderr, "Error: --step needs --flip-bit or --truncate\n");
		goto out_sink;
	}
	rc = 1;
	base = g.mut_arg;
	for (n = 0; n < count + (g.mutation == MUT_REPLAY); n++) {
		/* --replay: seq START once more after the run */
		uint32_t sq = (uint32_t)(n < count ? seq + n : seq);
		size_t len;

		/* --step: packet n flips bit N+n / keeps N+n bytes */
		if (step)
			g.mut_arg = base + n;
		len = build_frame(&g, sq, frame);

		if (!len) {
			fprintf(stderr, "Error: cannot build the frame for seq %u (size or mutation out of range)\n",
				sq);
			goto out_sink;
		}
		if (sink_put(&s, frame, len))
			goto out_sink;
	}
	rc = 0;
out_sink:
	if (sink_close(&s) && !rc) {
		perror("espgen: write");
		rc = 1;
	}
out:
	OPENSSL_cleanse(&sa_key, sizeof(sa_key));
	OPENSSL_cleanse(frame, sizeof(frame));
	free(g.payload);
	return rc;
}
