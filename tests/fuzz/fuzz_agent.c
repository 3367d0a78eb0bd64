// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for nicsec-agent's message path: every agent source
 * but main.c (ike_sa.c, init.c, create.c, keys.c, proposal.c, device.c,
 * keylog.c, conf.c), the IKE codec and crypto, built with clang's
 * ASan+UBSan by mk/agent.mk. One struct agent with one responder
 * connection for 127.0.0.1, no device (conf.dev_addr 0: device.c's
 * channel stays NULL and installs are no-ops), a PSK file made once, and
 * two real UDP sockets on 127.0.0.1 in place of ports 500 and 4500; the
 * agent answers to 127.0.0.1 on a closed port, so what it sends goes
 * nowhere. Between inputs every IKE SA is freed and the counters cleared,
 * so each input runs alone (and LeakSanitizer sees what an input leaks).
 *
 * An input is a cookie threshold byte, then records of a sequence of
 * events, each [flags][length, 2 bytes big-endian][body]:
 *
 *   flags & 3 == 0 or 3  a datagram: body as received (flags & 4: on 4500,
 *                        the body then starts with the non-ESP marker);
 *                        flags & 8: if the first payload is a 32-byte
 *                        COOKIE notify, the harness writes the valid cookie
 *                        of the request into it (a hash the fuzzer cannot
 *                        find), so the COOKIE round trip is reachable
 *   flags & 3 == 1       a message protected with the keys of an IKE SA of
 *                        the table, as its peer would send it: body =
 *                        [SA index][first payload type][message id, 4
 *                        bytes, if flags & 0x20; else the next one the agent
 *                        expects][the plaintext payload chain]. flags & 0x10:
 *                        a response; flags >> 6: IKE_AUTH, CREATE_CHILD_SA,
 *                        INFORMATIONAL or IKE_SA_INIT; flags & 4: on 4500.
 *                        flags & 8: the AUTH payload of the chain gets the
 *                        initiator's PSK AUTH over its IDi, so an IKE SA
 *                        gets established and CREATE_CHILD_SA, rekeys,
 *                        DELETE and the agent's own requests (timers) run
 *   flags & 3 == 2       time: body [seconds, 2 bytes] moves the clock on,
 *                        an empty body to the agent's next timer
 *
 * agent_timers() runs after each record. The threshold byte: 0..6 half-open
 * IKE SAs before COOKIEs are demanded, 7 never (flags & 7).
 *
 * main.c is not linked: agent_now_ms/us() and agent_status_write() are
 * here (the status file is off in the agent too unless --status), and so
 * is log_msg(), which formats every message as log.c does but prints it
 * only with NICSEC_FUZZ_VERBOSE set in the environment.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "agent.h"
#include "log.h"

#define FUZZ_T0_MS	1000000000ull
#define FUZZ_MAX_REC	48

static struct agent_conf conf;
static struct agent a;
static struct sockaddr_in from;
static char psk_path[] = "/tmp/nicsec-fuzz-agent-psk.XXXXXX";
static const char psk[] = "fuzzing-the-agent-with-a-psk";
static int verbose;

/* ---- what main.c and log.c give the agent ---- */

int log_verbose;
const char *log_prog = "nicsec-agent";

void log_msg(int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (verbose)
		fprintf(stderr, "%s: %d: %s\n", log_prog, level, line);
}

uint64_t agent_now_ms(void)
{
	return a.now_ms;
}

uint64_t agent_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ull + ts.tv_nsec / 1000;
}

/* ---- set-up, once ---- */

static int udp_local(uint16_t *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl))
		abort();
	if (port)
		*port = ntohs(sin.sin_port);
	return fd;
}

static void conf_id_fqdn(struct conf_id *id, const char *name)
{
	id->type = IKE_ID_FQDN;
	id->len = strlen(name);
	memcpy(id->data, name, id->len);
}

