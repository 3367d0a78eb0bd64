/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output for `nicsec`: each field is printed by one call that feeds both the
 * text and the JSON (-j) form, as iproute2's json_print does.
 */
#ifndef NICSEC_PRINT_H
#define NICSEC_PRINT_H

#include <stdbool.h>
#include <stdint.h>

extern bool print_json;

void print_array_open(void);	/* JSON: "[", text: nothing */
void print_array_close(void);
void print_array_open_key(const char *key);	/* JSON: "key":[ inside an object */
void print_object_open(void);
void print_object_close(void);	/* text: newline */
void print_object_open_key(const char *key);	/* JSON: "key":{ inside an object */
/* @fmt is the text form (printf with one conversion for the value); a
 * NULL @key prints an element of an array. */
__attribute__((format(printf, 2, 0)))
void print_str(const char *key, const char *fmt, const char *val);
__attribute__((format(printf, 2, 0)))
void print_u64(const char *key, const char *fmt, uint64_t val);

#endif
