/* SPDX-License-Identifier: GPL-2.0 */
/* The configuration lexer (conf_lex.c) and the grammar it drives. */
#ifndef NICSEC_AGENT_CONF_LEX_H
#define NICSEC_AGENT_CONF_LEX_H

#include <stddef.h>
#include <stdio.h>

#define CONF_MAX_LINE		1024	/* characters, newline excluded */

struct conf_lex {
	const char *path;
	unsigned int line;	/* the line being read, from 1 */
	char *err;		/* "FILE:LINE: what", at most err_len bytes */
	size_t err_len;
};

/* What the lexer calls; each returns 0, or -1 after conf_perr(). */
struct conf_grammar {
	int (*open)(void *ctx, const char *name);	/* "name {" */
	int (*close)(void *ctx);			/* "}" */
	int (*set)(void *ctx, const char *key, const char *val);
};

__attribute__((format(printf, 2, 3)))
int conf_perr(struct conf_lex *l, const char *fmt, ...);		/* always -1 */
/* the same, pointing at @line (a section's first line, say) */
__attribute__((format(printf, 3, 4)))
int conf_perr_at(struct conf_lex *l, unsigned int line, const char *fmt, ...);

/* @l->path opened for reading, a regular file; NULL with @l->err set */
FILE *conf_lex_open(struct conf_lex *l);
/* Every line of @f through @g: 0 at the end of the file, -1 on an error. */
int conf_lex_file(struct conf_lex *l, FILE *f, const struct conf_grammar *g, void *ctx);

#endif
