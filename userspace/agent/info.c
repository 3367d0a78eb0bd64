// SPDX-License-Identifier: GPL-2.0
/*
 * INFORMATIONAL (RFC 7296 1.4, 2.4), both roles: DELETE of a CHILD_SA or
 * of the IKE SA (each removes the SAs from the device), and the liveness
 * check (an empty request).
 */
#include <openssl/crypto.h>
#include "agent.h"
#include "log.h"

int delete_child_start(struct agent *a, struct ikesa *sa, int idx)
{
	struct child_sa *c = &sa->child[idx];
	struct ike_delete d = { .proto = IKE_PROTO_ESP, .spi_len = 4, .n_spi = 1 };
	uint8_t out[256];
	struct ike_buf b;
	int err;

	d.spi[0] = c->spi_in;
	ike_build_chain(&b, out, sizeof(out));
	ike_build_delete(&b, &d);
	sa->x_child = idx;
	err = sa_send_sk(a, sa, IKE_INFORMATIONAL, 0, sa->my_msgid, &b, P_DELETE_CHILD);
	if (!err) {
		c->rekey_at_ms = c->expire_at_ms = 0;
		log_info("%s: deleting CHILD_SA %08x_i %08x_o", sa->conn->name, c->spi_in, c->spi_out);
	}
	return err;
}

int delete_ike_start(struct agent *a, struct ikesa *sa)
{
	struct ike_delete d = { .proto = IKE_PROTO_IKE };
	uint8_t out[64];
	struct ike_buf b;

	ike_build_chain(&b, out, sizeof(out));
	ike_build_delete(&b, &d);
	if (sa->state != SA_REKEYED)
		sa->state = SA_DELETING;
	sa->half_open_deadline_ms = a->now_ms + REKEYED_GRACE_MS;
	log_info("%s: deleting IKE SA %s", sa->conn->name, sa_name(sa));
	return sa_send_sk(a, sa, IKE_INFORMATIONAL, 0, sa->my_msgid, &b, P_DELETE_IKE);
}

int dpd_start(struct agent *a, struct ikesa *sa)
{
	uint8_t out[16];
	struct ike_buf b;

	ike_build_chain(&b, out, sizeof(out));
	log_debug("%s: liveness check", sa->conn->name);
	return sa_send_sk(a, sa, IKE_INFORMATIONAL, 0, sa->my_msgid, &b, P_DPD);
}

void info_rx_response(struct agent *a, struct ikesa *sa, enum sa_pending p,
		      const struct ike_msg *in)
{
	struct child_sa *c;
	unsigned int i;

	(void)in;
	switch (p) {
	case P_DELETE_CHILD:
		if (sa->x_child < 0)
			break;
		c = &sa->child[sa->x_child];
		log_info("%s: CHILD_SA %08x_i %08x_o deleted, removed from the device",
			 sa->conn->name, c->spi_in, c->spi_out);
		device_delete(a, c, 1, 1);
		child_clear(c);
		sa->x_child = -1;
		a->st.deletes++;
		for (i = 0; i < AGENT_MAX_CHILD; i++)
			if (sa->child[i].out_pending)
				child_out_install(a, sa, &sa->child[i]);
		break;
	case P_DELETE_IKE:
		log_info("%s: IKE SA %s deleted", sa->conn->name, sa_name(sa));
		sa_free(a, sa);
		return;
	default:
		break;
	}
	agent_status_write(a);
}

void info_rx_request(struct agent *a, struct ikesa *sa, uint32_t msgid,
		     const struct ike_msg *in)
{
	struct ike_delete mine = { .proto = IKE_PROTO_ESP, .spi_len = 4 };
	uint8_t out[512];
	struct ike_buf b;
	unsigned int i, j;
	int delete_ike = 0;

	for (i = 0; i < in->n_pld; i++) {
		const struct ike_pld *p = &in->pld[i];
		struct ike_delete d;

		if (p->type != IKE_PLD_DELETE || ike_pld_delete(p->body, p->len, &d))
			continue;
		if (d.proto == IKE_PROTO_IKE) {
			delete_ike = 1;
			continue;
		}
		if (d.proto != IKE_PROTO_ESP)
			continue;
		for (j = 0; j < d.n_spi; j++) {
			struct child_sa *c = child_by_out(sa, d.spi[j]);
			unsigned int k;

			if (!c)
				continue;
			if (mine.n_spi < IKE_MAX_DEL_SPI)
				mine.spi[mine.n_spi++] = c->spi_in;
			log_info("%s: peer deleted CHILD_SA %08x_i %08x_o: removed from the device",
				 sa->conn->name, c->spi_in, c->spi_out);
			device_delete(a, c, 1, 1);
			child_clear(c);
			a->st.deletes++;
			/* a successor waiting for this: its outbound direction goes now */
			for (k = 0; k < AGENT_MAX_CHILD; k++)
				if (sa->child[k].out_pending)
					child_out_install(a, sa, &sa->child[k]);
			if (sa->x_child >= 0 && &sa->child[sa->x_child] == c)
				sa->x_child = -1;
		}
	}
	ike_build_chain(&b, out, sizeof(out));
	if (!delete_ike && mine.n_spi)
		ike_build_delete(&b, &mine);
	sa_send_sk(a, sa, IKE_INFORMATIONAL, 1, msgid, &b, P_NONE);
	if (delete_ike) {
		log_info("%s: peer deleted IKE SA %s", sa->conn->name, sa_name(sa));
		a->st.deletes++;
		sa_free(a, sa);
		return;
	}
	agent_status_write(a);
}
