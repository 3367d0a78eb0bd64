/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nicsec.ko internal API, grouped by the file that implements it.
 *
 * The module is the "kmod" AES-GCM engine of the nicsec device: XDP programs
 * on the device's ports call its kfuncs to seal and open ESP payloads in
 * place; the device daemon commits keys from process context.
 */
#ifndef NICSEC_H
#define NICSEC_H

#include <linux/types.h>

struct xdp_buff;

/* kfuncs.c */
int nicsec_kfuncs_init(void);

/* Checks that [off, off + len) lies inside the linear part of @xdp. */
int nicsec_xdp_region(const struct xdp_buff *xdp, u32 off, u32 len);

#endif /* NICSEC_H */
