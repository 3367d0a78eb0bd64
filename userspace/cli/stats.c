// SPDX-License-Identifier: GPL-2.0
/* `nicsec stats`: the device's drops by reason, summed over CPUs. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "sadb.h"
#include "print.h"
#include "nicsec.h"

static const char *const drop_names[NICSEC_DROP_MAX] = {
	[NICSEC_DROP_MALFORMED] = "malformed",
	[NICSEC_DROP_NO_SA] = "no_sa",
	[NICSEC_DROP_BAD_ADDR] = "bad_addr",
	[NICSEC_DROP_AUTH] = "auth",
	[NICSEC_DROP_REPLAY] = "replay",
	[NICSEC_DROP_BAD_TRAILER] = "bad_trailer",
	[NICSEC_DROP_POLICY] = "policy",
	[NICSEC_DROP_SEQ_EXHAUSTED] = "seq_exhausted",
	[NICSEC_DROP_TOO_BIG] = "too_big",
	[NICSEC_DROP_ENGINE] = "engine",
	[NICSEC_DROP_NO_ROOM] = "no_room",
	[NICSEC_DROP_CTL_NO_SOCKET] = "ctl_no_socket",
	[NICSEC_DROP_SPOOFED] = "spoofed",
	[NICSEC_DROP_NO_TENANT] = "no_tenant",
};

static const char *const engine_names[] = { "none", "kmod", "bpf" };

int do_stats(int argc, char **argv)
{
	int ncpu = libbpf_num_possible_cpus(), i, ret = 1;
	struct nicsec_sadb db;
	uint64_t *v = NULL, sum;
	uint32_t r;

	if (argc) {
		fprintf(stderr, "Usage: nicsec stats\n");
		return 2;
	}
	if (sadb_open(&db, bpffs_dir)) {
		fprintf(stderr, "Error: cannot open the device's maps under %s: %s "
			"(is nicsec-devd running?)\n", bpffs_dir, strerror(errno));
		return 1;
	}
	v = calloc((size_t)(ncpu > 0 ? ncpu : 1), sizeof(*v));
	if (!v || ncpu <= 0)
		goto out;
	print_object_open();
	print_str("engine", "engine %s",
		  db.info.engine < 3 ? engine_names[db.info.engine] : "unknown");
	print_u64("wire_mtu", " wire-mtu %" PRIu64, db.info.wire_mtu);
	print_u64("max_sas", " max-sas %" PRIu64, db.info.max_sas);
	if (!print_json)
		printf("\ndrops:");
	print_object_open_key("drops");
	/* summed over the ports; `nicsec port show` has them per port */
	for (r = 0; r < NICSEC_DROP_MAX; r++) {
		char fmt[64];
		uint32_t p, idx;

		for (sum = 0, p = 0; p < NICSEC_PORT_MAX; p++) {
			idx = NICSEC_DROP_IDX(p, r);
			if (bpf_map_lookup_elem(db.drop_fd, &idx, v))
				goto out;
			for (i = 0; i < ncpu; i++)
				sum += v[i];
		}
		snprintf(fmt, sizeof(fmt), " %s %%" PRIu64, drop_names[r]);
		print_u64(drop_names[r], fmt, sum);
	}
	print_object_close();
	print_object_close();
	ret = 0;
out:
	free(v);
	sadb_close(&db);
	return ret;
}
