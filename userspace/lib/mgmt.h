/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The operator's channel to nicsec-devd: a UNIX SOCK_SEQPACKET socket
 * (mode 0600, root's peers only), one request per connection, one answer.
 * Both are text, "key=value" lines in the manner of WireGuard's
 * cross-platform UAPI: a request starts with "cmd=NAME"; an answer starts
 * with "errno=N" (0: done), then "error=sentence" on failure, then the
 * records asked for, each starting with the key that names its kind
 * ("tenant=NAME"). Keys are [a-z_]+, values printable without a newline;
 * a message is at most NICSEC_MGMT_MAX_LEN bytes and NICSEC_MGMT_MAX_KV
 * lines. The parser is bounded and refuses anything else with -EINVAL or
 * -E2BIG. See Documentation/architecture.md for the commands.
 */
#ifndef NICSEC_MGMT_H
#define NICSEC_MGMT_H

#include <stddef.h>
#include <stdint.h>

#define NICSEC_MGMT_MAX_LEN	65536
#define NICSEC_MGMT_MAX_KV	2048
#define NICSEC_MGMT_MAX_LINE	256
#define NICSEC_MGMT_SOCK	"/run/nicsec/devd.sock"	/* devd --sock default */

struct nicsec_mgmt_kv {
	const char *key;
	const char *val;
};

/* A parsed message: pointers into its own copy of the bytes. */
struct nicsec_mgmt_msg {
	char buf[NICSEC_MGMT_MAX_LEN + 1];
	unsigned int n;
	struct nicsec_mgmt_kv kv[NICSEC_MGMT_MAX_KV];
};

/* Parse @len bytes at @data into @m. Returns 0, -EINVAL (a line that is
 * not key=value with a valid key and value) or -E2BIG. */
int nicsec_mgmt_parse(struct nicsec_mgmt_msg *m, const char *data, size_t len);
/* The value of the first @key at or after line *@pos (updated to the line
 * after it when @pos is not NULL), or NULL. */
const char *nicsec_mgmt_get(const struct nicsec_mgmt_msg *m, const char *key,
			    unsigned int *pos);

/* A message being built; nicsec_mgmt_put() refuses once it is full. */
struct nicsec_mgmt_out {
	char buf[NICSEC_MGMT_MAX_LEN];
	size_t len;
	int full;
};

__attribute__((format(printf, 3, 4)))
int nicsec_mgmt_put(struct nicsec_mgmt_out *o, const char *key, const char *fmt, ...);

/*
 * Send @req to the daemon at @path and read its answer into @resp.
 * Returns 0 (the answer's errno is in "errno"), or -errno of the socket.
 */
int nicsec_mgmt_call(const char *path, const struct nicsec_mgmt_out *req,
		     struct nicsec_mgmt_msg *resp);

void nicsec_mgmt_wipe_out(struct nicsec_mgmt_out *o);
void nicsec_mgmt_wipe_msg(struct nicsec_mgmt_msg *m);

#endif
