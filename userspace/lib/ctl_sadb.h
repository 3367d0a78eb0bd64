/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Glue between a decoded control request and the device's SA database
 * (sadb.h, bpf/maps.h): what devd's INSTALL/DELETE/QUERY callbacks need to
 * turn an INSTALL's struct nicsec_ctl_sa into the struct nicsec_sa and nicsec_flow that
 * sadb_add() takes, sadb's -errno into a status code, and per-CPU-summed SA
 * counters into a STATUS's COUNTERS. Pure functions, no map access.
 */
#ifndef NICSEC_CTL_SADB_H
#define NICSEC_CTL_SADB_H

#include "ctl_codec.h"
#include "maps.h"

/*
 * Fill @sa and @flow from SA @req of an INSTALL. Outbound: outer endpoints from ENCAP,
 * else local = FLOW source, peer = FLOW destination, ports 4500; @flow is the
 * lookup key (2-tuple: ports and protocol 0). Inbound: outer endpoints from
 * ENCAP, else local = FLOW destination, peer = FLOW source; the FLOW becomes
 * the SA's inner selectors and @flow is unused (zeroed). The key and salt
 * stay in @req. Returns NICSEC_CTL_OK or E_VALUE.
 */
int nicsec_ctl_to_sa(const struct nicsec_ctl_sa *req, struct nicsec_sa *sa,
		     struct nicsec_flow *flow);

/* Map a -errno of sadb_add()/sadb_del()/sadb_stats() to a status code. */
int nicsec_ctl_status_from_errno(int err);

void nicsec_ctl_counters_from_stats(const struct nicsec_sa_stats *st,
				    struct nicsec_ctl_counters *c);

#endif
