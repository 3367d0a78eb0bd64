// SPDX-License-Identifier: GPL-2.0
/* Logging for the daemons; see log.h. */
#include <stdarg.h>
#include <stdio.h>
#include "log.h"

int log_verbose;
const char *log_prog = "nicsec";

void log_msg(int level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	va_list ap;

	if (level == LOG_LVL_DEBUG && !log_verbose)
		return;
	fprintf(stderr, "%s: %s: ", log_prog, names[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
