// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for userspace/lib/ctl_sadb.c: the worked INSTALL examples of
 * the control protocol turned into the SA and flow entries sadb_add() takes,
 * in both directions, and sadb's errors turned into status codes.
 */
#include <errno.h>
#include "ctl_sadb.h"
#include "ctl_examples.h"
#include "../tap.h"

int main(void)
{
	struct ctl_example ex[EX_MAX];
	struct nicsec_sa_stats st = { 1, 2, 3, 4, 5 };
	struct nicsec_ctl_counters c;
	struct nicsec_flow flow;
	struct nicsec_sa sa;
	int n;

	ex_fill(ex, &n);
	tap_plan(9);
	is_int(nicsec_ctl_to_sa(&ex[0].msg.sa[0], &sa, &flow), NICSEC_CTL_OK,
	       "outbound SA of an INSTALL maps");
	ok(sa.flags == NICSEC_SA_OUT && sa.spi == htonl(0xc0de0001) &&
	   sa.local_addr == htonl(0x0a4d0001) && sa.peer_addr == htonl(0x0a4d0002) &&
	   sa.local_port == htons(4500) && sa.peer_port == htons(4500) && !sa.sel_local,
	   "outbound: outer endpoints from the FLOW, ports 4500, no selectors");
	ok(flow.saddr == htonl(0x0a4d0001) && flow.daddr == htonl(0x0a4d0002) &&
	   flow.sport == htons(40000) && flow.dport == htons(443) && flow.proto == 6,
	   "outbound: the 5-tuple is the flow key");
	is_int(nicsec_ctl_to_sa(&ex[2].msg.sa[0], &sa, &flow), NICSEC_CTL_OK,
	       "inbound SA of an INSTALL maps");
	ok(sa.flags == NICSEC_SA_IN && sa.local_addr == htonl(0x0a4d0001) &&
	   sa.peer_addr == htonl(0x0a4d0002) && sa.local_port == htons(4500) &&
	   sa.sel_remote == htonl(0x0a4d0002) && sa.sel_local == htonl(0x0a4d0001) &&
	   !sa.sel_proto && !flow.saddr,
	   "inbound: ENCAP endpoints, 2-tuple selectors, no flow key");
	{
		struct nicsec_ctl_sa bad = ex[0].msg.sa[0];

		bad.dir = 3;
		is_int(nicsec_ctl_to_sa(&bad, &sa, &flow), NICSEC_CTL_E_VALUE,
		       "an SA with neither direction does not map");
	}
	ok(nicsec_ctl_status_from_errno(-EADDRINUSE) == NICSEC_CTL_E_EXISTS &&
	   nicsec_ctl_status_from_errno(-ENOENT) == NICSEC_CTL_E_NO_SA &&
	   nicsec_ctl_status_from_errno(-ENOSPC) == NICSEC_CTL_E_NO_SPACE,
	   "sadb errors map to EXISTS, NO_SA, NO_SPACE");
	ok(nicsec_ctl_status_from_errno(-EOPNOTSUPP) == NICSEC_CTL_E_DEVICE &&
	   nicsec_ctl_status_from_errno(0) == NICSEC_CTL_OK, "others are DEVICE, 0 is OK");
	nicsec_ctl_counters_from_stats(&st, &c);
	ok(c.packets == 1 && c.bytes == 2 && c.auth_fail == 3 && c.replay == 4 &&
	   c.other_drop == 5, "SA counters into COUNTERS");
	return tap_done();
}
