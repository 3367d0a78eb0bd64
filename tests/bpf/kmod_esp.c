// SPDX-License-Identifier: GPL-2.0
/*
 * In the VM, with nicsec.ko loaded: keys go into slots through the
 * sleepable SYSCALL-program kfunc (and are wiped from the argument block),
 * and the XDP seal/open kfuncs produce exactly what OpenSSL's AES-GCM
 * produces for RFC 4106 ESP (nonce = salt || IV, AAD = SPI | seq), open
 * what they sealed, reject every tampered bit with -EBADMSG and a zeroed
 * payload, and refuse bad slots and regions with their error codes.
 * Then the slot table through the library the device daemon uses
 * (keyset.h, its SYSCALL programs): resized to a million slots, a key in
 * the last one seals like OpenSSL, a key set before the resize seals the
 * same bytes after it, a shrink is refused while the last slot holds a key
 * and done once it is cleared, and bad sizes are refused.
 */
#include <errno.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <openssl/evp.h>
#include "kmod_esp.skel.h"
#include "uapi/nicsec.h"
#include "maps.h"
#include "keyset.h"
#include "../tap.h"

#define ESP_OFF	42		/* after Ethernet, IPv4 and UDP headers */
#define HDR	16		/* SPI | seq | IV */
#define ICV	16

static struct kmod_esp_bpf *skel;

static int key_set(__u32 slot, const __u8 *key, __u32 len, const __u8 *salt,
		   int *wiped)
{
	struct nicsec_key_args args = { .slot = slot, .key_len = len };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &args, .ctx_size_in = sizeof(args));
	static const struct nicsec_key_args zero;
	int err;

	memcpy(args.key, key, len > sizeof(args.key) ? sizeof(args.key) : len);
	memcpy(args.salt, salt, sizeof(args.salt));
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.key_set), &opts);
	if (wiped)
		*wiped = !memcmp(args.key, zero.key, sizeof(zero.key)) &&
			 !memcmp(args.salt, zero.salt, sizeof(zero.salt));
	return err ? -errno : (int)opts.retval;
}

static int key_clear(__u32 slot)
{
	struct { __u32 slot; } args = { slot };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &args, .ctx_size_in = sizeof(args));

	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.key_clear), &opts))
		return -errno;
	return (int)opts.retval;
}

/* Runs seal or open on @frame (@flen bytes) in place; returns the result. */
static int esp_crypt(struct bpf_program *prog, __u8 *frame, __u32 flen, __u32 len,
		 __u32 slot)
{
	static __u8 out[4096];
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = frame, .data_size_in = flen,
		.data_out = out, .data_size_out = sizeof(out));

	skel->bss->arg_off = ESP_OFF;
	skel->bss->arg_len = len;
	skel->bss->arg_slot = slot;
	skel->bss->result = 12345;
	if (bpf_prog_test_run_opts(bpf_program__fd(prog), &opts))
		return -1000 - errno;
	memcpy(frame, out, flen);
	return skel->bss->result;
}

/* Independent reference: OpenSSL AES-GCM over the same ESP packet. */
static void openssl_seal(const __u8 *key, int klen, const __u8 *salt, __u8 *esp,
			 int len)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	__u8 nonce[12];
	int n;

	memcpy(nonce, salt, 4);
	memcpy(nonce + 4, esp + 8, 8);
	EVP_EncryptInit_ex(c, klen == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm(),
			   NULL, key, nonce);
	EVP_EncryptUpdate(c, NULL, &n, esp, 8);
	EVP_EncryptUpdate(c, esp + HDR, &n, esp + HDR, len);
	EVP_EncryptFinal_ex(c, esp + HDR + len, &n);
	EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, ICV, esp + HDR + len);
	EVP_CIPHER_CTX_free(c);
}

/* A frame with an ESP packet: SPI, seq, IV, then @len bytes of payload. */
static __u32 make_frame(__u8 *f, __u32 len, __u32 seq)
{
	__u32 i, flen = ESP_OFF + HDR + len + ICV;

	for (i = 0; i < ESP_OFF; i++)
		f[i] = (__u8)(0xa0 + i);
	memcpy(f + ESP_OFF, "\x00\x00\x01\x00", 4);		/* SPI 0x100 */
	f[ESP_OFF + 4] = (__u8)(seq >> 24); f[ESP_OFF + 5] = (__u8)(seq >> 16);
	f[ESP_OFF + 6] = (__u8)(seq >> 8);  f[ESP_OFF + 7] = (__u8)seq;
	memset(f + ESP_OFF + 8, 0, 4);				/* IV = seq, 64 bit */
	memcpy(f + ESP_OFF + 12, f + ESP_OFF + 4, 4);
	for (i = 0; i < len; i++)
		f[ESP_OFF + HDR + i] = (__u8)(i * 13 + seq);
	memset(f + ESP_OFF + HDR + len, 0, ICV);
	return flen;
}

