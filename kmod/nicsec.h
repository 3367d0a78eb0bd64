/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nicsec.ko internal API, grouped by the file that implements it.
 *
 * The module is the "kmod" AES-GCM engine of the nicsec device: XDP programs
 * on the device's ports call its kfuncs to seal and open ESP payloads in
 * place; the device daemon commits keys from process context. Symbols are
 * exported in the NICSEC namespace for the KUnit suites (kmod/tests/) only.
 */
#ifndef NICSEC_H
#define NICSEC_H

#include <linux/types.h>

struct xdp_buff;
struct crypto_aead;

/* ESP with AES-GCM, RFC 4106 */
#define NICSEC_SALT_LEN		4	/* implicit nonce part, from the key */
#define NICSEC_IV_LEN		8	/* explicit IV carried in each packet */
#define NICSEC_NONCE_LEN	12	/* salt || IV */
#define NICSEC_ICV_LEN		16
#define NICSEC_AAD_MAX		64	/* ESP needs 8 (SPI|seq) or 12 (ESN) */
#define NICSEC_BUF_MAX		65535	/* largest region sealed or opened */

/*
 * aead.c: AES-GCM over a linear buffer, usable in softirq (XDP) context.
 * Buffers and AAD go into scatterlists: they must be in the kernel's linear
 * mapping (kmalloc, pages, XDP frames), never on a (vmapped) stack.
 */
int nicsec_aead_init(void);
void nicsec_aead_exit(void);
/* Allocate a GCM transform with @key (16 or 32 bytes). May sleep. */
struct crypto_aead *nicsec_aead_alloc(const u8 *key, unsigned int keylen);
/* Free a transform; the crypto API wipes its key schedule. May sleep. */
void nicsec_aead_free(struct crypto_aead *tfm);
/*
 * Seal @len bytes at @buf in place and write the 16-byte tag right after
 * them (the caller provides the room); @aad (@aadlen bytes, may be 0) is
 * authenticated, not encrypted. Returns 0, or -EINVAL for lengths out of
 * range. Does not sleep.
 */
int nicsec_aead_seal(struct crypto_aead *tfm, const u8 nonce[NICSEC_NONCE_LEN],
		     const u8 *aad, u32 aadlen, u8 *buf, u32 len);
/*
 * Open @len bytes of ciphertext at @buf followed by the 16-byte tag, in
 * place. Returns 0 with the plaintext at @buf, -EBADMSG if the tag does not
 * verify (the @len bytes are then zeroed: no unauthenticated plaintext is
 * left behind), or -EINVAL for lengths out of range. Does not sleep.
 */
int nicsec_aead_open(struct crypto_aead *tfm, const u8 nonce[NICSEC_NONCE_LEN],
		     const u8 *aad, u32 aadlen, u8 *buf, u32 len);

/*
 * keyslot.c: a table of key slots, sized at load and resizable at run
 * time; an empty slot is one pointer. No path ever reads a key back.
 */
/* A table of @nr_slots (1..1048576, the nr_slots parameter) empty slots. */
int nicsec_keyslot_init(unsigned int nr_slots);
/* Clears every slot (keys wiped) and waits for readers. May sleep. */
void nicsec_keyslot_exit(void);
/* The number of slots now; slots [0, capacity) exist. Any context. */
unsigned int nicsec_keyslot_capacity(void);
/*
 * Make the table @nr slots long (1..NICSEC_SLOTS_MAX, uapi/nicsec.h). Keys
 * in slots below @nr stay where they are and keep working throughout; a
 * shrink is refused while any slot at or above @nr holds a key. Process
 * context only (allocates, waits a grace period). Returns 0 (also when
 * the size is already @nr), -EINVAL for a size out of range, -EBUSY, or
 * -ENOMEM (the table is then as it was).
 */
int nicsec_keyslot_resize(u32 nr);
/*
 * Install @key (16 or 32 bytes) and @salt in @slot, replacing what was
 * there; packets already using the old key finish with it (RCU). Process
 * context only (may sleep). Returns 0, -ERANGE for a slot out of range,
 * -EINVAL for a bad key length, or an allocation error.
 */
int nicsec_keyslot_set(u32 slot, const u8 *key, u32 keylen,
		       const u8 salt[NICSEC_SALT_LEN]);
/*
 * Empty @slot at once; its key (transform and salt) is wiped and freed
 * after a grace period, without the caller waiting for it (a replaced key
 * likewise). Returns 0, -ERANGE, or -ENOENT if it was empty.
 */
int nicsec_keyslot_clear(u32 slot);
/*
 * Seal/open with the key in @slot and nonce = slot salt || @iv; same
 * buffer rules as nicsec_aead_seal/open. Callable from XDP (softirq) and
 * process context. Returns -ERANGE for a bad slot, -ENOKEY for an empty one.
 */
int nicsec_keyslot_seal(u32 slot, const u8 iv[NICSEC_IV_LEN], const u8 *aad,
			u32 aadlen, u8 *buf, u32 len);
int nicsec_keyslot_open(u32 slot, const u8 iv[NICSEC_IV_LEN], const u8 *aad,
			u32 aadlen, u8 *buf, u32 len);

/* kfuncs.c */
int nicsec_kfuncs_init(void);
/* Checks that [off, off + len) lies inside the linear part of @xdp. */
int nicsec_xdp_region(const struct xdp_buff *xdp, u32 off, u32 len);

#endif /* NICSEC_H */
