/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control protocol's worked examples: the fixed test enrollment key and
 * one message of each kind, as Documentation/control-protocol.md prints
 * them. Shared by the codec test, the doc test (which regenerates the hex
 * and compares it with the document) and the fuzz corpus generator.
 * Includers define nothing; everything here is static.
 */
#ifndef NICSEC_CTL_EXAMPLES_H
#define NICSEC_CTL_EXAMPLES_H

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "ctl_codec.h"

/* Test enrollment key 00 01 02 ... 1f: for examples only, never enroll it. */
static const uint8_t ex_key[NICSEC_CTL_KEY_LEN] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

#define EX_AGENT	0x0a4d0001u	/* agent's sender id */
#define EX_COUNTER	0x187b2c3d00000000ull	/* agent's first counter */
#define EX_DEV_COUNTER	0x187b2c3000000000ull	/* device's first counter */

struct ctl_example {
	const char *name;
	struct nicsec_ctl_msg msg;
};

#define F(t) NICSEC_CTL_F(NICSEC_CTL_T_##t)

static inline void ex_fill(struct ctl_example ex[], int *n)
{
	struct nicsec_ctl_msg m;
	int i = 0;

	/* INSTALL: outbound 5-tuple, AES-GCM-16 128, one hour */
	memset(&m, 0, sizeof(m));
	m.version = 1;
	m.type = NICSEC_CTL_INSTALL;
	m.request_id = 0x51000001;
	m.sender_id = EX_AGENT;
	m.counter = EX_COUNTER + 1;
	m.present = F(FLOW) | F(DIR) | F(SPI) | F(ALG) | F(KEY) | F(SALT) | F(LIFETIME);
	m.flow.ntuple = 5;
	m.flow.saddr = htonl(0x0a4d0001);	/* 10.77.0.1 */
	m.flow.daddr = htonl(0x0a4d0002);	/* 10.77.0.2 */
	m.flow.sport = htons(40000);
	m.flow.dport = htons(443);
	m.flow.proto = 6;
	m.dir = NICSEC_CTL_DIR_OUT;
	m.spi = 0xc0de0001;
	m.alg = NICSEC_CTL_ALG_AES_GCM_16;
	m.key_len = 16;
	memcpy(m.key, "\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf", 16);
	memcpy(m.salt, "\xc0\xc1\xc2\xc3", 4);
	m.lifetime.seconds = 3600;
	ex[i].name = "INSTALL";
	ex[i++].msg = m;

	/* its STATUS: ok, SA id 7 */
	memset(&m, 0, sizeof(m));
	m.version = 1;
	m.type = NICSEC_CTL_STATUS;
	m.request_id = 0x51000001;
	m.sender_id = NICSEC_CTL_DEVICE_ID;
	m.counter = EX_DEV_COUNTER + 1;
	m.present = F(CODE) | F(SA_ID);
	m.code = NICSEC_CTL_OK;
	m.sa_id = 7;
	ex[i].name = "STATUS ok for the INSTALL";
	ex[i++].msg = m;

	/* INSTALL inbound 2-tuple, 256-bit key, explicit encapsulation */
	memset(&m, 0, sizeof(m));
	m.version = 1;
	m.type = NICSEC_CTL_INSTALL;
	m.request_id = 0x51000002;
	m.sender_id = EX_AGENT;
	m.counter = EX_COUNTER + 2;
	m.present = F(FLOW) | F(DIR) | F(SPI) | F(ALG) | F(KEY) | F(SALT) | F(ENCAP);
	m.flow.ntuple = 2;
	m.flow.saddr = htonl(0x0a4d0002);
	m.flow.daddr = htonl(0x0a4d0001);
	m.dir = NICSEC_CTL_DIR_IN;
	m.spi = 0xc0de0002;
	m.alg = NICSEC_CTL_ALG_AES_GCM_16;
	m.key_len = 32;
	for (int k = 0; k < 32; k++)
		m.key[k] = (uint8_t)(0xb0 + k);
	memcpy(m.salt, "\xd0\xd1\xd2\xd3", 4);
	m.encap.local_addr = htonl(0x0a4d0001);
	m.encap.peer_addr = htonl(0x0a4d0002);
	m.encap.local_port = htons(4500);
	m.encap.peer_port = htons(4500);
	ex[i].name = "INSTALL inbound, 2-tuple, 256-bit key, ENCAP";
	ex[i++].msg = m;

	/* STATUS: the SPI was in use */
	memset(&m, 0, sizeof(m));
	m.version = 1;
	m.type = NICSEC_CTL_STATUS;
	m.request_id = 0x51000002;
	m.counter = EX_DEV_COUNTER + 2;
	m.present = F(CODE);
	m.code = NICSEC_CTL_E_EXISTS;
	ex[i].name = "STATUS error EXISTS";
	ex[i++].msg = m;

	/* QUERY SA 7 and its STATUS with counters */
	memset(&m, 0, sizeof(m));
	m.version = 1;
	m.type = NICSEC_CTL_QUERY;
	m.request_id = 0x51000003;
	m.sender_id = EX_AGENT;
	m.counter = EX_COUNTER + 3;
	m.present = F(SA_ID);
	m.sa_id = 7;
	ex[i].name = "QUERY SA 7";
	ex[i++].msg = m;

	memset(&m, 0, sizeof(m));
	m.version = 1;
	m.type = NICSEC_CTL_STATUS;
	m.request_id = 0x51000003;
	m.counter = EX_DEV_COUNTER + 3;
	m.present = F(CODE) | F(SA_ID) | F(COUNTERS);
	m.sa_id = 7;
	m.counters.packets = 1000;
	m.counters.bytes = 1400000;
	m.counters.auth_fail = 2;
	m.counters.replay = 1;
	ex[i].name = "STATUS for the QUERY";
	ex[i++].msg = m;

	/* QUERY the device (liveness) and its STATUS */
	memset(&m, 0, sizeof(m));
	m.version = 1;
	m.type = NICSEC_CTL_QUERY;
	m.request_id = 0x51000004;
	m.sender_id = EX_AGENT;
	m.counter = EX_COUNTER + 4;
	ex[i].name = "QUERY the device";
	ex[i++].msg = m;

	memset(&m, 0, sizeof(m));
	m.version = 1;
	m.type = NICSEC_CTL_STATUS;
	m.request_id = 0x51000004;
	m.counter = EX_DEV_COUNTER + 4;
	m.present = F(CODE) | F(DEVINFO);
	m.devinfo.engine = 1;
	m.devinfo.sa_used = 1;
	m.devinfo.sa_max = 1024;
	ex[i].name = "STATUS for the device QUERY";
	ex[i++].msg = m;

	/* DELETE SA 7, FLUSH */
	memset(&m, 0, sizeof(m));
	m.version = 1;
	m.type = NICSEC_CTL_DELETE;
	m.request_id = 0x51000005;
	m.sender_id = EX_AGENT;
	m.counter = EX_COUNTER + 5;
	m.present = F(SA_ID);
	m.sa_id = 7;
	ex[i].name = "DELETE SA 7";
	ex[i++].msg = m;

	memset(&m, 0, sizeof(m));
	m.version = 1;
	m.type = NICSEC_CTL_FLUSH;
	m.request_id = 0x51000006;
	m.sender_id = EX_AGENT;
	m.counter = EX_COUNTER + 6;
	ex[i].name = "FLUSH";
	ex[i++].msg = m;
	*n = i;
}

