/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP 13 producer for nicsec's C tests (unit and BPF). Usage:
 *	tap_plan(N); ok(cond, "name %d", i); ... return tap_done();
 * tap_done() returns 0 when every planned test ran and passed, else 1.
 */
#ifndef NICSEC_TAP_H
#define NICSEC_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_planned, tap_run, tap_failed;

static inline void tap_plan(int n)
{
	tap_planned = n;
	printf("TAP version 13\n1..%d\n", n);
	fflush(stdout);
}

static inline void tap_vresult(int pass, const char *directive, const char *fmt,
			       va_list ap)
{
	tap_run++;
	if (!pass)
		tap_failed++;
	printf("%sok %d - ", pass ? "" : "not ", tap_run);
	vprintf(fmt, ap);
	if (directive)
		printf(" # %s", directive);
	printf("\n");
	fflush(stdout);
}

__attribute__((format(printf, 2, 3)))
static inline int ok(int pass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(pass, NULL, fmt, ap);
	va_end(ap);
	return pass;
}

/* A skip must say which real prerequisite is missing. */
__attribute__((format(printf, 2, 3)))
static inline void skip(const char *why, const char *fmt, ...)
{
	char directive[256];
	va_list ap;

	snprintf(directive, sizeof(directive), "SKIP %s", why);
	va_start(ap, fmt);
	tap_vresult(1, directive, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 1, 2)))
static inline void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

#define is_int(got, want, name, ...) ({					\
	long long __g = (got), __w = (want);				\
	int __p = ok(__g == __w, name, ##__VA_ARGS__);			\
	if (!__p)							\
		diag("  got %lld, want %lld", __g, __w);		\
	__p; })

#define is_mem(got, want, len, name, ...) ({				\
	int __p = ok(!memcmp((got), (want), (len)), name, ##__VA_ARGS__); \
	__p; })

/* Stop the test program now: the remaining planned tests count as failed. */
static inline void tap_bail(const char *why)
{
	printf("Bail out! %s\n", why);
	fflush(stdout);
	exit(1);
}

static inline int tap_done(void)
{
	if (tap_run != tap_planned)
		diag("planned %d tests but ran %d", tap_planned, tap_run);
	return tap_failed || tap_run != tap_planned;
}

#endif
