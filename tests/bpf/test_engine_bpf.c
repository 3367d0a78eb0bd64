// SPDX-License-Identifier: GPL-2.0
/*
 * The bpf engine (bpf/engine_bpf.h) through BPF_PROG_TEST_RUN on the host:
 * key install into a slot (keyset.c, the same path `nicsec sa add` takes),
 * seal byte-identical to OpenSSL's RFC 4106 AES-GCM for both key sizes and
 * many lengths, open back, Wycheproof cases in ESP shape and every
 * applicable Wycheproof case (any AAD length, empty messages) through the
 * engine core (raw_seal/raw_open), every ICV bit and
 * sampled AAD/IV/ciphertext bits flipped -> -EBADMSG with the payload
 * zeroed, argument errors, key clear, both AES drivers agreeing, no key
 * byte in a dump of the slot map, the slot's 4-bit GHASH table equal to
 * H * n for every nibble n (H = E_K(0) from OpenSSL, products by a bitwise
 * model), and a slot map larger than NICSEC_OBJ_MAX_SA (its size is the
 * loader's choice).
 */
#include <errno.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <openssl/evp.h>
#include "engine_bpf_test.skel.h"
#include "keyset_bpf.skel.h"
#include "uapi/nicsec.h"
#include "maps.h"
#include "hex.h"
#include "keyset.h"
#include "../tap.h"
#include "wycheproof_esp.h"

#define ESP_OFF		42
#define FRAME_MAX	3200	/* test_run of a non-frags XDP program: < 1 page */
/* struct gcm_slot (bpf/gcm_bpf.h): cctx (8), ready (4), salt (4), htab[16][2],
 * warm (struct nicsec_warm: cctx, tfm, cipher) */
#define SLOT_HTAB_OFF	16
#define SLOT_WARM_OFF	(SLOT_HTAB_OFF + 16 * 16)
#define SLOT_LEN	(SLOT_WARM_OFF + 24)

static struct engine_bpf_test_bpf *skel;
static int slots_fd;

/* Run seal (enc) or open on @frame of @flen bytes in place; the engine's
 * return value. */
static int run(int enc, uint8_t *frame, uint32_t flen, uint32_t len, uint32_t slot)
{
	static uint8_t out[FRAME_MAX + 512];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = flen,
		    .data_out = out, .data_size_out = sizeof(out));
	struct bpf_program *p = enc ? skel->progs.seal : skel->progs.open;

	skel->bss->esp_off = ESP_OFF;
	skel->bss->len = len;
	skel->bss->slot = slot;
	skel->bss->ret = 1;
	if (bpf_prog_test_run_opts(bpf_program__fd(p), &opts))
		return -1000 - errno;
	if (opts.data_size_out != flen)
		return -2000;
	memcpy(frame, out, flen);
	return skel->bss->ret;
}

/* OpenSSL's RFC 4106: nonce salt||iv, AAD = esp[0..8]; writes ct and tag. */
static void ref_seal(const uint8_t *key, int klen, const uint8_t salt[4],
		     const uint8_t *esp, const uint8_t *pt, int len, uint8_t *ct,
		     uint8_t tag[16])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t nonce[12];
	int n;

	memcpy(nonce, salt, 4);
	memcpy(nonce + 4, esp + 8, 8);
	if (!c || !EVP_EncryptInit_ex(c, klen == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm(),
				      NULL, key, nonce) ||
	    !EVP_EncryptUpdate(c, NULL, &n, esp, 8) ||
	    !EVP_EncryptUpdate(c, ct, &n, pt, len) ||
	    !EVP_EncryptFinal_ex(c, ct + n, &n) ||
	    !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag))
		tap_bail("OpenSSL AES-GCM failed");
	EVP_CIPHER_CTX_free(c);
}

static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)((i * 131 + seed * 17 + (i >> 8)) ^ seed);
}

