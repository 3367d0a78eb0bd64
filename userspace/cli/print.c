// SPDX-License-Identifier: GPL-2.0
/* Text and JSON output; see print.h. Keys and strings printed here are our
 * own identifiers, but strings are escaped anyway. */
#include <inttypes.h>
#include <stdio.h>
#include "print.h"

bool print_json;
static int depth;
static void json_string(const char *s);
static bool need_comma;

static void sep(void)
{
	if (need_comma)
		putchar(',');
	need_comma = false;
}

void print_array_open(void)
{
	if (print_json) {
		sep();
		putchar('[');
		depth++;
	}
}

void print_array_open_key(const char *key)
{
	if (print_json) {
		sep();
		json_string(key);
		printf(":[");
		depth++;
	}
}

void print_array_close(void)
{
	if (print_json) {
		putchar(']');
		if (!--depth)
			putchar('\n');
		need_comma = true;
	}
}

void print_object_open(void)
{
	if (print_json) {
		sep();
		putchar('{');
		depth++;
	}
}

void print_object_open_key(const char *key)
{
	if (print_json) {
		sep();
		json_string(key);
		printf(":{");
		depth++;
	}
}

void print_object_close(void)
{
	if (print_json) {
		putchar('}');
		if (!--depth)
			putchar('\n');
		need_comma = true;
	} else {
		putchar('\n');
	}
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* The text formats are literals at every call site (see print.h). */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

void print_str(const char *key, const char *fmt, const char *val)
{
	if (print_json) {
		sep();
		if (key) {		/* NULL: an element of an array */
			json_string(key);
			putchar(':');
		}
		json_string(val);
		need_comma = true;
	} else {
		printf(fmt, val);
	}
}

void print_u64(const char *key, const char *fmt, uint64_t val)
{
	if (print_json) {
		sep();
		json_string(key);
		printf(":%" PRIu64, val);
		need_comma = true;
	} else {
		printf(fmt, val);
	}
}
