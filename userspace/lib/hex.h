/* SPDX-License-Identifier: GPL-2.0 */
/* Hex <-> bytes for keys, SPIs and test vectors; no allocation. */
#ifndef NICSEC_HEX_H
#define NICSEC_HEX_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode @len hex digits at @in (case-insensitive, no separators) into
 * @out, which holds @cap bytes. Returns the byte count, or -EINVAL for an
 * odd length or a non-hex digit, -ENOSPC if @out is too small. Decoding
 * does not branch on the digits' values, since they may be key material.
 */
int hex_decode(const char *in, size_t len, uint8_t *out, size_t cap);

/* Encode @len bytes as 2*@len lowercase digits plus NUL; @cap counts the NUL. */
int hex_encode(const uint8_t *in, size_t len, char *out, size_t cap);

#endif
