/* SPDX-License-Identifier: GPL-2.0 */
/* `nicsec` command internals: one do_OBJECT() per object, shared helpers. */
#ifndef NICSEC_CLI_H
#define NICSEC_CLI_H

extern const char *bpffs_dir;
extern const char *mgmt_sock;	/* -S; NULL: the one devd_info names */

struct nicsec_mgmt_out;
struct nicsec_mgmt_msg;

int do_port(int argc, char **argv);
int do_sa(int argc, char **argv);
int do_stats(int argc, char **argv);
int do_ctl(int argc, char **argv);
int do_tenant(int argc, char **argv);
int do_dev(int argc, char **argv);

/*
 * Run a request on the device daemon's management socket (-S, or the one
 * the daemon recorded in devd_info under -d). Prints an error and returns
 * 1 if the daemon cannot be reached or refused (its "error" sentence), 0
 * with @resp filled otherwise; @what names the request in the error.
 */
int mgmt_run(const char *what, const struct nicsec_mgmt_out *req,
	     struct nicsec_mgmt_msg *resp);

/* Open a map the device daemon pinned; prints the error itself. */
int open_pinned(const char *name);
void close_fd(int fd);
/* iproute2's invarg(): prints `Error: argument "X" is wrong: reason`, returns 2. */
int invarg(const char *what, const char *arg, const char *why);

#endif
