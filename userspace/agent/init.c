// SPDX-License-Identifier: GPL-2.0
/*
 * IKE_SA_INIT and IKE_AUTH (RFC 7296 1.2, 2.6, 2.14-2.15, 2.23), as
 * initiator and as responder, with a pre-shared key. The first CHILD_SA
 * rides in IKE_AUTH. The session "pauses" between key derivation and the
 * answer: as responder we install both directions on the device before the
 * IKE_AUTH response lets the peer send; as initiator the inbound direction
 * is on the device before the peer can have sent anything it protects
 * (the peer only sends after our IKE_AUTH request was answered).
 *
 * NAT-T is forced (2.23, as strongSwan's encap=yes): our
 * NAT_DETECTION_SOURCE_IP hash is random, so the peer sees a NAT and both
 * sides move to UDP 4500 and ESP-in-UDP, the only ESP the device speaks.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <openssl/crypto.h>
#include "agent.h"
#include "hex.h"
#include "log.h"

#define PSK_MAX 256
#define HALF_OPEN_MS 30000

/* The PSK file: the secret's bytes (a trailing newline is not part of it),
 * mode 0600 or stricter; "0x" + hex is decoded as strongSwan does. */
static int psk_read(const char *path, uint8_t *psk, size_t *len)
{
	uint8_t buf[2 * PSK_MAX + 4];
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		log_err("PSK file %s: %m", path);
		return -1;
	}
	if (fstat(fd, &st) || (st.st_mode & 077)) {
		log_err("PSK file %s: readable by group or others (chmod 600)", path);
		close(fd);
		return -1;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0 || (size_t)n == sizeof(buf)) {
		log_err("PSK file %s: unreadable or longer than %d bytes", path, PSK_MAX);
		OPENSSL_cleanse(buf, sizeof(buf));
		return -1;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	if (n > 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) {
		int r = hex_decode((const char *)buf + 2, n - 2, psk, PSK_MAX);

		if (r < 0)
			goto bad_hex;
		*len = r;
	} else {
		if (n > PSK_MAX)
			goto bad_hex;
		memcpy(psk, buf, n);
		*len = n;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	if (!*len) {
		log_err("PSK file %s: empty", path);
		return -1;
	}
	return 0;
bad_hex:
	OPENSSL_cleanse(buf, sizeof(buf));
	OPENSSL_cleanse(psk, PSK_MAX);
	log_err("PSK file %s: bad hex or too long", path);
	return -1;
}

static void id_of_conf(const struct conf_id *c, struct ike_id *id)
{
	id->type = c->type;
	id->len = c->len;
	id->data = c->data;
}

/* @id is what @c (an exact identity, or a remote pattern) allows */
static int id_matches(const struct conf_id *c, const struct ike_id *id)
{
	return conf_id_matches(c, id->type, id->data, id->len);
}

/* The identity the peer proved, for unique. */
static void peer_id_keep(struct ikesa *sa, const struct ike_id *id)
{
	sa->peer_id_type = id->type;
	sa->peer_id_len = id->len <= AGENT_MAX_ID ? id->len : AGENT_MAX_ID;
	memcpy(sa->peer_id, id->data, sa->peer_id_len);
}

/* The ID payload's body as 2.15 MACs it: type, 3 reserved bytes, data. */
static size_t id_body(const struct conf_id *c, uint8_t *out)
{
	out[0] = c->type;
	out[1] = out[2] = out[3] = 0;
	memcpy(out + 4, c->data, c->len);
	return 4 + c->len;
}

static uint8_t *memdup(const uint8_t *p, size_t len)
{
	uint8_t *d = malloc(len);

	if (d)
		memcpy(d, p, len);
	return d;
}

static void init_state_free(struct ikesa *sa)
{
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	buf_free(&sa->init_req, &sa->init_req_len);
	buf_free(&sa->init_resp, &sa->init_resp_len);
}

static void natd_pair(struct ike_buf *b, const uint8_t *spi_i, const uint8_t *spi_r,
		      const struct sockaddr_in *dst)
{
	uint8_t src_hash[IKE_NATD_LEN], dst_hash[IKE_NATD_LEN];
	struct ike_notify n = { .len = IKE_NATD_LEN };

	/* Our source hash is random: the peer believes we are behind a NAT. */
	ike_random(src_hash, sizeof(src_hash));
	keys_natd(spi_i, spi_r, dst->sin_addr.s_addr, ntohs(dst->sin_port), dst_hash);
	n.type = IKE_N_NAT_DETECTION_SOURCE_IP;
	n.data = src_hash;
	ike_build_notify(b, &n);
	n.type = IKE_N_NAT_DETECTION_DESTINATION_IP;
	n.data = dst_hash;
	ike_build_notify(b, &n);
}

static void sa_natt_float(struct ikesa *sa)
{
	sa->natt = 1;
	if (ntohs(sa->peer.sin_port) == IKE_PORT)
		sa->peer.sin_port = htons(NATT_PORT);
}

/* ---- initiator ---- */

static int init_send(struct agent *a, struct ikesa *sa)
{
	uint8_t *msg = calloc(1, AGENT_MSG_MAX);
	uint8_t pub[IKE_DH_MAX_PUB];
	struct ike_sa prop;
	struct ike_hdr h;
	struct ike_buf b;
	size_t pub_len;
	struct ike_ke ke;
	int len;

	if (!msg)
		return -ENOMEM;
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	if (ike_dh_new(sa->ke_group, &sa->dh) || ike_dh_pub(sa->dh, pub, sizeof(pub), &pub_len)) {
		log_err("%s: DH group %u: key generation failed", sa->conn->name, sa->ke_group);
		free(msg);
		return -EINVAL;
	}
	sa_hdr(sa, &h, IKE_SA_INIT, 0, 0);
	ike_build_begin(&b, msg, AGENT_MSG_MAX, &h);
	if (sa->cookie_len) {
		struct ike_notify n = { .type = IKE_N_COOKIE, .len = sa->cookie_len,
					.data = sa->cookie };

		ike_build_notify(&b, &n);
	}
	prop_build_ike(sa->conn, NULL, 0, 0, &prop);
	ike_build_sa(&b, &prop);
	ke.group = sa->ke_group;
	ke.len = pub_len;
	ke.data = pub;
	ike_build_ke(&b, &ke);
	ike_build_nonce(&b, sa->ni, sa->ni_len);
	natd_pair(&b, sa->spi_i, sa->spi_r, &sa->peer);
	len = ike_build_end(&b);
	if (len < 0) {
		free(msg);
		return -EMSGSIZE;
	}
	buf_free(&sa->init_req, &sa->init_req_len);
	sa->init_req = memdup(msg, len);
	sa->init_req_len = len;
	sa_keep_request(a, sa, msg, len, P_INIT);
	sa->state = SA_INIT_SENT;
	if (!sa->init_req)
		return -ENOMEM;
	return sa_xmit(a, sa, msg, len);
}

int init_start(struct agent *a, const struct conf_conn *conn)
{
	struct ikesa *sa = sa_new(a, conn, 1);

	if (!sa)
		return -ENOSPC;
	sa_index(a, sa);
	sa->ke_group = conn->ike[0].dh;
	sa->ni_len = AGENT_NONCE_LEN;
	ike_random(sa->ni, sa->ni_len);
	log_info("%s: initiating IKE SA to %s:%u", conn->name, inet_ntoa(sa->peer.sin_addr),
		 ntohs(sa->peer.sin_port));
	if (init_send(a, sa)) {
		sa_free(a, sa);
		return -1;
	}
	return 0;
}

static int conn_has_group(const struct conf_conn *conn, uint16_t g)
{
	unsigned int i;

	for (i = 0; i < conn->n_ike; i++)
		if (conn->ike[i].dh == g)
			return 1;
	return 0;
}

/*
 * The PSK for the peer whose ID payload body is @idb (@idl bytes: type, 3
 * reserved bytes, data): a secret naming that identity, else one naming
 * ours, else the connection's psk_file. 0, or -1 (logged).
 */
static int psk_get(const struct agent *a, const struct conf_conn *conn, const uint8_t *idb,
		   size_t idl, uint8_t *psk, size_t *len)
{
	const struct agent_conf *cf = a->conf;
	const struct conf_secret *hit = NULL;
	unsigned int i, j, pass;

	for (pass = 0; pass < 2 && !hit && idl >= 4; pass++) {
		for (i = 0; i < cf->n_secret && !hit; i++) {
			for (j = 0; j < cf->secret[i].n_id && !hit; j++) {
				const struct conf_id *s = &cf->secret[i].id[j];

				if (pass == 0 ? conf_id_matches(s, idb[0], idb + 4, idl - 4) :
				    conf_id_matches(s, conn->local_id.type, conn->local_id.data,
						    conn->local_id.len))
					hit = &cf->secret[i];
			}
		}
	}
	if (hit && hit->file[0])
		return psk_read(hit->file, psk, len);
	if (hit) {
		memcpy(psk, hit->secret, hit->len);
		*len = hit->len;
		return 0;
	}
	if (conn->psk_file[0])
		return psk_read(conn->psk_file, psk, len);
	log_info("%s: no pre-shared key for the peer's identity (secrets, psk_file)",
		 conn->name);
	return -1;
}

static int send_auth_request(struct agent *a, struct ikesa *sa);

void init_rx_response(struct agent *a, struct ikesa *sa, const uint8_t *buf,
		      size_t len, const struct ike_msg *m)
{
	const struct ike_pld *p_sa, *p_ke, *p_nr;
	uint8_t gir[IKE_DH_MAX_SHARED], spi[8];
	struct ike_notify n;
	struct ike_sa resp;
	struct ike_blob nr;
	struct ike_ke ke;
	size_t gir_len, spi_len;
	int err;

	if (m->hdr.msgid != 0) {
		a->st.drop_msgid++;
		return;
	}
	if (find_notify(m, IKE_N_COOKIE, &n)) {
		if (n.len < 1 || n.len > IKE_COOKIE_MAX_LEN || sa->cookie_len) {
			log_warn("%s: bad or repeated COOKIE: giving up", sa->conn->name);
			sa_free(a, sa);
			return;
		}
		memcpy(sa->cookie, n.data, n.len);
		sa->cookie_len = n.len;
		log_info("%s: responder asks for a COOKIE: retrying with it", sa->conn->name);
		if (init_send(a, sa))
			sa_free(a, sa);
		return;
	}
	if (find_notify(m, IKE_N_INVALID_KE_PAYLOAD, &n)) {
		uint16_t g = n.len == 2 ? (n.data[0] << 8 | n.data[1]) : 0;

		if (!conn_has_group(sa->conn, g) || g == sa->ke_group) {
			log_warn("%s: INVALID_KE_PAYLOAD asks for group %u, not in our proposals",
				 sa->conn->name, g);
			sa_free(a, sa);
			return;
		}
		log_info("%s: INVALID_KE_PAYLOAD: retrying with DH group %u", sa->conn->name, g);
		sa->ke_group = g;
		if (init_send(a, sa))
			sa_free(a, sa);
		return;
	}
	if (find_notify(m, 0, &n)) {
		log_warn("%s: IKE_SA_INIT refused: notify %u%s", sa->conn->name, n.type,
			 n.type == IKE_N_NO_PROPOSAL_CHOSEN ? " (NO_PROPOSAL_CHOSEN)" : "");
		if (n.type == IKE_N_NO_PROPOSAL_CHOSEN)
			a->st.no_proposal++;
		sa_free(a, sa);
		return;
	}
	p_sa = ike_msg_find(m, IKE_PLD_SA);
	p_ke = ike_msg_find(m, IKE_PLD_KE);
	p_nr = ike_msg_find(m, IKE_PLD_NONCE);
	if (!p_sa || !p_ke || !p_nr || ike_pld_sa(p_sa->body, p_sa->len, &resp) ||
	    ike_pld_ke(p_ke->body, p_ke->len, &ke) || ike_pld_nonce(p_nr->body, p_nr->len, &nr) ||
	    prop_accept(&resp, IKE_PROTO_IKE, &sa->suite, spi, &spi_len) ||
	    !prop_listed(sa->conn->ike, sa->conn->n_ike, &sa->suite, PROP_PRF | PROP_DH) ||
	    sa->suite.dh != sa->ke_group || ke.group != sa->ke_group ||
	    !memcmp(m->hdr.spi_r, "\0\0\0\0\0\0\0\0", 8)) {
		a->st.drop_parse++;
		log_warn("%s: IKE_SA_INIT response incomplete or not what we proposed: dropped",
			 sa->conn->name);
		return;		/* an attacker's answer must not kill the SA: wait */
	}
	err = ike_dh_shared(sa->dh, ke.data, ke.len, gir, sizeof(gir), &gir_len);
	if (err) {
		a->st.drop_parse++;
		log_warn("%s: responder's KE refused (%d)", sa->conn->name, err);
		return;
	}
	memcpy(sa->spi_r, m->hdr.spi_r, 8);
	memcpy(sa->nr, nr.data, nr.len);
	sa->nr_len = nr.len;
	err = keys_ike(sa, gir, gir_len, NULL, 0);
	OPENSSL_cleanse(gir, sizeof(gir));
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	sa->init_resp = memdup(buf, len);
	sa->init_resp_len = len;
	if (err || !sa->init_resp) {
		sa_free(a, sa);
		return;
	}
	buf_free(&sa->req, &sa->req_len);
	sa->pending = P_NONE;
	sa->my_msgid = 1;
	keylog_ike(a, sa);
	sa_natt_float(sa);
	if (send_auth_request(a, sa)) {
		log_err("%s: cannot send IKE_AUTH", sa->conn->name);
		sa_free(a, sa);
	}
}

static int send_auth_request(struct agent *a, struct ikesa *sa)
{
	const struct conf_conn *conn = sa->conn;
	uint8_t out[2048], auth[IKE_PRF_MAX_LEN], psk[PSK_MAX], idb[4 + AGENT_MAX_ID];
	struct ike_auth au = { .method = IKE_AUTH_SHARED_KEY_MIC };
	struct ike_ts_set ts;
	struct ike_sa prop;
	struct ike_id id;
	struct ike_buf b;
	size_t auth_len, psk_len, idl;
	int err;

	idl = id_body(&conn->remote_id, idb);
	if (psk_get(a, conn, idb, idl, psk, &psk_len))
		return -1;
	idl = id_body(&conn->local_id, idb);
	err = keys_auth_psk(sa, 1, psk, psk_len, idb, idl, auth, &auth_len);
	OPENSSL_cleanse(psk, sizeof(psk));
	if (err)
		return err;
	ike_build_chain(&b, out, sizeof(out));
	id_of_conf(&conn->local_id, &id);
	ike_build_id(&b, IKE_PLD_IDI, &id);
	id_of_conf(&conn->remote_id, &id);
	ike_build_id(&b, IKE_PLD_IDR, &id);
	au.len = auth_len;
	au.data = auth;
	ike_build_auth(&b, &au);
	sa->my_spi_child = child_new_spi();
	/* the first child in IKE_AUTH; the others follow by CREATE_CHILD_SA */
	prop_build_esp(&conn->children[0], sa->my_spi_child, &prop);
	ike_build_sa(&b, &prop);
	ts_from_conf(&conn->children[0].local_ts, &ts);
	ike_build_ts(&b, IKE_PLD_TSI, &ts);
	ts_from_conf(&conn->children[0].remote_ts, &ts);
	ike_build_ts(&b, IKE_PLD_TSR, &ts);
	err = sa_send_sk(a, sa, IKE_AUTH, 0, sa->my_msgid, &b, P_AUTH);
	if (!err)
		sa->state = SA_AUTH_SENT;
	return err;
}

/* Verify the peer's AUTH (PSK) over @id_pld. 0: good. */
static int auth_verify(const struct agent *a, struct ikesa *sa, int peer_is_init,
		       const struct ike_pld *id_pld, const struct ike_auth *au)
{
	uint8_t want[IKE_PRF_MAX_LEN], psk[PSK_MAX];
	size_t want_len, psk_len;
	int err;

	if (au->method != IKE_AUTH_SHARED_KEY_MIC) {
		log_info("%s: AUTH method %u, only a shared key (2) is configured",
			 sa->conn->name, au->method);
		return -1;
	}
	if (psk_get(a, sa->conn, id_pld->body, id_pld->len, psk, &psk_len))
		return -1;
	err = keys_auth_psk(sa, peer_is_init, psk, psk_len, id_pld->body, id_pld->len,
			    want, &want_len);
	OPENSSL_cleanse(psk, sizeof(psk));
	if (err || au->len != want_len || CRYPTO_memcmp(au->data, want, want_len))
		return -1;
	return 0;
}

static void sa_established(struct agent *a, struct ikesa *sa)
{
	sa->state = SA_ESTABLISHED;
	sa->established_ms = a->now_ms;
	ike_schedule(a, sa);
	a->st.sa_up++;
	init_state_free(sa);
	log_info("%s: IKE SA %s established with %s (%s)", sa->conn->name, sa_name(sa),
		 inet_ntoa(sa->peer.sin_addr), sa->initiator ? "initiator" : "responder");
}

void auth_rx_response(struct agent *a, struct ikesa *sa, const struct ike_msg *in)
{
	const struct ike_pld *p_id = ike_msg_find(in, IKE_PLD_IDR);
	const struct ike_pld *p_auth = ike_msg_find(in, IKE_PLD_AUTH);
	const struct ike_pld *p_sa = ike_msg_find(in, IKE_PLD_SA);
	const struct ike_pld *p_tsi = ike_msg_find(in, IKE_PLD_TSI);
	const struct ike_pld *p_tsr = ike_msg_find(in, IKE_PLD_TSR);
	struct ike_ts_set *tsi = NULL, *tsr = NULL;
	struct child_sa *c;
	struct ike_notify n;
	struct ike_auth au;
	struct ike_sa resp;
	struct ike_id id;
	uint8_t spi[8];
	size_t spi_len;

	if (!p_id || !p_auth) {
		if (find_notify(in, 0, &n)) {
			log_warn("%s: IKE_AUTH refused by the peer: notify %u%s", sa->conn->name,
				 n.type, n.type == IKE_N_AUTHENTICATION_FAILED ?
				 " (AUTHENTICATION_FAILED)" : "");
			if (n.type == IKE_N_AUTHENTICATION_FAILED)
				a->st.auth_failed++;
		} else {
			log_warn("%s: IKE_AUTH response without IDr/AUTH", sa->conn->name);
		}
		sa_free(a, sa);
		return;
	}
	if (ike_pld_id(p_id->body, p_id->len, &id) || !id_matches(&sa->conn->remote_id, &id) ||
	    ike_pld_auth(p_auth->body, p_auth->len, &au) || auth_verify(a, sa, 0, p_id, &au)) {
		log_warn("%s: responder's identity or AUTH does not verify: AUTHENTICATION_FAILED",
			 sa->conn->name);
		a->st.auth_failed++;
		sa_free(a, sa);
		return;
	}
	peer_id_keep(sa, &id);
	sa_established(a, sa);
	if (find_notify(in, 0, &n)) {
		log_warn("%s: no CHILD_SA: the peer answered notify %u%s", sa->conn->name, n.type,
			 n.type == IKE_N_NO_PROPOSAL_CHOSEN ? " (NO_PROPOSAL_CHOSEN)" :
			 n.type == IKE_N_TS_UNACCEPTABLE ? " (TS_UNACCEPTABLE)" : "");
		goto out;
	}
	c = child_slot(sa);
	tsi = calloc(1, sizeof(*tsi));
	tsr = calloc(1, sizeof(*tsr));
	if (c)
		c->cfg = &sa->conn->children[0];
	if (!c || !tsi || !tsr || !p_sa || !p_tsi || !p_tsr ||
	    ike_pld_sa(p_sa->body, p_sa->len, &resp) ||
	    prop_accept(&resp, IKE_PROTO_ESP, &c->suite, spi, &spi_len) ||
	    !prop_listed(c->cfg->esp, c->cfg->n_esp, &c->suite, 0) ||
	    ike_pld_ts(p_tsi->body, p_tsi->len, tsi) || ike_pld_ts(p_tsr->body, p_tsr->len, tsr) ||
	    ts_narrow(c->cfg, tsi, tsr, &c->ts_l, &c->ts_r)) {
		log_warn("%s: CHILD_SA in the IKE_AUTH response is not what we proposed",
			 sa->conn->name);
		if (c)
			memset(c, 0, sizeof(*c));
		goto out;	/* 2.21.3 would delete it; the IKE SA stays */
	}
	c->spi_in = sa->my_spi_child;
	memcpy(&c->spi_out, spi, 4);
	c->spi_out = ntohl(c->spi_out);
	if (child_up(a, sa, c, 1, NULL, 0, sa->ni, sa->ni_len, sa->nr, sa->nr_len, 0))
		memset(c, 0, sizeof(*c));
out:
	free(tsi);
	free(tsr);
	agent_status_write(a);
}

/* ---- responder ---- */

static const struct conf_conn *conn_for(struct agent *a, const struct sockaddr_in *from,
					const struct sockaddr_in *local)
{
	unsigned int i;

	for (i = 0; i < a->conf->n_conn; i++) {
		const struct conf_conn *c = &a->conf->conn[i];

		if (conf_remote_has(c, from->sin_addr.s_addr) &&
		    (!local || !local->sin_addr.s_addr || c->local_addr == local->sin_addr.s_addr))
			return c;
	}
	return NULL;
}

/* Another connection for @sa's addresses whose remote id allows @id and
 * whose IKE proposals include the suite IKE_SA_INIT chose. */
static const struct conf_conn *conn_for_id(struct agent *a, const struct ikesa *sa,
					   const struct ike_id *id)
{
	unsigned int i;

	for (i = 0; i < a->conf->n_conn; i++) {
		const struct conf_conn *c = &a->conf->conn[i];

		if (c != sa->conn && conf_remote_has(c, sa->peer.sin_addr.s_addr) &&
		    c->local_addr == sa->conn->local_addr && id_matches(&c->remote_id, id) &&
		    prop_listed(c->ike, c->n_ike, &sa->suite, PROP_PRF | PROP_DH))
			return c;
	}
	return NULL;
}

/*
 * The connection's unique policy against other IKE SAs of its own with the
 * identity @sa's peer just proved (@initial_contact: the peer said it has
 * no other). -1: refuse @sa (keep); otherwise the old ones are removed from
 * the device at once and deleted with their peer (replace, or no with
 * INITIAL_CONTACT), or left (never, or no without it).
 */
static int unique_check(struct agent *a, struct ikesa *sa, int initial_contact)
{
	int policy = sa->conn->unique;
	unsigned int i, j;

	if (policy == CONF_UNIQUE_NEVER || (policy == CONF_UNIQUE_NO && !initial_contact))
		return 0;
	for (i = 0; i < AGENT_MAX_SA; i++) {
		struct ikesa *o = &a->sa[i];

		if (o == sa || o->conn != sa->conn || o->state != SA_ESTABLISHED ||
		    o->peer_id_type != sa->peer_id_type || o->peer_id_len != sa->peer_id_len ||
		    memcmp(o->peer_id, sa->peer_id, sa->peer_id_len))
			continue;
		if (policy == CONF_UNIQUE_KEEP) {
			log_info("%s: unique = keep: IKE SA %s already up for this identity: "
				 "AUTHENTICATION_FAILED", sa->conn->name, sa_name(o));
			return -1;
		}
		log_info("%s: %s: IKE SA %s of the same identity replaced", sa->conn->name,
			 policy == CONF_UNIQUE_REPLACE ? "unique = replace" : "INITIAL_CONTACT",
			 sa_name(o));
		for (j = 0; j < AGENT_MAX_CHILD; j++) {
			if (o->child[j].state == CHILD_FREE)
				continue;
			device_delete(a, &o->child[j], 1, 1);
			child_clear(&o->child[j]);
		}
		if (o->pending == P_NONE)
			delete_ike_start(a, o);
		else
			sa_free(a, o);
	}
	return 0;
}

static unsigned int half_open(const struct agent *a)
{
	unsigned int i, n = 0;

	for (i = 0; i < AGENT_MAX_SA; i++)
		n += a->sa[i].state == SA_HALF_OPEN;
	return n;
}

/* A retransmitted IKE_SA_INIT request: answer it again, no new state. */
static int init_retransmit(struct agent *a, int natt, const struct sockaddr_in *from,
			   const struct ike_msg *m)
{
	unsigned int i;

	for (i = 0; i < AGENT_MAX_SA; i++) {
		struct ikesa *sa = &a->sa[i];

		if (sa->state == SA_FREE || sa->initiator || memcmp(sa->spi_i, m->hdr.spi_i, 8) ||
		    sa->peer.sin_addr.s_addr != from->sin_addr.s_addr)
			continue;
		if (sa->state == SA_HALF_OPEN && sa->init_resp) {
			a->st.rtx++;
			agent_sendto(a, natt, from, sa->init_resp, sa->init_resp_len);
		}
		return 1;
	}
	return 0;
}

void init_rx_request(struct agent *a, int natt, const struct sockaddr_in *from,
		     const struct sockaddr_in *local, const uint8_t *buf, size_t len,
		     const struct ike_msg *m)
{
	const struct ike_pld *p_sa = ike_msg_find(m, IKE_PLD_SA);
	const struct ike_pld *p_ke = ike_msg_find(m, IKE_PLD_KE);
	const struct ike_pld *p_ni = ike_msg_find(m, IKE_PLD_NONCE);
	uint8_t gir[IKE_DH_MAX_SHARED], pub[IKE_DH_MAX_PUB], spi[8], num;
	uint8_t *out = NULL;
	const struct conf_conn *conn;
	struct ike_sa *offer = NULL, chosen;
	struct ike_suite s;
	struct ike_notify n;
	struct ike_blob ni;
	struct ike_ke ke;
	struct ikesa *sa;
	struct ike_hdr h;
	struct ike_buf b;
	size_t spi_len, gir_len, pub_len;
	int r;

	if (init_retransmit(a, natt, from, m))
		return;
	conn = conn_for(a, from, local);
	if (!conn) {
		a->st.drop_nosa++;
		log_info("IKE_SA_INIT from %s: no connection configured for it: dropped",
			 inet_ntoa(from->sin_addr));
		return;
	}
	if (memcmp(m->hdr.spi_r, "\0\0\0\0\0\0\0\0", 8) || m->hdr.msgid != 0 ||
	    !(m->hdr.flags & IKE_FLAG_INITIATOR)) {
		a->st.drop_parse++;
		log_info("%s: IKE_SA_INIT request with a responder SPI, message id or no I flag: dropped",
			 conn->name);
		return;
	}
	offer = calloc(1, sizeof(*offer));
	if (!offer)
		return;
	if (!p_sa || !p_ke || !p_ni || ike_pld_sa(p_sa->body, p_sa->len, offer) ||
	    ike_pld_ke(p_ke->body, p_ke->len, &ke) || ike_pld_nonce(p_ni->body, p_ni->len, &ni)) {
		a->st.drop_parse++;
		log_info("%s: IKE_SA_INIT without SA, KE and Nonce: INVALID_SYNTAX", conn->name);
		agent_send_notify(a, natt, from, &m->hdr, IKE_N_INVALID_SYNTAX, NULL, 0);
		goto out;
	}
	if (a->cookie_threshold != UINT32_MAX && half_open(a) >= a->cookie_threshold) {
		uint8_t want[32];

		if (keys_cookie(a, ni.data, ni.len, from->sin_addr.s_addr, m->hdr.spi_i, want))
			goto out;
		/* 2.6: the COOKIE must be the first payload */
		if (!m->n_pld || m->pld[0].type != IKE_PLD_NOTIFY ||
		    ike_pld_notify(m->pld[0].body, m->pld[0].len, &n) ||
		    n.type != IKE_N_COOKIE || n.len != sizeof(want) ||
		    CRYPTO_memcmp(n.data, want, sizeof(want))) {
			a->st.cookies_sent++;
			log_debug("%s: %u half-open IKE SAs: asking %s for a COOKIE", conn->name,
				  half_open(a), inet_ntoa(from->sin_addr));
			agent_send_notify(a, natt, from, &m->hdr, IKE_N_COOKIE, want, sizeof(want));
			goto out;
		}
	}
	if (prop_select_ike(conn, offer, ke.group, &s, &num, spi, &spi_len)) {
		a->st.no_proposal++;
		log_info("%s: no IKE proposal of %s is acceptable: NO_PROPOSAL_CHOSEN", conn->name,
			 inet_ntoa(from->sin_addr));
		agent_send_notify(a, natt, from, &m->hdr, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		goto out;
	}
	if (ke.group != s.dh) {
		uint16_t g = htons(s.dh);

		log_info("%s: KE of group %u, we chose %u: INVALID_KE_PAYLOAD", conn->name,
			 ke.group, s.dh);
		agent_send_notify(a, natt, from, &m->hdr, IKE_N_INVALID_KE_PAYLOAD,
				  (const uint8_t *)&g, 2);
		goto out;
	}
	sa = sa_new(a, conn, 0);
	if (!sa)
		goto out;
	memcpy(sa->spi_i, m->hdr.spi_i, 8);
	sa_index(a, sa);
	sa->peer = *from;
	sa->natt = natt;
	sa->suite = s;
	memcpy(sa->ni, ni.data, ni.len);
	sa->ni_len = ni.len;
	sa->nr_len = AGENT_NONCE_LEN;
	ike_random(sa->nr, sa->nr_len);
	if (ike_dh_new(s.dh, &sa->dh) || ike_dh_pub(sa->dh, pub, sizeof(pub), &pub_len) ||
	    ike_dh_shared(sa->dh, ke.data, ke.len, gir, sizeof(gir), &gir_len)) {
		a->st.drop_parse++;
		log_info("%s: initiator's KE refused (bad length or point): INVALID_SYNTAX",
			 conn->name);
		agent_send_notify(a, natt, from, &m->hdr, IKE_N_INVALID_SYNTAX, NULL, 0);
		sa_free(a, sa);
		goto out;
	}
	out = calloc(1, AGENT_MSG_MAX);
	if (!out || keys_ike(sa, gir, gir_len, NULL, 0)) {
		OPENSSL_cleanse(gir, sizeof(gir));
		sa_free(a, sa);
		goto out;
	}
	OPENSSL_cleanse(gir, sizeof(gir));
	sa_hdr(sa, &h, IKE_SA_INIT, 1, 0);
	ike_build_begin(&b, out, AGENT_MSG_MAX, &h);
	prop_build_chosen(IKE_PROTO_IKE, NULL, 0, &s, num, &chosen);
	ike_build_sa(&b, &chosen);
	ke.group = s.dh;
	ke.len = pub_len;
	ke.data = pub;
	ike_build_ke(&b, &ke);
	ike_build_nonce(&b, sa->nr, sa->nr_len);
	natd_pair(&b, sa->spi_i, sa->spi_r, from);
	r = ike_build_end(&b);
	sa->init_req = memdup(buf, len);
	sa->init_req_len = len;
	sa->init_resp = r > 0 ? memdup(out, r) : NULL;
	sa->init_resp_len = r > 0 ? r : 0;
	if (!sa->init_req || !sa->init_resp) {
		sa_free(a, sa);
		goto out;
	}
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	sa->state = SA_HALF_OPEN;
	sa->peer_msgid = 1;
	sa->half_open_deadline_ms = a->now_ms + HALF_OPEN_MS;
	keylog_ike(a, sa);
	log_info("%s: IKE_SA_INIT from %s:%u answered (%s)", conn->name,
		 inet_ntoa(from->sin_addr), ntohs(from->sin_port), sa_name(sa));
	agent_sendto(a, natt, from, out, r);
out:
	free(out);
	free(offer);
}

void auth_rx_request(struct agent *a, struct ikesa *sa, const struct ike_msg *in)
{
	const struct conf_conn *conn = sa->conn;
	const struct ike_pld *p_idi = ike_msg_find(in, IKE_PLD_IDI);
	const struct ike_pld *p_idr = ike_msg_find(in, IKE_PLD_IDR);
	const struct ike_pld *p_auth = ike_msg_find(in, IKE_PLD_AUTH);
	const struct ike_pld *p_sa = ike_msg_find(in, IKE_PLD_SA);
	const struct ike_pld *p_tsi = ike_msg_find(in, IKE_PLD_TSI);
	const struct ike_pld *p_tsr = ike_msg_find(in, IKE_PLD_TSR);
	uint8_t out[2048], auth[IKE_PRF_MAX_LEN], psk[PSK_MAX], idb[4 + AGENT_MAX_ID];
	uint32_t msgid = sa->peer_msgid - 1;
	struct ike_auth au = { .method = IKE_AUTH_SHARED_KEY_MIC };
	struct ike_ts_set *tsi = NULL, *tsr = NULL;
	struct ike_sa *offer = NULL, chosen;
	struct child_sa *c = NULL;
	struct ike_notify n = { 0 };
	struct ike_id id;
	struct ike_buf b;
	size_t auth_len, psk_len, idl;
	uint8_t num;
	int err;

	ike_build_chain(&b, out, sizeof(out));
	if (!p_idi || !p_auth || ike_pld_id(p_idi->body, p_idi->len, &id) ||
	    ike_pld_auth(p_auth->body, p_auth->len, &au)) {
		log_info("%s: IKE_AUTH without IDi and AUTH: INVALID_SYNTAX", conn->name);
		n.type = IKE_N_INVALID_SYNTAX;
		goto fail;
	}
	if (!id_matches(&conn->remote_id, &id)) {
		/* IKE_SA_INIT chose by address; the identity may belong to
		 * another connection for the same addresses and suite */
		const struct conf_conn *other = conn_for_id(a, sa, &id);

		if (!other) {
			log_info("%s: IDi %.*s is no configured remote id: AUTHENTICATION_FAILED",
				 conn->name, id.type == IKE_ID_IPV4_ADDR ? 9 : (int)id.len,
				 id.type == IKE_ID_IPV4_ADDR ? "(address)" : (const char *)id.data);
			goto auth_failed;
		}
		log_info("%s: IDi is connection %s's", conn->name, other->name);
		sa->conn = conn = other;
	}
	if (p_idr) {
		struct ike_id idr;

		if (ike_pld_id(p_idr->body, p_idr->len, &idr) || !id_matches(&conn->local_id, &idr)) {
			log_info("%s: IDr asks for another identity than ours: AUTHENTICATION_FAILED",
				 conn->name);
			goto auth_failed;
		}
	}
	if (auth_verify(a, sa, 1, p_idi, &au)) {
		log_warn("%s: initiator's AUTH does not verify (wrong PSK?): AUTHENTICATION_FAILED",
			 conn->name);
		goto auth_failed;
	}
	peer_id_keep(sa, &id);
	if (unique_check(a, sa, find_notify(in, IKE_N_INITIAL_CONTACT, &n)))
		goto auth_failed;
	n.type = 0;
	if (psk_get(a, conn, p_idi->body, p_idi->len, psk, &psk_len))
		goto auth_failed;
	idl = id_body(&conn->local_id, idb);
	err = keys_auth_psk(sa, 0, psk, psk_len, idb, idl, auth, &auth_len);
	OPENSSL_cleanse(psk, sizeof(psk));
	if (err)
		goto auth_failed;
	id_of_conf(&conn->local_id, &id);
	ike_build_id(&b, IKE_PLD_IDR, &id);
	au.method = IKE_AUTH_SHARED_KEY_MIC;
	au.len = auth_len;
	au.data = auth;
	ike_build_auth(&b, &au);
	sa_established(a, sa);

	/* The CHILD_SA: errors here leave the IKE SA up (2.21.2). */
	offer = calloc(1, sizeof(*offer));
	tsi = calloc(1, sizeof(*tsi));
	tsr = calloc(1, sizeof(*tsr));
	c = child_slot(sa);
	if (!offer || !tsi || !tsr || !c)
		goto child_fail_internal;
	if (!p_sa || !p_tsi || !p_tsr) {
		log_info("%s: IKE_AUTH without a CHILD_SA", conn->name);
		goto send;
	}
	if (ike_pld_sa(p_sa->body, p_sa->len, offer) ||
	    ike_pld_ts(p_tsi->body, p_tsi->len, tsi) || ike_pld_ts(p_tsr->body, p_tsr->len, tsr)) {
		log_info("%s: CHILD_SA payloads malformed: NO_PROPOSAL_CHOSEN", conn->name);
		n.type = IKE_N_NO_PROPOSAL_CHOSEN;
		goto child_fail;
	}
	n.type = child_cfg_pick(a, sa, c, offer, 0, tsr, tsi, &num);
	if (n.type)
		goto child_fail;
	c->spi_in = child_new_spi();
	/* Pause: the peer cannot use the CHILD_SA before our answer, which
	 * leaves only once the device confirmed both directions. */
	err = child_up(a, sa, c, 0, NULL, 0, sa->ni, sa->ni_len, sa->nr, sa->nr_len, 0);
	if (err == NICSEC_CTL_E_NO_SPACE) {
		/* the device (or our tenant's quota) is full: try again later */
		log_warn("%s: the device has no room for the CHILD_SA: TEMPORARY_FAILURE",
			 conn->name);
		a->st.device_full++;
		n.type = IKE_N_TEMPORARY_FAILURE;
		goto child_fail;
	}
	if (err)
		goto child_fail_internal;
	{
		uint32_t nspi = htonl(c->spi_in);
		struct ike_ts_set ts;

		prop_build_chosen(IKE_PROTO_ESP, (const uint8_t *)&nspi, 4, &c->suite, num, &chosen);
		ike_build_sa(&b, &chosen);
		ts_from_conf(&c->ts_r, &ts);
		ike_build_ts(&b, IKE_PLD_TSI, &ts);
		ts_from_conf(&c->ts_l, &ts);
		ike_build_ts(&b, IKE_PLD_TSR, &ts);
	}
	goto send;

child_fail_internal:
	log_warn("%s: CHILD_SA could not be set up on this side", conn->name);
	n.type = IKE_N_NO_PROPOSAL_CHOSEN;
child_fail:
	if (c)
		memset(c, 0, sizeof(*c));
	ike_build_notify(&b, &n);
send:
	sa_send_sk(a, sa, IKE_AUTH, 1, msgid, &b, P_NONE);
	OPENSSL_cleanse(out, sizeof(out));
	free(offer);
	free(tsi);
	free(tsr);
	agent_status_write(a);
	return;

auth_failed:
	a->st.auth_failed++;
	n.type = IKE_N_AUTHENTICATION_FAILED;
fail:
	ike_build_chain(&b, out, sizeof(out));
	ike_build_notify(&b, &n);
	sa_send_sk(a, sa, IKE_AUTH, 1, msgid, &b, P_NONE);
	/* 2.21.2: the IKE SA is not established; nothing was installed */
	sa_free(a, sa);
}
