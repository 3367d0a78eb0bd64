// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite running Project Wycheproof's AES-GCM vectors
 * (aes_gcm_test.json, Apache-2.0) through aead.c. The build turns the JSON
 * into tables (tools/kunit/wycheproof2c.sh); every case the engine can
 * take runs: a valid one must seal to exactly ct || tag and open back to
 * msg, an invalid one must be refused by open (-EBADMSG, output zeroed).
 * The engine takes 128/256-bit keys, 96-bit nonces, 128-bit tags and at
 * most NICSEC_AAD_MAX bytes of AAD; the suite says which groups and cases
 * fall outside that and why, checks that over-long AAD is refused, and
 * ends with "wycheproof: N valid, N invalid passed, N skipped".
 */
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "nicsec_kunit.h"

enum wp_result { WP_VALID, WP_INVALID, WP_ACCEPTABLE };

struct wp_group {
	u16 key_bits, iv_bits, tag_bits, count;
};

struct wp_case {
	u16 tc_id;
	u8 group;
	u8 result;		/* enum wp_result */
	const char *comment;
	const char *key, *iv, *aad, *msg, *ct, *tag;	/* hex */
};

#include "wycheproof_aes_gcm.h"

/* What the engine accepts (aead.c, nicsec.h). */
static bool wp_group_supported(const struct wp_group *g)
{
	return (g->key_bits == 128 || g->key_bits == 256) &&
	       g->iv_bits == NICSEC_NONCE_LEN * 8 &&
	       g->tag_bits == NICSEC_ICV_LEN * 8;
}

static bool wp_within_limits(const struct wp_case *c)
{
	return strlen(c->aad) / 2 <= NICSEC_AAD_MAX &&
	       strlen(c->msg) / 2 <= NICSEC_BUF_MAX;
}

enum wp_kind {
	WP_RUN_VALID,		/* seal and open, known answer */
	WP_RUN_INVALID,		/* open must refuse */
	WP_OVER_LIMIT,		/* refused with -EINVAL, checked; skipped */
	WP_SKIP_ACCEPTABLE,	/* "acceptable": either outcome is right */
	WP_SKIP_GROUP,		/* key, nonce or tag size the engine lacks */
};

static enum wp_kind wp_kind(const struct wp_case *c)
{
	if (!wp_group_supported(&wp_groups[c->group]))
		return WP_SKIP_GROUP;
	if (c->result == WP_ACCEPTABLE)
		return WP_SKIP_ACCEPTABLE;
	if (!wp_within_limits(c))
		return WP_OVER_LIMIT;
	return c->result == WP_VALID ? WP_RUN_VALID : WP_RUN_INVALID;
}

/* Cases that passed in this run of the suite, for wycheproof_totals. */
static struct {
	unsigned int valid, invalid, over_limit;
} wp_passed;

static int wp_suite_init(struct kunit_suite *suite)
{
	memset(&wp_passed, 0, sizeof(wp_passed));
	return 0;
}

/* One case decoded into kmalloc buffers; buf has room for the tag. */
struct wp_bufs {
	u8 *key, *iv, *aad, *msg, *sealed, *buf;
	u32 key_len, iv_len, aad_len, msg_len;
};

static void wp_load(struct kunit *test, const struct wp_case *c, struct wp_bufs *b)
{
	u32 ct_len, tag_len;
	u8 *tag;

	b->key = nicsec_kunit_unhex(test, c->key, 0, &b->key_len);
	b->iv = nicsec_kunit_unhex(test, c->iv, 0, &b->iv_len);
	b->aad = nicsec_kunit_unhex(test, c->aad, 0, &b->aad_len);
	b->msg = nicsec_kunit_unhex(test, c->msg, 0, &b->msg_len);
	b->sealed = nicsec_kunit_unhex(test, c->ct, NICSEC_ICV_LEN, &ct_len);
	tag = nicsec_kunit_unhex(test, c->tag, 0, &tag_len);
	KUNIT_ASSERT_EQ_MSG(test, b->iv_len, NICSEC_NONCE_LEN, "tcId %u", c->tc_id);
	KUNIT_ASSERT_EQ_MSG(test, ct_len, b->msg_len, "tcId %u", c->tc_id);
	KUNIT_ASSERT_EQ_MSG(test, tag_len, NICSEC_ICV_LEN, "tcId %u", c->tc_id);
	memcpy(b->sealed + ct_len, tag, NICSEC_ICV_LEN);
	b->buf = nicsec_kunit_buf(test, b->msg_len + NICSEC_ICV_LEN, 0);
}

