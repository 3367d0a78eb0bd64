/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control channel's two ends and its enrollment key. The agent side
 * (ctl_agent.c) opens a UDP channel to the device from an OS-assigned port
 * and runs each request to its STATUS, retransmitting with backoff. The
 * device side (ctl_device.c) is a pure request handler: datagram in, sealed
 * STATUS (or a silent drop) out, with per-sender replay state and a cache of
 * answered request ids; the caller owns the socket and applies requests
 * through a callback table. ctl_enroll.c makes and loads the key file.
 *
 * Results: 0 success, < 0 a local -errno, > 0 an enum nicsec_ctl_status the
 * device answered; nicsec_ctl_strerror() words all three.
 */
#ifndef NICSEC_CTL_H
#define NICSEC_CTL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "ctl_codec.h"

/* ---- agent ------------------------------------------------------------ */

struct nicsec_ctl_opts {
	unsigned int rto_ms;		/* first retransmission timeout; 0: 100 */
	unsigned int rto_max_ms;	/* backoff cap; 0: 1600 */
	unsigned int tries;		/* transmissions per request; 0: 7 */
	uint32_t sender_id;		/* 0: random, never 0 on the wire */
};

struct nicsec_ctl_chan;

/*
 * Open a channel to the device at @dev: a UDP socket bound to port 0 of
 * the wildcard address (the OS picks the port) and connected to @dev.
 * Copies @key (32 bytes); the copy is wiped by nicsec_ctl_chan_close().
 * Each counter is max(CLOCK_REALTIME in ns, last + 1): a restarted agent
 * never reuses a nonce, and a restarted device can refuse what was sealed
 * before it started. Request ids start at a random value.
 */
int nicsec_ctl_chan_open(struct nicsec_ctl_chan **chan, const struct sockaddr *dev,
			 socklen_t dev_len, const uint8_t *key,
			 const struct nicsec_ctl_opts *opts);
void nicsec_ctl_chan_close(struct nicsec_ctl_chan *chan);

/* The OS-assigned local port (host order) and the socket, for poll(). */
uint16_t nicsec_ctl_chan_port(const struct nicsec_ctl_chan *chan);
int nicsec_ctl_chan_fd(const struct nicsec_ctl_chan *chan);
uint32_t nicsec_ctl_chan_sender(const struct nicsec_ctl_chan *chan);

/* Cumulative statistics of the channel, for tests and benchmarks. */
struct nicsec_ctl_chan_stats {
	uint64_t sent;		/* datagrams sent, retransmissions included */
	uint64_t retransmits;
	uint64_t ignored;	/* datagrams received and discarded */
};
void nicsec_ctl_chan_stats(const struct nicsec_ctl_chan *chan,
			   struct nicsec_ctl_chan_stats *st);

/*
 * Requests. Each returns only on the STATUS with its request id (0 or
 * the device's status code) or after the last retransmission timed out
 * (-ETIMEDOUT). Every transmission uses a new counter and the same request
 * id.
 *
 * install() puts @n SAs (1..NICSEC_CTL_MAX_SAS, as many as fit one
 * datagram: nicsec_ctl_sa_wire_len()) in one INSTALL, which the device
 * applies all or nothing; on success @ids (may be NULL) gets their SA ids
 * in order. On an error STATUS about one of them, *@bad (may be NULL)
 * gets its position, else @n. It wipes its sealed copies of the keys; the
 * caller wipes @sa.
 * delete() removes @n SAs (1..NICSEC_CTL_MAX_IDS), all or nothing.
 */
int nicsec_ctl_install(struct nicsec_ctl_chan *chan, const struct nicsec_ctl_sa *sa,
		       unsigned int n, uint32_t *ids, unsigned int *bad);
int nicsec_ctl_delete(struct nicsec_ctl_chan *chan, const uint32_t *ids, unsigned int n);
int nicsec_ctl_flush(struct nicsec_ctl_chan *chan);

/* Bytes the SAs of an INSTALL may take in its body. */
#define NICSEC_CTL_INSTALL_ROOM	NICSEC_CTL_MAX_BODY

