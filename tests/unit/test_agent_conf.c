// SPDX-License-Identifier: GPL-2.0
/* Unit tests for userspace/agent/conf.c: a complete file and its fields,
 * defaults, every load error with its FILE:LINE, the proposal and traffic
 * selector parsers, and malformed input that must fail cleanly. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
/* ike.h and ike_crypto.h both use the tag ike_dh (enum / struct) */
#include "ike.h"
#include "conf.h"
#include "../tap.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static char dir[] = "/tmp/nicsec-agent-conf-XXXXXX";
static char path[256];
static char err[512];
static struct agent_conf conf;

/* Write @len bytes to a fresh temp file; its name is left in path. */
static void put(const void *content, size_t len)
{
	int fd;

	snprintf(path, sizeof(path), "%s/confXXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0 || write(fd, content, len) != (ssize_t)len)
		tap_bail("cannot write test file");
	close(fd);
}

static int load(const char *content)
{
	put(content, strlen(content));
	err[0] = '\0';
	return conf_load(path, &conf, err, sizeof(err));
}

static uint32_t ip(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		tap_bail("bad address in test");
	return a.s_addr;
}

/* ---- a complete file ------------------------------------------------------- */

static const char full[] =
	"# nicsec-agent: test configuration\n"
	"device {\n"
	"\taddress = 10.77.0.254   \n"
	"\tport = 7448\n"
	"\tenroll_key = \"/etc/nicsec/agent key\"   # quoted: has a blank\n"
	"}\n"
	"\n"
	"connections {\n"
	"\tcli {\n"
	"\t\tlocal_addrs = 10.77.0.1\n"
	"\t\tremote_addrs = 10.77.0.2\n"
	"\t\tlocal_port = 4500\n"
	"\t\tremote_port = 4501\n"
	"\t\tstart = yes\n"
	"\t\tproposals = aes128gcm16-prfsha256-x25519,aes256gcm16-prfsha384-ecp384 , aes256-sha384-ecp256\n"
	"\t\trekey_time = 1h\n"
	"\t\tover_time = 6m\n"
	"\t\tdpd_delay = 30s\n"
	"\t\tlocal { id = vm.example  psk_file = /etc/nicsec/cli.psk }\n"
	"\t\tremote {\n"
	"\t\t\tauth = psk\n"
	"\t\t\tid = cli@example.org\n"
	"\t\t}\n"
	"\t\tchildren {\n"
	"\t\t\ts {\n"
	"\t\t\t\tlocal_ts = 10.78.0.1/32[udp/7000]\n"
	"\t\t\t\tremote_ts = 10.78.0.2/32\n"
	"\t\t\t\tesp_proposals = aes128gcm16, aes256gcm16-x25519\n"
	"\t\t\t\trekey_time = 10m\n"
	"\t\t\t\trand_time = 60\n"
	"\t\t\t\tlife_time = 660s\n"
	"\t\t\t\tinactivity = 2m\n"
	"\t\t\t}\n"
	"\t\t}\n"
	"\t}\n"
	"\tvm2 {\n"
	"\t\tlocal_addrs = 10.77.0.1\n"
	"\t\tremote_addrs = 10.77.0.3\n"
	"\t\tlocal {\n"
	"\t\t\tid = 10.77.0.1\n"
	"\t\t\tpsk_file = /etc/nicsec/vm2.psk\n"
	"\t\t}\n"
	"\t\tremote { id = @peer.example }\n"
	"\t\tchildren { t { } }\n"
	"\t}\n"
	"}\n";

static int suite_is(const struct ike_suite *s, int encr, int bits, int integ, int prf, int dh)
{
	return s->encr == encr && s->encr_bits == bits && s->integ == integ &&
	       s->prf == prf && s->dh == dh;
}

#define FULL_TESTS 38
static void test_full(void)
{
	const struct conf_conn *c = &conf.conn[0], *d = &conf.conn[1];
	uint32_t local = ip("10.77.0.1");

	is_int(load(full), 0, "complete file loads");
	if (err[0])
		diag("%s", err);
	ok(conf.dev_addr == ip("10.77.0.254"), "device address");
	is_int(conf.dev_port, 7448, "device port");
	ok(!strcmp(conf.enroll_key, "/etc/nicsec/agent key"), "quoted enroll_key");
	is_int(conf.n_conn, 2, "two connections");

	ok(!strcmp(c->name, "cli"), "connection name");
	ok(c->local_addr == local && c->remote_addr == ip("10.77.0.2"), "outer addresses");
	ok(c->local_port == 4500 && c->remote_port == 4501, "ports");
	is_int(c->start, 1, "start = yes");
	is_int(c->n_ike, 3, "three IKE proposals");
	ok(suite_is(&c->ike[0], IKE_ENCR_AES_GCM_16, 128, 0, IKE_PRF_HMAC_SHA2_256,
		    IKE_DH_CURVE25519), "IKE proposal 1");
	ok(suite_is(&c->ike[1], IKE_ENCR_AES_GCM_16, 256, 0, IKE_PRF_HMAC_SHA2_384,
		    IKE_DH_ECP384), "IKE proposal 2");
	ok(suite_is(&c->ike[2], IKE_ENCR_AES_CBC, 256, IKE_AUTH_HMAC_SHA2_384_192,
		    IKE_PRF_HMAC_SHA2_384, IKE_DH_ECP256), "IKE proposal 3: CBC, prf from integ");
	ok(c->rekey_time == 3600 && c->over_time == 360 && c->dpd_delay == 30,
	   "IKE times in h, m, s");
	ok(c->local_id.type == IKE_ID_FQDN && c->local_id.len == 10 &&
	   !memcmp(c->local_id.data, "vm.example", 10), "local id FQDN");
	ok(!strcmp(c->psk_file, "/etc/nicsec/cli.psk"), "psk_file (two keys on one line)");
	ok(c->remote_id.type == IKE_ID_RFC822_ADDR && c->remote_id.len == 15 &&
	   !memcmp(c->remote_id.data, "cli@example.org", 15), "remote id RFC822");
	ok(!strcmp(c->children[0].name, "s"), "child name");
	ok(c->children[0].local_ts.addr == ip("10.78.0.1") && c->children[0].local_ts.prefix == 32 &&
	   c->children[0].local_ts.proto == 17 && c->children[0].local_ts.port == 7000, "local_ts");
	ok(c->children[0].remote_ts.addr == ip("10.78.0.2") && c->children[0].remote_ts.prefix == 32 &&
	   !c->children[0].remote_ts.proto && !c->children[0].remote_ts.port, "remote_ts");
	is_int(c->children[0].n_esp, 2, "two ESP proposals");
	ok(suite_is(&c->children[0].esp[0], IKE_ENCR_AES_GCM_16, 128, 0, 0, 0), "ESP proposal 1");
	ok(suite_is(&c->children[0].esp[1], IKE_ENCR_AES_GCM_16, 256, 0, 0, IKE_DH_CURVE25519),
	   "ESP proposal 2 with PFS");
	ok(c->children[0].rekey_time == 600 && c->children[0].rand_time == 60 &&
	   c->children[0].life_time == 660 && c->children[0].inactivity == 120, "child times");

	/* the second connection: defaults */
	ok(!strcmp(d->name, "vm2"), "second connection");
	ok(d->local_port == 500 && d->remote_port == 500, "default ports 500");
	is_int(d->start, 0, "default start = no");
	ok(d->n_ike == 1 && suite_is(&d->ike[0], IKE_ENCR_AES_GCM_16, 128, 0,
				     IKE_PRF_HMAC_SHA2_256, IKE_DH_CURVE25519),
	   "default proposals aes128gcm16-prfsha256-x25519");
	ok(d->rekey_time == 14400 && d->over_time == 1440 && !d->dpd_delay,
	   "default IKE rekey 4h, over_time 10%%, no DPD");
	ok(d->local_id.type == IKE_ID_IPV4_ADDR && d->local_id.len == 4 &&
	   !memcmp(d->local_id.data, &local, 4), "local id IPv4, network order");
	ok(d->remote_id.type == IKE_ID_FQDN && d->remote_id.len == 12 &&
	   !memcmp(d->remote_id.data, "peer.example", 12), "'@peer.example' is an FQDN");
	ok(!strcmp(d->children[0].name, "t"), "empty child section");
	ok(d->children[0].local_ts.addr == local && d->children[0].local_ts.prefix == 32 &&
	   !d->children[0].local_ts.proto && !d->children[0].local_ts.port, "default local_ts: local_addrs/32");
	ok(d->children[0].remote_ts.addr == ip("10.77.0.3") && d->children[0].remote_ts.prefix == 32,
	   "default remote_ts: remote_addrs/32");
	ok(d->children[0].n_esp == 1 && suite_is(&d->children[0].esp[0], IKE_ENCR_AES_GCM_16, 128,
					   0, 0, 0), "default esp_proposals aes128gcm16");
	ok(d->children[0].rekey_time == 3600 && !d->children[0].rand_time && !d->children[0].inactivity,
	   "default child rekey 3600, rand 0, inactivity off");
	is_int(d->children[0].life_time, 3960, "default life_time = rekey_time + 10%%, rounded up");

	is_int(load("# nothing but a comment"), 0, "a file without connections loads");
}

/* CRLF line ends, no final newline, no device section. */
#define CRLF_TESTS 4
static void test_crlf(void)
{
	static const char crlf[] =
		"connections {\r\n c {\r\n  local_addrs = 10.77.0.1\r\n"
		"  remote_addrs = 10.77.0.2\r\n  local { id = a  psk_file = /k }\r\n"
		"  remote { id = b }\r\n  children { s { rekey_time = 0 } }\r\n }\r\n}";

	is_int(load(crlf), 0, "CRLF file without a final newline");
	if (err[0])
		diag("%s", err);
	ok(!conf.dev_addr && conf.dev_port == 7447, "no device: address 0, port 7447");
	ok(conf.conn[0].remote_id.len == 1 && conf.conn[0].remote_id.data[0] == 'b',
	   "id before '}' on the same line");
	ok(!conf.conn[0].children[0].rekey_time && !conf.conn[0].children[0].life_time,
	   "rekey_time 0: no rekey and no default life_time");
}

/* ---- errors --------------------------------------------------------------- */

/*
 * A valid file with three holes: a child line (line 8), a connection line
 * (10) and a top-level line (13).
 */
static const char base[] =
	"connections {\n"				/* 1 */
	"c {\n"						/* 2 */
	"local_addrs = 10.77.0.1\n"			/* 3 */
	"remote_addrs = 10.77.0.2\n"			/* 4 */
	"local { id = a.example  psk_file = /k }\n"	/* 5 */
	"remote { id = b.example }\n"			/* 6 */
	"children { s {\n"				/* 7 */
	"%s\n"						/* 8 */
	"} }\n"						/* 9 */
	"%s\n"						/* 10 */
	"}\n"						/* 11 */
	"}\n"						/* 12 */
	"%s\n";						/* 13 */

static const struct err_case {
	const char *child, *conn, *top;
	unsigned int line;
	const char *msg;
} err_cases[] = {
	{ "", "foo = 1", "", 10, "unknown key 'foo' in connections.c" },
	{ "esp = aes128gcm16", "", "", 8, "unknown key 'esp' in connections.c.children.s" },
	{ "", "bar { }", "", 10, "unknown section 'bar' in connections.c" },
	{ "sub {", "", "", 8, "unknown section 'sub' in connections.c.children.s" },
	{ "", "", "devices {", 13, "unknown section 'devices' at top level" },
	{ "", "", "port = 1", 13, "unknown key 'port' at top level" },
	{ "", "", "connections {", 13, "duplicate section 'connections' at top level" },
	{ "", "}\nc {", "", 11, "duplicate connection 'c' (first at line 2)" },
	{ "", "local_addrs = 10.77.0.5", "", 10, "duplicate key 'local_addrs' in connections.c" },
	{ "", "local { }", "", 10, "duplicate section 'local' in connections.c" },
	{ "} s {", "", "", 8, "duplicate child 's' in connection 'c' (first at line 7)" },
	{ "", "", "device {\naddress = 10.77.0\n}", 14,
	  "bad address '10.77.0' for address (one IPv4 address)" },
	{ "", "", "device {\naddress = 0.0.0.0\n}", 14,
	  "bad address '0.0.0.0' for address (one IPv4 address)" },
	{ "", "", "device {\naddress = 10.0.0.1, 10.0.0.2\n}", 14,
	  "bad address '10.0.0.1, 10.0.0.2' for address (one IPv4 address)" },
	{ "", "", "device {\naddress = 10.77.0.254\n}", 13, "device: no enroll_key" },
	{ "", "", "device {\nenroll_key = /k\n}", 13, "device: no address" },
	{ "", "", "device {\nport = 0\n}", 14, "bad port '0' for port (1..65535)" },
	{ "", "local_port = 70000", "", 10, "bad port '70000' for local_port (1..65535)" },
	{ "", "start = true", "", 10, "bad boolean 'true' for start (yes or no)" },
	{ "rekey_time = 10x", "", "", 8, "bad time '10x' for rekey_time "
	  "(N, Ns, Nm, Nh or Nd, at most 315360000s)" },
	{ "", "dpd_delay = -1", "", 10, "bad time '-1' for dpd_delay "
	  "(N, Ns, Nm, Nh or Nd, at most 315360000s)" },
	{ "", "rekey_time = 3651d", "", 10, "bad time '3651d' for rekey_time "
	  "(N, Ns, Nm, Nh or Nd, at most 315360000s)" },
	{ "", "over_time =", "", 10, "empty value for over_time" },
	{ "", "proposals = aes128gcm16-x25519", "", 10,
	  "bad proposal 'aes128gcm16-x25519' in proposals" },
	{ "", "proposals = aes128gcm16-prfsha256-x25519,", "", 10, "empty proposal in proposals" },
	{ "", "proposals = a-b-c, aes128gcm16-prfsha256-x25519", "", 10,
	  "bad proposal 'a-b-c' in proposals" },
	{ "esp_proposals = aes128", "", "", 8, "bad proposal 'aes128' in esp_proposals" },
#define P4 "aes128gcm16-prfsha256-x25519, aes128gcm16-prfsha256-x25519, " \
	   "aes128gcm16-prfsha256-x25519, aes128gcm16-prfsha256-x25519, "
	{ "", "proposals = " P4 P4 P4 P4 "aes128gcm16-prfsha256-x25519", "", 10,
	  "too many proposals in proposals (max 16)" },
#undef P4
	{ "local_ts = 10.78.0.1/24", "", "", 8, "bad traffic selector '10.78.0.1/24' for local_ts" },
	{ "remote_ts = 10.78.0.2, 10.78.0.3", "", "", 8, "one traffic selector only in remote_ts" },
	{ "rekey_time = 600\nlife_time = 10m", "", "", 7,
	  "child 's': life_time (600s) must be greater than rekey_time (600s)" },
	{ "life_time = 3000", "", "", 7,
	  "child 's': life_time (3000s) must be greater than rekey_time (3600s)" },
	{ "rekey_time = 60\nrand_time = 1m", "", "", 7,
	  "child 's': rand_time (60s) must be less than rekey_time (60s)" },
	{ "rekey_time = 0\nrand_time = 1", "", "", 7,
	  "child 's': rand_time (1s) must be less than rekey_time (0s)" },
	{ "", "", "device {", 13, "section 'device' is not closed" },
	{ "", "", "}", 13, "unbalanced '}'" },
	{ "", "", "device", 13, "expected '{' or '=' after 'device'" },
	{ "", "", "= 1", 13, "unexpected '='" },
	{ "", "", "{", 13, "unexpected '{'" },
	{ "", "", "device { port 7447 }", 13, "expected '{' or '=' after 'port'" },
	{ "", "a234567890123456789012345678901234 {", "", 10, "name too long (max 31 characters)" },
	{ "", "", "device {\nenroll_key = a=b\n}", 14,
	  "stray '=' in the value of enroll_key (quote the value if it is meant)" },
	{ "", "", "device {\nenroll_key = \"a\n}", 14, "unterminated quoted value" },
	{ "", "", "device {\nenroll_key = \"a\\n\"\n}", 14,
	  "bad escape in quoted value (only \\\" and \\\\)" },
	{ "", "", "device {\nenroll_key = \"a\" b\n}", 14, "text after the quoted value" },
	{ "", "", "\x01", 13, "control character 0x01" },
	{ "", "", "a\rb", 13, "stray carriage return" },
	{ "", "", "\xc3\xa9t\xc3\xa9 {", 13, "unexpected byte 0xc3" },
	{ "", "", "device {\naddress = 10.77.0.254\nenroll_key = /k\nenroll_key = /k\n}", 16,
	  "duplicate key 'enroll_key' in device" },
	{ "", "", "device {\nenroll_key = \"\"\n}", 14, "empty value for enroll_key" },
};

/* The connection of base with line @omit (0-based) left out. */
static const char *const conn_lines[] = {
	"connections {", "c {", "local_addrs = 10.77.0.1", "remote_addrs = 10.77.0.2",
	"local {", "id = a", "psk_file = /k", "}", "remote {", "id = b", "}",
	"children { s { } }", "}", "}",
};

static const struct missing_case {
	unsigned int omit;
	const char *msg;
} missing_cases[] = {
	{ 2, "connection 'c': no local_addrs" },
	{ 3, "connection 'c': no remote_addrs" },
	{ 5, "connection 'c': no id in local" },
	{ 6, "connection 'c': no psk_file in local and no secrets" },
	{ 9, "connection 'c': no id in remote" },
	{ 11, "connection 'c': no child in children (one is required)" },
};

static int check_err(int ret, unsigned int line, const char *msg)
{
	char want[sizeof(err)];

	snprintf(want, sizeof(want), "%s:%u: %s", path, line, msg);
	if (ret == -1 && !strcmp(err, want))
		return 1;
	diag("  got %d \"%s\"", ret, err);
	diag("  want -1 \"%s\"", want);
	return 0;
}

#define ERR_TESTS (ARRAY_SIZE(err_cases) + ARRAY_SIZE(missing_cases) + 8)
static void test_errors(void)
{
	static char buf[16384];
	struct agent_conf *zero = calloc(1, sizeof(*zero));
	size_t i, j, n;
	int ret;

	if (!zero)
		tap_bail("out of memory");
	for (i = 0; i < ARRAY_SIZE(err_cases); i++) {
		const struct err_case *e = &err_cases[i];

		snprintf(buf, sizeof(buf), base, e->child, e->conn, e->top);
		ret = load(buf);
		ok(check_err(ret, e->line, e->msg), "error: %s", e->msg);
	}
	for (i = 0; i < ARRAY_SIZE(missing_cases); i++) {
		for (j = 0, n = 0; j < ARRAY_SIZE(conn_lines); j++)
			if (j != missing_cases[i].omit)
				n += snprintf(buf + n, sizeof(buf) - n, "%s\n", conn_lines[j]);
		ret = load(buf);
		ok(check_err(ret, 2, missing_cases[i].msg), "error: %s", missing_cases[i].msg);
	}

	/* 17 connections */
	n = snprintf(buf, sizeof(buf), "connections {\n");
	for (i = 0; i <= AGENT_MAX_CONNS; i++)
		n += snprintf(buf + n, sizeof(buf) - n,
			      "c%zu {\nlocal_addrs = 10.0.0.1\nremote_addrs = 10.0.0.2\n"
			      "local { id = a  psk_file = /k }\nremote { id = b }\n"
			      "children { s { } }\n}\n", i);
	snprintf(buf + n, sizeof(buf) - n, "}\n");
	ret = load(buf);
	ok(check_err(ret, 2 + 7 * AGENT_MAX_CONNS, "too many connections (max 16)"),
	   "error: too many connections");
	ok(!memcmp(&conf, zero, sizeof(conf)), "configuration zeroed after an error");

	/* ids: 128 bytes is the limit */
	memset(buf, 0, sizeof(buf));
	strcpy(buf, "connections { c {\nlocal_addrs = 10.0.0.1\nremote_addrs = 10.0.0.2\n"
		    "local { psk_file = /k }\nremote { id = ");
	n = strlen(buf);
	memset(buf + n, 'x', AGENT_MAX_ID);
	strcpy(buf + n + AGENT_MAX_ID, " }\nlocal { id = a }\nchildren { s { } } } }\n");
	ret = load(buf);
	ok(check_err(ret, 6, "duplicate section 'local' in connections.c"),
	   "128-byte id accepted (then a duplicate section)");
	memset(buf + n, 'x', AGENT_MAX_ID + 1);
	strcpy(buf + n + AGENT_MAX_ID + 1, " }\n");
	ret = load(buf);
	n = snprintf(buf, sizeof(buf), "bad id '");
	memset(buf + n, 'x', AGENT_MAX_ID + 1);
	strcpy(buf + n + AGENT_MAX_ID + 1,
	       "' (1..128 bytes, %any, or * and a suffix such as *@example.org)");
	ok(check_err(ret, 5, buf), "129-byte id refused");

	/* a line of exactly 1024 characters passes, 1025 does not */
	n = snprintf(buf, sizeof(buf), "# ");
	memset(buf + n, 'x', 1024 - n);
	strcpy(buf + 1024, "\n");
	is_int(load(buf), 0, "1024-character line");
	strcpy(buf + 1024, "x\n");
	ret = load(buf);
	ok(check_err(ret, 1, "line too long (max 1024 characters)"), "1025-character line refused");

	ret = conf_load("/nonexistent/nicsec.conf", &conf, err, sizeof(err));
	ok(ret == -1 && !strcmp(err, "/nonexistent/nicsec.conf: No such file or directory"),
	   "missing file: %s", err);
	ret = conf_load(dir, &conf, err, sizeof(err));
	snprintf(buf, sizeof(buf), "%s: not a regular file", dir);
	ok(ret == -1 && !strcmp(err, buf), "directory refused: %s", err);
	free(zero);
}

/* ---- proposals ----------------------------------------------------------------- */

static const struct prop_case {
	const char *str;
	int ike, ret, encr, bits, integ, prf, dh;
} prop_cases[] = {
	{ "aes128gcm16-prfsha256-x25519", 1, 0, 20, 128, 0, 5, 31 },
	{ "aes256gcm16-prfsha384-ecp384", 1, 0, 20, 256, 0, 6, 20 },
	{ "aes192gcm16-prfsha512-curve25519", 1, 0, 20, 192, 0, 7, 31 },
	{ "aes256-sha256-prfsha256-ecp256", 1, 0, 12, 256, 12, 5, 19 },
	{ "aes128-sha384-x25519", 1, 0, 12, 128, 13, 6, 31 },
	{ "aes192-sha512-ecp384", 1, 0, 12, 192, 14, 7, 20 },
	{ "aes128-sha256-prfsha512-x25519", 1, 0, 12, 128, 12, 7, 31 },
	{ "AES128GCM16-PRFSHA256-X25519", 1, 0, 20, 128, 0, 5, 31 },
	{ "x25519-prfsha256-aes128gcm16", 1, 0, 20, 128, 0, 5, 31 },
	{ .str = "aes128gcm16-prfsha256", .ike = 1, .ret = -1 },
	{ .str = "aes128gcm16-x25519", .ike = 1, .ret = -1 },
	{ .str = "aes128gcm16-sha256-prfsha256-x25519", .ike = 1, .ret = -1 },
	{ .str = "aes128-prfsha256-x25519", .ike = 1, .ret = -1 },
	{ .str = "aes128gcm16-aes256gcm16-prfsha256-x25519", .ike = 1, .ret = -1 },
	{ .str = "aes128gcm16-prfsha256-x25519-ecp256", .ike = 1, .ret = -1 },
	{ .str = "aes128gcm16-prfsha256-prfsha384-x25519", .ike = 1, .ret = -1 },
	{ .str = "aes128gcm16-prfsha256-modp2048", .ike = 1, .ret = -1 },
	{ .str = "aes128gcm16-prfsha256-x25519-", .ike = 1, .ret = -1 },
	{ .str = "-aes128gcm16-prfsha256-x25519", .ike = 1, .ret = -1 },
	{ .str = "aes128gcm16--prfsha256-x25519", .ike = 1, .ret = -1 },
	{ .str = "aes128gcm16-prfsha256-x25519-noesn", .ike = 1, .ret = -1 },
	{ .str = "prfsha256-x25519", .ike = 1, .ret = -1 },
	{ .str = "aes128gcm16 -prfsha256-x25519", .ike = 1, .ret = -1 },
	{ .str = "", .ike = 1, .ret = -1 },
	{ "aes128gcm16", 0, 0, 20, 128, 0, 0, 0 },
	{ "aes256gcm16-x25519", 0, 0, 20, 256, 0, 0, 31 },
	{ "aes192gcm16-ecp384-noesn", 0, 0, 20, 192, 0, 0, 20 },
	{ .str = "aes128", .ike = 0, .ret = -1 },
	{ .str = "aes128-sha256", .ike = 0, .ret = -1 },
	{ .str = "aes128gcm16-prfsha256", .ike = 0, .ret = -1 },
	{ .str = "aes128gcm16-sha256", .ike = 0, .ret = -1 },
	{ .str = "aes128gcm16-noesn-noesn", .ike = 0, .ret = -1 },
	{ .str = "aes128gcm16-esn", .ike = 0, .ret = -1 },
	{ .str = "aes128gcm16-x25519-ecp256", .ike = 0, .ret = -1 },
	{ .str = "", .ike = 0, .ret = -1 },
};

#define PROP_TESTS (ARRAY_SIZE(prop_cases) + 1)
static void test_proposals(void)
{
	char longp[300];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(prop_cases); i++) {
		const struct prop_case *c = &prop_cases[i];
		struct ike_suite s;
		int ret;

		memset(&s, 0xee, sizeof(s));
		ret = conf_parse_proposal(c->str, c->ike, &s);
		if (c->ret)
			ok(ret == -1 && s.encr == 0xeeee, "%s '%s' refused, output untouched",
			   c->ike ? "IKE" : "ESP", c->str);
		else
			ok(!ret && suite_is(&s, c->encr, c->bits, c->integ, c->prf, c->dh),
			   "%s '%s'", c->ike ? "IKE" : "ESP", c->str);
	}
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	{
		struct ike_suite s;

		is_int(conf_parse_proposal(longp, 1, &s), -1, "overlong proposal refused");
	}
}

