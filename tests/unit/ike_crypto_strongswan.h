/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A known answer from strongSwan for test_ike_crypto.c: two charons
 * (strongSwan 5.9.8, Debian 5.9.8-5+deb12u6, plugins openssl kdf random
 * nonce kernel-libipsec kernel-netlink socket-default vici) in two network
 * namespaces, 10.77.0.2 (id "cli", initiator) -> 10.77.0.1 (id "vm"), PSK
 * auth, proposals
 *	gcm: aes256gcm16-prfsha256-x25519
 *	cbc: aes256-sha384-prfsha384-ecp384 (HMAC-SHA2-384-192)
 * The initiator's charon logged its keys (filelog "ike = 4": "shared
 * Diffie Hellman secret", "SKEYSEED", "Sk_d secret" .. "Sk_pr secret");
 * tcpdump captured the four messages (IKE_SA_INIT and IKE_AUTH, the latter
 * on UDP 4500: the 4-byte non-ESP marker is removed here). Nonces and
 * SPIs are taken from the IKE_SA_INIT messages. The keys are from a
 * throwaway exchange between two test daemons and protect nothing; before
 * they were pasted here, Python ('cryptography', hmac) checked SKEYSEED
 * and decrypted both IKE_AUTH messages with them.
 */
#ifndef NICSEC_TEST_IKE_CRYPTO_STRONGSWAN_H
#define NICSEC_TEST_IKE_CRYPTO_STRONGSWAN_H

/* ---- gcm: aes256gcm16-prfsha256-x25519 ---- */
static const char ss_gcm_ni[] =
	"34963d4e80c488e1bd3ebdec73ee0f40440777019eb435b638e229caa99aaa5a";
static const char ss_gcm_nr[] =
	"af29fa00f8003a9221b1e7000332528f2486b621d7d661fac3d6167368f700e6";
static const char ss_gcm_spis[] =
	"60c67eb784273cc69804f8edecf68877";
static const char ss_gcm_gir[] =
	"2acb357ffb5170fe044cac5c9b4a89e680ba5bf381130f397d833026ebda927a";
static const char ss_gcm_skeyseed[] =
	"f17000c0c60cff5a67f792ccffac77a8a211914fd147239be5f3d60a6c9c0493";
/* SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr (no SK_a with GCM) */
static const char ss_gcm_keymat[] =
	"d02691f401ad55efa9eda3b0344b75fa294d4a917cc1c20cb9d3a2604e2f2373"
	"de1b9d20c4f7766e9f5b31666c196ea63f58dc0b8ea497faf1ebee65a38331de"
	"7100f335a3ae65dc2ae0a2ba23231a0218ec63f0d6e65ee1a390a610beebaa4b"
	"4c3aa1a874172174dfa9144ddf788acbff5adb56d8d7a35e32112b31caeb453e"
	"2f16ab6d9aa08ddc0bc5bbccaa372b2d23326ca78be0af683031854b8c22a922"
	"b219f8e92a585891";
static const char ss_gcm_sk_ei[] =
	"de1b9d20c4f7766e9f5b31666c196ea63f58dc0b8ea497faf1ebee65a38331de"
	"7100f335";
static const char ss_gcm_sk_er[] =
	"a3ae65dc2ae0a2ba23231a0218ec63f0d6e65ee1a390a610beebaa4b4c3aa1a8"
	"74172174";
/* IKE_AUTH request (initiator -> responder) and response, UDP payload without the non-ESP marker */
static const char ss_gcm_auth_req[] =
	"60c67eb784273cc69804f8edecf688772e2023080000000100000102230000e6"
	"3192ef591d93ad69cd0aa2d202784b5b0beb1807a1a781ca9b8c840dd3b1ac8b"
	"374335219175939692054e09e4e04663d28b93962072311d297ea43f8ea8e7ae"
	"eb46b11f9b9072c95b9273026b468d8af349c4907e2a68b223ad116d5eb4bd7a"
	"6bd24552098125d3b0c4b6a44f34dedaa94b9b342b5138d13ee005d909630027"
	"2d6d6f50ce61eaf1c8ae3f678a5a3f2855bdea4fd2071ba701178635c66c5072"
	"072a09268a264cd415cd8251f47c587ec0701c06f8a55941d810248a11110234"
	"eedddf9d040cd8102718ebf8e22d469f13c03b5b906cfed2878e54f462b899f1"
	"632d";
static const char ss_gcm_auth_resp[] =
	"60c67eb784273cc69804f8edecf688772e202320000000010000008324000067"
	"1444066fa3a54162ff648c4fa1be031704204de8e1c008c2efb930a969e6bf43"
	"8dacc52a9c95a50a5e467391a3ea28b304028586d82b4b7455ad7e1d5df44ac3"
	"90c27b68df947e7d7063c58fad4a8d7922c56f2eae7d6aa65463c98fa5b0517e"
	"97bd86";

