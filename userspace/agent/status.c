// SPDX-License-Identifier: GPL-2.0
/*
 * The name of an IKE SA in logs, and the JSON status file (-s FILE,
 * Documentation/agent.md): every IKE SA with its CHILD_SAs and the
 * counters, replaced atomically whenever an SA changes. Called by every
 * layer; calls none of the agent.
 */
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include "agent.h"
#include "hex.h"

/* "SPIi_i:SPIr_r", as strongSwan names IKE SAs in its log */
const char *sa_name(const struct ikesa *sa)
{
	static char buf[40];
	char i[17], r[17];

	hex_encode(sa->spi_i, 8, i, sizeof(i));
	hex_encode(sa->spi_r, 8, r, sizeof(r));
	snprintf(buf, sizeof(buf), "%s_i:%s_r", i, r);
	return buf;
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
/* The peer's identity for JSON: an address dotted, else its bytes with
 * anything but printable ASCII (and '"', '\\') shown as '?': it is the
 * peer's own text. */
static const char *peer_id_str(const struct ikesa *sa, char *buf, size_t cap)
{
	size_t i, n = 0;

	if (sa->peer_id_type == IKE_ID_IPV4_ADDR && sa->peer_id_len == 4) {
		struct in_addr in;

		memcpy(&in, sa->peer_id, 4);
		snprintf(buf, cap, "%s", inet_ntoa(in));
		return buf;
	}
	for (i = 0; i < sa->peer_id_len && n + 1 < cap; i++) {
		uint8_t c = sa->peer_id[i];

		buf[n++] = (c < 0x20 || c > 0x7e || c == '"' || c == '\\') ? '?' : (char)c;
	}
	buf[n] = '\0';
	return buf;
}

void agent_status_write(struct agent *a)
{
	const struct agent_stats *s = &a->st;
	char tmp[PATH_MAX], l[64], r[64], pid[AGENT_MAX_ID + 1];
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
			"\"peer_id\":\"%s\",\"age_ms\":%llu,\"child_sas\":[",
			n++ ? "," : "", sa->conn->name, sa_name(sa), state_name(sa->state),
			sa->initiator ? "initiator" : "responder", inet_ntoa(sa->peer.sin_addr),
			ntohs(sa->peer.sin_port), sa->suite.encr, sa->suite.encr_bits,
			sa->suite.prf, sa->suite.dh, peer_id_str(sa, pid, sizeof(pid)),
			(unsigned long long)(a->now_ms - sa->created_ms));
		for (j = 0, m = 0; j < AGENT_MAX_CHILD; j++) {
			const struct child_sa *c = &sa->child[j];

			if (c->state == CHILD_FREE)
				continue;
			ts_str(&c->ts_l, l, sizeof(l));
			ts_str(&c->ts_r, r, sizeof(r));
			fprintf(f, "%s{\"child\":\"%s\",\"spi_in\":\"%08x\",\"spi_out\":\"%08x\","
				"\"state\":\"%s\","
				"\"dev_in\":%d,\"dev_out\":%d,\"local_ts\":\"%s\",\"remote_ts\":\"%s\","
				"\"encr_bits\":%u,\"install_us\":%llu,\"out_pending\":%d}",
				m++ ? "," : "", c->cfg ? c->cfg->name : "", c->spi_in, c->spi_out,
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