static void wp_free_bufs(struct kunit *test, struct wp_bufs *b)
{
	kunit_kfree(test, b->key);
	kunit_kfree(test, b->iv);
	kunit_kfree(test, b->aad);
	kunit_kfree(test, b->msg);
	kunit_kfree(test, b->sealed);
	kunit_kfree(test, b->buf);
}

static struct crypto_aead *wp_tfm(struct kunit *test, const struct wp_case *c,
				  const struct wp_bufs *b)
{
	struct crypto_aead *tfm = nicsec_aead_alloc(b->key, b->key_len);

	KUNIT_EXPECT_FALSE_MSG(test, IS_ERR_OR_NULL(tfm),
			       "tcId %u: nicsec_aead_alloc: %ld", c->tc_id,
			       PTR_ERR(tfm));
	return IS_ERR_OR_NULL(tfm) ? NULL : tfm;
}

static bool wp_run_valid(struct kunit *test, const struct wp_case *c)
{
	struct crypto_aead *tfm;
	struct wp_bufs b;
	bool ok = false;
	int err;

	wp_load(test, c, &b);
	tfm = wp_tfm(test, c, &b);
	if (!tfm)
		goto out;

	memcpy(b.buf, b.msg, b.msg_len);
	err = nicsec_aead_seal(tfm, b.iv, b.aad, b.aad_len, b.buf, b.msg_len);
	KUNIT_EXPECT_EQ_MSG(test, err, 0, "tcId %u (%s): seal", c->tc_id, c->comment);
	if (err)
		goto out_tfm;
	KUNIT_EXPECT_MEMEQ_MSG(test, b.buf, b.sealed, b.msg_len + NICSEC_ICV_LEN,
			       "tcId %u (%s): ct || tag", c->tc_id, c->comment);
	if (memcmp(b.buf, b.sealed, b.msg_len + NICSEC_ICV_LEN))
		goto out_tfm;

	err = nicsec_aead_open(tfm, b.iv, b.aad, b.aad_len, b.buf, b.msg_len);
	KUNIT_EXPECT_EQ_MSG(test, err, 0, "tcId %u (%s): open", c->tc_id, c->comment);
	KUNIT_EXPECT_MEMEQ_MSG(test, b.buf, b.msg, b.msg_len,
			       "tcId %u (%s): msg", c->tc_id, c->comment);
	ok = !err && !memcmp(b.buf, b.msg, b.msg_len);
out_tfm:
	nicsec_aead_free(tfm);
out:
	wp_free_bufs(test, &b);
	return ok;
}

static bool wp_run_invalid(struct kunit *test, const struct wp_case *c)
{
	struct crypto_aead *tfm;
	struct wp_bufs b;
	bool ok = false;
	int err;

	wp_load(test, c, &b);
	tfm = wp_tfm(test, c, &b);
	if (!tfm)
		goto out;

	memcpy(b.buf, b.sealed, b.msg_len + NICSEC_ICV_LEN);
	err = nicsec_aead_open(tfm, b.iv, b.aad, b.aad_len, b.buf, b.msg_len);
	KUNIT_EXPECT_EQ_MSG(test, err, -EBADMSG, "tcId %u (%s): open",
			    c->tc_id, c->comment);
	KUNIT_EXPECT_FALSE_MSG(test, nicsec_kunit_not_all(b.buf, b.msg_len, 0),
			       "tcId %u (%s): refused open left data behind",
			       c->tc_id, c->comment);
	ok = err == -EBADMSG && !nicsec_kunit_not_all(b.buf, b.msg_len, 0);
	nicsec_aead_free(tfm);
out:
	wp_free_bufs(test, &b);
	return ok;
}

