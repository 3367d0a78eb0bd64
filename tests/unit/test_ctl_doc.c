// SPDX-License-Identifier: GPL-2.0
/*
 * Keeps Documentation/control-protocol.md honest: regenerates every worked
 * example (plaintext and sealed hex, under the test enrollment key) and
 * checks that the document contains each block byte for byte, and that it
 * lists every status code. Usage: test_ctl_doc [DOC] (default: the path
 * from the repository root, where tests/run.sh runs), --print to emit
 * the blocks for pasting into the document, or --corpus DIR to write the
 * examples as seeds of tests/fuzz/fuzz_ctl.c (sealed-, plain-, parse-NAME:
 * modes 0, 1, 2 of the harness).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "ctl_examples.h"
#include "../tap.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto out;
	buf = calloc(1, (size_t)len + 1);
	if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
out:
	fclose(f);
	return buf;
}

/* "INSTALL of two SAs, ..." -> "install-of-two-sas" (up to a comma) */
static void seed_name(const char *name, char *out, size_t cap)
{
	size_t i, o = 0;

	for (i = 0; name[i] && name[i] != ',' && o + 1 < cap; i++)
		out[o++] = name[i] == ' ' ? '-' : (char)((name[i] >= 'A' && name[i] <= 'Z') ?
							 name[i] - 'A' + 'a' : name[i]);
	out[o] = '\0';
}

static int write_seed(const char *dir, const char *mode, const char *name, uint8_t m,
		      const uint8_t *p, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s-%s", dir, mode, name);
	f = fopen(path, "w");
	if (!f || fputc(m, f) == EOF || fwrite(p, 1, len, f) != len) {
		if (f)
			fclose(f);
		return 1;
	}
	return fclose(f) ? 1 : 0;
}

static int write_corpus(const char *dir, const struct ctl_example *ex, int n)
{
	uint8_t plain[NICSEC_CTL_MAX_LEN], sealed[NICSEC_CTL_MAX_LEN];
	char name[64];
	int i, plen, slen, err = 0;

	for (i = 0; i < n; i++) {
		seed_name(ex[i].name, name, sizeof(name));
		plen = nicsec_ctl_encode(&ex[i].msg, plain, sizeof(plain));
		slen = nicsec_ctl_seal(&ex[i].msg, ex_key, sealed, sizeof(sealed));
		if (plen < 0 || slen < 0)
			return 1;
		err |= write_seed(dir, "sealed", name, 0, sealed, (size_t)slen);
		err |= write_seed(dir, "plain", name, 1, plain, (size_t)plen);
		err |= write_seed(dir, "parse", name, 2, plain, (size_t)plen);
	}
	return err;
}

int main(int argc, char **argv)
{
	const char *path = "Documentation/control-protocol.md";
	struct ctl_example ex[EX_MAX];
	static char block[16384];
	char line[64];
	char *doc;
	int n, i;

	ex_fill(ex, &n);
	if (argc > 2 && !strcmp(argv[1], "--corpus"))
		return write_corpus(argv[2], ex, n);
	if (argc > 1 && !strcmp(argv[1], "--print")) {
		for (i = 0; i < n; i++) {
			if (ex_block(&ex[i], block, sizeof(block)) < 0)
				return 1;
			fputs(block, stdout);
			putchar('\n');
		}
		return 0;
	}
	if (argc > 1)
		path = argv[1];
	tap_plan(n + 2);
	doc = slurp(path);
	if (!doc)
		tap_bail("cannot read the control protocol document");
	for (i = 0; i < n; i++) {
		int found = ex_block(&ex[i], block, sizeof(block)) > 0 && strstr(doc, block);

		if (!ok(found, "document has the example \"%s\" byte for byte", ex[i].name))
			diag("expected block:\n%s", block);
	}
	ok(strstr(doc, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f") != NULL,
	   "document gives the test enrollment key");
	{
		int missing = 0;

		for (i = 0; i < NICSEC_CTL_STATUS_MAX; i++) {
			snprintf(line, sizeof(line), "\n| %d | `", i);
			if (!strstr(doc, line)) {
				diag("status code %d missing from the table", i);
				missing++;
			}
		}
		ok(!missing, "document lists all %d status codes", NICSEC_CTL_STATUS_MAX);
	}
	free(doc);
	return tap_done();
}
