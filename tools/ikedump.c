// SPDX-License-Identifier: GPL-2.0
/*
 * ikedump: parse IKEv2 messages with the project's codec (userspace/ike)
 * and print the fields tshark prints for them, in the same format, so a
 * test can compare the two line for line. Input: one message a line, in
 * hex, the UDP payload without the non-ESP marker. Output per message:
 *   ispi rspi exchangetype flags messageid length typepayload prop.number
 *   prop.protoid tf.type tf.id.encr tf.id.prf tf.id.integ tf.id.dh
 *   tf.id.esn ike2.attr.key_length key_exchange.dh_group nonce notify.msgtype
 * (tshark -T fields -E separator=/s -E aggregator=, with those -e names;
 * proposals and transforms count as payloads 2 and 3 in typepayload), or
 * "error CODE" when the codec refuses the message.
 */
#include <stdio.h>
#include <string.h>
#include "hex.h"
#include "ike.h"

struct list {
	char s[4096];
	size_t n;
};

static void add(struct list *l, unsigned int v)
{
	if (l->n >= sizeof(l->s) - 16)
		return;
	if (l->n)
		l->s[l->n++] = ',';
	l->n += (size_t)snprintf(l->s + l->n, sizeof(l->s) - l->n, "%u", v);
}

static void hexs(char *out, const uint8_t *d, size_t len)
{
	hex_encode(d, len, out, 2 * len + 1);
}

static int dump(const uint8_t *msg, size_t len)
{
	static struct ike_msg m;
	static struct ike_sa sa;
	static struct list types, pnum, pproto, xtype, xid[6], klen, notes;
	char spi_i[17], spi_r[17], nonce[2 * IKE_NONCE_MAX_LEN + 1] = "", group[8] = "";
	unsigned int i, j, k;
	int err;

	memset(&types, 0, sizeof(types));
	memset(&pnum, 0, sizeof(pnum));
	memset(&pproto, 0, sizeof(pproto));
	memset(&xtype, 0, sizeof(xtype));
	memset(xid, 0, sizeof(xid));
	memset(&klen, 0, sizeof(klen));
	memset(&notes, 0, sizeof(notes));
	err = ike_pld_msg(msg, len, &m);
	if (err) {
		printf("error %d\n", err);
		return 1;
	}
	for (i = 0; i < m.n_pld; i++) {
		const struct ike_pld *p = &m.pld[i];
		struct ike_ke ke;
		struct ike_blob nb;
		struct ike_notify n;

		add(&types, p->type);
		switch (p->type) {
		case IKE_PLD_SA:
			if ((err = ike_pld_sa(p->body, p->len, &sa)))
				goto bad;
			for (j = 0; j < sa.n_prop; j++) {
				add(&types, 2);
				add(&pnum, sa.prop[j].num);
				add(&pproto, sa.prop[j].proto);
				for (k = 0; k < sa.prop[j].n_xf; k++) {
					const struct ike_xf *x = &sa.prop[j].xf[k];

					add(&types, 3);
					add(&xtype, x->type);
					if (x->type >= IKE_XF_ENCR && x->type <= IKE_XF_ESN)
						add(&xid[x->type], x->id);
					if (x->key_len)
						add(&klen, x->key_len);
				}
			}
			break;
		case IKE_PLD_KE:
			if ((err = ike_pld_ke(p->body, p->len, &ke)))
				goto bad;
			snprintf(group, sizeof(group), "%u", ke.group);
			break;
		case IKE_PLD_NONCE:
			if ((err = ike_pld_nonce(p->body, p->len, &nb)))
				goto bad;
			hexs(nonce, nb.data, nb.len);
			break;
		case IKE_PLD_NOTIFY:
			if ((err = ike_pld_notify(p->body, p->len, &n)))
				goto bad;
			add(&notes, n.type);
			break;
		}
	}
	hexs(spi_i, m.hdr.spi_i, 8);
	hexs(spi_r, m.hdr.spi_r, 8);
	printf("%s %s %u 0x%02x 0x%08x %u %s %s %s %s %s %s %s %s %s %s %s %s %s\n",
	       spi_i, spi_r, m.hdr.exchange, m.hdr.flags, m.hdr.msgid, m.hdr.length,
	       types.s, pnum.s, pproto.s, xtype.s, xid[1].s, xid[2].s, xid[3].s,
	       xid[4].s, xid[5].s, klen.s, group, nonce, notes.s);
	return 0;
bad:
	printf("error %d\n", err);
	return 1;
}

int main(void)
{
	static char line[2 * IKE_MAX_MSG_LEN + 2];
	static uint8_t msg[IKE_MAX_MSG_LEN];
	int rc = 0, n;

	while (fgets(line, sizeof(line), stdin)) {
		size_t l = strcspn(line, "\r\n");

		n = hex_decode(line, l, msg, sizeof(msg));
		if (n < 0) {
			printf("error hex\n");
			rc = 1;
			continue;
		}
		rc |= dump(msg, (size_t)n);
	}
	return rc;
}
