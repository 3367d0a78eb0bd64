/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading key material from a file or stdin, never from argv. The format is
 * the one wg(8) and swanctl users expect: one line of hex digits, optional
 * trailing newline, optional "0x" prefix, nothing else.
 */
#ifndef NICSEC_KEYFILE_H
#define NICSEC_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#define KEYFILE_MAX_LEN 64	/* bytes: AES-256 key + salt fits with room */

/*
 * Read one hex key from @path ("-" for stdin) into @key (@cap bytes).
 * Returns the key length, or -errno: -EINVAL for malformed content (odd
 * length, bad digit, extra lines), -EMSGSIZE if longer than @cap, -EPERM if
 * the file is readable or writable by group or others, or the open/read
 * error. All intermediate buffers are wiped; on error @key is wiped too.
 */
int keyfile_read(const char *path, uint8_t *key, size_t cap);

/* Same as keyfile_read() on an open descriptor, without the mode check. */
int keyfile_read_fd(int fd, uint8_t *key, size_t cap);

/* Zero @len bytes at @p in a way the compiler cannot elide. */
void nicsec_wipe(void *p, size_t len);

#endif
