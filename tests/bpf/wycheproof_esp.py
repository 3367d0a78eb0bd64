#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# Regenerate tests/bpf/wycheproof_esp.h: the Wycheproof AES-GCM cases that fit
# ESP's shape, and a count of the others by reason.
#   python3 tests/bpf/wycheproof_esp.py ../shared/testdata/wycheproof/aes_gcm_test.json
import json, sys
d = json.load(open(sys.argv[1]))
out = ['/* SPDX-License-Identifier: Apache-2.0 */', '/*',
       ' * Wycheproof aes_gcm_test.json (Apache-2.0) cases that fit the ESP shape of',
       ' * the engines: 16/32-byte key, 12-byte IV (= salt || ESP IV), 8-byte AAD',
       ' * (= SPI || seq), non-empty message, 16-byte tag. Generated from',
       ' * ../shared/testdata/wycheproof/aes_gcm_test.json by',
       ' * tests/bpf/wycheproof_esp.py; the reasons for every other case are',
       ' * counted there and printed by test_engine_bpf.', ' */',
       'struct wp_vec { int tc; int valid; const char *key, *iv, *aad, *msg, *ct, *tag; };',
       'static const struct wp_vec wp_esp[] = {']
skip = {}
for g in d['testGroups']:
    for t in g['tests']:
        why = None
        if g['keySize'] not in (128, 256):
            why = 'AES-192 key (the engines take 16/32-byte keys)'
        elif g['ivSize'] != 96:
            why = 'IV not 96 bits (RFC 4106 nonce is 4-byte salt + 8-byte IV)'
        elif len(t['aad']) != 16:
            why = 'AAD not 8 bytes (ESP AAD is SPI|seq, no ESN)'
        elif not t['msg']:
            why = 'empty message (ESP payload is never empty)'
        if why:
            skip[why] = skip.get(why, 0) + 1
            continue
        out.append('\t{ %d, %d, "%s", "%s", "%s", "%s", "%s", "%s" },' % (
            t['tcId'], t['result'] != 'invalid', t['key'], t['iv'], t['aad'],
            t['msg'], t['ct'], t['tag']))
out.append('};')
# the same engine core through raw_seal/raw_open: any AAD, empty data
out.append('/* every case the engine core can run: 16/32-byte key, 96-bit IV */')
out.append('static const struct wp_vec wp_raw[] = {')
rskip = {}
for g in d['testGroups']:
    for t in g['tests']:
        why = None
        if g['keySize'] not in (128, 256):
            why = 'AES-192 key (the engines take 16/32-byte keys)'
        elif g['ivSize'] != 96:
            why = 'IV not 96 bits (J0 = GHASH(IV); RFC 4106 uses 96-bit nonces only)'
        elif len(t['aad']) // 2 + len(t['msg']) // 2 + 16 > 3200:
            why = 'AAD + message over 3184 bytes (test_run frame limit)'
        if why:
            rskip[why] = rskip.get(why, 0) + 1
            continue
        out.append('\t{ %d, %d, "%s", "%s", "%s", "%s", "%s", "%s" },' % (
            t['tcId'], t['result'] != 'invalid', t['key'], t['iv'], t['aad'],
            t['msg'], t['ct'], t['tag']))
out.append('};')
out.append('static const char *const wp_raw_skipped[] = {')
for k, v in rskip.items():
    out.append('\t"%d: %s",' % (v, k))
out.append('};')
out.append('static const char *const wp_skipped[] = {')
for k, v in skip.items():
    out.append('\t"%d: %s",' % (v, k))
out.append('};')
open('tests/bpf/wycheproof_esp.h', 'w').write('\n'.join(out) + '\n')
