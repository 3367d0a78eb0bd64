// SPDX-License-Identifier: GPL-2.0
/* The operator's channel to nicsec-devd: message codec and client; see mgmt.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include "keyfile.h"
#include "mgmt.h"

static int key_ok(const char *k, size_t len)
{
	size_t i;

	if (!len || len > 32)
		return 0;
	for (i = 0; i < len; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || k[i] == '_'))
			return 0;
	return 1;
}

int nicsec_mgmt_parse(struct nicsec_mgmt_msg *m, const char *data, size_t len)
{
	char *p, *end;

	m->n = 0;
	if (len > NICSEC_MGMT_MAX_LEN)
		return -E2BIG;
	memcpy(m->buf, data, len);
	m->buf[len] = '\0';
	p = m->buf;
	end = m->buf + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *eq, *c;

		if (!nl)
			return -EINVAL;		/* every line ends with a newline */
		*nl = '\0';
		if (nl - p > NICSEC_MGMT_MAX_LINE)
			return -EINVAL;
		eq = strchr(p, '=');
		if (!eq || !key_ok(p, (size_t)(eq - p)))
			return -EINVAL;
		for (c = eq + 1; c < nl; c++)
			if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
				return -EINVAL;
		if (m->n == NICSEC_MGMT_MAX_KV)
			return -E2BIG;
		*eq = '\0';
		m->kv[m->n].key = p;
		m->kv[m->n].val = eq + 1;
		m->n++;
		p = nl + 1;
	}
	return 0;
}

const char *nicsec_mgmt_get(const struct nicsec_mgmt_msg *m, const char *key,
			    unsigned int *pos)
{
	unsigned int i;

	for (i = pos ? *pos : 0; i < m->n; i++) {
		if (!strcmp(m->kv[i].key, key)) {
			if (pos)
				*pos = i + 1;
			return m->kv[i].val;
		}
	}
	return NULL;
}

int nicsec_mgmt_put(struct nicsec_mgmt_out *o, const char *key, const char *fmt, ...)
{
	size_t room = sizeof(o->buf) - o->len;
	va_list ap;
	int n, v;

	if (o->full)
		return -E2BIG;
	n = snprintf(o->buf + o->len, room, "%s=", key);
	if (n < 0 || (size_t)n >= room)
		goto full;
	va_start(ap, fmt);
	v = vsnprintf(o->buf + o->len + n, room - (size_t)n, fmt, ap);
	va_end(ap);
	if (v < 0 || (size_t)(n + v) + 1 >= room || memchr(o->buf + o->len, '\n', (size_t)(n + v)))
		goto full;
	o->len += (size_t)(n + v);
	o->buf[o->len++] = '\n';
	return 0;
full:
	o->full = 1;
	return -E2BIG;
}

int nicsec_mgmt_call(const char *path, const struct nicsec_mgmt_out *req,
		     struct nicsec_mgmt_msg *resp)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 30 };
	static char buf[NICSEC_MGMT_MAX_LEN + 1];
	ssize_t n;
	int fd, err;

	if (req->full)
		return -E2BIG;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    send(fd, req->buf, req->len, 0) != (ssize_t)req->len) {
		err = -errno;
		goto out;
	}
	n = recv(fd, buf, sizeof(buf), MSG_TRUNC);
	if (n < 0) {
		err = -errno;
		goto out;
	}
	err = n > NICSEC_MGMT_MAX_LEN ? -EMSGSIZE : nicsec_mgmt_parse(resp, buf, (size_t)n);
	nicsec_wipe(buf, sizeof(buf));
out:
	close(fd);
	return err;
}

void nicsec_mgmt_wipe_out(struct nicsec_mgmt_out *o)
{
	nicsec_wipe(o, sizeof(*o));
}

void nicsec_mgmt_wipe_msg(struct nicsec_mgmt_msg *m)
{
	nicsec_wipe(m, sizeof(*m));
}
