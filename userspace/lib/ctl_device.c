// SPDX-License-Identifier: GPL-2.0
/*
 * The device's control request handler, free of sockets and clocks so that
 * nicsec-devd can feed it datagrams from AF_XDP and tests from UDP: unseal,
 * per-sender anti-replay, validation, then either the cached STATUS of a
 * request id already answered (a retransmission: nothing is applied twice)
 * or the caller's callback, and a STATUS sealed under the device's own sender
 * id (0) and counter, so nonces never repeat between the two directions.
 * Datagrams that do not authenticate, replays, and STATUS messages are
 * dropped without an answer and counted by reason.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "ctl.h"
#include "keyfile.h"

/* The largest STATUS body: CODE, SA_ID, COUNTERS, DEVINFO, 64 SA_IDS, INDEX. */
#define STATUS_BODY_MAX	(8 + 8 + 4 + NICSEC_CTL_COUNTERS_LEN + 4 + NICSEC_CTL_DEVINFO_LEN + \
			 4 + 4 * NICSEC_CTL_MAX_IDS + 8)

/* An answered request: its STATUS body as encoded, sent again on a
 * retransmission under a new header (new device counter). */
struct cached_status {
	bool valid;
	uint8_t type;
	uint32_t request_id;
	uint32_t code;		/* for the caller's *status */
	uint16_t len;
	uint8_t body[STATUS_BODY_MAX];
};

struct sender {
	bool used;
	uint32_t id;
	struct nicsec_ctl_replay replay;
	unsigned int next;		/* cache slot to overwrite next */
	struct cached_status cache[NICSEC_CTL_CACHE];
};

struct nicsec_ctl_dev {
	uint8_t key[NICSEC_CTL_KEY_LEN];
	uint64_t counter;		/* next counter of the device's STATUS */
	uint64_t floor;			/* requests sealed before the start: replays */
	const struct nicsec_ctl_ops *ops;
	void *ctx;
	struct nicsec_ctl_dev_stats stats;
	struct sender senders[NICSEC_CTL_MAX_SENDERS];
};

int nicsec_ctl_dev_create(struct nicsec_ctl_dev **devp, const uint8_t *key,
			  uint64_t counter, const struct nicsec_ctl_ops *ops,
			  void *ctx)
{
	struct nicsec_ctl_dev *dev;

	if (!ops || !ops->install || !ops->del || !ops->flush || !ops->query)
		return -EINVAL;
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	memcpy(dev->key, key, NICSEC_CTL_KEY_LEN);
	dev->counter = counter ? counter : 1;
	dev->floor = counter;
	dev->ops = ops;
	dev->ctx = ctx;
	*devp = dev;
	return 0;
}

void nicsec_ctl_dev_destroy(struct nicsec_ctl_dev *dev)
{
	if (!dev)
		return;
	nicsec_wipe(dev, sizeof(*dev));
	free(dev);
}

void nicsec_ctl_dev_get_stats(const struct nicsec_ctl_dev *dev,
			      struct nicsec_ctl_dev_stats *st)
{
	*st = dev->stats;
}

static struct sender *sender_get(struct nicsec_ctl_dev *dev, uint32_t id)
{
	struct sender *free_slot = NULL;
	unsigned int i;

	for (i = 0; i < NICSEC_CTL_MAX_SENDERS; i++) {
		struct sender *s = &dev->senders[i];

		if (s->used && s->id == id)
			return s;
		if (!s->used && !free_slot)
			free_slot = s;
	}
	if (free_slot) {
		memset(free_slot, 0, sizeof(*free_slot));
		free_slot->used = true;
		free_slot->id = id;
		/*
		 * A new sender's first counter must be above the device's start
		 * time (counters are realtime ns): what was recorded before a
		 * restart cannot be replayed into the fresh state.
		 */
		free_slot->replay.top = dev->floor;
		free_slot->replay.bitmap = ~0ull;
	}
	return free_slot;
}

static struct cached_status *cache_find(struct sender *s, const struct nicsec_ctl_msg *req)
{
	unsigned int i;

	for (i = 0; i < NICSEC_CTL_CACHE; i++) {
		struct cached_status *c = &s->cache[i];

		if (c->valid && c->request_id == req->request_id &&
		    c->type == req->type)
			return c;
	}
	return NULL;
}

static int apply(struct nicsec_ctl_dev *dev, const struct nicsec_ctl_msg *req,
		 struct nicsec_ctl_msg *reply)
{
	dev->stats.applied++;
	switch (req->type) {
	case NICSEC_CTL_INSTALL:
		return dev->ops->install(dev->ctx, req, reply);
	case NICSEC_CTL_DELETE:
		return dev->ops->del(dev->ctx, req, reply);
	case NICSEC_CTL_FLUSH:
		return dev->ops->flush(dev->ctx, req, reply);
	case NICSEC_CTL_QUERY:
		return dev->ops->query(dev->ctx, req, reply);
	}
	return NICSEC_CTL_E_TYPE;
}

