/* SPDX-License-Identifier: GPL-2.0 */
/* Values of nicsec-agent's configuration (conf_value.c); the proposal and
 * traffic-selector parsers are declared in conf.h, where the tests see them. */
#ifndef NICSEC_AGENT_CONF_VALUE_H
#define NICSEC_AGENT_CONF_VALUE_H

#include <stdint.h>
#include "conf.h"

#define CONF_MAX_TIME		315360000U	/* 10 years: rekey_time * 11 fits 32 bits */
#define CONF_MAX_TOKEN		128	/* one proposal or traffic selector */

int conf_parse_time(const char *s, uint32_t *out);	/* N[s|m|h|d] */
int conf_parse_port(const char *s, uint16_t *out);	/* 1..65535 */
int conf_parse_addr(const char *s, uint32_t *out);	/* dotted quad, not 0.0.0.0 */
int conf_parse_id(const char *s, struct conf_id *id);	/* address, @fqdn, fqdn, user@fqdn */
/* A remote identity: as conf_parse_id(), or "%any", or "*" + a suffix
 * ("*@example.org", "*.example.org") */
int conf_parse_id_pattern(const char *s, struct conf_id *id);
/* "%any", "A.B.C.D" or "A.B.C.D/N" (host bits zero) */
int conf_parse_range(const char *s, uint32_t *addr, uint8_t *prefix);

#endif
