// SPDX-License-Identifier: GPL-2.0
/*
 * kfuncs of the kmod engine. They stay thin: check every argument, then
 * leave the work to keyslot.c and aead.c.
 *
 * XDP (never sleep): bpf_nicsec_esp_seal/open work in place on an ESP
 *	packet in the frame; bpf_nicsec_xdp_region exposes the bounds check.
 * SYSCALL programs (sleepable, process context): bpf_nicsec_key_set/clear
 *	commit keys to slots for the device daemon, bpf_nicsec_slots_resize
 *	sizes the slot table to the daemon's capacity. There is no kfunc that
 *	reads a key back.
 *
 * The ESP layout both XDP kfuncs expect at @esp_off (RFC 4303, RFC 4106):
 *	SPI (4) | seq (4) | IV (8) | payload+trailer (@len) | ICV (16)
 * with AAD = SPI|seq and nonce = slot salt || IV.
 */
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/string.h>
#include <net/xdp.h>
#include "nicsec.h"
#include "uapi/nicsec.h"

#define ESP_AAD_LEN	8	/* SPI | sequence number */

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
EXPORT_SYMBOL_NS_GPL(nicsec_xdp_region, NICSEC);

static int nicsec_esp_crypt(struct xdp_md *ctx, u32 esp_off, u32 len, u32 slot,
			    bool enc)
{
	struct xdp_buff *xdp = (struct xdp_buff *)ctx;
	u8 *esp;
	int err;

	if (!len || len > NICSEC_BUF_MAX)
		return -EINVAL;
	err = nicsec_xdp_region(xdp, esp_off,
				ESP_AAD_LEN + NICSEC_IV_LEN + len + NICSEC_ICV_LEN);
	if (err)
		return err;
	esp = (u8 *)xdp->data + esp_off;
	return enc ? nicsec_keyslot_seal(slot, esp + ESP_AAD_LEN, esp, ESP_AAD_LEN,
					 esp + ESP_AAD_LEN + NICSEC_IV_LEN, len) :
		     nicsec_keyslot_open(slot, esp + ESP_AAD_LEN, esp, ESP_AAD_LEN,
					 esp + ESP_AAD_LEN + NICSEC_IV_LEN, len);
}

__bpf_kfunc_start_defs();

/**
 * bpf_nicsec_xdp_region - check a region of an XDP frame
 * @ctx: the program's context
 * @off: offset from the start of the packet data
 * @len: length in bytes, non-zero
 *
 * Return: 0 if the region lies in the linear frame, -EINVAL for an empty
 * region, -ERANGE past the end, -EOPNOTSUPP for multi-buffer frames.
 */
__bpf_kfunc int bpf_nicsec_xdp_region(struct xdp_md *ctx, u32 off, u32 len)
{
	return nicsec_xdp_region((struct xdp_buff *)ctx, off, len);
}

/**
 * bpf_nicsec_esp_seal - encrypt an ESP packet in place
 * @ctx: the program's context
 * @esp_off: offset of the ESP header in the frame
 * @len: bytes of payload and ESP trailer to encrypt
 * @slot: key slot
 *
 * SPI, sequence number and IV must be in place; the ICV is written after
 * the payload, into 16 bytes the caller has made room for.
 *
 * Return: 0, -ERANGE (region or slot out of range), -ENOKEY (empty slot),
 * -EINVAL, -EOPNOTSUPP (multi-buffer frame).
 */
__bpf_kfunc int bpf_nicsec_esp_seal(struct xdp_md *ctx, u32 esp_off, u32 len,
				    u32 slot)
{
	return nicsec_esp_crypt(ctx, esp_off, len, slot, true);
}

/**
 * bpf_nicsec_esp_open - verify and decrypt an ESP packet in place
 * @ctx: the program's context
 * @esp_off: offset of the ESP header in the frame
 * @len: bytes of ciphertext (payload and trailer), without the ICV
 * @slot: key slot
 *
 * Return: 0 with the plaintext in place, -EBADMSG if the ICV does not
 * verify (the ciphertext region is then zeroed), or the errors of
 * bpf_nicsec_esp_seal().
 */
