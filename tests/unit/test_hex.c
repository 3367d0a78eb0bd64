// SPDX-License-Identifier: GPL-2.0
/* Unit tests for userspace/lib/hex.c, including an exhaustive digit check
 * against a naive reference decoder. */
#include <errno.h>
#include "hex.h"
#include "../tap.h"

static int naive_nibble(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int main(void)
{
	uint8_t out[32];
	char txt[65];
	int c, d, mismatches = 0;

	tap_plan(13);

	is_int(hex_decode("00ff7Fa5", 8, out, sizeof(out)), 4, "decode 4 bytes");
	is_mem(out, "\x00\xff\x7f\xa5", 4, "decoded bytes, mixed case");
	is_int(hex_decode("abc", 3, out, sizeof(out)), -EINVAL, "odd length rejected");
	is_int(hex_decode("0g", 2, out, sizeof(out)), -EINVAL, "non-hex digit rejected");
	is_int(hex_decode(" 0", 2, out, sizeof(out)), -EINVAL, "space rejected");
	is_int(hex_decode("0011", 4, out, 1), -ENOSPC, "output too small rejected");
	is_int(hex_decode("", 0, out, sizeof(out)), 0, "empty input gives 0 bytes");

	/* every pair of byte values against the naive decoder */
	for (c = 0; c < 256; c++) {
		for (d = 0; d < 256; d++) {
			char in[2] = { (char)c, (char)d };
			int want = naive_nibble(c) < 0 || naive_nibble(d) < 0 ?
				   -EINVAL : 1;
			int got = hex_decode(in, 2, out, 1);

			if (got != want || (got == 1 &&
			    out[0] != (naive_nibble(c) << 4 | naive_nibble(d))))
				mismatches++;
		}
	}
	is_int(mismatches, 0, "all 65536 digit pairs match the naive decoder");

	is_int(hex_encode((const uint8_t *)"\x01\xab\xff", 3, txt, sizeof(txt)), 6,
	       "encode 3 bytes");
	ok(!strcmp(txt, "01abff"), "encoded text is lowercase hex");
	is_int(hex_encode(out, 3, txt, 6), -ENOSPC, "encode needs room for NUL");
	is_int(hex_encode(out, 0, txt, 1), 0, "encode empty");
	{
		uint8_t all[256], back[256];
		char big[513];

		for (c = 0; c < 256; c++)
			all[c] = (uint8_t)c;
		hex_encode(all, 256, big, sizeof(big));
		hex_decode(big, 512, back, sizeof(back));
		is_mem(back, all, 256, "encode/decode round trip of all bytes");
	}
	return tap_done();
}
