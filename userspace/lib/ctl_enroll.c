// SPDX-License-Identifier: GPL-2.0
/*
 * The device enrollment key as a file: made once from the OpenSSL DRBG and
 * written as one hex line to a new 0600 file that nothing else may already
 * occupy (O_EXCL, O_NOFOLLOW), loaded through keyfile_read() with its mode
 * check. Every buffer holding the key or its hex is wiped.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include "ctl.h"
#include "hex.h"
#include "keyfile.h"

int nicsec_ctl_key_generate(const char *path, uint8_t *key_out)
{
	uint8_t key[NICSEC_CTL_KEY_LEN];
	char hex[2 * NICSEC_CTL_KEY_LEN + 2];
	int fd, err = 0;
	size_t off = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (RAND_bytes(key, sizeof(key)) != 1) {
		err = -EIO;
		goto out;
	}
	hex_encode(key, sizeof(key), hex, sizeof(hex));
	hex[2 * NICSEC_CTL_KEY_LEN] = '\n';
	/* umask may only have narrowed 0600; make it exact anyway */
	if (fchmod(fd, 0600) < 0) {
		err = -errno;
		goto out;
	}
	while (off < sizeof(hex) - 1) {
		ssize_t n = write(fd, hex + off, sizeof(hex) - 1 - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) < 0)
		err = -errno;
out:
	close(fd);
	if (err)
		unlink(path);
	else if (key_out)
		memcpy(key_out, key, sizeof(key));
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(hex, sizeof(hex));
	return err;
}

int nicsec_ctl_key_load(const char *path, uint8_t *key)
{
	int ret = keyfile_read(path, key, NICSEC_CTL_KEY_LEN);

	if (ret < 0)
		return ret == -EMSGSIZE ? -EKEYREJECTED : ret;
	if (ret != NICSEC_CTL_KEY_LEN) {
		OPENSSL_cleanse(key, NICSEC_CTL_KEY_LEN);
		return -EKEYREJECTED;
	}
	return 0;
}
