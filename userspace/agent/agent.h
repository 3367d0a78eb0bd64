/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nicsec-agent: the IKEv2 (RFC 7296) agent that negotiates a session with a
 * client, installs its CHILD_SA keys on the device through the control
 * channel and keeps the session keyed. One process, one thread, poll():
 *
 * Each file calls only the ones below it:
 *
 *   main.c     options, sockets (UDP 500 and 4500), the event loop
 *   dispatch.c datagrams in (parse, SA lookup, message ids, SK open) to
 *              their exchange; the timers (retransmission, window 1,
 *              rekeys, DPD, expiry)
 *   init.c     IKE_SA_INIT and IKE_AUTH, both roles
 *   create.c   CREATE_CHILD_SA (CHILD_SA and IKE_SA rekey)
 *   info.c     INFORMATIONAL (DELETE, liveness)
 *   child.c    a CHILD_SA's slot, SPI, keys and install; rekey timers
 *   sa.c       IKE SA table, messages out (header, SK, the datagram)
 *   keys.c     SKEYSEED, SK_*, AUTH, KEYMAT, NAT detection hashes
 *   proposal.c SA payloads from configuration, selection, TS narrowing
 *   device.c   INSTALL/DELETE/QUERY on the device (the only user of keys
 *              after derivation; wipes them)
 *   keylog.c   the Wireshark key log (--keylog, off by default)
 *   status.c   the IKE SA's name in logs, the JSON status file
 *   clock.c    the monotonic clock
 *   conf*.c    the configuration (conf.h)
 */
#ifndef NICSEC_AGENT_H
#define NICSEC_AGENT_H

#include <stdint.h>
#include <netinet/in.h>
#include "ike.h"
#include "ike_crypto.h"
#include "conf.h"
#include "ctl_proto.h"	/* the device's status codes */

#define AGENT_MAX_SA		256	/* IKE SAs (half-open included) */
#define AGENT_SPI_BUCKETS	1024	/* the IKE SA index by initiator SPI */
/* CHILD_SA slots per IKE SA: each child configuration's current one and
 * the one a rekey is retiring */
#define AGENT_MAX_CHILD		(2 * AGENT_MAX_CHILDREN)
/* how long a rekeyed or deleting SA waits for the peer's DELETE */
#define REKEYED_GRACE_MS	30000
#define AGENT_MSG_MAX		8192	/* our messages; bigger ones are refused */
#define AGENT_NONCE_LEN		32
#define AGENT_RTX_TRIES		6	/* 0.5 s doubling: 31.5 s until given up */
#define AGENT_RTX_FIRST_MS	500

#define NATT_PORT		4500
#define IKE_PORT		500

enum sa_state {
	SA_FREE = 0,
	SA_INIT_SENT,		/* initiator: IKE_SA_INIT request out */
	SA_AUTH_SENT,		/* initiator: IKE_AUTH request out */
	SA_HALF_OPEN,		/* responder: IKE_SA_INIT answered */
	SA_ESTABLISHED,
	SA_REKEYED,		/* replaced by a new IKE SA, delete pending */
	SA_DELETING,		/* our DELETE is out */
};

/* What our outstanding request is (window size 1: at most one). */
enum sa_pending {
	P_NONE = 0,
	P_INIT,
	P_AUTH,
	P_CHILD_REKEY,
	P_CHILD_CREATE,		/* another configured child (we initiated the IKE SA) */
	P_IKE_REKEY,
	P_DELETE_CHILD,
	P_DELETE_IKE,
	P_DPD,
};

enum child_state {
	CHILD_FREE = 0,
	CHILD_INSTALLED,	/* on the device, both directions */
	CHILD_REKEYED,		/* a newer one carries the flow; delete pending */
};

