/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Wycheproof aes_gcm_test.json (Apache-2.0) cases that fit the ESP shape of
 * the engines: 16/32-byte key, 12-byte IV (= salt || ESP IV), 8-byte AAD
 * (= SPI || seq), non-empty message, 16-byte tag. Generated from
 * ../shared/testdata/wycheproof/aes_gcm_test.json by
 * tests/bpf/wycheproof_esp.py; the reasons for every other case are
 * counted there and printed by test_engine_bpf.
 */
struct wp_vec { int tc; int valid; const char *key, *iv, *aad, *msg, *ct, *tag; };
static const struct wp_vec wp_esp[] = {
	{ 3, 1, "aa023d0478dcb2b2312498293d9a9129", "0432bc49ac34412081288127", "aac39231129872a2", "2035af313d1346ab00154fea78322105", "eea945f3d0f98cc0fbab472a0cf24e87", "4bb9b4812519dadf9e1232016d068133" },
	{ 12, 1, "e63a43216c08867210e248859eb5e99c", "9c3a4263d983456658aad4b1", "834afdc5c737186b", "b14da56b0462dc05b871fc815273ff4810f92f4b", "bf864616c2347509ca9b10446379b9bdbb3b8f64", "a97d25b490390b53c5db91f6ee2a15b8" },
	{ 91, 1, "92ace3e348cd821092cd921aa3546374299ab46209691bc28b8752d17f123c20", "00112233445566778899aabb", "00000000ffffffff", "00010203040506070809", "e27abdd2d2a53d2f136b", "9a4a2579529301bcfb71c78d4060f52c" },
	{ 101, 1, "cdccfe3f46d782ef47df4e72f0c02d9c7f774def970d23486f11a57f54247f17", "376187894605a8d45e30de51", "956846a209e087ed", "e28e0e9f9d22463ac0e42639b530f42102fded75", "feca44952447015b5df1f456df8ca4bb4eee2ce2", "082e91924deeb77880e1b1c84f9b8d30" },
};
static const char *const wp_skipped[] = {
	"129: AAD not 8 bytes (ESP AAD is SPI|seq, no ESN)",
	"80: IV not 96 bits (RFC 4106 nonce is 4-byte salt + 8-byte IV)",
	"103: AES-192 key (the engines take 16/32-byte keys)",
};
