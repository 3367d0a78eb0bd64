// SPDX-License-Identifier: GPL-2.0
/*
 * Per-sender anti-replay state of the control protocol: a sliding window of
 * 64 counters below the highest accepted one, as RFC 4303 3.4.3 does for
 * ESP sequence numbers, over the header's 64-bit counter. Check before use,
 * update only once the datagram authenticated, so forged counters cannot
 * move the window.
 */
#include "ctl_codec.h"

int nicsec_ctl_replay_check(const struct nicsec_ctl_replay *r, uint64_t counter)
{
	uint64_t diff;

	if (!counter)
		return NICSEC_CTL_E_REPLAY;
	if (counter > r->top)
		return NICSEC_CTL_OK;
	diff = r->top - counter;
	if (diff >= NICSEC_CTL_REPLAY_WINDOW)
		return NICSEC_CTL_E_REPLAY;
	return r->bitmap & (1ull << diff) ? NICSEC_CTL_E_REPLAY : NICSEC_CTL_OK;
}

void nicsec_ctl_replay_update(struct nicsec_ctl_replay *r, uint64_t counter)
{
	uint64_t shift;

	if (counter > r->top) {
		shift = counter - r->top;
		r->bitmap = shift >= NICSEC_CTL_REPLAY_WINDOW ? 0 : r->bitmap << shift;
		r->bitmap |= 1;
		r->top = counter;
	} else if (r->top - counter < NICSEC_CTL_REPLAY_WINDOW) {
		r->bitmap |= 1ull << (r->top - counter);
	}
}