struct child_sa {
	enum child_state state;
	const struct conf_child *cfg;	/* its configuration (the connection's) */
	uint32_t spi_in, spi_out;	/* host order */
	uint32_t dev_in, dev_out;	/* the device's SA ids */
	struct ike_suite suite;
	struct conf_ts ts_l, ts_r;	/* narrowed: local and remote */
	uint64_t created_ms, installed_us;	/* install latency, for status */
	uint64_t rekey_at_ms, expire_at_ms;
	uint64_t last_bytes, last_active_ms;	/* inactivity (device counters) */
	uint64_t idle_check_ms;			/* last QUERY of those counters */
	/* Rekey responder: the new outbound direction waits until the peer
	 * deleted the old CHILD_SA (or OUT_DELAY_MS passed), so nothing we send
	 * reaches it before it installed the new inbound SA. */
	int out_pending;
	uint64_t out_at_ms;
	uint8_t out_key[IKE_ENCR_MAX_KEY];
};

#define OUT_DELAY_MS		2000

/* The keys of an IKE SA (SK_d, SK_p*, and SK_e/a per direction). */
struct ike_keys {
	uint8_t sk_d[IKE_PRF_MAX_LEN];
	uint8_t sk_pi[IKE_PRF_MAX_LEN], sk_pr[IKE_PRF_MAX_LEN];
	struct ike_sk_keys i, r;	/* initiator's and responder's */
};

struct ikesa {
	enum sa_state state;
	const struct conf_conn *conn;
	int initiator;			/* we are this SA's original initiator */
	uint8_t spi_i[8], spi_r[8];
	struct ike_suite suite;
	struct ike_keys keys;
	uint64_t iv_counter;

	/* the identity the peer proved (IDi or IDr), for unique */
	uint8_t peer_id_type;
	uint16_t peer_id_len;
	uint8_t peer_id[AGENT_MAX_ID];

	/* peer's address (floats to 4500 with NAT-T) and which socket we use */
	struct sockaddr_in peer;
	int natt;			/* on 4500 with the non-ESP marker */

	/* IKE_SA_INIT state, freed once authenticated */
	struct ike_dh *dh;
	uint16_t ke_group;
	uint8_t ni[IKE_NONCE_MAX_LEN], nr[IKE_NONCE_MAX_LEN];
	uint16_t ni_len, nr_len;
	uint8_t *init_req, *init_resp;	/* RealMessage1 and 2, for AUTH */
	size_t init_req_len, init_resp_len;
	uint8_t cookie[IKE_COOKIE_MAX_LEN];
	uint16_t cookie_len;
	uint32_t my_spi_child;		/* inbound SPI of the first CHILD_SA */

	/* message ids: our next request, and the peer's next request */
	uint32_t my_msgid, peer_msgid;
	/* our outstanding request */
	enum sa_pending pending;
	uint8_t *req;
	size_t req_len;
	unsigned int req_tries;
	uint64_t req_rtx_ms;
	/* the answer to the peer's last request, for its retransmissions */
	uint8_t *resp;
	size_t resp_len;
	uint32_t resp_msgid;
	int have_resp;

	/* an exchange in progress (CREATE_CHILD_SA we started) */
	struct ike_dh *x_dh;
	uint8_t x_ni[AGENT_NONCE_LEN];
	uint32_t x_spi;			/* new inbound ESP SPI */
	uint8_t x_ike_spi[8];		/* new IKE SPI (IKE rekey) */
	int x_child;			/* child being rekeyed, -1 */
	int x_cfg;			/* configured child being created, -1 */
	/* initiator: when each configured child after the first may next be
	 * asked for (0: now; UINT64_MAX: done, answered either way) */
	uint64_t create_at_ms[AGENT_MAX_CHILDREN];
	struct ikesa *successor;	/* IKE rekey: the new IKE SA */

	struct child_sa child[AGENT_MAX_CHILD];

	uint64_t created_ms, established_ms, rekey_at_ms, dpd_at_ms, last_rx_ms;
	uint64_t half_open_deadline_ms;

	/* the SPI index (sa_index()): 1 + the next slot in its bucket, 0 none */
	int indexed;
	uint32_t spi_next;
};

