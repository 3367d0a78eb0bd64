// SPDX-License-Identifier: GPL-2.0
/*
 * kfuncs the device's XDP programs call. They stay thin: check every
 * argument against the frame, never sleep, and leave the work to the files
 * that own it. Registered for BPF_PROG_TYPE_XDP only; the verifier rejects
 * them from any other program type.
 */
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <net/xdp.h>
#include "nicsec.h"

int nicsec_xdp_region(const struct xdp_buff *xdp, u32 off, u32 len)
{
	u64 end = (u64)off + len;

	if (!len)
		return -EINVAL;
	/* Multi-buffer frames are not linear; the engine works in place. */
	if (xdp_buff_has_frags((struct xdp_buff *)xdp))
		return -EOPNOTSUPP;
	if (end > (u64)(xdp->data_end - xdp->data))
		return -ERANGE;
	return 0;
}

__bpf_kfunc_start_defs();

/**
 * bpf_nicsec_xdp_region - check a region of an XDP frame
 * @ctx: the program's context
 * @off: offset from the start of the packet data
 * @len: length in bytes, non-zero
 *
 * The bounds check every engine kfunc applies before touching the frame,
 * exposed so programs and tests can see the engine's view of a frame.
 *
 * Return: 0 if the region lies in the linear frame, -EINVAL for an empty
 * region, -ERANGE past the end, -EOPNOTSUPP for multi-buffer frames.
 */
__bpf_kfunc int bpf_nicsec_xdp_region(struct xdp_md *ctx, u32 off, u32 len)
{
	return nicsec_xdp_region((struct xdp_buff *)ctx, off, len);
}

__bpf_kfunc_end_defs();

BTF_KFUNCS_START(nicsec_xdp_kfunc_ids)
BTF_ID_FLAGS(func, bpf_nicsec_xdp_region)
BTF_KFUNCS_END(nicsec_xdp_kfunc_ids)

static const struct btf_kfunc_id_set nicsec_xdp_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &nicsec_xdp_kfunc_ids,
};

int nicsec_kfuncs_init(void)
{
	return register_btf_kfunc_id_set(BPF_PROG_TYPE_XDP,
					 &nicsec_xdp_kfunc_set);
}
