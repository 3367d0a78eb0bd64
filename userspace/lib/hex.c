// SPDX-License-Identifier: GPL-2.0
/*
 * Hex codec. The decoder maps each digit with arithmetic instead of a table
 * or a switch, so the time it takes does not depend on the (secret) value.
 */
#include <errno.h>
#include "hex.h"

/* Returns the nibble of @c, or a value with bit 8 set if @c is no digit. */
static unsigned int nibble(unsigned char c)
{
	unsigned int num = c ^ '0';			/* '0'..'9' -> 0..9 */
	unsigned int alpha = (c | 0x20) - 'a' + 10;	/* 'a'..'f' -> 10..15 */
	/* masks are all ones when the range test holds, else zero */
	unsigned int is_num = ((num - 10) >> 8) & 1;
	unsigned int is_alpha = (((alpha - 10) >> 8) ^ 1) & ((alpha - 16) >> 8) & 1;

	return (num & -is_num) | (alpha & -is_alpha) |
	       (((is_num | is_alpha) ^ 1) << 8);
}

int hex_decode(const char *in, size_t len, uint8_t *out, size_t cap)
{
	unsigned int bad = 0;
	size_t i;

	if (len % 2)
		return -EINVAL;
	if (len / 2 > cap)
		return -ENOSPC;
	if (len / 2 > INT32_MAX)
		return -EINVAL;
	for (i = 0; i < len / 2; i++) {
		unsigned int hi = nibble((unsigned char)in[2 * i]);
		unsigned int lo = nibble((unsigned char)in[2 * i + 1]);

		bad |= hi | lo;
		out[i] = (uint8_t)((hi << 4) | (lo & 0xf));
	}
	if (bad & 0x100)
		return -EINVAL;
	return (int)(len / 2);
}

int hex_encode(const uint8_t *in, size_t len, char *out, size_t cap)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (len > (SIZE_MAX - 1) / 2 || cap < 2 * len + 1)
		return -ENOSPC;
	if (len > INT32_MAX / 2)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
	return (int)(2 * len);
}