/* ---- traffic selectors ------------------------------------------------------------ */

static const struct ts_case {
	const char *str;
	int ret;
	const char *addr;
	int prefix, proto, port;
} ts_cases[] = {
	{ "10.0.0.1/32[udp/7000]", 0, "10.0.0.1", 32, 17, 7000 },
	{ "10.0.0.1", 0, "10.0.0.1", 32, 0, 0 },
	{ "10.0.0.0/24[tcp]", 0, "10.0.0.0", 24, 6, 0 },
	{ "0.0.0.0/0", 0, "0.0.0.0", 0, 0, 0 },
	{ "10.0.0.0/8[17/53]", 0, "10.0.0.0", 8, 17, 53 },
	{ "10.0.0.1[udp/%any]", 0, "10.0.0.1", 32, 17, 0 },
	{ "10.0.0.1[%any]", 0, "10.0.0.1", 32, 0, 0 },
	{ "10.0.0.1[icmp]", 0, "10.0.0.1", 32, 1, 0 },
	{ "10.0.0.1[sctp/65535]", 0, "10.0.0.1", 32, 132, 65535 },
	{ .str = "10.0.0.1/33", .ret = -1 },
	{ .str = "10.0.0.1/24", .ret = -1 },
	{ .str = "10.0.0.1/", .ret = -1 },
	{ .str = "10.0.0.1/x", .ret = -1 },
	{ .str = "10.0.0", .ret = -1 },
	{ .str = "10.0.0.1[udp/0]", .ret = -1 },
	{ .str = "10.0.0.1[udp/65536]", .ret = -1 },
	{ .str = "10.0.0.1[udp/]", .ret = -1 },
	{ .str = "10.0.0.1[/7000]", .ret = -1 },
	{ .str = "10.0.0.1[%any/7000]", .ret = -1 },
	{ .str = "10.0.0.1[udp", .ret = -1 },
	{ .str = "10.0.0.1[udp]x", .ret = -1 },
	{ .str = "10.0.0.1[bogus]", .ret = -1 },
	{ .str = "10.0.0.1[256]", .ret = -1 },
	{ .str = "10.0.0.1[udp/1000-2000]", .ret = -1 },
	{ .str = "10.0.0.1 ", .ret = -1 },
	{ .str = "[udp]", .ret = -1 },
	{ .str = "", .ret = -1 },
};