/* The slot table through keyset.h; leaves it at the size it found. */
static void slots_resize(const __u8 *key, const __u8 *salt)
{
	const __u32 big = 1000000, last = big - 1, len = 100;
	static __u8 frame[2048], ref[2048], before[2048];
	__u32 cap0 = 0, cap = 0, flen;

	is_int(nicsec_kmod_slots_capacity(&cap0), 0, "slots_capacity program runs");
	ok(cap0 == skel->bss->capacity, "capacity %u equals bpf_nicsec_slot_capacity()", cap0);
	ok(cap0 < big, "nr_slots %u is below a million", cap0);

	/* a key set before the resize, and the bytes it seals */
	flen = make_frame(frame, len, 77);
	is_int(key_set(3, key, 32, salt, NULL), 0, "key_set slot 3 before the resize");
	is_int(esp_crypt(skel->progs.esp_seal, frame, flen, len, 3), 0, "seal with slot 3");
	memcpy(before, frame, flen);

	is_int(nicsec_kmod_slots_resize(big), 0, "resize to 1,000,000 slots");
	nicsec_kmod_slots_capacity(&cap);
	is_int((int)cap, (int)big, "capacity reads 1,000,000");
	flen = make_frame(frame, len, 77);
	ok(!esp_crypt(skel->progs.esp_seal, frame, flen, len, 3) && !memcmp(frame, before, flen),
	   "slot 3 seals the same bytes after the grow");

	is_int(nicsec_key_set(NICSEC_ENGINE_ID_KMOD, -1, last, key, 32, salt), 0,
	       "nicsec_key_set slot 999,999");
	flen = make_frame(frame, len, 78);
	memcpy(ref, frame, flen);
	openssl_seal(key, 32, salt, ref + ESP_OFF, (int)len);
	ok(!esp_crypt(skel->progs.esp_seal, frame, flen, len, last) && !memcmp(frame, ref, flen),
	   "seal with slot 999,999: byte-identical to OpenSSL");
	flen = make_frame(ref, len, 78);
	ok(!esp_crypt(skel->progs.esp_open, frame, flen, len, last) &&
	   !memcmp(frame, ref, flen - ICV), "open with slot 999,999 restores the plaintext");
	is_int(nicsec_key_set(NICSEC_ENGINE_ID_KMOD, -1, big, key, 32, salt), -ERANGE,
	       "slot 1,000,000 does not exist");

	is_int(nicsec_kmod_slots_resize(cap0), -EBUSY, "shrink refused while slot 999,999 holds a key");
	nicsec_kmod_slots_capacity(&cap);
	is_int((int)cap, (int)big, "refused shrink leaves 1,000,000 slots");
	is_int(nicsec_kmod_slots_resize(0), -EINVAL, "resize to 0 refused");
	is_int(nicsec_kmod_slots_resize(NICSEC_SLOTS_MAX + 1), -EINVAL,
	       "resize above NICSEC_SLOTS_MAX refused");

	is_int(nicsec_key_clear(NICSEC_ENGINE_ID_KMOD, -1, last), 0, "clear slot 999,999");
	is_int(nicsec_kmod_slots_resize(cap0), 0, "shrink back to %u slots", cap0);
	nicsec_kmod_slots_capacity(&cap);
	is_int((int)cap, (int)cap0, "capacity reads %u again", cap0);
	flen = make_frame(frame, len, 77);
	ok(!esp_crypt(skel->progs.esp_seal, frame, flen, len, 3) && !memcmp(frame, before, flen),
	   "slot 3 seals the same bytes after the shrink");
	is_int(esp_crypt(skel->progs.esp_seal, frame, flen, len, last), -ERANGE,
	       "slot 999,999 is gone: -ERANGE");
	is_int(key_clear(3), 0, "key_clear slot 3");
}

