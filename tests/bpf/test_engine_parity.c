// SPDX-License-Identifier: GPL-2.0
/*
 * Parity of the two AES-GCM engines: for the same key, salt, sequence
 * number (IV) and packet, the bpf engine (bpf/engine_bpf.h) and the kmod
 * engine (nicsec.ko's seal kfunc) produce byte-identical ESP, and both
 * equal OpenSSL's RFC 4106. 48 deterministic cases (AES-128/256, payload
 * 1..3000 B, sequence numbers up to 2^32 - 1).
 *
 * On the host (no modules) the kmod checks are skipped; in the 6.12 VM
 * (tests/vm/guest/test_engine_parity.sh) both engines run side by side.
 * Either run also checks the SHA-256 of all sealed frames against
 * PARITY_SHA256, so the host run and the VM run compare with each other.
 */
#include <errno.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <openssl/evp.h>
#include "engine_bpf_test.skel.h"
#include "kmod_esp.skel.h"
#include "uapi/nicsec.h"
#include "keyset.h"
#include "../tap.h"

#define ESP_OFF		42
#define NCASES		48
#define FRAME_MAX	(ESP_OFF + 16 + 3000 + 16)
/* SHA-256 over the 48 sealed frames, as OpenSSL computes them */
#define PARITY_SHA256	"9cc7a4a05097e047005d6d86a7b1fd49a2a50919d19d3aadb723953da70fec29"

struct pcase {
	uint8_t key[32], salt[4], hdr[16];
	uint32_t klen, len;
};

static void make_case(struct pcase *c, unsigned int i)
{
	static const uint32_t lens[] = { 1, 2, 3, 15, 16, 17, 63, 64, 100, 511, 512,
					 1372, 1400, 1436, 2048, 3000 };
	uint32_t seq = i == 0 ? 1 : i == 1 ? 0xffffffffu : i * 2654435761u;
	unsigned int j;

	c->klen = i & 1 ? 32 : 16;
	c->len = lens[i % (sizeof(lens) / sizeof(lens[0]))];
	for (j = 0; j < 32; j++)
		c->key[j] = (uint8_t)(i * 73 + j * 11 + 5);
	for (j = 0; j < 4; j++)
		c->salt[j] = (uint8_t)(i * 13 + j + 0x40);
	/* SPI | seq | IV = the 64-bit sequence number, as the device sends */
	c->hdr[0] = 0; c->hdr[1] = 0; c->hdr[2] = 0x10; c->hdr[3] = (uint8_t)i;
	for (j = 0; j < 4; j++) {
		c->hdr[4 + j] = (uint8_t)(seq >> (24 - 8 * j));
		c->hdr[8 + j] = 0;
		c->hdr[12 + j] = (uint8_t)(seq >> (24 - 8 * j));
	}
}

static uint32_t frame_of(const struct pcase *c, uint8_t *f)
{
	uint32_t j;

	memset(f, 0xee, ESP_OFF);
	memcpy(f + ESP_OFF, c->hdr, 16);
	for (j = 0; j < c->len; j++)
		f[ESP_OFF + 16 + j] = (uint8_t)(j * 7 + c->len);
	memset(f + ESP_OFF + 16 + c->len, 0, 16);
	return ESP_OFF + 16 + c->len + 16;
}

static void openssl_seal(const struct pcase *c, uint8_t *f)
{
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	uint8_t nonce[12], *esp = f + ESP_OFF;
	int n;

	memcpy(nonce, c->salt, 4);
	memcpy(nonce + 4, esp + 8, 8);
	if (!x || !EVP_EncryptInit_ex(x, c->klen == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm(),
				      NULL, c->key, nonce) ||
	    !EVP_EncryptUpdate(x, NULL, &n, esp, 8) ||
	    !EVP_EncryptUpdate(x, esp + 16, &n, esp + 16, (int)c->len) ||
	    !EVP_EncryptFinal_ex(x, esp + 16 + n, &n) ||
	    !EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_GET_TAG, 16, esp + 16 + c->len))
		tap_bail("OpenSSL AES-GCM failed");
	EVP_CIPHER_CTX_free(x);
}

/* run XDP program @p on @f in place; 0 when the program's result is 0 */
static int xdp_run(struct bpf_program *p, uint8_t *f, uint32_t flen, const int *res)
{
	static uint8_t out[FRAME_MAX + 256];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f, .data_size_in = flen,
		    .data_out = out, .data_size_out = sizeof(out));

	if (bpf_prog_test_run_opts(bpf_program__fd(p), &o))
		return -errno;
	memcpy(f, out, flen);
	return *res;
}