#define TS_TESTS ARRAY_SIZE(ts_cases)
static void test_ts(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ts_cases); i++) {
		const struct ts_case *c = &ts_cases[i];
		struct conf_ts ts;
		int ret;

		memset(&ts, 0xee, sizeof(ts));
		ret = conf_parse_ts(c->str, &ts);
		if (c->ret)
			ok(ret == -1 && ts.prefix == 0xee, "TS '%s' refused", c->str);
		else
			ok(!ret && ts.addr == ip(c->addr) && ts.prefix == c->prefix &&
			   ts.proto == c->proto && ts.port == c->port, "TS '%s'", c->str);
	}
}

/* ---- malformed input ----------------------------------------------------------------- */

/* conf_load() fails with "PATH:..." and does not crash. */
static int fails_cleanly(const void *content, size_t len)
{
	int ret;

	put(content, len);
	memset(err, 0, sizeof(err));
	ret = conf_load(path, &conf, err, sizeof(err));
	if (ret == -1 && !strncmp(err, path, strlen(path)))
		return 1;
	diag("  got %d \"%s\"", ret, err);
	return 0;
}

static int fails_str(const char *s)
{
	return fails_cleanly(s, strlen(s));
}

#define FUZZ_ROUNDS 300
#define MALFORMED_TESTS 11
static void test_malformed(void)
{
	static const char alphabet[] = "{}=#\" \t\n\\@/[]-,.abcdefgilnoprstx0123456789";
	static char buf[8192];
	unsigned int seed = 7447, i, j, bad = 0;
	size_t n;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)rand_r(&seed);
	ok(fails_cleanly(buf, sizeof(buf)), "binary garbage");
	ok(fails_cleanly("\0connections {}", 15), "NUL byte");
	ok(fails_str("connections {\nc {\nlocal_addrs = 10.0.0.1\n"), "unterminated sections");
	ok(fails_str("device {\nenroll_key = \"abc"), "unterminated quote at end of file");
	memset(buf, 'k', 5000);
	buf[5000] = '\n';
	ok(fails_cleanly(buf, 5001), "5000-character line");
	memcpy(buf, "device {\nenroll_key = ", 22);
	ok(fails_cleanly(buf, 5001), "5000-character value");
	for (n = 0; n + 4 <= sizeof(buf); n += 4)
		memcpy(buf + n, "a {\n", 4);
	ok(fails_cleanly(buf, n), "2048 nested sections");
	for (n = 0; n + 33 <= sizeof(buf); n += 33)
		memcpy(buf + n, "connections { c { children { s {\n", 33);
	ok(fails_cleanly(buf, n), "deep nesting along valid section names");
	memset(buf, '}', 3000);
	ok(fails_cleanly(buf, 3000), "3000 closing braces");
	ok(conf_load(path, &conf, NULL, 0) == -1, "no error buffer: no crash");

	/* random text over the grammar's alphabet: 0 or a clean error */
	for (i = 0; i < FUZZ_ROUNDS; i++) {
		n = 1 + rand_r(&seed) % 400;
		for (j = 0; j < n; j++)
			buf[j] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
		put(buf, n);
		err[0] = '\0';
		if (conf_load(path, &conf, err, 8) && strncmp(err, path, 7))
			bad++;
	}
	is_int(bad, 0, "%d random files over the grammar's alphabet", FUZZ_ROUNDS);
}