#define NICSEC_CTL_QUERY_DEVICE UINT32_MAX	/* liveness, no SA */
/* QUERY: @sa_id's counters into @reply->counters, or with
 * NICSEC_CTL_QUERY_DEVICE the device's @reply->devinfo. */
int nicsec_ctl_query(struct nicsec_ctl_chan *chan, uint32_t sa_id,
		     struct nicsec_ctl_msg *reply);

/* ---- device ----------------------------------------------------------- */

/*
 * What the device does with a valid request. Each returns an enum
 * nicsec_ctl_status (0: done) and may fill @reply's SA_ID, SA_IDS,
 * COUNTERS, DEVINFO or INDEX (setting their bits in reply->present). An
 * INSTALL (req->n_sa SAs) or a DELETE (req->n_ids ids) is applied all or
 * nothing. @req is wiped after the call: copy the keys into the engine,
 * never keep a pointer to them.
 */
struct nicsec_ctl_ops {
	int (*install)(void *ctx, const struct nicsec_ctl_msg *req,
		       struct nicsec_ctl_msg *reply);
	int (*del)(void *ctx, const struct nicsec_ctl_msg *req,
		   struct nicsec_ctl_msg *reply);
	int (*flush)(void *ctx, const struct nicsec_ctl_msg *req,
		     struct nicsec_ctl_msg *reply);
	int (*query)(void *ctx, const struct nicsec_ctl_msg *req,
		     struct nicsec_ctl_msg *reply);
};

#define NICSEC_CTL_MAX_SENDERS	64	/* agents a device tracks */
#define NICSEC_CTL_CACHE	8	/* answered request ids kept per sender */

struct nicsec_ctl_dev;

struct nicsec_ctl_dev_stats {
	uint64_t rx;			/* datagrams handled */
	uint64_t replies;		/* STATUS built */
	uint64_t applied;		/* callbacks run */
	uint64_t retransmits;		/* answered from the cache */
	uint64_t drops[NICSEC_CTL_STATUS_MAX];	/* silent drops by reason */
};

/*
 * Create the handler state with a copy of @key. @counter is the first
 * counter of the device's STATUS and the replay floor of every sender: use
 * CLOCK_REALTIME in ns at start, so a restarted device never reuses a nonce
 * and refuses requests sealed before it started. Returns 0 or -errno.
 */
int nicsec_ctl_dev_create(struct nicsec_ctl_dev **dev, const uint8_t *key,
			  uint64_t counter, const struct nicsec_ctl_ops *ops,
			  void *ctx);
void nicsec_ctl_dev_destroy(struct nicsec_ctl_dev *dev);

/*
 * Handle one received datagram (@in, @len). Returns the length of the sealed
 * STATUS written to @out (@cap >= NICSEC_CTL_MAX_LEN), to be sent back to the
 * datagram's source address and port; 0 if the datagram is dropped without
 * an answer; -errno if sealing failed. *@status (may be NULL) gets the
 * status of the request: the code sent, or the reason for the drop.
 */
int nicsec_ctl_dev_handle(struct nicsec_ctl_dev *dev, const uint8_t *in,
			  size_t len, uint8_t *out, size_t cap, int *status);
void nicsec_ctl_dev_get_stats(const struct nicsec_ctl_dev *dev,
			      struct nicsec_ctl_dev_stats *st);

/* ---- enrollment key ---------------------------------------------------- */

/*
 * Make a new 32-byte enrollment key (RAND_bytes) and write it as one hex
 * line to @path, created 0600 with O_EXCL (-EEXIST if it exists, nothing
 * followed through a symlink). If @key is not NULL it gets the key too (the
 * device's copy). Returns 0 or -errno; on error the file is removed.
 */
int nicsec_ctl_key_generate(const char *path, uint8_t *key);

/* Load the key from @path ("-": stdin) through keyfile_read(): mode 0600
 * or stricter, exactly 32 bytes (-EKEYREJECTED otherwise). */
int nicsec_ctl_key_load(const char *path, uint8_t *key);

#endif
