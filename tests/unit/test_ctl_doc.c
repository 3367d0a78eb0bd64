// SPDX-License-Identifier: GPL-2.0
/*
 * Keeps Documentation/control-protocol.md honest: regenerates every worked
 * example (plaintext and sealed hex, under the test enrollment key) and
 * checks that the document contains each block byte for byte, and that it
 * lists every status code. Usage: test_ctl_doc [DOC] (default: the path
 * from the repository root, where tests/run.sh runs), or --print to emit
 * the blocks for pasting into the document.
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

int main(int argc, char **argv)
{
	const char *path = "Documentation/control-protocol.md";
	struct ctl_example ex[EX_MAX];
	static char block[16384];
	char line[64];
	char *doc;
	int n, i;

	ex_fill(ex, &n);
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
