// SPDX-License-Identifier: GPL-2.0
/* Key files: bounded read, strict parse, wipe on every path. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "hex.h"
#include "keyfile.h"

void nicsec_wipe(void *p, size_t len)
{
	explicit_bzero(p, len);
}

int keyfile_read_fd(int fd, uint8_t *key, size_t cap)
{
	/* 2 digits a byte, "0x", a CR LF, and one byte to detect overlong input */
	char buf[2 * KEYFILE_MAX_LEN + 5];
	size_t n = 0, len;
	char *p = buf;
	int ret;

	while (n < sizeof(buf)) {
		ssize_t r = read(fd, buf + n, sizeof(buf) - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n == sizeof(buf)) {
		ret = -EMSGSIZE;
		goto out;
	}
	len = n;
	if (len && buf[len - 1] == '\n')
		len--;
	if (len && buf[len - 1] == '\r')
		len--;
	if (len >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		p += 2;
		len -= 2;
	}
	if (!len) {
		ret = -EINVAL;
		goto out;
	}
	ret = hex_decode(p, len, key, cap);
	if (ret == -ENOSPC)
		ret = -EMSGSIZE;
out:
	nicsec_wipe(buf, sizeof(buf));
	if (ret < 0)
		nicsec_wipe(key, cap);
	return ret;
}

int keyfile_read(const char *path, uint8_t *key, size_t cap)
{
	struct stat st;
	int fd, ret;

	if (!strcmp(path, "-"))
		return keyfile_read_fd(STDIN_FILENO, key, cap);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		goto out;
	}
	/* Like ssh and wg, refuse a key others can read or replace. */
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		ret = -EPERM;
		goto out;
	}
	ret = keyfile_read_fd(fd, key, cap);
out:
	close(fd);
	return ret;
}