int main(void)
{
	static const __u8 key128[16] = "0123456789abcdef";
	static const __u8 key256[32] = "0123456789abcdef0123456789ABCDEF";
	static const __u8 keyb[16] = "fedcba9876543210";
	static const __u8 salt[4] = { 0xca, 0xfe, 0xba, 0xbe };
	static const __u32 sizes[] = { 1, 16, 17, 100, 1400 };
	static __u8 frame[2048], ref[2048], plain[2048];
	int i, wiped = 0, bad, zeroed;
	__u32 flen, s;

	tap_plan(27 + 22);
	if (access("/sys/kernel/btf/nicsec", F_OK))
		tap_bail("nicsec.ko is not loaded (no /sys/kernel/btf/nicsec)");
	skel = kmod_esp_bpf__open_and_load();
	if (!ok(skel != NULL, "verifier accepts the SYSCALL key programs and XDP seal/open"))
		tap_bail("cannot continue without the programs");

	is_int(key_set(5, key128, 16, salt, &wiped), 0, "key_set slot 5, AES-128");
	ok(wiped, "key and salt wiped from the argument block");
	is_int(key_set(6, key256, 32, salt, NULL), 0, "key_set slot 6, AES-256");
	is_int(key_set(7, key128, 20, salt, &wiped), -EINVAL, "20-byte key refused");
	ok(wiped, "refused key wiped too");
	is_int(key_set(1u << 30, key128, 16, salt, NULL), -ERANGE, "slot out of range refused");

	for (i = 0; i < 2; i++) {
		__u32 slot = i ? 6 : 5;
		int seal_bad = 0, open_bad = 0;

		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			__u32 len = sizes[s];

			flen = make_frame(frame, len, 1000 + s);
			memcpy(ref, frame, flen);
			memcpy(plain, frame, flen);
			openssl_seal(i ? key256 : key128, i ? 32 : 16, salt, ref + ESP_OFF,
				     (int)len);
			if (esp_crypt(skel->progs.esp_seal, frame, flen, len, slot) ||
			    memcmp(frame, ref, flen)) {
				diag("seal of %u B differs from OpenSSL", len);
				seal_bad++;
			}
			/* the ICV stays behind the plaintext; compare up to it */
			if (esp_crypt(skel->progs.esp_open, frame, flen, len, slot) ||
			    memcmp(frame, plain, flen - ICV)) {
				diag("open of %u B did not restore the plaintext", len);
				open_bad++;
			}
		}
		is_int(seal_bad, 0, "seal 1/16/17/100/1400 B, AES-%d: byte-identical to OpenSSL",
		       i ? 256 : 128);
		is_int(open_bad, 0, "open 1/16/17/100/1400 B, AES-%d: plaintext restored",
		       i ? 256 : 128);
	}

	/* Every bit of AAD, IV, a ciphertext byte and the tag: -EBADMSG. */
	flen = make_frame(frame, 64, 7);
	esp_crypt(skel->progs.esp_seal, frame, flen, 64, 5);
	memcpy(ref, frame, flen);
	bad = 0;
	zeroed = 1;
	for (i = 0; i < 8 * (HDR + 1 + ICV); i++) {
		int byte = i / 8;

		/* bytes 0..15 header, 16: first ciphertext byte, then the tag */
		int at = byte <= HDR ? byte : HDR + 64 + (byte - HDR - 1);
		__u32 k;

		memcpy(frame, ref, flen);
		frame[ESP_OFF + at] ^= (__u8)(1 << (i % 8));
		if (esp_crypt(skel->progs.esp_open, frame, flen, 64, 5) != -EBADMSG)
			bad++;
		for (k = 0; k < 64; k++)
			if (frame[ESP_OFF + HDR + k])
				zeroed = 0;
	}
	is_int(bad, 0, "each of %d flipped bits (SPI, seq, IV, ciphertext, ICV) gives -EBADMSG",
	       8 * (HDR + 1 + ICV));
	ok(zeroed, "no unauthenticated plaintext left after a failed open");
	memcpy(frame, ref, flen);
	is_int(esp_crypt(skel->progs.esp_open, frame, flen, 64, 6), -EBADMSG,
	       "opening with another slot's key fails");

	/* bounds */
	flen = make_frame(frame, 64, 8);
	memcpy(ref, frame, flen);
	is_int(esp_crypt(skel->progs.esp_seal, frame, flen, 65, 5), -ERANGE,
	       "region one byte past the frame: -ERANGE");
	is_int(esp_crypt(skel->progs.esp_seal, frame, flen, 0, 5), -EINVAL, "empty payload: -EINVAL");
	is_int(esp_crypt(skel->progs.esp_seal, frame, flen, 0xfffffff0u, 5), -EINVAL,
	       "huge length: -EINVAL");
	is_int(esp_crypt(skel->progs.esp_seal, frame, flen, 64, 9), -ENOKEY, "empty slot: -ENOKEY");
	is_int(esp_crypt(skel->progs.esp_seal, frame, flen, 64, 1u << 30), -ERANGE,
	       "slot out of range: -ERANGE");
	ok(!memcmp(frame, ref, flen), "refused calls leave the frame untouched");

	/* replacing a key: what was sealed under the old one no longer opens */
	flen = make_frame(frame, 32, 9);
	esp_crypt(skel->progs.esp_seal, frame, flen, 32, 5);
	is_int(key_set(5, keyb, 16, salt, NULL), 0, "replace the key in slot 5");
	is_int(esp_crypt(skel->progs.esp_open, frame, flen, 32, 5), -EBADMSG,
	       "packet sealed under the old key is rejected");

	is_int(key_clear(5), 0, "key_clear slot 5");
	is_int(key_clear(5), -ENOENT, "clearing it again: -ENOENT");
	ok(skel->bss->capacity == 1024, "slot capacity is nr_slots (%u)", skel->bss->capacity);
	is_int(esp_crypt(skel->progs.esp_seal, frame, flen, 32, 5), -ENOKEY, "cleared slot: -ENOKEY");
	is_int(key_clear(6), 0, "key_clear slot 6");
	slots_resize(key256, salt);
	kmod_esp_bpf__destroy(skel);
	return tap_done();
}