struct agent_stats {
	uint64_t rx, tx, rtx;
	uint64_t drop_parse, drop_auth, drop_nosa, drop_msgid, drop_state;
	uint64_t sa_up, child_up, auth_failed, no_proposal, ts_unacceptable;
	uint64_t cookies_sent, rekeys_child, rekeys_ike, deletes;
	uint64_t installs, install_failed;
	uint64_t device_full;		/* CHILD_SAs refused: no room on the device */
};

struct agent {
	struct agent_conf *conf;
	int fd500, fd4500;
	struct ikesa sa[AGENT_MAX_SA];
	/* 1 + the first slot whose initiator SPI hashes to the bucket (keyed:
	 * a peer chooses its SPIs), 0 none */
	uint32_t spi_head[AGENT_SPI_BUCKETS];
	uint64_t spi_key[2];
	struct agent_stats st;
	unsigned int cookie_threshold;	/* half-open SAs before COOKIEs are demanded */
	uint8_t cookie_secret[32];
	const char *keylog_dir;
	const char *status_path;
	uint64_t now_ms;
	int stopping;
};

/* ---- clock.c, status.c ---- */
uint64_t agent_now_ms(void);
uint64_t agent_now_us(void);
const char *sa_name(const struct ikesa *sa);
void agent_status_write(struct agent *a);

/* ---- sa.c ---- */
/* Wipe and free a message buffer, and zero its pointer and length. */
void buf_free(uint8_t **p, size_t *len);
struct ikesa *sa_new(struct agent *a, const struct conf_conn *conn, int initiator);
void sa_free(struct agent *a, struct ikesa *sa);
/* Enter @sa in the SPI index once its initiator SPI is final; sa_free()
 * takes it out. sa_by_spi() looks only there. */
void sa_index(struct agent *a, struct ikesa *sa);
struct ikesa *sa_by_spi(struct agent *a, const uint8_t *spi_i, const uint8_t *spi_r);
/* Build the header of a message on @sa (our request or our response). */
void sa_hdr(const struct ikesa *sa, struct ike_hdr *h, uint8_t exchange, int response,
	    uint32_t msgid);
/*
 * Protect @plain (a bare chain built with ike_build_chain(), first payload
 * type @first) into an SK message of @exchange and send it: as our request
 * (kept for retransmission, @pending set) or as the response to @msgid
 * (kept for the peer's retransmissions).
 */
int sa_send_sk(struct agent *a, struct ikesa *sa, uint8_t exchange, int response,
	       uint32_t msgid, const struct ike_buf *plain, enum sa_pending pending);
/* @msg (malloc'ed, ours now) as @sa's request in flight: retransmitted
 * from AGENT_RTX_FIRST_MS on until answered; not sent here. */
void sa_keep_request(struct agent *a, struct ikesa *sa, uint8_t *msg, size_t len,
		     enum sa_pending pending);
/* Send raw bytes to the peer (marker added on 4500). */
int sa_xmit(struct agent *a, struct ikesa *sa, const uint8_t *msg, size_t len);
int agent_sendto(struct agent *a, int natt, const struct sockaddr_in *to,
		 const uint8_t *msg, size_t len);
/* An unprotected notify-only answer (IKE_SA_INIT errors, INVALID_SYNTAX). */
void agent_send_notify(struct agent *a, int natt, const struct sockaddr_in *to,
		       const struct ike_hdr *req, uint16_t type,
		       const uint8_t *data, size_t len);
void sa_delete_all(struct agent *a);

/* ---- init.c ---- */
int init_start(struct agent *a, const struct conf_conn *conn);
void init_rx_request(struct agent *a, int natt, const struct sockaddr_in *from,
		     const struct sockaddr_in *local, const uint8_t *buf, size_t len,
		     const struct ike_msg *m);
void init_rx_response(struct agent *a, struct ikesa *sa, const uint8_t *buf,
		      size_t len, const struct ike_msg *m);
void auth_rx_request(struct agent *a, struct ikesa *sa, const struct ike_msg *in);
void auth_rx_response(struct agent *a, struct ikesa *sa, const struct ike_msg *in);