/* A frame with an ESP packet of @len payload bytes at ESP_OFF. */
static uint32_t frame_make(uint8_t *f, const uint8_t hdr[16], const uint8_t *pt,
			   uint32_t len)
{
	memset(f, 0xee, ESP_OFF);
	memcpy(f + ESP_OFF, hdr, 16);
	memcpy(f + ESP_OFF + 16, pt, len);
	memset(f + ESP_OFF + 16 + len, 0, 16);
	return ESP_OFF + 16 + len + 16;
}

static int all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

/* raw_seal / raw_open over AAD | data | tag; the program's result */
static int run_raw(int enc, uint8_t *frame, uint32_t alen, uint32_t dlen, uint32_t slot,
		   const uint8_t iv8[8])
{
	static uint8_t out[FRAME_MAX + 512];
	uint32_t flen = alen + dlen + 16;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = flen,
		    .data_out = out, .data_size_out = sizeof(out));

	skel->bss->aad_len = alen;
	skel->bss->len = dlen;
	skel->bss->slot = slot;
	memcpy(&skel->bss->raw_iv, iv8, 8);
	skel->bss->ret = 1;
	if (bpf_prog_test_run_opts(bpf_program__fd(enc ? skel->progs.raw_seal :
								skel->progs.raw_open), &opts))
		return -1000 - errno;
	memcpy(frame, out, flen);
	return skel->bss->ret;
}

/* x * y in GF(2^128), GCM's bit order ({hi, lo}, x^0 = top bit of hi), one
 * bit at a time (SP 800-38D 6.3, algorithm 1): the model for the table */
static void gf_mul(uint64_t x[2], const uint64_t y[2])
{
	uint64_t z[2] = { 0, 0 }, v[2] = { y[0], y[1] }, lsb;
	int i;

	for (i = 0; i < 128; i++) {
		if ((x[i / 64] >> (63 - i % 64)) & 1) {
			z[0] ^= v[0];
			z[1] ^= v[1];
		}
		lsb = v[1] & 1;
		v[1] = (v[1] >> 1) | (v[0] << 63);
		v[0] = (v[0] >> 1) ^ (lsb ? 0xe100000000000000ULL : 0);
	}
	x[0] = z[0];
	x[1] = z[1];
}

/* slot @slot's table == H * n for all n, H = AES-@klen_K(0^128) */
static int table_is_h_times_n(uint32_t slot, const uint8_t *key, int klen)
{
	static uint8_t v[8192];
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t zero[16] = { 0 }, hb[16];
	uint64_t h[2], e[2], m[2];
	int n, bad = 0, l;

	if (!c || !EVP_EncryptInit_ex(c, klen == 16 ? EVP_aes_128_ecb() : EVP_aes_256_ecb(),
				      NULL, key, NULL) ||
	    !EVP_EncryptUpdate(c, hb, &l, zero, 16))
		tap_bail("OpenSSL AES-ECB failed");
	EVP_CIPHER_CTX_free(c);
	h[0] = 0;
	h[1] = 0;
	for (n = 0; n < 16; n++)
		h[n / 8] = h[n / 8] << 8 | hb[n];
	if (bpf_map_lookup_elem(slots_fd, &slot, v))
		return 0;
	for (n = 0; n < 16; n++) {
		e[0] = (uint64_t)n << 60;	/* the nibble n as x^0..x^3 */
		e[1] = 0;
		gf_mul(e, h);
		memcpy(m, v + SLOT_HTAB_OFF + 16 * n, 16);
		bad += m[0] != e[0] || m[1] != e[1];
	}
	return !bad;
}

/* slot @slot's warm, as user space reads it */
static struct nicsec_warm slot_warm(uint32_t slot)
{
	static uint8_t v[8192];
	struct nicsec_warm w = { 0 };

	if (!bpf_map_lookup_elem(slots_fd, &slot, v))
		memcpy(&w, v + SLOT_WARM_OFF, sizeof(w));
	return w;
}

/* three distinct addresses in the kernel's half (x86-64, arm64) */
static int warm_is_kernel(struct nicsec_warm w)
{
	return w.cctx >> 47 == 0x1ffff && w.tfm >> 47 == 0x1ffff && w.cipher >> 47 == 0x1ffff &&
	       w.cctx != w.tfm && w.tfm != w.cipher && w.cctx != w.cipher;
}