static void cleanup(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		diag("could not remove %s", dir);
}

/* Several children: each its own selectors and defaults; at most 8. */
#define CHILDREN_TESTS 5
static void test_children(void)
{
	char buf[4096];
	const struct conf_conn *c = &conf.conn[0];
	size_t n;
	int i, ret;

	ret = load("connections { c {\nlocal_addrs = 10.77.0.1\nremote_addrs = 10.77.0.2\n"
		   "local { id = a\npsk_file = /k }\nremote { id = b }\nchildren {\n"
		   "svc1 { local_ts = 10.78.0.1/32[udp/7001]\nremote_ts = 10.78.0.2/32[udp/9001] }\n"
		   "svc2 { local_ts = 10.78.0.1/32[tcp/80]\nremote_ts = 10.78.0.0/24\n"
		   "rekey_time = 10m }\n"
		   "svc3 { }\n}\n} }\n");
	ok(!ret && c->n_child == 3 && !strcmp(c->children[0].name, "svc1") &&
	   !strcmp(c->children[1].name, "svc2") && !strcmp(c->children[2].name, "svc3"),
	   "three children, in file order (%s)", ret ? err : "ok");
	ok(c->children[0].local_ts.port == 7001 && c->children[0].remote_ts.port == 9001 &&
	   c->children[1].local_ts.proto == 6 && c->children[1].remote_ts.prefix == 24,
	   "each child its own selectors");
	ok(c->children[1].rekey_time == 600 && c->children[0].rekey_time == 3600 &&
	   c->children[2].rekey_time == 3600, "each child its own times");
	ok(c->children[2].local_ts.addr == ip("10.77.0.1") && c->children[2].local_ts.prefix == 32 &&
	   c->children[2].remote_ts.addr == ip("10.77.0.2") && c->children[2].n_esp == 1,
	   "an empty child takes the defaults: host selectors, aes128gcm16");
	n = (size_t)snprintf(buf, sizeof(buf), "connections { c {\nlocal_addrs = 10.0.0.1\n"
			     "remote_addrs = 10.0.0.2\nlocal { id = a\npsk_file = /k }\n"
			     "remote { id = b }\nchildren {\n");
	for (i = 0; i <= AGENT_MAX_CHILDREN; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "s%d { }\n", i);
	snprintf(buf + n, sizeof(buf) - n, "}\n} }\n");
	ret = load(buf);
	ok(check_err(ret, 8 + AGENT_MAX_CHILDREN, "too many children in connection 'c' (max 8)"),
	   "error: a ninth child (%s)", err);
}