static void setup_conf(void)
{
	static const char *const ike[] = {
		/* strongSwan's first default proposal, an ECP one (INVALID_KE
		 * for an x25519 KE), and CBC + HMAC, chosen for an offer of it */
		"aes256gcm16-prfsha256-x25519", "aes128gcm16-prfsha256-ecp256",
		"aes128-sha256-prfsha256-x25519",
	};
	static const char *const esp[] = { "aes128gcm16-x25519", "aes256gcm16" };
	struct conf_conn *c = &conf.conn[0];
	unsigned int i;
	int fd;

	fd = mkstemp(psk_path);		/* 0600 */
	if (fd < 0 || write(fd, psk, sizeof(psk) - 1) != (ssize_t)sizeof(psk) - 1)
		abort();
	close(fd);

	conf.dev_addr = 0;		/* no device: device.c's chan stays NULL */
	conf.n_conn = 1;
	snprintf(c->name, sizeof(c->name), "fuzz");
	c->local_addr = htonl(INADDR_LOOPBACK);
	c->remote_addr = htonl(INADDR_LOOPBACK);
	c->local_port = IKE_PORT;
	c->remote_port = IKE_PORT;
	for (i = 0; i < sizeof(ike) / sizeof(ike[0]); i++)
		if (conf_parse_proposal(ike[i], 1, &c->ike[c->n_ike++]))
			abort();
	c->rekey_time = 3600;
	c->over_time = 360;
	c->dpd_delay = 30;
	conf_id_fqdn(&c->local_id, "vm.example");
	conf_id_fqdn(&c->remote_id, "cli.example");
	snprintf(c->psk_file, sizeof(c->psk_file), "%s", psk_path);
	snprintf(c->children[0].name, sizeof(c->children[0].name), "s");
	if (conf_parse_ts("10.78.0.1/32[udp/7000]", &c->children[0].local_ts) ||
	    conf_parse_ts("10.78.0.0/24", &c->children[0].remote_ts))
		abort();
	for (i = 0; i < sizeof(esp) / sizeof(esp[0]); i++)
		if (conf_parse_proposal(esp[i], 0, &c->children[0].esp[c->children[0].n_esp++]))
			abort();
	/* after the IKE SA's rekey (3600 s): a clock jump reaches either */
	c->children[0].rekey_time = 7200;
	c->children[0].rand_time = 60;
	c->children[0].life_time = 7920;
	c->n_child = 1;
}