/* ---- cbc: aes256-sha384-prfsha384-ecp384 ---- */
static const char ss_cbc_ni[] =
	"b587c8d2d3c70d53ed7fa7599a75d2aacf09f63dc1a5209720afc11bc47ba30a";
static const char ss_cbc_nr[] =
	"eb1360719fe182379005e336d19158870e85599325e203348f89d7ee414d78fa";
static const char ss_cbc_spis[] =
	"848d5d437b54f7fbbfc56922f8834fe8";
static const char ss_cbc_gir[] =
	"898187c23782ff05ac6e2f3d4e344fadc83db34fbfe5d0ca3b2894d4cf7c9934"
	"9ce03d5a4d303f7f0c26822c13a38855";
static const char ss_cbc_skeyseed[] =
	"6ed2bdf958452fa77a762691d9472dbe953ec1b2020e9cc9454d19836a9f011e"
	"351fa5d705db7dd511899066bd7f841b";
/* SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr (no SK_a with GCM) */
static const char ss_cbc_keymat[] =
	"b1e1382e18d0f3c644c01380450d45c9735ab9e9b146d4921a3bb5b8ca641afb"
	"04ebfff4ef77ab6a9732187ec51a3d5c739d85446a5551a3619b271e612fb989"
	"ae72b78ad10e30b9e055ca0b7394650a610f855e41695c706f7c8f0754725147"
	"fcb514efe1f57405d6c0c0012b26b0b74c3215ceed8566bd7bdc700e74eb947a"
	"9e96bf5694498c61596508269789d6e4c5f86c8467ecb34ad416050d6a276840"
	"0303ad6dbf1c4780411718b84f40e280c3e0b136f501cdf610183a0dbc694e49"
	"4a714a4ab8b72275c036fb49e3ec0859cb5803cb521348a0fbe611909c171fac"
	"0501f3797fea38799e187faf38f1e4e1ce134c54f82a1b2612ba1b98e2d4b9b4"
	"8b41f65806540cae0ade45d40e91167ca21a71953f2e0a95e99eb8fca328bd96"
	"dae5bdc80846a89074176d2cfb5b7b4d";
static const char ss_cbc_sk_ei[] =
	"c5f86c8467ecb34ad416050d6a2768400303ad6dbf1c4780411718b84f40e280";
static const char ss_cbc_sk_er[] =
	"c3e0b136f501cdf610183a0dbc694e494a714a4ab8b72275c036fb49e3ec0859";
static const char ss_cbc_sk_ai[] =
	"739d85446a5551a3619b271e612fb989ae72b78ad10e30b9e055ca0b7394650a"
	"610f855e41695c706f7c8f0754725147";
static const char ss_cbc_sk_ar[] =
	"fcb514efe1f57405d6c0c0012b26b0b74c3215ceed8566bd7bdc700e74eb947a"
	"9e96bf5694498c61596508269789d6e4";
/* IKE_AUTH request (initiator -> responder) and response, UDP payload without the non-ESP marker */
static const char ss_cbc_auth_req[] =
	"848d5d437b54f7fbbfc56922f8834fe82e20230800000001000001282300010c"
	"9dd68b6988cd925fff8f0828480280772c9112ff6cf87156d978d66a2e9b2f7f"
	"14e86efc6310592cfae27f76262b1ff3d4cbc3af0e8b8d2b406c85f0fc6685ed"
	"6d72a4571e35f7c1c00d29e5e0dce9b29f80ccc492b2d8661cc558359d1be9d5"
	"0c218c55958a772b5e7c8cc1299086aef5e1c84255455c5a4f3bcedb40cd37ef"
	"326ff03ae8229aaebe3788834f9f3c31f614e279cb76b3e4c963fe9914c34a2d"
	"7d55fb99393dad8d8e3f0dd9266b739a0d7e67b2f9a5340d8967001ef3467120"
	"66a8ebb3bf7fe48464c2a4c56e27059652bd2f36322da130477cbe805d381ef0"
	"00dfa346e98edbeb847ed011ab2a28461628d7aadbfbb63e8e15ad478ebf07e7"
	"01e4ec431caba7e6";
static const char ss_cbc_auth_resp[] =
	"848d5d437b54f7fbbfc56922f8834fe82e20232000000001000000a82400008c"
	"ae3d5edaf87426610101bf8e566bf5b292dbce95271328de1643933a2b329a53"
	"fba17bec0696bff541ef174d6ae3b5c082ae2d225cc60835a23e514f4e6b0b13"
	"c2528d467de79041aad699523041f2b50ef66c68de6cd43b0ddbf12213cc8caa"
	"d3b2840eb96dfcd91ec46bf1dd52ffee27d211d6555d0b65b0499cd4c25d0fc1"
	"d99c979c7bdedf5d";

#endif
