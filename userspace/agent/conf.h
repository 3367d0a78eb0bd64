/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nicsec-agent's configuration file, in the spirit of swanctl.conf (see
 * Documentation/agent.md for the grammar and every key):
 *
 *   device {
 *       address = 10.77.0.254        # the device's control address
 *       port = 7447                  # its control port (default 7447, NICSEC_CTL_PORT)
 *       enroll_key = /etc/nicsec/agent.key
 *   }
 *   connections {
 *       cli {
 *           local_addrs = 10.77.0.1
 *           remote_addrs = 10.77.0.2
 *           local_port = 500              # default 500 (NAT-T floats to 4500)
 *           remote_port = 500
 *           start = yes                   # initiate; default no (respond)
 *           proposals = aes128gcm16-prfsha256-x25519, aes256gcm16-prfsha384-ecp384
 *           rekey_time = 3600s            # IKE_SA rekey; 0: never
 *           over_time = 360s
 *           local { id = vm.example  psk_file = /etc/nicsec/cli.psk }
 *           remote { id = cli.example }
 *           children {
 *               s {
 *                   local_ts = 10.78.0.1/32[udp/7000]
 *                   remote_ts = 10.78.0.2/32
 *                   esp_proposals = aes128gcm16, aes256gcm16
 *                   rekey_time = 600s     # CHILD_SA rekey, with rand_time jitter
 *                   rand_time = 60s
 *                   life_time = 660s      # hard expiry: DELETE
 *                   inactivity = 0s       # rekey after this long without traffic; 0: off
 *               }
 *           }
 *       }
 *   }
 *
 * conf_load() fills struct agent_conf and on error names the file, line
 * and what is wrong. Limits are fixed (AGENT_MAX_*); nothing allocates.
 */
#ifndef NICSEC_AGENT_CONF_H
#define NICSEC_AGENT_CONF_H

#include <stdint.h>
#include <limits.h>
#include "ike_crypto.h"

#define AGENT_MAX_CONNS		16
#define AGENT_MAX_CHILDREN	8	/* child configurations per connection */
#define AGENT_MAX_PROPOSALS	16
#define AGENT_MAX_ID		128
#define AGENT_MAX_SECRETS	1024	/* secrets { ike-NAME { ... } } */
#define AGENT_SECRET_IDS	4	/* ids per secret */
#define AGENT_PSK_MAX		256
#define AGENT_SECRET_PATH	256
#define AGENT_NAME_LEN		32

/* One traffic selector, IPv4: a prefix and optionally protocol and port. */
struct conf_ts {
	uint32_t addr;		/* network order */
	uint8_t prefix;		/* 0..32 */
	uint8_t proto;		/* 0: any */
	uint16_t port;		/* host order; 0: any */
};

enum conf_id_match {
	CONF_ID_EXACT = 0,
	CONF_ID_ANY,		/* "%any": every identity */
	CONF_ID_SUFFIX,		/* "*@example.org", "*.example.org": data is the
				 * part after '*', which the identity must end
				 * with (same type, at least one byte before) */
};

struct conf_id {
	uint8_t type;		/* enum ike_id_type: IPV4_ADDR for a dotted quad,
				 * RFC822_ADDR when it has '@', else FQDN */
	uint8_t match;		/* enum conf_id_match (remote ids only) */
	uint16_t len;
	uint8_t data[AGENT_MAX_ID];	/* IPv4: 4 bytes, network order */
};

/* One pre-shared key of the secrets section: for whichever of its ids is
 * the peer's (or, failing that, ours), inline or in a 0600 file. */
struct conf_secret {
	char name[AGENT_NAME_LEN];
	unsigned int n_id;
	struct conf_id id[AGENT_SECRET_IDS];	/* exact identities */
	uint16_t len;				/* inline: the secret's bytes */
	uint8_t secret[AGENT_PSK_MAX];
	char file[AGENT_SECRET_PATH];		/* or read from here when needed */
};