/* Over the engine's limits: refused up front, nothing written. */
static bool wp_run_over_limit(struct kunit *test, const struct wp_case *c)
{
	struct crypto_aead *tfm;
	struct wp_bufs b;
	bool ok = false;
	int seal, open;

	wp_load(test, c, &b);
	tfm = wp_tfm(test, c, &b);
	if (!tfm)
		goto out;

	memcpy(b.buf, b.sealed, b.msg_len + NICSEC_ICV_LEN);
	seal = nicsec_aead_seal(tfm, b.iv, b.aad, b.aad_len, b.buf, b.msg_len);
	open = nicsec_aead_open(tfm, b.iv, b.aad, b.aad_len, b.buf, b.msg_len);
	KUNIT_EXPECT_EQ_MSG(test, seal, -EINVAL, "tcId %u: seal", c->tc_id);
	KUNIT_EXPECT_EQ_MSG(test, open, -EINVAL, "tcId %u: open", c->tc_id);
	KUNIT_EXPECT_MEMEQ_MSG(test, b.buf, b.sealed, b.msg_len + NICSEC_ICV_LEN,
			       "tcId %u: refused request wrote the buffer", c->tc_id);
	ok = seal == -EINVAL && open == -EINVAL &&
	     !memcmp(b.buf, b.sealed, b.msg_len + NICSEC_ICV_LEN);
	nicsec_aead_free(tfm);
out:
	wp_free_bufs(test, &b);
	return ok;
}

static void wycheproof_valid(struct kunit *test)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(wp_cases); i++) {
		if (wp_kind(&wp_cases[i]) != WP_RUN_VALID)
			continue;
		n++;
		if (wp_run_valid(test, &wp_cases[i]))
			wp_passed.valid++;
	}
	kunit_info(test, "%u of %u valid cases sealed to ct || tag and opened\n",
		   wp_passed.valid, n);
	KUNIT_EXPECT_GT(test, n, 0U);
}

static void wycheproof_invalid(struct kunit *test)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(wp_cases); i++) {
		if (wp_kind(&wp_cases[i]) != WP_RUN_INVALID)
			continue;
		n++;
		if (wp_run_invalid(test, &wp_cases[i]))
			wp_passed.invalid++;
	}
	kunit_info(test, "%u of %u invalid cases refused by open\n",
		   wp_passed.invalid, n);
	KUNIT_EXPECT_GT(test, n, 0U);
}

static void wycheproof_over_limits(struct kunit *test)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(wp_cases); i++) {
		const struct wp_case *c = &wp_cases[i];

		if (wp_kind(c) != WP_OVER_LIMIT)
			continue;
		n++;
		if (wp_run_over_limit(test, c))
			wp_passed.over_limit++;
	}
	kunit_info(test, "%u of %u cases over NICSEC_AAD_MAX (%d B AAD) or NICSEC_BUF_MAX refused with -EINVAL\n",
		   wp_passed.over_limit, n, NICSEC_AAD_MAX);
	KUNIT_EXPECT_EQ(test, wp_passed.over_limit, n);
}

/* Name what a group lacks, into @buf. */
static void wp_group_why(const struct wp_group *g, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	if (g->key_bits != 128 && g->key_bits != 256)
		n += scnprintf(buf + n, size - n, "%u-bit key (engine: 128, 256); ",
			       g->key_bits);
	if (g->iv_bits != NICSEC_NONCE_LEN * 8)
		n += scnprintf(buf + n, size - n, "%u-bit IV (engine: 96, RFC 4106 salt || IV); ",
			       g->iv_bits);
	if (g->tag_bits != NICSEC_ICV_LEN * 8)
		n += scnprintf(buf + n, size - n, "%u-bit tag (engine: 128); ",
			       g->tag_bits);
	if (n >= 2)
		buf[n - 2] = '\0';
}

