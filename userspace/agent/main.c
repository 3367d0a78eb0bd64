// SPDX-License-Identifier: GPL-2.0
/*
 * nicsec-agent: options, sockets, the event loop. See agent.h for the map
 * of the program and Documentation/agent.md for its use.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <openssl/crypto.h>
#include "agent.h"
#include "log.h"

static volatile sig_atomic_t got_term, got_usr1;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else
		got_term = 1;
}

uint64_t agent_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

uint64_t agent_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ull + ts.tv_nsec / 1000;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nicsec-agent -c FILE [options]\n"
		"  -c, --config FILE        configuration (Documentation/agent.md)\n"
		"  -s, --status FILE        keep a JSON status of SAs and counters in FILE\n"
		"      --keylog DIR         DEBUGGING ONLY: write every IKE and ESP key to\n"
		"                           DIR/ikev2_decryption_table and DIR/esp_sa\n"
		"                           (Wireshark's formats; WIRESHARK_CONFIG_DIR=DIR)\n"
		"      --cookie-threshold N ask for COOKIEs from N half-open IKE SAs on\n"
		"                           (default 10; 0: always)\n"
		"  -t, --check              parse the configuration and exit\n"
		"  -v, --verbose            debug logging\n"
		"  -h, --help\n");
}

static int udp_socket(uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		log_err("bind UDP port %u: %m", port);
		close(fd);
		return -1;
	}
	return fd;
}

static void rx_socket(struct agent *a, int fd, int natt)
{
	uint8_t buf[IKE_MAX_MSG_LEN + 4];
	struct sockaddr_in from;
	socklen_t fl;
	ssize_t n;
	int i;

	for (i = 0; i < 64; i++) {	/* bounded: timers run between bursts */
		fl = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;
		if (fl != sizeof(from) || from.sin_family != AF_INET)
			continue;
		a->now_ms = agent_now_ms();
		agent_rx(a, natt, &from, NULL, buf, n);
	}
}

static const char *state_name(enum sa_state s)
{
	static const char *const names[] = {
		[SA_FREE] = "free", [SA_INIT_SENT] = "connecting", [SA_AUTH_SENT] = "authenticating",
		[SA_HALF_OPEN] = "half-open", [SA_ESTABLISHED] = "established",
		[SA_REKEYED] = "rekeyed", [SA_DELETING] = "deleting",
	};
	return names[s];
}

static void ts_str(const struct conf_ts *t, char *out, size_t len)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &t->addr, a, sizeof(a));
	if (t->proto)
		snprintf(out, len, "%s/%u[%s/%u]", a, t->prefix,
			 t->proto == IPPROTO_UDP ? "udp" : t->proto == IPPROTO_TCP ? "tcp" : "?",
			 t->port);
	else
		snprintf(out, len, "%s/%u", a, t->prefix);
}