/* ---- create.c ---- */
int child_rekey_start(struct agent *a, struct ikesa *sa, int idx);
/* CREATE_CHILD_SA for the connection's child configuration @cfg_idx. */
int child_create_start(struct agent *a, struct ikesa *sa, int cfg_idx);
int ike_rekey_start(struct agent *a, struct ikesa *sa);
void create_rx_request(struct agent *a, struct ikesa *sa, uint32_t msgid,
		       const struct ike_msg *in);
void create_rx_response(struct agent *a, struct ikesa *sa, const struct ike_msg *in);

/* ---- info.c ---- */
int delete_child_start(struct agent *a, struct ikesa *sa, int idx);
int delete_ike_start(struct agent *a, struct ikesa *sa);
int dpd_start(struct agent *a, struct ikesa *sa);
void info_rx_request(struct agent *a, struct ikesa *sa, uint32_t msgid,
		     const struct ike_msg *in);
void info_rx_response(struct agent *a, struct ikesa *sa, enum sa_pending p,
		      const struct ike_msg *in);

/* ---- child.c ---- */
/* Wipe a CHILD_SA's slot (keys, SPIs, state: CHILD_FREE). */
void child_clear(struct child_sa *c);
/* The CHILD_SA of @sa whose outbound SPI (the peer's inbound) is @spi_out. */
struct child_sa *child_by_out(struct ikesa *sa, uint32_t spi_out);
int child_up(struct agent *a, struct ikesa *sa, struct child_sa *c, int we_init,
	     const uint8_t *gir, size_t gir_len, const uint8_t *ni, size_t ni_len,
	     const uint8_t *nr, size_t nr_len, int delay_out);
uint32_t child_new_spi(void);
/* A free CHILD_SA slot of @sa, NULL if all are in use. */
struct child_sa *child_slot(struct ikesa *sa);
/*
 * The configuration for a peer's CHILD_SA offer (@offer, its TS as @local
 * and @remote from our side): the connection's first child whose
 * selectors narrow the peer's and one of whose proposals the offer has
 * (@need_dh: with a KE). Fills @c (cfg, suite, spi_out, ts_l, ts_r) and
 * @num; 0, or the notify to refuse with: TS_UNACCEPTABLE when no child's
 * selectors fit, NO_PROPOSAL_CHOSEN when they do but no proposal does.
 */
uint16_t child_cfg_pick(struct agent *a, const struct ikesa *sa, struct child_sa *c,
			const struct ike_sa *offer, int need_dh, const struct ike_ts_set *local,
			const struct ike_ts_set *remote, uint8_t *num);
/* An installed CHILD_SA of @sa other than @c with @c's narrowed selectors. */
struct child_sa *child_same_flow(struct ikesa *sa, const struct child_sa *c);
int find_notify(const struct ike_msg *m, uint16_t type, struct ike_notify *out);
void child_out_install(struct agent *a, struct ikesa *sa, struct child_sa *c);
/* Schedule the IKE SA's rekey from configuration (10% jitter). */
void ike_schedule(struct agent *a, struct ikesa *sa);
/* Schedule the child's rekey and expiry from configuration (with jitter). */
void child_schedule(struct agent *a, struct ikesa *sa, struct child_sa *c);

/* ---- dispatch.c ---- */
void agent_rx(struct agent *a, int natt, const struct sockaddr_in *from,
	      const struct sockaddr_in *local, uint8_t *buf, size_t len);
void agent_timers(struct agent *a);
uint64_t agent_next_timer(struct agent *a);

/* ---- keys.c ---- */
/* SKEYSEED and SK_* from g^ir (new SA) or with @old_sk_d (IKE rekey). */
int keys_ike(struct ikesa *sa, const uint8_t *gir, size_t gir_len,
	     const uint8_t *old_sk_d, size_t old_len);
/* AUTH for PSK: @who_init 1 for the initiator's AUTH. */
int keys_auth_psk(const struct ikesa *sa, int who_init, const uint8_t *psk, size_t psk_len,
		  const uint8_t *id_body, size_t id_len, uint8_t *out, size_t *out_len);