#undef F

#define EX_MAX 16

/* Hex dump as the document prints it: "0000  xx xx ..." 16 bytes a line. */
static inline size_t ex_hexdump(const uint8_t *p, size_t len, char *out, size_t cap)
{
	size_t off = 0, i;

	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			off += (size_t)snprintf(out + off, cap - off, "%04zx ", i);
		off += (size_t)snprintf(out + off, cap - off, " %02x", p[i]);
		if (i % 16 == 15 || i == len - 1)
			off += (size_t)snprintf(out + off, cap - off, "\n");
	}
	return off;
}

/*
 * The document's block for example @ex: a fenced block with its name, the
 * plaintext (header and TLVs) and the sealed datagram. Returns the length
 * written to @out or -1.
 */
static inline int ex_block(const struct ctl_example *ex, char *out, size_t cap)
{
	uint8_t plain[NICSEC_CTL_MAX_LEN], sealed[NICSEC_CTL_MAX_LEN];
	int plen, slen;
	size_t off = 0;

	plen = nicsec_ctl_encode(&ex->msg, plain, sizeof(plain));
	slen = nicsec_ctl_seal(&ex->msg, ex_key, sealed, sizeof(sealed));
	if (plen < 0 || slen < 0 || cap < 8192)
		return -1;
	off += (size_t)snprintf(out + off, cap - off, "```\n%s: plaintext, %d bytes\n",
				ex->name, plen);
	off += ex_hexdump(plain, (size_t)plen, out + off, cap - off);
	off += (size_t)snprintf(out + off, cap - off, "%s: sealed datagram, %d bytes\n",
				ex->name, slen);
	off += ex_hexdump(sealed, (size_t)slen, out + off, cap - off);
	off += (size_t)snprintf(out + off, cap - off, "```\n");
	return (int)off;
}

#ifdef NICSEC_CTL_H
/* An INSTALL for the agent API: outbound 5-tuple, 128-bit key. */
static inline struct nicsec_ctl_sa ex_sa_template(void)
{
	struct nicsec_ctl_sa sa = {
		.flow = { .saddr = htonl(0x0a4d0001), .daddr = htonl(0x0a4d0002),
			  .sport = htons(40000), .dport = htons(443), .proto = 6,
			  .ntuple = 5 },
		.dir = NICSEC_CTL_DIR_OUT,
		.spi = 0xc0de0001,
		.key_len = 16,
		.key = { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
			 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf },
		.salt = { 0xc0, 0xc1, 0xc2, 0xc3 },
	};

	return sa;
}
#endif

#endif
