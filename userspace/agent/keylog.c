// SPDX-License-Identifier: GPL-2.0
/*
 * The Wireshark key log (--keylog DIR), a debugging option that is off by
 * default and warned about when on: it writes the session keys that the
 * rest of nicsec keeps away from the host into DIR, as the two UAT files
 * Wireshark reads from its configuration directory, so the directory can
 * be given to tshark as is (WIRESHARK_CONFIG_DIR=DIR):
 *
 *   DIR/esp_sa                  one line per ESP SA (RFC 4106 key | salt)
 *   DIR/ikev2_decryption_table  one line per IKE SA (SK_e*, SK_a*)
 *
 * Files are created 0600 with O_NOFOLLOW and appended to; formats verified
 * against tshark 4.0 by tests/net/test_agent.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include "agent.h"
#include "hex.h"
#include "log.h"

static void append(struct agent *a, const char *name, const char *line, size_t len)
{
	char path[PATH_MAX];
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", a->keylog_dir, name) >= (int)sizeof(path))
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_warn("keylog %s: %m", path);
		return;
	}
	if (write(fd, line, len) != (ssize_t)len)
		log_warn("keylog %s: short write", path);
	close(fd);
}

static const char *ike_encr_name(const struct ike_suite *s)
{
	if (s->encr == IKE_ENCR_AES_GCM_16)
		return s->encr_bits == 256 ? "AES-GCM-256 with 16 octet ICV [RFC5282]" :
		       s->encr_bits == 192 ? "AES-GCM-192 with 16 octet ICV [RFC5282]" :
					     "AES-GCM-128 with 16 octet ICV [RFC5282]";
	return s->encr_bits == 256 ? "AES-CBC-256 [RFC3602]" :
	       s->encr_bits == 192 ? "AES-CBC-192 [RFC3602]" : "AES-CBC-128 [RFC3602]";
}

static const char *ike_integ_name(const struct ike_suite *s)
{
	switch (s->integ) {
	case IKE_AUTH_HMAC_SHA2_256_128:
		return "HMAC-SHA-256-128 [RFC4868]";
	case IKE_AUTH_HMAC_SHA2_384_192:
		return "HMAC-SHA-384-192 [RFC4868]";
	case IKE_AUTH_HMAC_SHA2_512_256:
		return "HMAC-SHA-512-256 [RFC4868]";
	}
	return "NONE [RFC4306]";
}

void keylog_ike(struct agent *a, const struct ikesa *sa)
{
	int el = ike_encr_key_len(&sa->suite), al = ike_integ_key_len(&sa->suite);
	char si[17], sr[17], ei[2 * IKE_ENCR_MAX_KEY + 1], er[2 * IKE_ENCR_MAX_KEY + 1];
	char ai[2 * IKE_INTEG_MAX_KEY + 1], ar[2 * IKE_INTEG_MAX_KEY + 1], line[1024];
	int n;

	if (!a->keylog_dir || el <= 0 || al < 0)
		return;
	hex_encode(sa->spi_i, 8, si, sizeof(si));
	hex_encode(sa->spi_r, 8, sr, sizeof(sr));
	hex_encode(sa->keys.i.ek, el, ei, sizeof(ei));
	hex_encode(sa->keys.r.ek, el, er, sizeof(er));
	hex_encode(sa->keys.i.ak, al, ai, sizeof(ai));
	hex_encode(sa->keys.r.ak, al, ar, sizeof(ar));
	/* byte fields are bare hex in Wireshark's UAT files, names are quoted */
	n = snprintf(line, sizeof(line), "%s,%s,%s,%s,\"%s\",%s,%s,\"%s\"\n",
		     si, sr, ei, er, ike_encr_name(&sa->suite), ai, ar, ike_integ_name(&sa->suite));
	if (n > 0 && n < (int)sizeof(line))
		append(a, "ikev2_decryption_table", line, n);
	OPENSSL_cleanse(ei, sizeof(ei));
	OPENSSL_cleanse(er, sizeof(er));
	OPENSSL_cleanse(ai, sizeof(ai));
	OPENSSL_cleanse(ar, sizeof(ar));
	OPENSSL_cleanse(line, sizeof(line));
}

static void esp_line(struct agent *a, uint32_t src, uint32_t dst, uint32_t spi,
		     const uint8_t *key, int len)
{
	char k[2 * IKE_ENCR_MAX_KEY + 1], s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN], line[512];
	int n;

	hex_encode(key, len, k, sizeof(k));
	inet_ntop(AF_INET, &src, s, sizeof(s));
	inet_ntop(AF_INET, &dst, d, sizeof(d));
	n = snprintf(line, sizeof(line),
		     "\"IPv4\",\"%s\",\"%s\",\"0x%08x\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x%s\",\"NULL\",\"\"\n",
		     s, d, spi, k);
	if (n > 0 && n < (int)sizeof(line))
		append(a, "esp_sa", line, n);
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(line, sizeof(line));
}

void keylog_esp(struct agent *a, const struct ikesa *sa, const struct child_sa *c,
		const uint8_t *k_in, const uint8_t *k_out)
{
	int len = ike_encr_key_len(&c->suite);

	if (!a->keylog_dir || len <= 0)
		return;
	esp_line(a, sa->peer.sin_addr.s_addr, sa->conn->local_addr, c->spi_in, k_in, len);
	esp_line(a, sa->conn->local_addr, sa->peer.sin_addr.s_addr, c->spi_out, k_out, len);
}