static int bpf_seal(struct engine_bpf_test_bpf *s, const struct pcase *c, uint32_t slot,
		    uint8_t *f, uint32_t flen, int open)
{
	int err = 0;

	if (!open)
		err = nicsec_bpf_key_set(bpf_map__fd(s->maps.gcm_slots), slot, c->key,
					 c->klen, c->salt, NICSEC_BPF_AES_DEFAULT);
	if (err)
		return err;
	s->bss->esp_off = ESP_OFF;
	s->bss->len = c->len;
	s->bss->slot = slot;
	return xdp_run(open ? s->progs.open : s->progs.seal, f, flen, &s->bss->ret);
}

static int kmod_seal(struct kmod_esp_bpf *k, const struct pcase *c, uint32_t slot,
		     uint8_t *f, uint32_t flen, int open)
{
	struct nicsec_key_args args = { .slot = slot, .key_len = c->klen };
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = &args, .ctx_size_in = sizeof(args));

	if (!open) {
		memcpy(args.key, c->key, c->klen);
		memcpy(args.salt, c->salt, 4);
		if (bpf_prog_test_run_opts(bpf_program__fd(k->progs.key_set), &o))
			return -errno;
		if (o.retval)
			return (int)o.retval;
	}
	k->bss->arg_off = ESP_OFF;
	k->bss->arg_len = c->len;
	k->bss->arg_slot = slot;
	return xdp_run(open ? k->progs.esp_open : k->progs.esp_seal, f, flen, &k->bss->result);
}

int main(void)
{
	static uint8_t ref[FRAME_MAX], fb[FRAME_MAX], fk[FRAME_MAX];
	struct engine_bpf_test_bpf *sb;
	struct kmod_esp_bpf *sk = NULL;
	int kmod = access("/sys/kernel/btf/nicsec", F_OK) == 0;
	int bad_b = 0, bad_k = 0, bad_bk = 0, bad_x = 0, err;
	unsigned char md[32];
	char hex[65];
	EVP_MD_CTX *h = EVP_MD_CTX_new();
	unsigned int i, mdlen;
	uint32_t flen;
	struct pcase c;

	tap_plan(5);
	sb = engine_bpf_test_bpf__open_and_load();
	if (!sb)
		tap_bail("cannot load the bpf engine (root and kernel BPF crypto kfuncs needed)");
	if (kmod && !(sk = kmod_esp_bpf__open_and_load()))
		tap_bail("nicsec.ko is loaded but its test programs do not load");
	if (!h || !EVP_DigestInit_ex(h, EVP_sha256(), NULL))
		tap_bail("no SHA-256");

	for (i = 0; i < NCASES; i++) {
		make_case(&c, i);
		flen = frame_of(&c, ref);
		memcpy(fb, ref, flen);
		openssl_seal(&c, ref);
		EVP_DigestUpdate(h, ref, flen);
		err = bpf_seal(sb, &c, i + 1, fb, flen, 0);
		if (err || memcmp(fb, ref, flen)) {
			bad_b++;
			diag("case %u (AES-%u, %u B): bpf engine %s", i, c.klen * 8, c.len,
			     err ? "failed" : "differs from OpenSSL");
		}
		if (!sk)
			continue;
		frame_of(&c, fk);
		err = kmod_seal(sk, &c, i + 1, fk, flen, 0);
		if (err || memcmp(fk, ref, flen)) {
			bad_k++;
			diag("case %u: kmod engine %s (%d)", i, err ? "failed" : "differs", err);
		}
		bad_bk += memcmp(fb, fk, flen) != 0;
		/* each opens what the other sealed */
		bad_x += bpf_seal(sb, &c, i + 1, fk, flen, 1) != 0 ||
			 kmod_seal(sk, &c, i + 1, fb, flen, 1) != 0 ||
			 memcmp(fb, fk, flen) != 0;
	}
	EVP_DigestFinal_ex(h, md, &mdlen);
	for (i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	diag("sealed frames sha256 %s (all engines that ran match it byte for byte)", hex);

	is_int(bad_b, 0, "bpf engine: %d cases byte-identical to OpenSSL RFC 4106", NCASES);
	if (sk) {
		is_int(bad_k, 0, "kmod engine: %d cases byte-identical to OpenSSL", NCASES);
		is_int(bad_bk, 0, "bpf and kmod engines: %d sealed frames byte-identical", NCASES);
		is_int(bad_x, 0, "each engine opens the other's %d frames", NCASES);
	} else {
		skip("nicsec.ko not loaded (the VM run covers it)", "kmod engine == OpenSSL");
		skip("nicsec.ko not loaded (the VM run covers it)", "bpf and kmod byte-identical");
		skip("nicsec.ko not loaded (the VM run covers it)", "cross open");
	}
	ok(!strcmp(hex, PARITY_SHA256) && !bad_b,
	   "sealed frames hash to the committed digest (same on the host and in the VM)");
	EVP_MD_CTX_free(h);
	if (sk)
		kmod_esp_bpf__destroy(sk);
	engine_bpf_test_bpf__destroy(sb);
	return tap_done();
}
