// SPDX-License-Identifier: GPL-2.0
/* Control request <-> SA database glue; see ctl_sadb.h. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include "ctl_sadb.h"

int nicsec_ctl_to_sa(const struct nicsec_ctl_sa *req, struct nicsec_sa *sa,
		     struct nicsec_flow *flow)
{
	const struct nicsec_ctl_flow *f = &req->flow;
	int out = req->dir == NICSEC_CTL_DIR_OUT;

	memset(sa, 0, sizeof(*sa));
	memset(flow, 0, sizeof(*flow));
	if ((req->dir != NICSEC_CTL_DIR_OUT && req->dir != NICSEC_CTL_DIR_IN) ||
	    (f->ntuple != 2 && f->ntuple != 5))
		return NICSEC_CTL_E_VALUE;
	sa->flags = out ? NICSEC_SA_OUT : NICSEC_SA_IN;
	sa->spi = htonl(req->spi);
	if (req->present & NICSEC_CTL_F(NICSEC_CTL_T_ENCAP)) {
		sa->local_addr = req->encap.local_addr;
		sa->peer_addr = req->encap.peer_addr;
		sa->local_port = req->encap.local_port;
		sa->peer_port = req->encap.peer_port;
	} else {
		sa->local_addr = out ? f->saddr : f->daddr;
		sa->peer_addr = out ? f->daddr : f->saddr;
		sa->local_port = htons(NICSEC_ESP_PORT);
		sa->peer_port = htons(NICSEC_ESP_PORT);
	}
	if (out) {
		flow->saddr = f->saddr;
		flow->daddr = f->daddr;
		if (f->ntuple == 5) {
			flow->sport = f->sport;
			flow->dport = f->dport;
			flow->proto = f->proto;
		}
	} else {
		sa->sel_remote = f->saddr;
		sa->sel_local = f->daddr;
		if (f->ntuple == 5) {
			sa->sel_remote_port = f->sport;
			sa->sel_local_port = f->dport;
			sa->sel_proto = f->proto;
		}
	}
	return NICSEC_CTL_OK;
}

int nicsec_ctl_status_from_errno(int err)
{
	switch (-err) {
	case 0:
		return NICSEC_CTL_OK;
	case EEXIST:
	case EADDRINUSE:
		return NICSEC_CTL_E_EXISTS;
	case ENOSPC:
	case E2BIG:
		return NICSEC_CTL_E_NO_SPACE;
	case ENOENT:
		return NICSEC_CTL_E_NO_SA;
	case EINVAL:
	case ERANGE:
		return NICSEC_CTL_E_VALUE;
	}
	return NICSEC_CTL_E_DEVICE;
}

void nicsec_ctl_counters_from_stats(const struct nicsec_sa_stats *st,
				    struct nicsec_ctl_counters *c)
{
	c->packets = st->packets;
	c->bytes = st->bytes;
	c->auth_fail = st->auth_fail;
	c->replay = st->replay;
	c->other_drop = st->other_drop;
}
