/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inbound anti-replay window, RFC 4303 3.4.3, for 32-bit sequence numbers
 * and a window of NICSEC_REPLAY_WINDOW packets. The state is shared by all
 * CPUs and guarded by a spin lock; the caller checks before opening (to
 * drop early without spending the AEAD) and updates after the ICV verified,
 * when the check is made again under the lock.
 */
#ifndef NICSEC_REPLAY_H
#define NICSEC_REPLAY_H

/* Returns 0 if @seq is acceptable to the window, else 1. Lock held. */
static __always_inline int replay_seen_locked(struct nicsec_replay *r, __u32 seq)
{
	__u32 diff;

	if (seq == 0)
		return 1;		/* never sent: the first number is 1 */
	if (seq > r->top)
		return 0;
	diff = r->top - seq;
	if (diff >= NICSEC_REPLAY_WINDOW)
		return 1;		/* left of the window */
	return (r->bitmap[diff / 64 & (NICSEC_REPLAY_WORDS - 1)] >> (diff % 64)) & 1;
}

static __always_inline int replay_check(struct nicsec_replay *r, __u32 seq)
{
	int seen;

	bpf_spin_lock(&r->lock);
	seen = replay_seen_locked(r, seq);
	bpf_spin_unlock(&r->lock);
	return seen;
}

/* Record @seq; returns 1 if it was seen meanwhile (a racing duplicate). */
static __always_inline int replay_update(struct nicsec_replay *r, __u32 seq)
{
	__u32 diff, shift;
	int seen;

	bpf_spin_lock(&r->lock);
	seen = replay_seen_locked(r, seq);
	if (seen)
		goto out;
	if (seq > r->top) {
		shift = seq - r->top;
		/* slide the 128-bit window left by shift */
		if (shift >= 128) {
			r->bitmap[0] = 0;
			r->bitmap[1] = 0;
		} else if (shift >= 64) {
			r->bitmap[1] = r->bitmap[0] << (shift - 64);
			r->bitmap[0] = 0;
		} else {
			r->bitmap[1] = (r->bitmap[1] << shift) |
				       (r->bitmap[0] >> (64 - shift));
			r->bitmap[0] <<= shift;
		}
		r->bitmap[0] |= 1;
		r->top = seq;
	} else {
		diff = r->top - seq;
		r->bitmap[diff / 64 & 1] |= 1ULL << (diff % 64);
	}
out:
	bpf_spin_unlock(&r->lock);
	return seen;
}

#endif /* NICSEC_REPLAY_H */