static void cleanup(void)
{
	sa_delete_all(&a);
	unlink(psk_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint16_t port;
	int fd;

	verbose = !!getenv("NICSEC_FUZZ_VERBOSE");
	log_verbose = verbose;
	setup_conf();
	a.conf = &conf;
	if (ike_random(a.cookie_secret, sizeof(a.cookie_secret)) || device_open(&a))
		abort();
	a.fd500 = udp_local(NULL);
	a.fd4500 = udp_local(NULL);
	/* the peer: a port nobody listens on once this socket is closed */
	fd = udp_local(&port);
	close(fd);
	from.sin_family = AF_INET;
	from.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	from.sin_port = htons(port);
	atexit(cleanup);
	return 0;
}

/* ---- records ---- */

static void rx(int natt, const uint8_t *data, size_t len)
{
	uint8_t *buf = malloc(len ? len : 1);	/* exact size: ASan sees overreads */

	if (!buf)
		return;
	memcpy(buf, data, len);
	agent_rx(&a, natt, &from, NULL, buf, len);
	free(buf);
}

/* The valid COOKIE of an IKE_SA_INIT request, written into its first payload. */
static void cookie_fix(uint8_t *buf, size_t len)
{
	static struct ike_msg m;
	const struct ike_pld *p_ni;
	struct ike_notify n;
	struct ike_blob ni;

	if (ike_pld_msg(buf, len, &m) || !m.n_pld || m.pld[0].type != IKE_PLD_NOTIFY ||
	    ike_pld_notify(m.pld[0].body, m.pld[0].len, &n) || n.type != IKE_N_COOKIE ||
	    n.len != 32)
		return;
	p_ni = ike_msg_find(&m, IKE_PLD_NONCE);
	if (!p_ni || ike_pld_nonce(p_ni->body, p_ni->len, &ni))
		return;
	keys_cookie(&a, ni.data, ni.len, from.sin_addr.s_addr, m.hdr.spi_i, (uint8_t *)n.data);
}

static void rec_raw(uint8_t flags, const uint8_t *body, size_t len)
{
	uint8_t *buf;
	int natt = !!(flags & 4);
	size_t off = natt && len >= 4 ? 4 : 0;

	if (!(flags & 8)) {
		rx(natt, body, len);
		return;
	}
	buf = malloc(len ? len : 1);
	if (!buf)
		return;
	memcpy(buf, body, len);
	cookie_fix(buf + off, len - off);
	rx(natt, buf, len);
	free(buf);
}

static struct ikesa *sa_pick(uint8_t sel)
{
	unsigned int i, n = 0;

	for (i = 0; i < AGENT_MAX_SA; i++)
		n += a.sa[i].state != SA_FREE;
	if (!n)
		return NULL;
	sel %= n;
	for (i = 0; i < AGENT_MAX_SA; i++)
		if (a.sa[i].state != SA_FREE && !sel--)
			return &a.sa[i];
	return NULL;
}

/*
 * Rebuild the chain @pt (first payload @first) into @b with the AUTH payload
 * an initiator with our PSK would send over the chain's IDi. 0 or -1.
 */
static int auth_fix(struct ikesa *sa, uint8_t first, const uint8_t *pt, size_t len,
		    struct ike_buf *b)
{
	static struct ike_msg m;
	const struct ike_pld *idi;
	uint8_t body[4 + IKE_PRF_MAX_LEN];
	size_t mac_len;
	unsigned int i;

	if (ike_pld_chain(first, pt, len, &m))
		return -1;
	idi = ike_msg_find(&m, IKE_PLD_IDI);
	if (!idi || keys_auth_psk(sa, 1, (const uint8_t *)psk, sizeof(psk) - 1, idi->body,
				  idi->len, body + 4, &mac_len))
		return -1;
	for (i = 0; i < m.n_pld; i++) {
		const struct ike_pld *p = &m.pld[i];
		uint8_t fl = p->critical ? IKE_PLD_CRITICAL : 0;

		if (p->type == IKE_PLD_AUTH && p->len >= 1) {
			memset(body, 0, 4);
			body[0] = p->body[0];	/* the method: the fuzzer's */
			ike_build_raw(b, p->type, fl, body, 4 + mac_len);
		} else {
			ike_build_raw(b, p->type, fl, p->body, p->len);
		}
	}
	return b->err ? -1 : 0;
}

static void rec_sealed(uint8_t flags, const uint8_t *body, size_t len)
{
	static const uint8_t exchanges[] = {
		IKE_AUTH, IKE_CREATE_CHILD_SA, IKE_INFORMATIONAL, IKE_SA_INIT,
	};
	static uint8_t plain[AGENT_MSG_MAX], skb[AGENT_MSG_MAX], msg[AGENT_MSG_MAX];
	int response = !!(flags & 0x10), natt = !!(flags & 4);
	const struct ike_sk_keys *k;
	const uint8_t *pt;
	struct ikesa *sa;
	struct ike_hdr h;
	struct ike_buf b;
	size_t pt_len, sk_off, out_len;
	uint8_t first;
	int iv_len, icv_len;

	if (len < 2)
		return;
	sa = sa_pick(body[0]);
	first = body[1];
	body += 2;
	len -= 2;
	if (!sa)
		return;
	memset(&h, 0, sizeof(h));
	memcpy(h.spi_i, sa->spi_i, 8);
	memcpy(h.spi_r, sa->spi_r, 8);
	h.version = IKE_VERSION;
	h.exchange = exchanges[flags >> 6];
	/* from the peer: the I flag of the other role */
	h.flags = (sa->initiator ? 0 : IKE_FLAG_INITIATOR) | (response ? IKE_FLAG_RESPONSE : 0);
	if (flags & 0x20) {
		if (len < 4)
			return;
		h.msgid = (uint32_t)body[0] << 24 | body[1] << 16 | body[2] << 8 | body[3];
		body += 4;
		len -= 4;
	} else {
		h.msgid = response ? sa->my_msgid : sa->peer_msgid;
	}
	pt = body;
	pt_len = len;
	if (flags & 8) {
		ike_build_chain(&b, plain, sizeof(plain));
		if (!auth_fix(sa, first, body, len, &b)) {
			pt = plain;
			pt_len = b.len;
			first = b.first;
		}
	}
	iv_len = ike_sk_iv_len(&sa->suite);
	icv_len = ike_sk_icv_len(&sa->suite);
	if (iv_len < 0 || icv_len < 0 ||
	    iv_len + pt_len + 1 + icv_len + IKE_SK_MAX_OVERHEAD + 64 > sizeof(skb))
		return;
	/* as sa_send_sk() does it, with the keys of the peer's direction */
	memset(skb, 0, iv_len);
	memcpy(skb + iv_len, pt, pt_len);
	ike_build_begin(&b, msg, sizeof(msg) - IKE_SK_MAX_OVERHEAD, &h);
	sk_off = b.len;
	ike_build_sk(&b, pt_len ? first : IKE_PLD_NONE, skb, iv_len + pt_len + 1 + icv_len);
	if (ike_build_end(&b) < 0)
		return;
	k = sa->initiator ? &sa->keys.r : &sa->keys.i;
	if (ike_sk_seal(&sa->suite, k, 0, msg, sizeof(msg), sk_off, pt_len, &out_len))
		return;
	if (natt) {
		static uint8_t enc[AGENT_MSG_MAX + 4];

		memset(enc, 0, 4);
		memcpy(enc + 4, msg, out_len);
		rx(1, enc, out_len + 4);
	} else {
		rx(0, msg, out_len);
	}
}

static void rec_time(const uint8_t *body, size_t len)
{
	if (len >= 2) {
		a.now_ms += ((uint64_t)body[0] << 8 | body[1]) * 1000;
	} else {
		uint64_t next = agent_next_timer(&a);

		if (next > a.now_ms)
			a.now_ms = next;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int n = 0;
	size_t at = 1;

	if (!size)
		return 0;
	sa_delete_all(&a);
	memset(&a.st, 0, sizeof(a.st));
	a.now_ms = FUZZ_T0_MS;
	a.cookie_threshold = (data[0] & 7) == 7 ? UINT32_MAX : data[0] & 7;

	while (at + 3 <= size && n++ < FUZZ_MAX_REC) {
		uint8_t flags = data[at];
		size_t len = (size_t)data[at + 1] << 8 | data[at + 2];

		at += 3;
		if (len > size - at)
			len = size - at;
		switch (flags & 3) {
		case 1:
			rec_sealed(flags, data + at, len);
			break;
		case 2:
			rec_time(data + at, len);
			break;
		default:
			rec_raw(flags, data + at, len);
			break;
		}
		at += len;
		agent_timers(&a);
	}
	sa_delete_all(&a);
	return 0;
}
