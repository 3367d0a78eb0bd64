// SPDX-License-Identifier: GPL-2.0
/* Unit tests for userspace/lib/keyfile.c: formats accepted and refused,
 * permission check, and wiping of the output on error. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "keyfile.h"
#include "../tap.h"

static char dir[] = "/tmp/nicsec-keyfile-XXXXXX";

static const char *put(const char *name, const char *content, mode_t mode)
{
	static char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, content, strlen(content)) != (ssize_t)strlen(content))
		tap_bail("cannot write test file");
	fchmod(fd, mode);
	close(fd);
	return path;
}

static int all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

int main(void)
{
	uint8_t key[KEYFILE_MAX_LEN];
	char longkey[2 * KEYFILE_MAX_LEN + 8];
	int ret;

	if (!mkdtemp(dir))
		tap_bail("mkdtemp failed");
	tap_plan(13);

	ret = keyfile_read(put("k1", "000102030405060708090a0b0c0d0e0f\n", 0600),
			   key, 16);
	is_int(ret, 16, "16-byte key with newline");
	is_mem(key, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f",
	       16, "key bytes");
	is_int(keyfile_read(put("k2", "0xFFee\r\n", 0400), key, 16), 2,
	       "0x prefix, CRLF, read-only file");
	is_int(keyfile_read(put("k3", "00112233\n\n", 0600), key, 16), -EINVAL,
	       "second line refused");
	memset(key, 0xaa, sizeof(key));
	is_int(keyfile_read(put("k4", "0011zz33", 0600), key, 16), -EINVAL,
	       "bad digit refused");
	ok(all_zero(key, 16), "output wiped after a parse error");
	is_int(keyfile_read(put("k5", "", 0600), key, 16), -EINVAL, "empty file refused");
	is_int(keyfile_read(put("k6", "0011", 0644), key, 16), -EPERM,
	       "world-readable key file refused");
	is_int(keyfile_read(put("k7", "00112233", 0600), key, 2), -EMSGSIZE,
	       "key longer than the caller's buffer refused");
	memset(longkey, '1', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	is_int(keyfile_read(put("k8", longkey, 0600), key, sizeof(key)), -EMSGSIZE,
	       "overlong file refused without reading it all");
	is_int(keyfile_read("/nonexistent/key", key, 16), -ENOENT, "missing file");
	{
		char link[300];

		snprintf(link, sizeof(link), "%s/link", dir);
		if (symlink(put("k9", "00", 0600), link))
			tap_bail("symlink failed");
		is_int(keyfile_read(link, key, 16), -ELOOP, "symlink refused");
	}
	{
		int fds[2];

		if (pipe(fds))
			tap_bail("pipe failed");
		if (write(fds[1], "a1b2\n", 5) != 5)
			tap_bail("pipe write failed");
		close(fds[1]);
		is_int(keyfile_read_fd(fds[0], key, 16), 2, "read from a pipe (stdin path)");
		close(fds[0]);
	}
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			diag("cannot remove %s", dir);
	}
	return tap_done();
}