static int hex(const char *s, uint8_t *out, size_t cap)
{
	return hex_decode(s, strlen(s), out, cap);
}

static const uint8_t salt[4] = { 0xca, 0xfe, 0xba, 0xbe };
static const uint8_t hdr0[16] = { 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2a,
				  0, 0, 0, 0, 0, 0, 0, 0x2a };

int main(void)
{
	static const uint32_t lens[] = { 1, 2, 15, 16, 17, 31, 33, 63, 64, 65, 100, 255,
					 256, 511, 512, 1000, 1400, 1436, 1500, 2048, 3000 };
	static uint8_t f[FRAME_MAX], pt[FRAME_MAX], ct[FRAME_MAX], g[FRAME_MAX];
	static uint8_t val[8192];
	uint8_t key[32], tag[16];
	size_t vs;
	uint32_t n_lens = sizeof(lens) / sizeof(lens[0]), fl, i, k, bad;
	size_t w;
	int err, klen, r;

	tap_plan(4 + 2 * 2 * (int)n_lens + 2 * (int)(sizeof(wp_esp) / sizeof(wp_esp[0])) +
		 (int)(sizeof(wp_raw) / sizeof(wp_raw[0])) +
		 6 + 7 + 3 + 3 + 1 + 2 + 3 + 2);
	skel = engine_bpf_test_bpf__open_and_load();
	if (!skel)
		tap_bail("cannot load engine_bpf_test (root and kernel BPF crypto kfuncs needed)");
	slots_fd = bpf_map__fd(skel->maps.gcm_slots);
	vs = bpf_map__value_size(skel->maps.gcm_slots);
	if (vs > sizeof(val))
		tap_bail("gcm_slots value larger than expected");
	is_int((int)vs, SLOT_LEN, "gcm_slots value is %d bytes (4-bit GHASH table)", SLOT_LEN);

	/* key install */
	fill(key, sizeof(key), 7);
	is_int(nicsec_key_set(NICSEC_ENGINE_ID_BPF, slots_fd, 5, key, 24, salt), -EINVAL,
	       "key_set: 24-byte key refused");
	is_int(nicsec_key_set(NICSEC_ENGINE_ID_BPF, slots_fd, NICSEC_OBJ_MAX_SA, key, 16, salt),
	       -ERANGE, "key_set: slot %d out of range", NICSEC_OBJ_MAX_SA);
	is_int(nicsec_key_set(NICSEC_ENGINE_ID_BPF, slots_fd, 1, key, 16, salt), 0,
	       "key_set: AES-128 in slot 1");
	is_int(nicsec_key_set(NICSEC_ENGINE_ID_BPF, slots_fd, 2, key, 32, salt), 0,
	       "key_set: AES-256 in slot 2");

	ok(table_is_h_times_n(1, key, 16) && table_is_h_times_n(2, key, 32),
	   "slots 1, 2: M[n] = H * n for n = 0..15 (H = E_K(0), AES-128 and AES-256)");
	{
		struct nicsec_warm w1 = slot_warm(1), w2 = slot_warm(2);

		ok(warm_is_kernel(w1) && warm_is_kernel(w2) && w1.cctx != w2.cctx &&
		   w1.tfm != w2.tfm && w1.cipher != w2.cipher,
		   "slots 1, 2: warm holds each slot's own context, tfm and cipher addresses");
	}

	/* seal == OpenSSL, open restores */
	for (klen = 16; klen <= 32; klen += 16) {
		for (i = 0; i < n_lens; i++) {
			uint32_t len = lens[i];

			fill(pt, len, len + klen);
			fl = frame_make(f, hdr0, pt, len);
			ref_seal(key, klen, salt, hdr0, pt, (int)len, ct, tag);
			r = run(1, f, fl, len, klen / 16);
			ok(r == 0 && !memcmp(f + ESP_OFF + 16, ct, len) &&
			   !memcmp(f + ESP_OFF + 16 + len, tag, 16) &&
			   !memcmp(f + ESP_OFF, hdr0, 16),
			   "seal AES-%d %u B == OpenSSL RFC 4106", klen * 8, len);
			if (r)
				diag("  engine returned %d", r);
			r = run(0, f, fl, len, klen / 16);
			ok(r == 0 && !memcmp(f + ESP_OFF + 16, pt, len),
			   "open AES-%d %u B restores the plaintext", klen * 8, len);
		}
	}

	/* Wycheproof in ESP shape: salt = iv[0..4], ESP IV = iv[4..12], AAD = SPI|seq */
	for (w = 0; w < sizeof(wp_esp) / sizeof(wp_esp[0]); w++) {
		const struct wp_vec *v = &wp_esp[w];
		uint8_t iv[12], h[16], wct[64], wtag[16];
		int kl = hex(v->key, key, sizeof(key)), ml = hex(v->msg, pt, sizeof(pt));

		hex(v->iv, iv, sizeof(iv));
		hex(v->aad, h, 8);
		memcpy(h + 8, iv + 4, 8);
		hex(v->ct, wct, sizeof(wct));
		hex(v->tag, wtag, sizeof(wtag));
		err = nicsec_key_set(NICSEC_ENGINE_ID_BPF, slots_fd, 9, key, (uint32_t)kl, iv);
		fl = frame_make(f, h, pt, (uint32_t)ml);
		r = run(1, f, fl, (uint32_t)ml, 9);
		ok(!err && !r && !memcmp(f + ESP_OFF + 16, wct, (size_t)ml) &&
		   !memcmp(f + ESP_OFF + 16 + ml, wtag, 16),
		   "Wycheproof tcId %d (%s): seal gives ct and tag", v->tc,
		   v->valid ? "valid" : "invalid");
		fl = frame_make(f, h, wct, (uint32_t)ml);
		memcpy(f + ESP_OFF + 16 + ml, wtag, 16);
		r = run(0, f, fl, (uint32_t)ml, 9);
		ok(v->valid ? (!r && !memcmp(f + ESP_OFF + 16, pt, (size_t)ml)) :
			      r == -EBADMSG,
		   "Wycheproof tcId %d: open %s", v->tc, v->valid ? "verifies" : "rejects");
	}
	for (w = 0; w < sizeof(wp_skipped) / sizeof(wp_skipped[0]); w++)
		diag("Wycheproof cases not in ESP shape: %s",
		     wp_skipped[w]);

	/* every applicable Wycheproof case through the engine's core (raw_*) */
	for (w = 0; w < sizeof(wp_raw) / sizeof(wp_raw[0]); w++) {
		const struct wp_vec *v = &wp_raw[w];
		uint8_t iv[12], wtag[16];
		int kl = hex(v->key, key, sizeof(key)), al = hex(v->aad, f, sizeof(f));
		int ml = hex(v->msg, pt, sizeof(pt)), ok_seal = 1, ok_open;

		hex(v->iv, iv, sizeof(iv));
		hex(v->ct, ct, sizeof(ct));
		hex(v->tag, wtag, sizeof(wtag));
		err = nicsec_key_set(NICSEC_ENGINE_ID_BPF, slots_fd, 10, key, (uint32_t)kl, iv);
		if (v->valid) {
			memcpy(g, f, (size_t)al);
			memcpy(g + al, pt, (size_t)ml);
			r = run_raw(1, g, (uint32_t)al, (uint32_t)ml, 10, iv + 4);
			ok_seal = !r && !memcmp(g + al, ct, (size_t)ml) &&
				  !memcmp(g + al + ml, wtag, 16);
		}
		memcpy(f + al, ct, (size_t)ml);
		memcpy(f + al + ml, wtag, 16);
		r = run_raw(0, f, (uint32_t)al, (uint32_t)ml, 10, iv + 4);
		ok_open = v->valid ? !r && !memcmp(f + al, pt, (size_t)ml) : r == -EBADMSG;
		ok(!err && ok_seal && ok_open,
		   "Wycheproof tcId %d (%s, AES-%d, AAD %d B, msg %d B) via the engine core: %s",
		   v->tc, v->valid ? "valid" : "invalid", kl * 8, al, ml,
		   v->valid ? "seal gives ct and tag, open verifies" : "open rejects");
	}
	for (w = 0; w < sizeof(wp_raw_skipped) / sizeof(wp_raw_skipped[0]); w++)
		diag("Wycheproof cases skipped: %s", wp_raw_skipped[w]);

	/* tampering: every ICV bit, AAD and IV bits, sampled ciphertext bits */
	fill(key, sizeof(key), 7);
	fill(pt, 1400, 3);
	fl = frame_make(g, hdr0, pt, 1400);
	if (run(1, g, fl, 1400, 1))
		tap_bail("seal for the tamper tests failed");
	for (bad = 0, k = 0; k < 128; k++) {
		memcpy(f, g, fl);
		f[ESP_OFF + 16 + 1400 + k / 8] ^= (uint8_t)(1 << (k % 8));
		r = run(0, f, fl, 1400, 1);
		bad += r != -EBADMSG || !all_zero(f + ESP_OFF + 16, 1400);
	}
	is_int(bad, 0, "all 128 ICV bit flips -> -EBADMSG, payload zeroed");
	for (bad = 0, k = 0; k < 128; k++) {
		memcpy(f, g, fl);
		f[ESP_OFF + k / 8] ^= (uint8_t)(1 << (k % 8));
		bad += run(0, f, fl, 1400, 1) != -EBADMSG;
	}
	is_int(bad, 0, "all 128 SPI/seq/IV bit flips -> -EBADMSG");
	for (bad = 0, k = 0; k < 1400 * 8; k += 37) {
		memcpy(f, g, fl);
		f[ESP_OFF + 16 + k / 8] ^= (uint8_t)(1 << (k % 8));
		bad += run(0, f, fl, 1400, 1) != -EBADMSG;
	}
	is_int(bad, 0, "303 ciphertext bit flips -> -EBADMSG");
	memcpy(f, g, fl);
	is_int(run(0, f, fl, 1400, 2), -EBADMSG, "wrong key (slot 2) -> -EBADMSG");
	memcpy(f, g, fl);
	is_int(run(0, f, fl - 1, 1399, 1), -EBADMSG, "truncated by one byte -> -EBADMSG");
	memcpy(f, g, fl);
	is_int(run(0, f, fl, 1400, 1), 0, "the untouched packet still opens");

	/* argument errors, as the kmod engine */
	fl = frame_make(f, hdr0, pt, 100);
	is_int(run(1, f, fl, 0, 1), -EINVAL, "len 0 -> -EINVAL");
	is_int(run(1, f, fl, 101, 1), -ERANGE, "region past the frame -> -ERANGE");
	is_int(run(1, f, fl, 4097, 1), -EMSGSIZE, "len 4097 > GCM_BPF_MAX_LEN -> -EMSGSIZE");
	is_int(run(1, f, fl, 100, NICSEC_OBJ_MAX_SA), -ERANGE, "slot out of range -> -ERANGE");
	is_int(run(1, f, fl, 100, 77), -ENOKEY, "empty slot -> -ENOKEY");
	is_int(run(0, f, fl, 100, 77), -ENOKEY, "open with an empty slot -> -ENOKEY");
	memcpy(f, hdr0, 16);
	is_int(run(1, f, fl, 100, 1), 0, "seal of 100 B -> 0");

	/* ecb(aes) and ecb(aes-generic) agree */
	err = nicsec_bpf_key_set(slots_fd, 3, key, 16, salt, "aes");
	err = err ? err : nicsec_bpf_key_set(slots_fd, 4, key, 16, salt, "aes-generic");
	is_int(err, 0, "keys via ecb(aes) and ecb(aes-generic)");
	fl = frame_make(f, hdr0, pt, 1400);
	memcpy(g, f, fl);
	r = run(1, f, fl, 1400, 3);
	ok(!r && !run(1, g, fl, 1400, 4) && !memcmp(f, g, fl),
	   "ecb(aes) and ecb(aes-generic) seal identically");

	/* no key byte in the slot map, the kptr reads back as 0 */
	for (bad = 0, k = 1; k <= 4; k++) {
		memset(val, 0, sizeof(val));
		if (bpf_map_lookup_elem(slots_fd, &k, val))
			bad++;
		if (memmem(val, vs, key, 16) ||
		    memmem(val, vs, key + 16, 16) ||
		    memmem(val, vs, key + 8, 8) || !all_zero(val, 8))
			bad++;
	}
	is_int(bad, 0, "slot map values hold no key bytes, no pointer");

	/* the SYSCALL program wipes the key and salt in its run's context
	 * (test_run copies the context back to user space) */
	{
		struct nicsec_key_args args = { .slot = 11, .key_len = 32 };
		LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = &args,
			    .ctx_size_in = sizeof(args));
		struct keyset_bpf_bpf *ks = keyset_bpf_bpf__open();
		static const uint8_t zero[32];

		memcpy(args.key, key, 32);
		memcpy(args.salt, salt, 4);
		err = !ks || bpf_map__reuse_fd(ks->maps.gcm_slots, slots_fd) ||
		      keyset_bpf_bpf__load(ks) ||
		      bpf_prog_test_run_opts(bpf_program__fd(ks->progs.key_set), &o);
		ok(!err && o.retval == 0 && !memcmp(args.key, zero, 32) &&
		   !memcmp(args.salt, zero, 4),
		   "key_set wipes key and salt in its context (retval %d)", (int)o.retval);
		keyset_bpf_bpf__destroy(ks);
	}

	/* key clear */
	is_int(nicsec_key_clear(NICSEC_ENGINE_ID_BPF, slots_fd, 1), 0, "key_clear slot 1");
	{
		struct nicsec_warm w = slot_warm(1);

		ok(!w.cctx && !w.tfm && !w.cipher, "key_clear: slot 1's warm is zero again");
	}
	fl = frame_make(f, hdr0, pt, 100);
	is_int(run(1, f, fl, 100, 1), -ENOKEY, "seal after clear -> -ENOKEY");
	k = 1;
	memset(val, 0xff, sizeof(val));
	bpf_map_lookup_elem(slots_fd, &k, val);
	ok(nicsec_key_clear(NICSEC_ENGINE_ID_BPF, slots_fd, 1) == -ENOENT &&
	   all_zero(val, vs),
	   "cleared slot is all zero (salt, table); a second clear -> -ENOENT");

	/* the slot map's size is the loader's: slots past NICSEC_OBJ_MAX_SA work
	 * in a larger map, the map's end is the bound */
	engine_bpf_test_bpf__destroy(skel);
	skel = engine_bpf_test_bpf__open();
	if (!skel || bpf_map__set_max_entries(skel->maps.gcm_slots, 2 * NICSEC_OBJ_MAX_SA) ||
	    engine_bpf_test_bpf__load(skel))
		tap_bail("cannot load engine_bpf_test with a larger slot map");
	slots_fd = bpf_map__fd(skel->maps.gcm_slots);
	k = 2 * NICSEC_OBJ_MAX_SA - 1;
	is_int(nicsec_key_set(NICSEC_ENGINE_ID_BPF, slots_fd, k, key, 16, salt), 0,
	       "map of %d slots: key_set in slot %u", 2 * NICSEC_OBJ_MAX_SA, k);
	fill(pt, 1400, 5);
	fl = frame_make(f, hdr0, pt, 1400);
	ref_seal(key, 16, salt, hdr0, pt, 1400, ct, tag);
	r = run(1, f, fl, 1400, k);
	ok(r == 0 && !memcmp(f + ESP_OFF + 16, ct, 1400) && !memcmp(f + ESP_OFF + 16 + 1400, tag, 16),
	   "map of %d slots: seal in slot %u == OpenSSL", 2 * NICSEC_OBJ_MAX_SA, k);
	is_int(run(1, f, fl, 1400, 2 * NICSEC_OBJ_MAX_SA), -ERANGE,
	       "map of %d slots: slot %d -> -ERANGE", 2 * NICSEC_OBJ_MAX_SA, 2 * NICSEC_OBJ_MAX_SA);

	engine_bpf_test_bpf__destroy(skel);
	return tap_done();
}
