// SPDX-License-Identifier: GPL-2.0
/*
 * nicsec-agent: options, sockets, the event loop. See agent.h for the map
 * of the program and Documentation/agent.md for its use.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
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
		printf("%s: %u connection(s), %u secret(s), ok\n", cfg, conf.n_conn,
		       conf.n_secret);
		conf_wipe(&conf);
		return 0;
	}
	a.conf = &conf;
	if (a.keylog_dir) {
		struct stat st;

		if (stat(a.keylog_dir, &st) || !S_ISDIR(st.st_mode)) {
			log_err("--keylog %s: not a directory", a.keylog_dir);
			conf_wipe(&conf);
			return 1;
		}
		log_warn("--keylog %s: WRITING SESSION KEYS TO DISK (debugging only; "
			 "the device exists to keep them off this host)", a.keylog_dir);
	}
	if (ike_random(a.cookie_secret, sizeof(a.cookie_secret)) ||
	    ike_random(a.spi_key, sizeof(a.spi_key))) {
		conf_wipe(&conf);
		return 1;
	}
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
	conf_wipe(&conf);
	if (a.fd500 > 0)
		close(a.fd500);
	if (a.fd4500 > 0)
		close(a.fd4500);
	return rc;
}
