// SPDX-License-Identifier: GPL-2.0
/*
 * AES-GCM through the kernel crypto API, in place over a linear buffer, for
 * the ESP engine. Transforms are synchronous ("gcm(aes)" with
 * CRYPTO_ALG_ASYNC masked out) so that XDP can call seal/open from softirq;
 * each CPU owns one preallocated aead_request, used with bottom halves
 * disabled so that a softirq cannot reenter it. Allocating a transform and
 * setting its key may sleep: that is nicsec_aead_alloc(), process context
 * only. The AAD sits in its own scatterlist entry, so the ESP header and the
 * payload need not be adjacent (the explicit IV lies between them).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aead.h>
#include <crypto/gcm.h>
#include <linux/bottom_half.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "nicsec.h"

#define NICSEC_AEAD_ALG "gcm(aes)"

struct nicsec_req {
	struct scatterlist sg[2];
	u8 nonce[NICSEC_NONCE_LEN];
	struct aead_request *req;
};

static DEFINE_PER_CPU(struct nicsec_req, nicsec_reqs);
static unsigned int nicsec_reqsize;	/* what every per-CPU request can hold */

int nicsec_aead_init(void)
{
	struct crypto_aead *probe;
	int cpu;

	/*
	 * Size the per-CPU requests for the implementation the crypto API
	 * picks now; nicsec_aead_alloc() refuses one that would need more.
	 */
	probe = crypto_alloc_aead(NICSEC_AEAD_ALG, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(probe)) {
		pr_err("no synchronous %s (load gcm, ghash-generic): %ld\n",
		       NICSEC_AEAD_ALG, PTR_ERR(probe));
		return PTR_ERR(probe);
	}
	nicsec_reqsize = crypto_aead_reqsize(probe);
	pr_info("AES-GCM engine: %s\n",
		crypto_tfm_alg_driver_name(crypto_aead_tfm(probe)));
	crypto_free_aead(probe);

	for_each_possible_cpu(cpu) {
		struct nicsec_req *r = per_cpu_ptr(&nicsec_reqs, cpu);

		r->req = kzalloc_node(sizeof(*r->req) + nicsec_reqsize, GFP_KERNEL,
				      cpu_to_node(cpu));
		if (!r->req) {
			nicsec_aead_exit();
			return -ENOMEM;
		}
	}
	return 0;
}
EXPORT_SYMBOL_NS_GPL(nicsec_aead_init, NICSEC);

void nicsec_aead_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct nicsec_req *r = per_cpu_ptr(&nicsec_reqs, cpu);

		/* the request context held key-derived state (GHASH input) */
		kfree_sensitive(r->req);
		r->req = NULL;
		memzero_explicit(r->nonce, sizeof(r->nonce));
	}
}
EXPORT_SYMBOL_NS_GPL(nicsec_aead_exit, NICSEC);

struct crypto_aead *nicsec_aead_alloc(const u8 *key, unsigned int keylen)
{
	struct crypto_aead *tfm;
	int err;

	might_sleep();
	if (keylen != 16 && keylen != 32)
		return ERR_PTR(-EINVAL);
	tfm = crypto_alloc_aead(NICSEC_AEAD_ALG, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm))
		return tfm;
	if (crypto_aead_reqsize(tfm) > nicsec_reqsize) {
		/* a different implementation appeared since init */
		err = -EOPNOTSUPP;
		goto fail;
	}
	err = crypto_aead_setauthsize(tfm, NICSEC_ICV_LEN);
	if (!err)
		err = crypto_aead_setkey(tfm, key, keylen);
	if (err)
		goto fail;
	return tfm;
fail:
	crypto_free_aead(tfm);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_NS_GPL(nicsec_aead_alloc, NICSEC);

void nicsec_aead_free(struct crypto_aead *tfm)
{
	if (!IS_ERR_OR_NULL(tfm))
		crypto_free_aead(tfm);	/* kfree_sensitive() of the context */
}
EXPORT_SYMBOL_NS_GPL(nicsec_aead_free, NICSEC);

static int nicsec_aead_crypt(struct crypto_aead *tfm, const u8 *nonce,
			     const u8 *aad, u32 aadlen, u8 *buf, u32 len,
			     bool enc)
{
	struct nicsec_req *r;
	struct aead_request *req;
	int err;

	if (aadlen > NICSEC_AAD_MAX || (aadlen && !aad))
		return -EINVAL;
	if (len > NICSEC_BUF_MAX)
		return -EINVAL;

	local_bh_disable();
	r = this_cpu_ptr(&nicsec_reqs);
	req = r->req;
	/* the crypto API may read the nonce after we return: keep it per CPU */
	memcpy(r->nonce, nonce, NICSEC_NONCE_LEN);
	if (aadlen) {
		sg_init_table(r->sg, 2);
		sg_set_buf(&r->sg[0], aad, aadlen);
		sg_set_buf(&r->sg[1], buf, len + NICSEC_ICV_LEN);
	} else {
		sg_init_one(r->sg, buf, len + NICSEC_ICV_LEN);
	}

	aead_request_set_tfm(req, tfm);
	aead_request_set_callback(req, 0, NULL, NULL);
	aead_request_set_ad(req, aadlen);
	aead_request_set_crypt(req, r->sg, r->sg, enc ? len : len + NICSEC_ICV_LEN,
			       r->nonce);
	err = enc ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
	/* GCM decrypts before it compares tags: leave no unverified plaintext */
	if (err == -EBADMSG)
		memzero_explicit(buf, len);
	memzero_explicit(r->nonce, sizeof(r->nonce));
	local_bh_enable();
	return err;
}

int nicsec_aead_seal(struct crypto_aead *tfm, const u8 nonce[NICSEC_NONCE_LEN],
		     const u8 *aad, u32 aadlen, u8 *buf, u32 len)
{
	return nicsec_aead_crypt(tfm, nonce, aad, aadlen, buf, len, true);
}
EXPORT_SYMBOL_NS_GPL(nicsec_aead_seal, NICSEC);

int nicsec_aead_open(struct crypto_aead *tfm, const u8 nonce[NICSEC_NONCE_LEN],
		     const u8 *aad, u32 aadlen, u8 *buf, u32 len)
{
	return nicsec_aead_crypt(tfm, nonce, aad, aadlen, buf, len, false);
}
EXPORT_SYMBOL_NS_GPL(nicsec_aead_open, NICSEC);