/* KEYMAT for a CHILD_SA: i->r then r->i (key | salt each). */
int keys_child(const struct ikesa *sa, const struct ike_suite *esp,
	       const uint8_t *gir, size_t gir_len,
	       const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
	       uint8_t *k_ir, uint8_t *k_ri);
/* RFC 7296 2.23: SHA-1(SPIi | SPIr | IP | port). */
void keys_natd(const uint8_t *spi_i, const uint8_t *spi_r, uint32_t addr, uint16_t port,
	       uint8_t out[IKE_NATD_LEN]);
/* RFC 7296 2.6 cookie for a request. */
int keys_cookie(const struct agent *a, const uint8_t *ni, size_t ni_len,
		uint32_t addr, const uint8_t *spi_i, uint8_t out[32]);

/* ---- proposal.c ---- */
/* SA payload with our proposals (IKE: @spi_len 0 or 8 for rekey; ESP: 4). */
void prop_build_ike(const struct conf_conn *conn, const uint8_t *spi, size_t spi_len,
		    uint16_t only_dh, struct ike_sa *out);
void prop_build_esp(const struct conf_child *ch, uint32_t spi, struct ike_sa *out);
/* The chosen proposal as a one-proposal SA payload (the response's). */
void prop_build_chosen(uint8_t proto, const uint8_t *spi, size_t spi_len,
		       const struct ike_suite *s, uint8_t num, struct ike_sa *out);
/* Select from the peer's @offer against ours; 0, or -1: no proposal. */
int prop_select_ike(const struct conf_conn *conn, const struct ike_sa *offer,
		    uint16_t ke_hint, struct ike_suite *s, uint8_t *num, uint8_t *spi, size_t *spi_len);
int prop_select_esp(const struct conf_child *ch, const struct ike_sa *offer, int need_dh,
		    struct ike_suite *s, uint8_t *num, uint32_t *spi);
/*
 * Is @s (an answer's choice) among our configured @list? Encryption, key
 * size and integrity always match; PROP_PRF and PROP_DH add those. (An IKE
 * SA rekey offers every configured suite with the current group, so its
 * answer's group need not be a listed one's.)
 */
#define PROP_PRF	1
#define PROP_DH		2
int prop_listed(const struct ike_suite *list, unsigned int n, const struct ike_suite *s,
		unsigned int match);
/* Parse the response's single proposal into @s; 0 or -1. */
int prop_accept(const struct ike_sa *resp, uint8_t proto, struct ike_suite *s,
		uint8_t *spi, size_t *spi_len);
/* TS payloads: ours from configuration; narrowing of the peer's. */
void ts_from_conf(const struct conf_ts *t, struct ike_ts_set *out);
/* Narrow the peer's TSi/TSr (@their_*: from our point of view local/remote)
 * against configuration; 0 and the result in @l/@r, or -1. The result must
 * be a host pair or a 5-tuple (what the device matches). */
int ts_narrow(const struct conf_child *ch, const struct ike_ts_set *local,
	      const struct ike_ts_set *remote, struct conf_ts *l, struct conf_ts *r);

/* ---- device.c ---- */
int device_open(struct agent *a);
void device_close(void);
/* Install the directions of @c whose key is not NULL, all or nothing;
 * wipes the keys. 0, the device's status code (> 0: NICSEC_CTL_E_NO_SPACE
 * when its table or our quota is full) or -errno; logged, and nothing of
 * this call is left on the device. */
int device_install(struct agent *a, struct ikesa *sa, struct child_sa *c,
		   uint8_t *k_in, uint8_t *k_out);
void device_delete(struct agent *a, struct child_sa *c, int in, int out);
/* Bytes the device counted on @c (both directions), for inactivity. */
int device_bytes(struct agent *a, const struct child_sa *c, uint64_t *bytes);

/* ---- keylog.c ---- */
void keylog_ike(struct agent *a, const struct ikesa *sa);
void keylog_esp(struct agent *a, const struct ikesa *sa, const struct child_sa *c,
		const uint8_t *k_in, const uint8_t *k_out);

#endif
