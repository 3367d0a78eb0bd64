/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared pieces of nicsec_kunit.ko, the KUnit suites for nicsec.ko's
 * internal API: the suites main.c registers, the published AES-GCM vectors
 * aead_kunit.c defines and keyslot_kunit.c reuses, and helpers that turn
 * hex into test-managed kmalloc buffers. Buffers and AAD handed to the
 * engine must come from kmalloc: it builds scatterlists over them, which
 * module data (vmalloc space) and stacks cannot back.
 */
#ifndef NICSEC_KUNIT_H
#define NICSEC_KUNIT_H

#include <kunit/test.h>
#include "nicsec.h"

extern struct kunit_suite nicsec_aead_suite;
extern struct kunit_suite nicsec_keyslot_suite;
extern struct kunit_suite nicsec_wycheproof_suite;

/*
 * A known-answer AES-GCM vector, bytes as hex text exactly as published.
 * ESP vectors (RFC 4106) have nonce = salt (4) || explicit IV (8) and
 * AAD = SPI || sequence number (8 bytes, or 12 with an extended one).
 */
struct nicsec_gcm_vector {
	const char *name;
	const char *key;
	const char *nonce;	/* 12 bytes */
	const char *aad;
	const char *pt;
	const char *ct;		/* as long as pt */
	const char *tag;	/* 16 bytes */
	bool esp;
};

extern const struct nicsec_gcm_vector nicsec_gcm_vectors[];
extern const unsigned int nicsec_gcm_vectors_count;

/*
 * Decode @hex into a new test-managed buffer with @extra spare bytes after
 * the data (for the tag); its decoded length goes to @len. Fails the test
 * on malformed hex or allocation failure.
 */
u8 *nicsec_kunit_unhex(struct kunit *test, const char *hex, size_t extra,
		       u32 *len);
/* A test-managed kmalloc buffer of @len bytes, each set to @fill. */
u8 *nicsec_kunit_buf(struct kunit *test, size_t len, u8 fill);
/* Nonzero if any of @len bytes at @p differs from @c. */
static inline bool nicsec_kunit_not_all(const u8 *p, size_t len, u8 c)
{
	return memchr_inv(p, c, len) != NULL;
}

#endif /* NICSEC_KUNIT_H */
