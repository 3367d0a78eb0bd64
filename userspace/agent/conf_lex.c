// SPDX-License-Identifier: GPL-2.0
/*
 * The lexer of nicsec-agent's configuration (Documentation/agent.md):
 * lines of at most CONF_MAX_LINE characters, "name {", "}", "key = value"
 * (several on a line), quoted values with \" and \\, '#' comments. What it
 * reads it hands to a grammar (conf.c); the first error, its own or the
 * grammar's, ends the parse with "FILE:LINE: what".
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "conf.h"
#include "conf_lex.h"

__attribute__((format(printf, 2, 3)))
int conf_perr(struct conf_lex *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->err || !p->err_len)
		return -1;
	n = snprintf(p->err, p->err_len, "%s:%u: ", p->path, p->line);
	if (n < 0 || (size_t)n >= p->err_len)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->err_len - n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Errors found when a section closes point at the line that opened it. */
__attribute__((format(printf, 3, 4)))
int conf_perr_at(struct conf_lex *p, unsigned int line, const char *fmt, ...)
{
	unsigned int now = p->line;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->line = line;
	conf_perr(p, "%s", msg);
	p->line = now;
	return -1;
}

static int is_name_char(int c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.';
}

static char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return (char *)s;
}

/* Does "key =" start after the blanks at @s? Then a value ends before them. */
static int next_key_at(const char *s)
{
	s = skip_ws(s);
	if (!is_name_char((unsigned char)*s))
		return 0;
	while (is_name_char((unsigned char)*s))
		s++;
	return *skip_ws(s) == '=';
}

static int perr_char(struct conf_lex *p, int c)
{
	if (isprint(c))
		return conf_perr(p, "unexpected '%c'", c);
	return conf_perr(p, "unexpected byte 0x%02x", c);
}

static char *lex_name(struct conf_lex *p, char *s, char *name)
{
	size_t n = 0;

	if (!is_name_char((unsigned char)*s)) {
		perr_char(p, (unsigned char)*s);
		return NULL;
	}
	while (is_name_char((unsigned char)s[n]))
		n++;
	if (n >= AGENT_NAME_LEN) {
		conf_perr(p, "name too long (max %d characters)", AGENT_NAME_LEN - 1);
		return NULL;
	}
	memcpy(name, s, n);
	name[n] = '\0';
	return s + n;
}

/* "..." with \" and \\; then only blanks, a comment or '}' may follow. */
static char *lex_quoted(struct conf_lex *p, char *s, char *val)
{
	size_t n = 0;

	for (s++; *s != '"'; s++) {
		if (!*s) {
			conf_perr(p, "unterminated quoted value");
			return NULL;
		}
		if (*s == '\\') {
			s++;
			if (*s != '"' && *s != '\\') {
				conf_perr(p, "bad escape in quoted value (only \\\" and \\\\)");
				return NULL;
			}
		}
		val[n++] = *s;
	}
	val[n] = '\0';
	s++;
	if (!next_key_at(s)) {
		s = skip_ws(s);
		if (*s && *s != '#' && *s != '}') {
			conf_perr(p, "text after the quoted value");
			return NULL;
		}
	}
	return s;
}

/*
 * A value runs to the end of the line, a comment, a '}' or the blanks
 * before another "key =" on the same line; trailing blanks are trimmed.
 */
static char *lex_value(struct conf_lex *p, const char *key, char *s, char *val)
{
	const char *bad;
	size_t n = 0, end;

	s = skip_ws(s);
	if (*s == '"')
		return lex_quoted(p, s, val);
	while (s[n] && s[n] != '#' && s[n] != '}') {
		if ((s[n] == ' ' || s[n] == '\t') && next_key_at(s + n))
			break;
		n++;
	}
	end = n;
	memcpy(val, s, n);
	val[n] = '\0';
	while (n && (val[n - 1] == ' ' || val[n - 1] == '\t'))
		val[--n] = '\0';
	bad = strpbrk(val, "={\"");
	if (bad) {
		conf_perr(p, "stray '%c' in the value of %s (quote the value if it is meant)",
		     *bad, key);
		return NULL;
	}
	return s + end;
}

static int lex_line(struct conf_lex *p, char *s, const struct conf_grammar *g, void *ctx)
{
	char name[AGENT_NAME_LEN];
	char val[CONF_MAX_LINE + 1];

	for (;;) {
		s = skip_ws(s);
		if (!*s || *s == '#')
			return 0;
		if (*s == '}') {
			if (g->close(ctx))
				return -1;
			s++;
			continue;
		}
		s = lex_name(p, s, name);
		if (!s)
			return -1;
		s = skip_ws(s);
		if (*s == '{') {
			if (g->open(ctx, name))
				return -1;
			s++;
		} else if (*s == '=') {
			s = lex_value(p, name, s + 1, val);
			if (!s || g->set(ctx, name, val))
				return -1;
		} else {
			return conf_perr(p, "expected '{' or '=' after '%s'", name);
		}
	}
}

/* One line into @buf without its newline (LF or CRLF). 1: a line, 0: end of file. */
static int read_line(struct conf_lex *p, FILE *f, char *buf, size_t cap)
{
	size_t n = 0;
	int c;

	p->line++;
	while ((c = getc(f)) != EOF && c != '\n') {
		if (c == '\r') {
			c = getc(f);
			if (c == '\n' || c == EOF)
				break;
			return conf_perr(p, "stray carriage return");
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return conf_perr(p, "control character 0x%02x", c);
		if (n == cap - 1)
			return conf_perr(p, "line too long (max %zu characters)", cap - 1);
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	if (ferror(f))
		return conf_perr(p, "read error: %s", strerror(errno));
	if (c == EOF && !n) {
		p->line--;
		return 0;
	}
	return 1;
}

int conf_lex_file(struct conf_lex *p, FILE *f, const struct conf_grammar *g, void *ctx)
{
	char line[CONF_MAX_LINE + 1];
	int ret;

	while ((ret = read_line(p, f, line, sizeof(line))) > 0)
		if (lex_line(p, line, g, ctx))
			return -1;
	return ret < 0 ? -1 : 0;
}

FILE *conf_lex_open(struct conf_lex *p)
{
	struct stat st;
	FILE *f = fopen(p->path, "re");

	if (!f) {
		snprintf(p->err, p->err_len, "%s: %s", p->path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		snprintf(p->err, p->err_len, "%s: not a regular file", p->path);
		fclose(f);
		return NULL;
	}
	return f;
}