struct conf_child {
	char name[AGENT_NAME_LEN];
	struct conf_ts local_ts, remote_ts;
	unsigned int n_esp;
	struct ike_suite esp[AGENT_MAX_PROPOSALS];	/* AES-GCM-16 only; dh NONE or a PFS group */
	uint32_t rekey_time;	/* seconds; 0: no rekey */
	uint32_t rand_time;	/* seconds of jitter subtracted from rekey_time */
	uint32_t life_time;	/* seconds; 0: rekey_time + 10%, rounded up */
	uint32_t inactivity;	/* seconds; 0: off */
};

/* unique: what a new IKE SA does to one with the same peer identity on
 * the same connection (swanctl.conf's semantics) */
enum conf_unique {
	CONF_UNIQUE_NO = 0,	/* both stay, unless the new one sends INITIAL_CONTACT */
	CONF_UNIQUE_NEVER,	/* both stay, INITIAL_CONTACT or not */
	CONF_UNIQUE_REPLACE,	/* the old one goes */
	CONF_UNIQUE_KEEP,	/* the new one is refused */
};

struct conf_conn {
	char name[AGENT_NAME_LEN];
	uint32_t local_addr, remote_addr;	/* network order */
	uint8_t remote_prefix;		/* remote_addrs: 32 one address, else a
					 * CIDR range; 0 with remote_addr 0: %any */
	uint16_t local_port, remote_port;	/* host order */
	int start;				/* initiate at start-up */
	uint8_t unique;				/* enum conf_unique */
	unsigned int n_ike;
	struct ike_suite ike[AGENT_MAX_PROPOSALS];	/* the first is the initiator's KE group */
	uint32_t rekey_time;	/* IKE_SA rekey, seconds; 0: never */
	uint32_t over_time;	/* unused by now, parsed for compatibility */
	uint32_t dpd_delay;	/* liveness check interval; 0: off */
	struct conf_id local_id, remote_id;
	char psk_file[PATH_MAX];	/* read (0600) when needed, never kept in conf;
					 * optional when secrets has the keys */
	unsigned int n_child;
	/* one CHILD_SA per child configuration and IKE SA: the first is
	 * negotiated in IKE_AUTH, the others by CREATE_CHILD_SA; a peer's
	 * CHILD_SA takes the first whose selectors and proposals fit */
	struct conf_child children[AGENT_MAX_CHILDREN];
};

struct agent_conf {
	uint32_t dev_addr;	/* network order; 0: no device (keys are not installed anywhere) */
	uint16_t dev_port;	/* host order */
	char enroll_key[PATH_MAX];
	unsigned int n_conn;
	struct conf_conn conn[AGENT_MAX_CONNS];
	unsigned int n_secret;
	struct conf_secret secret[AGENT_MAX_SECRETS];
};

/* Does the peer's identity (@type, @data, @len) match configured @c? */
int conf_id_matches(const struct conf_id *c, uint8_t type, const uint8_t *data, size_t len);
/* Is @addr (network order) in the connection's remote_addrs? */
int conf_remote_has(const struct conf_conn *c, uint32_t addr);
/* Wipe every inline secret of @conf (at exit). */
void conf_wipe(struct agent_conf *conf);

/*
 * Parse @path. Returns 0, or -1 with a message "FILE:LINE: what" in @err
 * (@err_len bytes). Unknown keys and sections are errors, so typos do not
 * pass silently.
 */
int conf_load(const char *path, struct agent_conf *conf, char *err, size_t err_len);

/*
 * "aes128gcm16-prfsha256-x25519" (IKE, @ike = 1: encr, prf and one DH group
 * required; "aes256-sha256-prfsha256-ecp256" for CBC + HMAC) or
 * "aes128gcm16[-x25519]" (ESP, @ike = 0) into @s, strongSwan's names.
 * Returns 0 or -1.
 */
int conf_parse_proposal(const char *str, int ike, struct ike_suite *s);
/* "10.0.0.1/32[udp/7000]", "10.0.0.1", "10.0.0.0/24[tcp]" */
int conf_parse_ts(const char *str, struct conf_ts *ts);

#endif
