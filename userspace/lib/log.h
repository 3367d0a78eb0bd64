/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Daemon logging: one line per event on stderr, prefixed with the program
 * name and level. Never pass key material to these.
 */
#ifndef NICSEC_LOG_H
#define NICSEC_LOG_H

extern int log_verbose;
extern const char *log_prog;

__attribute__((format(printf, 2, 3)))
void log_msg(int level, const char *fmt, ...);

enum { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

#define log_err(...)	log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