static int drop(struct nicsec_ctl_dev *dev, int why, int *status)
{
	if (why > 0 && why < NICSEC_CTL_STATUS_MAX)
		dev->stats.drops[why]++;
	if (status)
		*status = why;
	return why < 0 ? why : 0;
}

/*
 * Seal the STATUS of @req: @reply (code and optional TLVs set) encoded, or
 * with @cached the body answered before. With @keep, the body is stored
 * there for retransmissions.
 */
static int answer(struct nicsec_ctl_dev *dev, const struct nicsec_ctl_msg *req,
		  struct nicsec_ctl_msg *reply, struct cached_status *cached, bool keep,
		  uint8_t *out, size_t cap, int *status)
{
	uint8_t plain[NICSEC_CTL_HDR_LEN + STATUS_BODY_MAX];
	int len;

	reply->version = NICSEC_CTL_VERSION;
	reply->type = NICSEC_CTL_STATUS;
	reply->flags = 0;
	reply->request_id = req->request_id;
	reply->sender_id = NICSEC_CTL_DEVICE_ID;
	reply->counter = dev->counter++;
	if (cached && !keep) {
		/* a retransmission: the header is new, the body as before */
		reply->present = 0;
		reply->n_sa = 0;
		len = nicsec_ctl_encode(reply, plain, sizeof(plain));
		if (len != NICSEC_CTL_HDR_LEN)
			return -EINVAL;
		memcpy(plain + len, cached->body, cached->len);
		len += cached->len;
	} else {
		reply->present |= NICSEC_CTL_F(NICSEC_CTL_T_CODE);
		/* a callback may only add what a STATUS carries */
		reply->present &= nicsec_ctl_allowed(NICSEC_CTL_STATUS);
		reply->n_sa = 0;
		len = nicsec_ctl_encode(reply, plain, sizeof(plain));
		if (len < 0)
			return len;
		if (keep) {
			cached->len = (uint16_t)(len - NICSEC_CTL_HDR_LEN);
			memcpy(cached->body, plain + NICSEC_CTL_HDR_LEN, cached->len);
		}
	}
	if (status)
		*status = (int)reply->code;
	dev->stats.replies++;
	return nicsec_ctl_seal_raw(plain, (size_t)len, dev->key, out, cap);
}

int nicsec_ctl_dev_handle(struct nicsec_ctl_dev *dev, const uint8_t *in,
			  size_t len, uint8_t *out, size_t cap, int *status)
{
	uint8_t plain[NICSEC_CTL_MAX_LEN];
	struct nicsec_ctl_msg req, reply = { 0 };
	struct cached_status *c;
	struct sender *s;
	bool newest = false;
	size_t plain_len;
	int err, ret;

	dev->stats.rx++;
	err = nicsec_ctl_unseal(in, len, dev->key, plain, sizeof(plain), &plain_len);
	if (err)
		return drop(dev, err, status);
	/* authenticated: the header is the sender's, whatever the body holds */
	err = nicsec_ctl_parse(plain, plain_len, &req);
	nicsec_wipe(plain, sizeof(plain));
	if (req.sender_id == NICSEC_CTL_DEVICE_ID) {
		ret = drop(dev, NICSEC_CTL_E_SENDER, status);
		goto out;
	}
	s = sender_get(dev, req.sender_id);
	if (s) {
		if (nicsec_ctl_replay_check(&s->replay, req.counter)) {
			ret = drop(dev, NICSEC_CTL_E_REPLAY, status);
			goto out;
		}
		newest = req.counter > s->replay.top;
		nicsec_ctl_replay_update(&s->replay, req.counter);
	}
	if (req.type == NICSEC_CTL_STATUS) {
		/* never answer an answer: no loops, no reflection */
		ret = drop(dev, NICSEC_CTL_E_TYPE, status);
		goto out;
	}
	if (!s)
		err = NICSEC_CTL_E_NO_SPACE;
	if (err) {
		/* a fault inside an SA TLV names the SA */
		reply.code = (uint32_t)err;
		reply.present = req.present & NICSEC_CTL_F(NICSEC_CTL_T_INDEX);
		reply.index = req.index;
		ret = answer(dev, &req, &reply, NULL, false, out, cap, status);
		goto out;
	}
	c = cache_find(s, &req);
	if (c) {
		dev->stats.retransmits++;
		reply.code = c->code;
		ret = answer(dev, &req, &reply, c, false, out, cap, status);
		goto out;
	}
	/*
	 * Not answered yet. A sender has one request outstanding, so a new
	 * request carries its newest counter; an older one is a transmission
	 * of a superseded request, delayed past the cache: never apply it.
	 */
	if (!newest) {
		ret = drop(dev, NICSEC_CTL_E_REPLAY, status);
		goto out;
	}
	reply.code = (uint32_t)apply(dev, &req, &reply);
	c = &s->cache[s->next];
	s->next = (s->next + 1) % NICSEC_CTL_CACHE;
	c->valid = true;
	c->type = req.type;
	c->request_id = req.request_id;
	c->code = reply.code;
	ret = answer(dev, &req, &reply, c, true, out, cap, status);
out:
	nicsec_ctl_msg_wipe(&req);
	return ret;
}