/* Clients not known in advance: %any and CIDR, id patterns, secrets. */
#define CLIENTS_TESTS 16
static void test_clients(void)
{
	static const char head[] = "connections { c {\nlocal_addrs = 10.77.0.1\n";
	const struct conf_conn *c = &conf.conn[0];
	char buf[2048];
	int ret;

	ret = load("connections { c {\nlocal_addrs = 10.77.0.1\nremote_addrs = %any\n"
		   "local { id = vm }\nremote { id = *@example.org }\nchildren { s { } }\n} }\n"
		   "secrets {\nike-a { id = a@example.org\nsecret = \"secret a\" }\n"
		   "ike-b { id-1 = b@example.org\nid-2 = vm\nfile = /etc/b.psk }\n"
		   "ike-h { id = h@example.org\nsecret = 0x00ff10 }\n}\n");
	ok(!ret && !c->remote_addr && !c->remote_prefix && c->remote_id.match == CONF_ID_SUFFIX,
	   "remote_addrs = %%any, remote id *@example.org, no psk_file (%s)", ret ? err : "ok");
	ok(c->children[0].remote_ts.prefix == 0, "a range's default remote_ts is the range");
	ok(conf.n_secret == 3 && conf.secret[0].len == 8 && !memcmp(conf.secret[0].secret,
	   "secret a", 8) && conf.secret[1].n_id == 2 && !strcmp(conf.secret[1].file, "/etc/b.psk") &&
	   conf.secret[2].len == 3 && conf.secret[2].secret[1] == 0xff,
	   "three secrets: inline, a file with two ids, hex");
	ok(conf_id_matches(&c->remote_id, IKE_ID_RFC822_ADDR, (const uint8_t *)"x@example.org", 13) &&
	   !conf_id_matches(&c->remote_id, IKE_ID_RFC822_ADDR, (const uint8_t *)"@example.org", 12) &&
	   !conf_id_matches(&c->remote_id, IKE_ID_RFC822_ADDR,
			    (const uint8_t *)"x@example.org.evil", 18) &&
	   !conf_id_matches(&c->remote_id, IKE_ID_FQDN, (const uint8_t *)"x@example.org", 13),
	   "*@example.org: x@example.org, not the bare suffix, a longer domain or another type");
	ok(conf_remote_has(c, ip("10.99.1.2")) && conf_remote_has(c, ip("192.0.2.1")),
	   "%%any holds every address");
	conf_wipe(&conf);
	ok(!conf.n_secret && !conf.secret[0].len && !conf.secret[0].secret[0],
	   "conf_wipe() leaves no secret");

	ret = load("connections { c {\nlocal_addrs = 10.77.0.1\nremote_addrs = 10.77.0.0/16\n"
		   "local { id = vm\npsk_file = /k }\nremote { id = %any }\nchildren { s { } }\n} }\n");
	ok(!ret && c->remote_prefix == 16 && conf_remote_has(c, ip("10.77.5.5")) &&
	   !conf_remote_has(c, ip("10.78.0.1")) && c->remote_id.match == CONF_ID_ANY,
	   "remote_addrs = 10.77.0.0/16 holds 10.77.5.5, not 10.78.0.1; remote id %%any");

	snprintf(buf, sizeof(buf), "%sremote_addrs = %%any\nunique = replace\nlocal { id = vm\n"
		 "psk_file = /k }\nremote { id = %%any }\nchildren { s { } }\n} }\n", head);
	ret = load(buf);
	ok(!ret && c->unique == CONF_UNIQUE_REPLACE, "unique = replace (%s)", ret ? err : "ok");
	snprintf(buf, sizeof(buf), "%sunique = maybe\n} }\n", head);
	ret = load(buf);
	ok(check_err(ret, 3, "bad value 'maybe' for unique (no, never, replace or keep)"),
	   "error: unique = maybe");
	snprintf(buf, sizeof(buf), "%sremote_addrs = 10.77.0.1/16\n} }\n", head);
	ret = load(buf);
	ok(check_err(ret, 3, "bad address '10.77.0.1/16' for remote_addrs (one IPv4 address, "
		     "A.B.C.D/N or %any)"), "error: a range with host bits set");
	snprintf(buf, sizeof(buf), "%sremote_addrs = %%any\nstart = yes\nlocal { id = vm\n"
		 "psk_file = /k }\nremote { id = b }\nchildren { s { } }\n} }\n", head);
	ret = load(buf);
	ok(check_err(ret, 1, "connection 'c': start = yes needs one remote address, not a range"),
	   "error: start = yes towards %%any");
	snprintf(buf, sizeof(buf), "%sremote_addrs = %%any\nlocal { id = *@x.org\n"
		 "psk_file = /k }\n} }\n", head);
	ret = load(buf);
	ok(check_err(ret, 4, "local id '*@x.org': our own identity, not a pattern"),
	   "error: a local id pattern");
	ret = load("secrets { s {\nid = a\nsecret = x\nfile = /k\n} }\n");
	ok(check_err(ret, 4, "secret 's': one secret or file only"), "error: secret and file");
	ret = load("secrets { s {\nsecret = x\n} }\n");
	ok(check_err(ret, 1, "secret 's': no id"), "error: a secret without an id");
	ret = load("secrets { s {\nid = a\npassword = x\n} }\n");
	ok(check_err(ret, 3, "unknown key 'password' in secrets.s"), "error: unknown key in a secret");
	{
		static const char sec[] = "secrets { s {\nid = a\nsecret = x\n} }\n";

		put(sec, strlen(sec));
	}
	chmod(path, 0644);
	ret = conf_load(path, &conf, err, sizeof(err));
	ok(ret && strstr(err, "holds secrets but is readable by group or others (chmod 600)"),
	   "error: secrets in a file others can read (%s)", err);
}

int main(void)
{
	if (!mkdtemp(dir))
		tap_bail("mkdtemp failed");
	tap_plan(FULL_TESTS + CRLF_TESTS + ERR_TESTS + PROP_TESTS + TS_TESTS + MALFORMED_TESTS +
		 CHILDREN_TESTS + CLIENTS_TESTS);
	test_full();
	test_crlf();
	test_errors();
	test_proposals();
	test_ts();
	test_malformed();
	test_children();
	test_clients();
	cleanup();
	return tap_done();
}
