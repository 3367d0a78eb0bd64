// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the control protocol's receive path (ctl_codec.c,
 * ctl_seal.c, ctl_replay.c, ctl_device.c). The first input byte picks the
 * mode, the rest is the datagram or plaintext:
 *   0  a datagram as received: unseal and parse under the test key, and
 *      the device handler with its replay state and request cache;
 *   1  a plaintext (header + TLVs) sealed under the test key first, so the
 *      fuzzer reaches the validator through the real handler;
 *   2  a plaintext for the parser alone, with a round-trip invariant: what
 *      parses must re-encode to something that parses to the same message.
 * Built with clang -fsanitize=fuzzer,address,undefined by mk/fuzz.mk.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "ctl.h"

static const uint8_t key[NICSEC_CTL_KEY_LEN] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

static int op(void *ctx, const struct nicsec_ctl_msg *req, struct nicsec_ctl_msg *reply)
{
	/* touch every field the handler passes, for the sanitizers */
	volatile uint8_t sink = 0;
	size_t i;

	for (i = 0; i < sizeof(*req); i++)
		sink ^= ((const uint8_t *)req)[i];
	(void)sink;
	for (i = 0; i < req->n_sa; i++)
		reply->ids[i] = req->sa[i].spi & 1023;
	reply->n_ids = req->n_sa;
	reply->sa_id = req->n_sa ? req->sa[0].spi & 1023 : 0;
	/* an SA (with its key) is no part of a STATUS: the handler drops it */
	reply->present |= NICSEC_CTL_F(NICSEC_CTL_T_SA_ID) | NICSEC_CTL_F(NICSEC_CTL_T_SA) |
			  (req->n_sa ? NICSEC_CTL_F(NICSEC_CTL_T_SA_IDS) : 0);
	reply->n_sa = req->n_sa;
	return req->n_sa && (req->sa[0].spi & 1) ? NICSEC_CTL_E_EXISTS : NICSEC_CTL_OK;
}

static const struct nicsec_ctl_ops ops = { .install = op, .del = op, .flush = op, .query = op };
static struct nicsec_ctl_dev *dev;

static void handle(const uint8_t *d, size_t n)
{
	uint8_t out[NICSEC_CTL_MAX_LEN];
	struct nicsec_ctl_msg reply;
	int status = -1, len;

	len = nicsec_ctl_dev_handle(dev, d, n, out, sizeof(out), &status);
	if (len < 0)
		abort();
	if (len > 0) {
		/* every answer must be a valid STATUS under the key */
		if (nicsec_ctl_open_msg(out, (size_t)len, key, &reply) ||
		    reply.type != NICSEC_CTL_STATUS || reply.sender_id != 0 ||
		    (int)reply.code != status)
			abort();
	}
}

static void round_trip(const uint8_t *d, size_t n)
{
	struct nicsec_ctl_msg a, b;
	uint8_t enc[NICSEC_CTL_MAX_LEN];
	int len;

	if (nicsec_ctl_parse(d, n, &a))
		return;
	len = nicsec_ctl_encode(&a, enc, sizeof(enc));
	if (len < 0 || (size_t)len > n)	/* ignored TLVs only shrink it */
		abort();
	if (nicsec_ctl_parse(enc, (size_t)len, &b) || a.present != b.present)
		abort();
	a.counter = b.counter;
	if (memcmp(&a, &b, sizeof(a)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sealed[NICSEC_CTL_MAX_LEN];
	struct nicsec_ctl_msg m;
	int len;

	if (!dev && nicsec_ctl_dev_create(&dev, key, 1, &ops, NULL))
		abort();
	if (!size)
		return 0;
	switch (data[0] % 3) {
	case 0:
		nicsec_ctl_open_msg(data + 1, size - 1, key, &m);
		handle(data + 1, size - 1);
		break;
	case 1:
		len = nicsec_ctl_seal_raw(data + 1, size - 1, key, sealed, sizeof(sealed));
		if (len > 0)
			handle(sealed, (size_t)len);
		break;
	case 2:
		round_trip(data + 1, size - 1);
		break;
	}
	return 0;
}