/* The JSON status (--status), replaced atomically on every change. */
void agent_status_write(struct agent *a)
{
	const struct agent_stats *s = &a->st;
	char tmp[PATH_MAX], l[64], r[64];
	unsigned int i, j, m, n = 0;
	FILE *f;

	if (!a->status_path)
		return;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", a->status_path) >= (int)sizeof(tmp))
		return;
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "{\"ike_sas\":[");
	for (i = 0; i < AGENT_MAX_SA; i++) {
		const struct ikesa *sa = &a->sa[i];

		if (sa->state == SA_FREE)
			continue;
		fprintf(f, "%s{\"conn\":\"%s\",\"spis\":\"%s\",\"state\":\"%s\",\"role\":\"%s\","
			"\"peer\":\"%s:%u\",\"encr\":%u,\"encr_bits\":%u,\"prf\":%u,\"dh\":%u,"
			"\"age_ms\":%llu,\"child_sas\":[",
			n++ ? "," : "", sa->conn->name, sa_name(sa), state_name(sa->state),
			sa->initiator ? "initiator" : "responder", inet_ntoa(sa->peer.sin_addr),
			ntohs(sa->peer.sin_port), sa->suite.encr, sa->suite.encr_bits,
			sa->suite.prf, sa->suite.dh,
			(unsigned long long)(a->now_ms - sa->created_ms));
		for (j = 0, m = 0; j < AGENT_MAX_CHILD; j++) {
			const struct child_sa *c = &sa->child[j];

			if (c->state == CHILD_FREE)
				continue;
			ts_str(&c->ts_l, l, sizeof(l));
			ts_str(&c->ts_r, r, sizeof(r));
			fprintf(f, "%s{\"spi_in\":\"%08x\",\"spi_out\":\"%08x\",\"state\":\"%s\","
				"\"dev_in\":%d,\"dev_out\":%d,\"local_ts\":\"%s\",\"remote_ts\":\"%s\","
				"\"encr_bits\":%u,\"install_us\":%llu,\"out_pending\":%d}",
				m++ ? "," : "", c->spi_in, c->spi_out,
				c->state == CHILD_INSTALLED ? "installed" : "rekeyed",
				(int)c->dev_in, c->out_pending ? -1 : (int)c->dev_out, l, r,
				c->suite.encr_bits, (unsigned long long)c->installed_us,
				c->out_pending);
		}
		fprintf(f, "]}");
	}
	fprintf(f, "],\"stats\":{\"rx\":%llu,\"tx\":%llu,\"retransmits\":%llu,"
		"\"drop_parse\":%llu,\"drop_auth\":%llu,\"drop_no_sa\":%llu,\"drop_msgid\":%llu,"
		"\"drop_state\":%llu,\"ike_up\":%llu,\"child_up\":%llu,\"auth_failed\":%llu,"
		"\"no_proposal\":%llu,\"ts_unacceptable\":%llu,\"cookies_sent\":%llu,"
		"\"rekeys_child\":%llu,\"rekeys_ike\":%llu,\"deletes\":%llu,\"installs\":%llu,"
		"\"install_failed\":%llu,\"device_full\":%llu}}\n",
		(unsigned long long)s->rx, (unsigned long long)s->tx,
		(unsigned long long)s->rtx, (unsigned long long)s->drop_parse,
		(unsigned long long)s->drop_auth, (unsigned long long)s->drop_nosa,
		(unsigned long long)s->drop_msgid, (unsigned long long)s->drop_state,
		(unsigned long long)s->sa_up, (unsigned long long)s->child_up,
		(unsigned long long)s->auth_failed, (unsigned long long)s->no_proposal,
		(unsigned long long)s->ts_unacceptable, (unsigned long long)s->cookies_sent,
		(unsigned long long)s->rekeys_child, (unsigned long long)s->rekeys_ike,
		(unsigned long long)s->deletes, (unsigned long long)s->installs,
		(unsigned long long)s->install_failed, (unsigned long long)s->device_full);
	if (fclose(f) == 0)
		rename(tmp, a->status_path);
	else
		unlink(tmp);
}

