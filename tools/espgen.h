/* SPDX-License-Identifier: GPL-2.0 */
/*
 * espgen's private interface between its files: espgen.c (options, key,
 * frame building and sending), espgen_open.c (decoding a capture),
 * espgen_aead.c (RFC 4106 seal/open with OpenSSL and the published known
 * answers) and espgen_pcap.c (capture files). All of it is written from the
 * RFCs alone and nothing is shared with nicsec's own ESP code, so that the
 * tests compare two independent implementations.
 */
#ifndef ESPGEN_H
#define ESPGEN_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>

/* RFC 4303 2.1-2.3: SPI and sequence number; the RFC 4106 3.1 explicit IV
 * follows, then the ciphertext, then the ICV. */
struct esp_hdr {
	__be32 spi;
	__be32 seq;
};
static_assert(sizeof(struct esp_hdr) == 8, "ESP header is 8 bytes");

enum {
	ESP_IV_LEN = 8,			/* RFC 4106 3.1 explicit IV */
	ESP_ICV_LEN = 16,		/* RFC 4106 6: 16-octet ICV */
	ESP_SALT_LEN = 4,		/* RFC 4106 8.1 */
	ESP_NONCE_LEN = ESP_SALT_LEN + ESP_IV_LEN,
	ESP_OVERHEAD = sizeof(struct esp_hdr) + ESP_IV_LEN + ESP_ICV_LEN,
	ESP_TRAILER_LEN = 2,		/* pad length, next header */
	ESP_NH_IPV4 = 4,		/* RFC 4303 2.6, tunnel mode */
	ESP_NH_NONE = 59,		/* RFC 4303 2.6 dummy packet */
	UDP_ENCAP_PORT = 4500,		/* RFC 3948 */
	MAX_KEY_LEN = 32,
	MAX_FRAME = 65536 + 64,
};

struct esp_key {
	uint8_t key[MAX_KEY_LEN];	/* 16, 24 or 32 bytes used */
	uint8_t salt[ESP_SALT_LEN];
	size_t key_len;
};

/* RFC 1071 checksums */
static inline uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static inline uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Transport checksum over the IPv4 pseudo-header and len bytes at l4. */
static inline uint16_t l4_csum(const uint8_t *ip, uint8_t proto, const uint8_t *l4, size_t len)
{
	uint32_t sum = csum_add(0, ip + 12, 8);	/* saddr, daddr */

	sum += proto + (uint32_t)len;
	return csum_fold(csum_add(sum, l4, len));
}

/* espgen_open.c: what open makes of each ESP-in-UDP frame */
enum verdict {
	V_OK, V_BAD_ICV, V_NO_SA, V_WRONG_ADDR, V_MALFORMED, V_BAD_PAD,
	V_BAD_INNER, V_REPLAY, V_DUMMY, V_COUNT
};

enum { REPLAY_MAX = 1024 };

struct opener {
	const struct esp_key *key;
	uint32_t spi, src, dst;
	bool have_src, have_dst, no_data, skip_other_spi;
	uint16_t port;
	unsigned long window;		/* 0: no replay check */
	uint32_t top;			/* highest authenticated seq */
	uint8_t seen[REPLAY_MAX / 8];	/* bit seq % REPLAY_MAX */
	unsigned long count[V_COUNT], frames, esp;
};

int esp_open_capture(struct opener *o, const char *path);

/* espgen_aead.c */
int esp_seal(const struct esp_key *k, uint32_t spi, uint32_t seq,
	     const uint8_t iv[ESP_IV_LEN], const uint8_t *pt, size_t pt_len, uint8_t *out);
int esp_open(const struct esp_key *k, const uint8_t *esp, size_t len, uint8_t *pt,
	     size_t *pt_len);
int esp_kat_run(void);

/* espgen.c */
long parse_hex(const char *s, size_t n, uint8_t *out, size_t max);

/* espgen_pcap.c: link types we read (LINKTYPE_*) */
enum { LT_ETHER = 1, LT_RAW = 101, LT_SLL = 113, LT_IPV4 = 228, LT_SLL2 = 276,
       CAPTURE_MAX_IFACES = 64, CAPTURE_MAX_BLOCK = 1 << 20 };

struct capture {
	FILE *f;
	bool ng, swap;
	uint32_t linktype;
	uint32_t if_link[CAPTURE_MAX_IFACES];
	unsigned int n_if;
	uint8_t buf[CAPTURE_MAX_BLOCK];
};

int capture_open(struct capture *c, const char *path);
int capture_next(struct capture *c, const uint8_t **data, size_t *len, uint32_t *lt);
void capture_close(struct capture *c);
int pcap_write_header(FILE *f);
int pcap_write_frame(FILE *f, unsigned long n, const uint8_t *frame, size_t len);

#endif