__bpf_kfunc int bpf_nicsec_esp_open(struct xdp_md *ctx, u32 esp_off, u32 len,
				    u32 slot)
{
	return nicsec_esp_crypt(ctx, esp_off, len, slot, false);
}

/**
 * bpf_nicsec_key_set - commit a key to a slot (sleepable)
 * @args: slot, key length, key and salt; key and salt are wiped on return
 * @args__sz: size of @args
 *
 * Return: 0, -EINVAL (size or key length), -ERANGE (slot), -ENOMEM.
 */
__bpf_kfunc int bpf_nicsec_key_set(struct nicsec_key_args *args, u32 args__sz)
{
	int err;

	if (args__sz != sizeof(*args))
		return -EINVAL;
	if (args->key_len != 16 && args->key_len != 32)
		err = -EINVAL;
	else
		err = nicsec_keyslot_set(args->slot, args->key, args->key_len,
					 args->salt);
	memzero_explicit(args->key, sizeof(args->key));
	memzero_explicit(args->salt, sizeof(args->salt));
	return err;
}

/**
 * bpf_nicsec_key_clear - wipe and empty a slot (sleepable)
 * @slot: key slot
 *
 * Return: 0, -ERANGE, or -ENOENT if the slot was empty.
 */
__bpf_kfunc int bpf_nicsec_key_clear(u32 slot)
{
	return nicsec_keyslot_clear(slot);
}

/**
 * bpf_nicsec_slot_capacity - number of key slots now
 *
 * The nr_slots parameter until the first bpf_nicsec_slots_resize().
 */
__bpf_kfunc u32 bpf_nicsec_slot_capacity(void)
{
	return nicsec_keyslot_capacity();
}

/**
 * bpf_nicsec_slots_resize - make the key-slot table @nr slots long (sleepable)
 * @nr: number of slots, 1..NICSEC_SLOTS_MAX
 *
 * Keys in slots below @nr keep working across the resize.
 *
 * Return: 0, -EINVAL (@nr out of range), -EBUSY (shrinking would cut off a
 * slot holding a key), -ENOMEM.
 */
__bpf_kfunc int bpf_nicsec_slots_resize(u32 nr)
{
	return nicsec_keyslot_resize(nr);
}

__bpf_kfunc_end_defs();

BTF_KFUNCS_START(nicsec_xdp_kfunc_ids)
BTF_ID_FLAGS(func, bpf_nicsec_xdp_region)
BTF_ID_FLAGS(func, bpf_nicsec_esp_seal)
BTF_ID_FLAGS(func, bpf_nicsec_esp_open)
BTF_KFUNCS_END(nicsec_xdp_kfunc_ids)

static const struct btf_kfunc_id_set nicsec_xdp_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &nicsec_xdp_kfunc_ids,
};

BTF_KFUNCS_START(nicsec_syscall_kfunc_ids)
BTF_ID_FLAGS(func, bpf_nicsec_key_set, KF_SLEEPABLE)
BTF_ID_FLAGS(func, bpf_nicsec_key_clear, KF_SLEEPABLE)
BTF_ID_FLAGS(func, bpf_nicsec_slot_capacity)
BTF_ID_FLAGS(func, bpf_nicsec_slots_resize, KF_SLEEPABLE)
BTF_KFUNCS_END(nicsec_syscall_kfunc_ids)

static const struct btf_kfunc_id_set nicsec_syscall_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &nicsec_syscall_kfunc_ids,
};

int nicsec_kfuncs_init(void)
{
	int err;

	err = register_btf_kfunc_id_set(BPF_PROG_TYPE_XDP, &nicsec_xdp_kfunc_set);
	if (!err)
		err = register_btf_kfunc_id_set(BPF_PROG_TYPE_SYSCALL,
						&nicsec_syscall_kfunc_set);
	return err;
}