/* Report, group by group, what was not run and why; skip if anything. */
static void wycheproof_unsupported(struct kunit *test)
{
	unsigned int g, i, first = 0, groups = 0, cases = 0, by_key = 0, by_iv = 0;
	unsigned int over = 0, acceptable = 0;
	char why[160];

	for (g = 0; g < ARRAY_SIZE(wp_groups); g++) {
		const struct wp_group *grp = &wp_groups[g];
		unsigned int n_over = 0, n_acc = 0;

		for (i = first; i < first + grp->count && i < ARRAY_SIZE(wp_cases); i++) {
			KUNIT_EXPECT_EQ_MSG(test, wp_cases[i].group, g,
					    "tcId %u out of its group", wp_cases[i].tc_id);
			n_over += wp_kind(&wp_cases[i]) == WP_OVER_LIMIT;
			n_acc += wp_kind(&wp_cases[i]) == WP_SKIP_ACCEPTABLE;
		}
		first += grp->count;

		if (!wp_group_supported(grp)) {
			wp_group_why(grp, why, sizeof(why));
			kunit_info(test, "skipped group %u (key %u, IV %u, tag %u bits): %u cases: %s\n",
				   g, grp->key_bits, grp->iv_bits, grp->tag_bits,
				   grp->count, why);
			groups++;
			cases += grp->count;
			if (grp->key_bits != 128 && grp->key_bits != 256)
				by_key += grp->count;
			else
				by_iv += grp->count;
			continue;
		}
		if (n_over)
			kunit_info(test, "skipped in group %u (key %u, IV %u, tag %u bits): %u valid cases with AAD over NICSEC_AAD_MAX (%d bytes); refused with -EINVAL (checked by wycheproof_over_limits), not compared\n",
				   g, grp->key_bits, grp->iv_bits, grp->tag_bits,
				   n_over, NICSEC_AAD_MAX);
		if (n_acc)
			kunit_info(test, "skipped in group %u: %u \"acceptable\" cases (either outcome is correct)\n",
				   g, n_acc);
		over += n_over;
		acceptable += n_acc;
	}
	KUNIT_EXPECT_EQ_MSG(test, first, (unsigned int)ARRAY_SIZE(wp_cases),
			    "group sizes do not add up to the case count");

	if (cases + over + acceptable)
		kunit_skip(test, "%u cases not run: %u in %u groups the engine cannot take (%u for a 192-bit key, %u for a non-96-bit IV), %u over NICSEC_AAD_MAX, %u acceptable",
			   cases + over + acceptable, cases, groups, by_key, by_iv,
			   over, acceptable);
}

/* The totals line, and that every case of the file is accounted for. */
static void wycheproof_totals(struct kunit *test)
{
	unsigned int i, valid = 0, invalid = 0, skipped = 0;

	for (i = 0; i < ARRAY_SIZE(wp_cases); i++) {
		switch (wp_kind(&wp_cases[i])) {
		case WP_RUN_VALID:
			valid++;
			break;
		case WP_RUN_INVALID:
			invalid++;
			break;
		default:
			skipped++;
			break;
		}
	}
	kunit_info(test, "wycheproof: %u valid, %u invalid passed, %u skipped\n",
		   wp_passed.valid, wp_passed.invalid, skipped);
	KUNIT_EXPECT_EQ(test, valid + invalid + skipped, (unsigned int)WP_NUMBER_OF_TESTS);
	KUNIT_EXPECT_EQ(test, (unsigned int)ARRAY_SIZE(wp_cases),
			(unsigned int)WP_NUMBER_OF_TESTS);
	KUNIT_EXPECT_EQ_MSG(test, wp_passed.valid, valid, "valid cases that failed");
	KUNIT_EXPECT_EQ_MSG(test, wp_passed.invalid, invalid, "invalid cases that opened");
}

static struct kunit_case nicsec_wycheproof_cases[] = {
	KUNIT_CASE(wycheproof_valid),
	KUNIT_CASE(wycheproof_invalid),
	KUNIT_CASE(wycheproof_over_limits),
	KUNIT_CASE(wycheproof_unsupported),
	KUNIT_CASE(wycheproof_totals),
	{}
};

struct kunit_suite nicsec_wycheproof_suite = {
	.name = "nicsec_wycheproof",
	.suite_init = wp_suite_init,
	.test_cases = nicsec_wycheproof_cases,
};