/* On SIGTERM: DELETE each IKE SA at the peer (no wait) and everything on the device. */
static void shutdown_all(struct agent *a)
{
	unsigned int i;

	for (i = 0; i < AGENT_MAX_SA; i++) {
		struct ikesa *sa = &a->sa[i];

		if (sa->state == SA_ESTABLISHED && sa->pending == P_NONE)
			delete_ike_start(a, sa);
	}
	sa_delete_all(a);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "status", required_argument, NULL, 's' },
		{ "keylog", required_argument, NULL, 'K' },
		{ "cookie-threshold", required_argument, NULL, 'C' },
		{ "check", no_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static struct agent_conf conf;
	static struct agent a;
	struct agent_stats status_st = { 0 };
	uint64_t status_ms = 0;
	const char *cfg = NULL;
	char err[512];
	int c, check = 0, rc = 1;
	unsigned int i;

	log_prog = "nicsec-agent";
	a.cookie_threshold = 10;
	while ((c = getopt_long(argc, argv, "c:s:tvh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cfg = optarg;
			break;
		case 's':
			a.status_path = optarg;
			break;
		case 'K':
			a.keylog_dir = optarg;
			break;
		case 'C': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);

			if (*end || !*optarg || v > AGENT_MAX_SA) {
				log_err("--cookie-threshold \"%s\": want 0..%d", optarg, AGENT_MAX_SA);
				return 2;
			}
			a.cookie_threshold = v;
			break;
		}
		case 't':
			check = 1;
			break;
		case 'v':
			log_verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!cfg || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (conf_load(cfg, &conf, err, sizeof(err))) {
		log_err("%s", err);
		return 1;
	}
	if (check) {
		printf("%s: %u connection(s), ok\n", cfg, conf.n_conn);
		return 0;
	}
	a.conf = &conf;
	if (a.keylog_dir) {
		struct stat st;

		if (stat(a.keylog_dir, &st) || !S_ISDIR(st.st_mode)) {
			log_err("--keylog %s: not a directory", a.keylog_dir);
			return 1;
		}
		log_warn("--keylog %s: WRITING SESSION KEYS TO DISK (debugging only; "
			 "the device exists to keep them off this host)", a.keylog_dir);
	}
	if (ike_random(a.cookie_secret, sizeof(a.cookie_secret)))
		return 1;
	a.fd500 = udp_socket(IKE_PORT);
	a.fd4500 = udp_socket(NATT_PORT);
	if (a.fd500 < 0 || a.fd4500 < 0)
		goto out;
	if (device_open(&a))
		goto out;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGUSR1, on_signal);
	a.now_ms = agent_now_ms();
	for (i = 0; i < conf.n_conn; i++)
		if (conf.conn[i].start)
			init_start(&a, &conf.conn[i]);
	agent_status_write(&a);
	log_info("ready: %u connection(s), listening on UDP 500 and 4500", conf.n_conn);

	while (!got_term) {
		struct pollfd pfd[2] = {
			{ .fd = a.fd500, .events = POLLIN },
			{ .fd = a.fd4500, .events = POLLIN },
		};
		uint64_t next;
		int timeout;

		a.now_ms = agent_now_ms();
		next = agent_next_timer(&a);
		timeout = next > a.now_ms ? (int)(next - a.now_ms) : 0;
		if (poll(pfd, 2, timeout) < 0 && errno != EINTR) {
			log_err("poll: %m");
			break;
		}
		a.now_ms = agent_now_ms();
		if (pfd[0].revents & POLLIN)
			rx_socket(&a, a.fd500, 0);
		if (pfd[1].revents & POLLIN)
			rx_socket(&a, a.fd4500, 1);
		a.now_ms = agent_now_ms();
		agent_timers(&a);
		/* counters move without SA changes (drops): refresh once a second */
		if (a.now_ms - status_ms >= 1000) {
			status_ms = a.now_ms;
			if (memcmp(&status_st, &a.st, sizeof(a.st))) {
				status_st = a.st;
				agent_status_write(&a);
			}
		}
		if (got_usr1) {
			got_usr1 = 0;
			agent_status_write(&a);
			log_info("stats: rx %llu tx %llu ike_up %llu child_up %llu auth_failed %llu",
				 (unsigned long long)a.st.rx, (unsigned long long)a.st.tx,
				 (unsigned long long)a.st.sa_up, (unsigned long long)a.st.child_up,
				 (unsigned long long)a.st.auth_failed);
		}
	}
	log_info("stopping: deleting SAs");
	shutdown_all(&a);
	rc = 0;
out:
	agent_status_write(&a);
	device_close();
	OPENSSL_cleanse(a.cookie_secret, sizeof(a.cookie_secret));
	if (a.fd500 > 0)
		close(a.fd500);
	if (a.fd4500 > 0)
		close(a.fd4500);
	return rc;
}
