/* SPDX-License-Identifier: GPL-2.0 */
/* `nicsec` command internals: one do_OBJECT() per object, shared helpers. */
#ifndef NICSEC_CLI_H
#define NICSEC_CLI_H

extern const char *bpffs_dir;

int do_port(int argc, char **argv);
int do_sa(int argc, char **argv);
int do_stats(int argc, char **argv);
int do_ctl(int argc, char **argv);

/* Open a map the device daemon pinned; prints the error itself. */
int open_pinned(const char *name);
void close_fd(int fd);
/* iproute2's invarg(): prints `Error: argument "X" is wrong: reason`, returns 2. */
int invarg(const char *what, const char *arg, const char *why);

#endif
