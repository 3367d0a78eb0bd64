// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the IKEv2 codec (userspace/ike/payload.c, build.c).
 * The input is a datagram (the non-ESP marker removed). What parses is
 * decoded payload by payload, rebuilt with the builders, and must parse
 * again; a second rebuild must give the same bytes (the codec is a fixed
 * point after one normalisation of reserved bits and unknown attributes).
 * A second pass reads the input as a bare chain, as the decrypted body of
 * SK is read: first byte the first payload type, the rest the chain.
 * Built with clang -fsanitize=fuzzer,address,undefined by mk/ike.mk.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "ike.h"

union decoded {
	struct ike_sa sa;
	struct ike_ke ke;
	struct ike_blob blob;
	struct ike_id id;
	struct ike_auth auth;
	struct ike_cert cert;
	struct ike_notify n;
	struct ike_delete del;
	struct ike_ts_set ts;
	struct ike_skf skf;
};

/* Decode @p and append it to @b; 1 if the payload does not decode. */
static int rebuild_one(struct ike_buf *b, const struct ike_pld *p, uint8_t sk_next)
{
	static union decoded d;
	size_t at = b->len;

	switch (p->type) {
	case IKE_PLD_SA:
		if (ike_pld_sa(p->body, p->len, &d.sa))
			return 1;
		ike_build_sa(b, &d.sa);
		break;
	case IKE_PLD_KE:
		if (ike_pld_ke(p->body, p->len, &d.ke))
			return 1;
		ike_build_ke(b, &d.ke);
		break;
	case IKE_PLD_IDI:
	case IKE_PLD_IDR:
		if (ike_pld_id(p->body, p->len, &d.id))
			return 1;
		ike_build_id(b, p->type, &d.id);
		break;
	case IKE_PLD_CERT:
	case IKE_PLD_CERTREQ:
		if (ike_pld_cert(p->body, p->len, &d.cert))
			return 1;
		ike_build_cert(b, p->type, &d.cert);
		break;
	case IKE_PLD_AUTH:
		if (ike_pld_auth(p->body, p->len, &d.auth))
			return 1;
		ike_build_auth(b, &d.auth);
		break;
	case IKE_PLD_NONCE:
		if (ike_pld_nonce(p->body, p->len, &d.blob))
			return 1;
		ike_build_nonce(b, d.blob.data, d.blob.len);
		break;
	case IKE_PLD_NOTIFY:
		if (ike_pld_notify(p->body, p->len, &d.n))
			return 1;
		ike_build_notify(b, &d.n);
		break;
	case IKE_PLD_DELETE:
		if (ike_pld_delete(p->body, p->len, &d.del))
			return 1;
		ike_build_delete(b, &d.del);
		break;
	case IKE_PLD_VENDOR:
		if (ike_pld_vendor(p->body, p->len, &d.blob))
			return 1;
		ike_build_vendor(b, d.blob.data, d.blob.len);
		break;
	case IKE_PLD_TSI:
	case IKE_PLD_TSR:
		if (ike_pld_ts(p->body, p->len, &d.ts))
			return 1;
		ike_build_ts(b, p->type, &d.ts);
		break;
	case IKE_PLD_SK:
		if (ike_pld_sk(p->body, p->len, &d.blob))
			return 1;
		ike_build_sk(b, sk_next, d.blob.data, d.blob.len);
		break;
	case IKE_PLD_SKF:
		if (ike_pld_skf(p->body, p->len, &d.skf))
			return 1;
		if (!ike_build_raw(b, IKE_PLD_SKF, 0, p->body, p->len))
			b->p[at] = sk_next;
		break;
	default:	/* CP, EAP: bounds only */
		ike_build_raw(b, p->type, p->critical ? IKE_PLD_CRITICAL : 0, p->body, p->len);
		break;
	}
	if (b->err)
		abort();	/* a decoded payload must build */
	return 0;
}

/* Rebuild @m into @out; length, or 0 if some payload does not decode. */
static size_t rebuild(const struct ike_msg *m, uint8_t *out, size_t cap)
{
	struct ike_buf b;
	unsigned int i;
	int len;

	ike_build_begin(&b, out, cap, &m->hdr);
	for (i = 0; i < m->n_pld; i++)
		if (rebuild_one(&b, &m->pld[i], m->sk_next))
			return 0;
	len = ike_build_end(&b);
	if (len < 0)
		abort();
	return (size_t)len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ike_msg m, m2, m3;
	static uint8_t out1[IKE_MAX_MSG_LEN], out2[IKE_MAX_MSG_LEN];
	size_t l1, l2;
	int err;

	err = ike_pld_msg(data, size, &m);
	if (err && !ike_err_notify(err))
		abort();	/* parse errors all map to a notify */
	if (!err) {
		l1 = rebuild(&m, out1, sizeof(out1));
		if (l1) {
			if (ike_pld_msg(out1, l1, &m2) || m2.n_pld != m.n_pld)
				abort();
			l2 = rebuild(&m2, out2, sizeof(out2));
			if (l2 != l1 || memcmp(out1, out2, l1))
				abort();
		}
	}
	if (size >= 1)
		(void)ike_pld_chain(data[0], data + 1, size - 1, &m3);
	return 0;
}
