import { BoundsError, type DecodeContext, type DecodeResult } from './core/context.js';
import { desegmentOffer, requestMore, ONE_MORE_SEGMENT } from '../analysis/tcp/desegment-request.js';
import { expert } from './core/expert.js';
import { field, protocol } from './core/fields.js';
import { latin1 } from './core/format.js';
import type { Layer } from './core/packet.js';
import { stateKey, type Decoder, type Heuristic } from './core/registry.js';
import type { Tree } from './core/tree.js';
import { conversationKey, innerIpLayer, ipAddresses, textField, transportPorts } from './udp.js';

// Value names as Wireshark 4.0 prints them (IANA registries).
const VERSIONS: ReadonlyMap<number, string> = new Map<number, string>([
  [2, 'SSL 2.0'], [768, 'SSL 3.0'], [769, 'TLS 1.0'], [257, 'GMTLS'], [770, 'TLS 1.1'], [771, 'TLS 1.2'],
  [772, 'TLS 1.3'], [32526, 'TLS 1.3 (draft 14)'], [32527, 'TLS 1.3 (draft 15)'],
  [32528, 'TLS 1.3 (draft 16)'], [32529, 'TLS 1.3 (draft 17)'], [32530, 'TLS 1.3 (draft 18)'],
  [32531, 'TLS 1.3 (draft 19)'], [32532, 'TLS 1.3 (draft 20)'], [32533, 'TLS 1.3 (draft 21)'],
  [32534, 'TLS 1.3 (draft 22)'], [32535, 'TLS 1.3 (draft 23)'], [32536, 'TLS 1.3 (draft 24)'],
  [32537, 'TLS 1.3 (draft 25)'], [32538, 'TLS 1.3 (draft 26)'], [32539, 'TLS 1.3 (draft 27)'],
  [32540, 'TLS 1.3 (draft 28)'], [64279, 'TLS 1.3 (Facebook draft 23)'],
  [64282, 'TLS 1.3 (Facebook draft 26)'], [256, 'DTLS 1.0 (OpenSSL pre 0.9.8f)'], [65279, 'DTLS 1.0'],
  [65277, 'DTLS 1.2'], [2570, 'Reserved (GREASE)'], [6682, 'Reserved (GREASE)'],
  [10794, 'Reserved (GREASE)'], [14906, 'Reserved (GREASE)'], [19018, 'Reserved (GREASE)'],
  [23130, 'Reserved (GREASE)'], [27242, 'Reserved (GREASE)'], [31354, 'Reserved (GREASE)'],
  [35466, 'Reserved (GREASE)'], [39578, 'Reserved (GREASE)'], [43690, 'Reserved (GREASE)'],
  [47802, 'Reserved (GREASE)'], [51914, 'Reserved (GREASE)'], [56026, 'Reserved (GREASE)'],
  [60138, 'Reserved (GREASE)'], [64250, 'Reserved (GREASE)'],
]);
const HANDSHAKE_TYPES: ReadonlyMap<number, string> = new Map<number, string>([
  [0, 'Hello Request'], [1, 'Client Hello'], [2, 'Server Hello'], [3, 'Hello Verify Request'],
  [4, 'New Session Ticket'], [5, 'End of Early Data'], [6, 'Hello Retry Request'],
  [8, 'Encrypted Extensions'], [11, 'Certificate'], [12, 'Server Key Exchange'], [13, 'Certificate Request'],
  [14, 'Server Hello Done'], [15, 'Certificate Verify'], [16, 'Client Key Exchange'], [20, 'Finished'],
  [21, 'Client Certificate URL'], [22, 'Certificate Status'], [23, 'Supplemental Data'], [24, 'Key Update'],
  [25, 'Compressed Certificate'], [67, 'Encrypted Extensions'],
]);
const EXTENSION_TYPES: ReadonlyMap<number, string> = new Map<number, string>([
  [0, 'server_name'], [1, 'max_fragment_length'], [2, 'client_certificate_url'], [3, 'trusted_ca_keys'],
  [4, 'truncated_hmac'], [5, 'status_request'], [6, 'user_mapping'], [7, 'client_authz'],
  [8, 'server_authz'], [9, 'cert_type'], [10, 'supported_groups'], [11, 'ec_point_formats'], [12, 'srp'],
  [13, 'signature_algorithms'], [14, 'use_srtp'], [15, 'heartbeat'],
  [16, 'application_layer_protocol_negotiation'], [17, 'status_request_v2'],
  [18, 'signed_certificate_timestamp'], [19, 'client_certificate_type'], [20, 'server_certificate_type'],
  [21, 'padding'], [22, 'encrypt_then_mac'], [23, 'extended_master_secret'], [24, 'token_binding'],
  [25, 'cached_info'], [27, 'compress_certificate'], [28, 'record_size_limit'],
  [34, 'delegated_credentials'], [35, 'session_ticket'], [40, 'Reserved (key_share)'],
  [41, 'pre_shared_key'], [42, 'early_data'], [43, 'supported_versions'], [44, 'cookie'],
  [45, 'psk_key_exchange_modes'], [46, 'Reserved (ticket_early_data_info)'], [47, 'certificate_authorities'],
  [48, 'oid_filters'], [49, 'post_handshake_auth'], [50, 'signature_algorithms_cert'], [51, 'key_share'],
  [52, 'transparency_info'], [53, 'connection_id (deprecated)'], [54, 'connection_id'],
  [55, 'external_id_hash'], [56, 'external_session_id'], [57, 'quic_transport_parameters'],
  [58, 'ticket_request'], [59, 'dnssec_chain'], [2570, 'Reserved (GREASE)'], [6682, 'Reserved (GREASE)'],
  [10794, 'Reserved (GREASE)'], [13172, 'next_protocol_negotiation'], [14906, 'Reserved (GREASE)'],
  [17513, 'application_settings'], [19018, 'Reserved (GREASE)'], [23130, 'Reserved (GREASE)'],
  [27242, 'Reserved (GREASE)'], [30031, 'channel_id_old'], [30032, 'channel_id'],
  [65281, 'renegotiation_info'], [31354, 'Reserved (GREASE)'], [35466, 'Reserved (GREASE)'],
  [39578, 'Reserved (GREASE)'], [43690, 'Reserved (GREASE)'], [47802, 'Reserved (GREASE)'],
  [51914, 'Reserved (GREASE)'], [56026, 'Reserved (GREASE)'], [60138, 'Reserved (GREASE)'],
  [64250, 'Reserved (GREASE)'], [65445, 'quic_transport_parameters (drafts version)'],
  [65486, 'encrypted_server_name'],
]);
const GROUPS: ReadonlyMap<number, string> = new Map<number, string>([
  [1, 'sect163k1'], [2, 'sect163r1'], [3, 'sect163r2'], [4, 'sect193r1'], [5, 'sect193r2'], [6, 'sect233k1'],
  [7, 'sect233r1'], [8, 'sect239k1'], [9, 'sect283k1'], [10, 'sect283r1'], [11, 'sect409k1'],
  [12, 'sect409r1'], [13, 'sect571k1'], [14, 'sect571r1'], [15, 'secp160k1'], [16, 'secp160r1'],
  [17, 'secp160r2'], [18, 'secp192k1'], [19, 'secp192r1'], [20, 'secp224k1'], [21, 'secp224r1'],
  [22, 'secp256k1'], [23, 'secp256r1'], [24, 'secp384r1'], [25, 'secp521r1'], [26, 'brainpoolP256r1'],
  [27, 'brainpoolP384r1'], [28, 'brainpoolP512r1'], [29, 'x25519'], [30, 'x448'], [41, 'curveSM2'],
  [256, 'ffdhe2048'], [257, 'ffdhe3072'], [258, 'ffdhe4096'], [259, 'ffdhe6144'], [260, 'ffdhe8192'],
  [512, 'frodo640aes'], [12032, 'p256_frodo640aes'], [513, 'frodo640shake'], [12033, 'p256_frodo640shake'],
  [514, 'frodo976aes'], [12034, 'p384_frodo976aes'], [515, 'frodo976shake'], [12035, 'p384_frodo976shake'],
  [516, 'frodo1344aes'], [12036, 'p521_frodo1344aes'], [517, 'frodo1344shake'],
  [12037, 'p521_frodo1344shake'], [570, 'kyber512'], [12090, 'p256_kyber512'], [572, 'kyber768'],
  [12092, 'p384_kyber768'], [573, 'kyber1024'], [12093, 'p521_kyber1024'], [532, 'ntru_hps2048509'],
  [12052, 'p256_ntru_hps2048509'], [533, 'ntru_hps2048677'], [12053, 'p384_ntru_hps2048677'],
  [534, 'ntru_hps4096821'], [12054, 'p521_ntru_hps4096821'], [581, 'ntru_hps40961229'],
  [12101, 'p521_ntru_hps40961229'], [535, 'ntru_hrss701'], [12055, 'p384_ntru_hrss701'],
  [582, 'ntru_hrss1373'], [12102, 'p521_ntru_hrss1373'], [536, 'lightsaber'], [12056, 'p256_lightsaber'],
  [537, 'saber'], [12057, 'p384_saber'], [538, 'firesaber'], [12058, 'p521_firesaber'], [539, 'sidhp434'],
  [12059, 'p256_sidhp434'], [540, 'sidhp503'], [12060, 'p256_sidhp503'], [541, 'sidhp610'],
  [12061, 'p384_sidhp610'], [542, 'sidhp751'], [12062, 'p521_sidhp751'], [543, 'sikep434'],
  [12063, 'p256_sikep434'], [544, 'sikep503'], [12064, 'p256_sikep503'], [545, 'sikep610'],
  [12065, 'p384_sikep610'], [546, 'sikep751'], [12066, 'p521_sikep751'], [568, 'bikel1'],
  [12088, 'p256_bikel1'], [571, 'bikel3'], [12091, 'p384_bikel3'], [574, 'kyber90s512'],
  [12094, 'p256_kyber90s512'], [575, 'kyber90s768'], [12095, 'p384_kyber90s768'], [576, 'kyber90s1024'],
  [12096, 'p521_kyber90s1024'], [556, 'hqc128'], [12076, 'p256_hqc128'], [557, 'hqc192'],
  [12077, 'p384_hqc192'], [558, 'hqc256'], [12078, 'p521_hqc256'], [559, 'ntrulpr653'],
  [12079, 'p256_ntrulpr653'], [560, 'ntrulpr761'], [12099, 'p256_ntrulpr761'], [561, 'ntrulpr857'],
  [12081, 'p384_ntrulpr857'], [577, 'ntrulpr1277'], [12097, 'p521_ntrulpr1277'], [562, 'sntrup653'],
  [12082, 'p256_sntrup653'], [563, 'sntrup761'], [12100, 'p256_sntrup761'], [564, 'sntrup857'],
  [12084, 'p384_sntrup857'], [578, 'sntrup1277'], [12098, 'p521_sntrup1277'], [2570, 'Reserved (GREASE)'],
  [6682, 'Reserved (GREASE)'], [10794, 'Reserved (GREASE)'], [14906, 'Reserved (GREASE)'],
  [19018, 'Reserved (GREASE)'], [23130, 'Reserved (GREASE)'], [27242, 'Reserved (GREASE)'],
  [31354, 'Reserved (GREASE)'], [35466, 'Reserved (GREASE)'], [39578, 'Reserved (GREASE)'],
  [43690, 'Reserved (GREASE)'], [47802, 'Reserved (GREASE)'], [51914, 'Reserved (GREASE)'],
  [56026, 'Reserved (GREASE)'], [60138, 'Reserved (GREASE)'], [64250, 'Reserved (GREASE)'],
  [65281, 'arbitrary_explicit_prime_curves'], [65282, 'arbitrary_explicit_char2_curves'],
]);
const SIG_ALGS: ReadonlyMap<number, string> = new Map<number, string>([
  [513, 'rsa_pkcs1_sha1'], [515, 'ecdsa_sha1'], [1025, 'rsa_pkcs1_sha256'], [1027, 'ecdsa_secp256r1_sha256'],
  [1281, 'rsa_pkcs1_sha384'], [1283, 'ecdsa_secp384r1_sha384'], [1537, 'rsa_pkcs1_sha512'],
  [1539, 'ecdsa_secp521r1_sha512'], [1800, 'sm2sig_sm3'], [2052, 'rsa_pss_rsae_sha256'],
  [2053, 'rsa_pss_rsae_sha384'], [2054, 'rsa_pss_rsae_sha512'], [2055, 'ed25519'], [2056, 'ed448'],
  [2057, 'rsa_pss_pss_sha256'], [2058, 'rsa_pss_pss_sha384'], [2059, 'rsa_pss_pss_sha512'],
  [65184, 'dilithium2'], [65185, 'p256_dilithium2'], [65186, 'rsa3072_dilithium2'], [65187, 'dilithium3'],
  [65188, 'p384_dilithium3'], [65189, 'dilithium5'], [65190, 'p521_dilithium5'], [65191, 'dilithium2_aes'],
  [65192, 'p256_dilithium2_aes'], [65193, 'rsa3072_dilithium2_aes'], [65194, 'dilithium3_aes'],
  [65195, 'p384_dilithium3_aes'], [65196, 'dilithium5_aes'], [65197, 'p521_dilithium5_aes'],
  [65035, 'falcon512'], [65036, 'p256_falcon512'], [65037, 'rsa3072_falcon512'], [65038, 'falcon1024'],
  [65039, 'p521_falcon1024'], [65174, 'picnicl1full'], [65175, 'p256_picnicl1full'],
  [65176, 'rsa3072_picnicl1full'], [65051, 'picnic3l1'], [65052, 'p256_picnic3l1'],
  [65053, 'rsa3072_picnic3l1'], [65063, 'rainbowIclassic'], [65064, 'p256_rainbowIclassic'],
  [65065, 'rsa3072_rainbowIclassic'], [65084, 'rainbowVclassic'], [65085, 'p521_rainbowVclassic'],
  [65090, 'sphincsharaka128frobust'], [65091, 'p256_sphincsharaka128frobust'],
  [65092, 'rsa3072_sphincsharaka128frobust'], [65118, 'sphincssha256128frobust'],
  [65119, 'p256_sphincssha256128frobust'], [65120, 'rsa3072_sphincssha256128frobust'],
  [65146, 'sphincsshake256128frobust'], [65147, 'p256_sphincsshake256128frobust'],
  [65148, 'rsa3072_sphincsshake256128frobust'],
]);
const SIG_HASH: ReadonlyMap<number, string> = new Map<number, string>([
  [0, 'None'], [1, 'MD5'], [2, 'SHA1'], [3, 'SHA224'], [4, 'SHA256'], [5, 'SHA384'], [6, 'SHA512'],
  [7, 'SM3'],
]);
const SIG_SIG: ReadonlyMap<number, string> = new Map<number, string>([
  [0, 'Anonymous'], [1, 'RSA'], [2, 'DSA'], [3, 'ECDSA'], [4, 'SM2'],
]);
const ALERT_DESC: ReadonlyMap<number, string> = new Map<number, string>([
  [0, 'Close Notify'], [1, 'End of Early Data'], [10, 'Unexpected Message'], [20, 'Bad Record MAC'],
  [21, 'Decryption Failed'], [22, 'Record Overflow'], [30, 'Decompression Failure'],
  [40, 'Handshake Failure'], [41, 'No Certificate'], [42, 'Bad Certificate'],
  [43, 'Unsupported Certificate'], [44, 'Certificate Revoked'], [45, 'Certificate Expired'],
  [46, 'Certificate Unknown'], [47, 'Illegal Parameter'], [48, 'Unknown CA'], [49, 'Access Denied'],
  [50, 'Decode Error'], [51, 'Decrypt Error'], [60, 'Export Restriction'], [70, 'Protocol Version'],
  [71, 'Insufficient Security'], [80, 'Internal Error'], [86, 'Inappropriate Fallback'],
  [90, 'User Canceled'], [100, 'No Renegotiation'], [109, 'Missing Extension'],
  [110, 'Unsupported Extension'], [111, 'Certificate Unobtainable'], [112, 'Unrecognized Name'],
  [113, 'Bad Certificate Status Response'], [114, 'Bad Certificate Hash Value'],
  [115, 'Unknown PSK Identity'], [116, 'Certificate Required'], [120, 'No application Protocol'],
  [121, 'ECH Required'],
]);
const CIPHER_SUITES: ReadonlyMap<number, string> = new Map<number, string>([
  [0, 'TLS_NULL_WITH_NULL_NULL'], [1, 'TLS_RSA_WITH_NULL_MD5'], [2, 'TLS_RSA_WITH_NULL_SHA'],
  [3, 'TLS_RSA_EXPORT_WITH_RC4_40_MD5'], [4, 'TLS_RSA_WITH_RC4_128_MD5'], [5, 'TLS_RSA_WITH_RC4_128_SHA'],
  [6, 'TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5'], [7, 'TLS_RSA_WITH_IDEA_CBC_SHA'],
  [8, 'TLS_RSA_EXPORT_WITH_DES40_CBC_SHA'], [9, 'TLS_RSA_WITH_DES_CBC_SHA'],
  [10, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'], [11, 'TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA'],
  [12, 'TLS_DH_DSS_WITH_DES_CBC_SHA'], [13, 'TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA'],
  [14, 'TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA'], [15, 'TLS_DH_RSA_WITH_DES_CBC_SHA'],
  [16, 'TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA'], [17, 'TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA'],
  [18, 'TLS_DHE_DSS_WITH_DES_CBC_SHA'], [19, 'TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA'],
  [20, 'TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA'], [21, 'TLS_DHE_RSA_WITH_DES_CBC_SHA'],
  [22, 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA'], [23, 'TLS_DH_anon_EXPORT_WITH_RC4_40_MD5'],
  [24, 'TLS_DH_anon_WITH_RC4_128_MD5'], [25, 'TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA'],
  [26, 'TLS_DH_anon_WITH_DES_CBC_SHA'], [27, 'TLS_DH_anon_WITH_3DES_EDE_CBC_SHA'],
  [28, 'SSL_FORTEZZA_KEA_WITH_NULL_SHA'], [29, 'SSL_FORTEZZA_KEA_WITH_FORTEZZA_CBC_SHA'],
  [30, 'TLS_KRB5_WITH_DES_CBC_SHA'], [31, 'TLS_KRB5_WITH_3DES_EDE_CBC_SHA'],
  [32, 'TLS_KRB5_WITH_RC4_128_SHA'], [33, 'TLS_KRB5_WITH_IDEA_CBC_SHA'], [34, 'TLS_KRB5_WITH_DES_CBC_MD5'],
  [35, 'TLS_KRB5_WITH_3DES_EDE_CBC_MD5'], [36, 'TLS_KRB5_WITH_RC4_128_MD5'],
  [37, 'TLS_KRB5_WITH_IDEA_CBC_MD5'], [38, 'TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA'],
  [39, 'TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA'], [40, 'TLS_KRB5_EXPORT_WITH_RC4_40_SHA'],
  [41, 'TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5'], [42, 'TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5'],
  [43, 'TLS_KRB5_EXPORT_WITH_RC4_40_MD5'], [44, 'TLS_PSK_WITH_NULL_SHA'], [45, 'TLS_DHE_PSK_WITH_NULL_SHA'],
  [46, 'TLS_RSA_PSK_WITH_NULL_SHA'], [47, 'TLS_RSA_WITH_AES_128_CBC_SHA'],
  [48, 'TLS_DH_DSS_WITH_AES_128_CBC_SHA'], [49, 'TLS_DH_RSA_WITH_AES_128_CBC_SHA'],
  [50, 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA'], [51, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA'],
  [52, 'TLS_DH_anon_WITH_AES_128_CBC_SHA'], [53, 'TLS_RSA_WITH_AES_256_CBC_SHA'],
  [54, 'TLS_DH_DSS_WITH_AES_256_CBC_SHA'], [55, 'TLS_DH_RSA_WITH_AES_256_CBC_SHA'],
  [56, 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA'], [57, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA'],
  [58, 'TLS_DH_anon_WITH_AES_256_CBC_SHA'], [59, 'TLS_RSA_WITH_NULL_SHA256'],
  [60, 'TLS_RSA_WITH_AES_128_CBC_SHA256'], [61, 'TLS_RSA_WITH_AES_256_CBC_SHA256'],
  [62, 'TLS_DH_DSS_WITH_AES_128_CBC_SHA256'], [63, 'TLS_DH_RSA_WITH_AES_128_CBC_SHA256'],
  [64, 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256'], [65, 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA'],
  [66, 'TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA'], [67, 'TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA'],
  [68, 'TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA'], [69, 'TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA'],
  [70, 'TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA'], [96, 'TLS_RSA_EXPORT1024_WITH_RC4_56_MD5'],
  [97, 'TLS_RSA_EXPORT1024_WITH_RC2_CBC_56_MD5'], [98, 'TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA'],
  [99, 'TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA'], [100, 'TLS_RSA_EXPORT1024_WITH_RC4_56_SHA'],
  [101, 'TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA'], [102, 'TLS_DHE_DSS_WITH_RC4_128_SHA'],
  [103, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256'], [104, 'TLS_DH_DSS_WITH_AES_256_CBC_SHA256'],
  [105, 'TLS_DH_RSA_WITH_AES_256_CBC_SHA256'], [106, 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256'],
  [107, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256'], [108, 'TLS_DH_anon_WITH_AES_128_CBC_SHA256'],
  [109, 'TLS_DH_anon_WITH_AES_256_CBC_SHA256'], [128, 'TLS_GOSTR341094_WITH_28147_CNT_IMIT'],
  [129, 'TLS_GOSTR341001_WITH_28147_CNT_IMIT'], [130, 'TLS_GOSTR341094_WITH_NULL_GOSTR3411'],
  [131, 'TLS_GOSTR341001_WITH_NULL_GOSTR3411'], [132, 'TLS_RSA_WITH_CAMELLIA_256_CBC_SHA'],
  [133, 'TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA'], [134, 'TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA'],
  [135, 'TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA'], [136, 'TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA'],
  [137, 'TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA'], [138, 'TLS_PSK_WITH_RC4_128_SHA'],
  [139, 'TLS_PSK_WITH_3DES_EDE_CBC_SHA'], [140, 'TLS_PSK_WITH_AES_128_CBC_SHA'],
  [141, 'TLS_PSK_WITH_AES_256_CBC_SHA'], [142, 'TLS_DHE_PSK_WITH_RC4_128_SHA'],
  [143, 'TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA'], [144, 'TLS_DHE_PSK_WITH_AES_128_CBC_SHA'],
  [145, 'TLS_DHE_PSK_WITH_AES_256_CBC_SHA'], [146, 'TLS_RSA_PSK_WITH_RC4_128_SHA'],
  [147, 'TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA'], [148, 'TLS_RSA_PSK_WITH_AES_128_CBC_SHA'],
  [149, 'TLS_RSA_PSK_WITH_AES_256_CBC_SHA'], [150, 'TLS_RSA_WITH_SEED_CBC_SHA'],
  [151, 'TLS_DH_DSS_WITH_SEED_CBC_SHA'], [152, 'TLS_DH_RSA_WITH_SEED_CBC_SHA'],
  [153, 'TLS_DHE_DSS_WITH_SEED_CBC_SHA'], [154, 'TLS_DHE_RSA_WITH_SEED_CBC_SHA'],
  [155, 'TLS_DH_anon_WITH_SEED_CBC_SHA'], [156, 'TLS_RSA_WITH_AES_128_GCM_SHA256'],
  [157, 'TLS_RSA_WITH_AES_256_GCM_SHA384'], [158, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256'],
  [159, 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384'], [160, 'TLS_DH_RSA_WITH_AES_128_GCM_SHA256'],
  [161, 'TLS_DH_RSA_WITH_AES_256_GCM_SHA384'], [162, 'TLS_DHE_DSS_WITH_AES_128_GCM_SHA256'],
  [163, 'TLS_DHE_DSS_WITH_AES_256_GCM_SHA384'], [164, 'TLS_DH_DSS_WITH_AES_128_GCM_SHA256'],
  [165, 'TLS_DH_DSS_WITH_AES_256_GCM_SHA384'], [166, 'TLS_DH_anon_WITH_AES_128_GCM_SHA256'],
  [167, 'TLS_DH_anon_WITH_AES_256_GCM_SHA384'], [168, 'TLS_PSK_WITH_AES_128_GCM_SHA256'],
  [169, 'TLS_PSK_WITH_AES_256_GCM_SHA384'], [170, 'TLS_DHE_PSK_WITH_AES_128_GCM_SHA256'],
  [171, 'TLS_DHE_PSK_WITH_AES_256_GCM_SHA384'], [172, 'TLS_RSA_PSK_WITH_AES_128_GCM_SHA256'],
  [173, 'TLS_RSA_PSK_WITH_AES_256_GCM_SHA384'], [174, 'TLS_PSK_WITH_AES_128_CBC_SHA256'],
  [175, 'TLS_PSK_WITH_AES_256_CBC_SHA384'], [176, 'TLS_PSK_WITH_NULL_SHA256'],
  [177, 'TLS_PSK_WITH_NULL_SHA384'], [178, 'TLS_DHE_PSK_WITH_AES_128_CBC_SHA256'],
  [179, 'TLS_DHE_PSK_WITH_AES_256_CBC_SHA384'], [180, 'TLS_DHE_PSK_WITH_NULL_SHA256'],
  [181, 'TLS_DHE_PSK_WITH_NULL_SHA384'], [182, 'TLS_RSA_PSK_WITH_AES_128_CBC_SHA256'],
  [183, 'TLS_RSA_PSK_WITH_AES_256_CBC_SHA384'], [184, 'TLS_RSA_PSK_WITH_NULL_SHA256'],
  [185, 'TLS_RSA_PSK_WITH_NULL_SHA384'], [186, 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256'],
  [187, 'TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256'], [188, 'TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256'],
  [189, 'TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256'], [190, 'TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256'],
  [191, 'TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256'], [192, 'TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256'],
  [193, 'TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256'], [194, 'TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256'],
  [195, 'TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256'], [196, 'TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256'],
  [197, 'TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256'], [198, 'TLS_SM4_GCM_SM3'], [199, 'TLS_SM4_CCM_SM3'],
  [255, 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV'], [2570, 'Reserved (GREASE)'], [4865, 'TLS_AES_128_GCM_SHA256'],
  [4866, 'TLS_AES_256_GCM_SHA384'], [4867, 'TLS_CHACHA20_POLY1305_SHA256'], [4868, 'TLS_AES_128_CCM_SHA256'],
  [4869, 'TLS_AES_128_CCM_8_SHA256'], [6682, 'Reserved (GREASE)'], [10794, 'Reserved (GREASE)'],
  [14906, 'Reserved (GREASE)'], [19018, 'Reserved (GREASE)'], [22016, 'TLS_FALLBACK_SCSV'],
  [23130, 'Reserved (GREASE)'], [27242, 'Reserved (GREASE)'], [31354, 'Reserved (GREASE)'],
  [35466, 'Reserved (GREASE)'], [39578, 'Reserved (GREASE)'], [43690, 'Reserved (GREASE)'],
  [47802, 'Reserved (GREASE)'], [49153, 'TLS_ECDH_ECDSA_WITH_NULL_SHA'],
  [49154, 'TLS_ECDH_ECDSA_WITH_RC4_128_SHA'], [49155, 'TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA'],
  [49156, 'TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA'], [49157, 'TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA'],
  [49158, 'TLS_ECDHE_ECDSA_WITH_NULL_SHA'], [49159, 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA'],
  [49160, 'TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA'], [49161, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA'],
  [49162, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA'], [49163, 'TLS_ECDH_RSA_WITH_NULL_SHA'],
  [49164, 'TLS_ECDH_RSA_WITH_RC4_128_SHA'], [49165, 'TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA'],
  [49166, 'TLS_ECDH_RSA_WITH_AES_128_CBC_SHA'], [49167, 'TLS_ECDH_RSA_WITH_AES_256_CBC_SHA'],
  [49168, 'TLS_ECDHE_RSA_WITH_NULL_SHA'], [49169, 'TLS_ECDHE_RSA_WITH_RC4_128_SHA'],
  [49170, 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA'], [49171, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'],
  [49172, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA'], [49173, 'TLS_ECDH_anon_WITH_NULL_SHA'],
  [49174, 'TLS_ECDH_anon_WITH_RC4_128_SHA'], [49175, 'TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA'],
  [49176, 'TLS_ECDH_anon_WITH_AES_128_CBC_SHA'], [49177, 'TLS_ECDH_anon_WITH_AES_256_CBC_SHA'],
  [49178, 'TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA'], [49179, 'TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA'],
  [49180, 'TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA'], [49181, 'TLS_SRP_SHA_WITH_AES_128_CBC_SHA'],
  [49182, 'TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA'], [49183, 'TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA'],
  [49184, 'TLS_SRP_SHA_WITH_AES_256_CBC_SHA'], [49185, 'TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA'],
  [49186, 'TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA'], [49187, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256'],
  [49188, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384'], [49189, 'TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256'],
  [49190, 'TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384'], [49191, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256'],
  [49192, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384'], [49193, 'TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256'],
  [49194, 'TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384'], [49195, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
  [49196, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'], [49197, 'TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256'],
  [49198, 'TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384'], [49199, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
  [49200, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'], [49201, 'TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256'],
  [49202, 'TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384'], [49203, 'TLS_ECDHE_PSK_WITH_RC4_128_SHA'],
  [49204, 'TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA'], [49205, 'TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA'],
  [49206, 'TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA'], [49207, 'TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256'],
  [49208, 'TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384'], [49209, 'TLS_ECDHE_PSK_WITH_NULL_SHA'],
  [49210, 'TLS_ECDHE_PSK_WITH_NULL_SHA256'], [49211, 'TLS_ECDHE_PSK_WITH_NULL_SHA384'],
  [49212, 'TLS_RSA_WITH_ARIA_128_CBC_SHA256'], [49213, 'TLS_RSA_WITH_ARIA_256_CBC_SHA384'],
  [49214, 'TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256'], [49215, 'TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384'],
  [49216, 'TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256'], [49217, 'TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384'],
  [49218, 'TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256'], [49219, 'TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384'],
  [49220, 'TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256'], [49221, 'TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384'],
  [49222, 'TLS_DH_anon_WITH_ARIA_128_CBC_SHA256'], [49223, 'TLS_DH_anon_WITH_ARIA_256_CBC_SHA384'],
  [49224, 'TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256'], [49225, 'TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384'],
  [49226, 'TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256'], [49227, 'TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384'],
  [49228, 'TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256'], [49229, 'TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384'],
  [49230, 'TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256'], [49231, 'TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384'],
  [49232, 'TLS_RSA_WITH_ARIA_128_GCM_SHA256'], [49233, 'TLS_RSA_WITH_ARIA_256_GCM_SHA384'],
  [49234, 'TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256'], [49235, 'TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384'],
  [49236, 'TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256'], [49237, 'TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384'],
  [49238, 'TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256'], [49239, 'TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384'],
  [49240, 'TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256'], [49241, 'TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384'],
  [49242, 'TLS_DH_anon_WITH_ARIA_128_GCM_SHA256'], [49243, 'TLS_DH_anon_WITH_ARIA_256_GCM_SHA384'],
  [49244, 'TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256'], [49245, 'TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384'],
  [49246, 'TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256'], [49247, 'TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384'],
  [49248, 'TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256'], [49249, 'TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384'],
  [49250, 'TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256'], [49251, 'TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384'],
  [49252, 'TLS_PSK_WITH_ARIA_128_CBC_SHA256'], [49253, 'TLS_PSK_WITH_ARIA_256_CBC_SHA384'],
  [49254, 'TLS_DHE_PSK_WITH_ARIA_128_CBC_SHA256'], [49255, 'TLS_DHE_PSK_WITH_ARIA_256_CBC_SHA384'],
  [49256, 'TLS_RSA_PSK_WITH_ARIA_128_CBC_SHA256'], [49257, 'TLS_RSA_PSK_WITH_ARIA_256_CBC_SHA384'],
  [49258, 'TLS_PSK_WITH_ARIA_128_GCM_SHA256'], [49259, 'TLS_PSK_WITH_ARIA_256_GCM_SHA384'],
  [49260, 'TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256'], [49261, 'TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384'],
  [49262, 'TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256'], [49263, 'TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384'],
  [49264, 'TLS_ECDHE_PSK_WITH_ARIA_128_CBC_SHA256'], [49265, 'TLS_ECDHE_PSK_WITH_ARIA_256_CBC_SHA384'],
  [49266, 'TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256'],
  [49267, 'TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384'],
  [49268, 'TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256'],
  [49269, 'TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384'],
  [49270, 'TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256'],
  [49271, 'TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384'],
  [49272, 'TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256'], [49273, 'TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384'],
  [49274, 'TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256'], [49275, 'TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384'],
  [49276, 'TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256'], [49277, 'TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384'],
  [49278, 'TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256'], [49279, 'TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384'],
  [49280, 'TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256'], [49281, 'TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384'],
  [49282, 'TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256'], [49283, 'TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384'],
  [49284, 'TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256'], [49285, 'TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384'],
  [49286, 'TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256'],
  [49287, 'TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384'],
  [49288, 'TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256'],
  [49289, 'TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384'],
  [49290, 'TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256'],
  [49291, 'TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384'],
  [49292, 'TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256'], [49293, 'TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384'],
  [49294, 'TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256'], [49295, 'TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384'],
  [49296, 'TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256'], [49297, 'TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384'],
  [49298, 'TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256'], [49299, 'TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384'],
  [49300, 'TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256'], [49301, 'TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384'],
  [49302, 'TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256'], [49303, 'TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384'],
  [49304, 'TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256'], [49305, 'TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384'],
  [49306, 'TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256'],
  [49307, 'TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384'], [49308, 'TLS_RSA_WITH_AES_128_CCM'],
  [49309, 'TLS_RSA_WITH_AES_256_CCM'], [49310, 'TLS_DHE_RSA_WITH_AES_128_CCM'],
  [49311, 'TLS_DHE_RSA_WITH_AES_256_CCM'], [49312, 'TLS_RSA_WITH_AES_128_CCM_8'],
  [49313, 'TLS_RSA_WITH_AES_256_CCM_8'], [49314, 'TLS_DHE_RSA_WITH_AES_128_CCM_8'],
  [49315, 'TLS_DHE_RSA_WITH_AES_256_CCM_8'], [49316, 'TLS_PSK_WITH_AES_128_CCM'],
  [49317, 'TLS_PSK_WITH_AES_256_CCM'], [49318, 'TLS_DHE_PSK_WITH_AES_128_CCM'],
  [49319, 'TLS_DHE_PSK_WITH_AES_256_CCM'], [49320, 'TLS_PSK_WITH_AES_128_CCM_8'],
  [49321, 'TLS_PSK_WITH_AES_256_CCM_8'], [49322, 'TLS_PSK_DHE_WITH_AES_128_CCM_8'],
  [49323, 'TLS_PSK_DHE_WITH_AES_256_CCM_8'], [49324, 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM'],
  [49325, 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM'], [49326, 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8'],
  [49327, 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8'], [49328, 'TLS_ECCPWD_WITH_AES_128_GCM_SHA256'],
  [49329, 'TLS_ECCPWD_WITH_AES_256_GCM_SHA384'], [49330, 'TLS_ECCPWD_WITH_AES_128_CCM_SHA256'],
  [49331, 'TLS_ECCPWD_WITH_AES_256_CCM_SHA384'], [49332, 'TLS_SHA256_SHA256'], [49333, 'TLS_SHA384_SHA384'],
  [49407, 'TLS_ECJPAKE_WITH_AES_128_CCM_8'], [49408, 'TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC'],
  [49409, 'TLS_GOSTR341112_256_WITH_MAGMA_CTR_OMAC'], [49410, 'TLS_GOSTR341112_256_WITH_28147_CNT_IMIT'],
  [49411, 'TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L'], [49412, 'TLS_GOSTR341112_256_WITH_MAGMA_MGM_L'],
  [49413, 'TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_S'], [49414, 'TLS_GOSTR341112_256_WITH_MAGMA_MGM_S'],
  [51914, 'Reserved (GREASE)'], [52243, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
  [52244, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
  [52245, 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
  [52392, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
  [52393, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
  [52394, 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256'], [52395, 'TLS_PSK_WITH_CHACHA20_POLY1305_SHA256'],
  [52396, 'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256'],
  [52397, 'TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256'], [52398, 'TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256'],
  [53249, 'TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256'], [53250, 'TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384'],
  [53251, 'TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256'], [53253, 'TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256'],
  [56026, 'Reserved (GREASE)'], [57345, 'ECDHE_SM1_SM3'], [57347, 'ECC_SM1_SM3'], [57349, 'IBSDH_SM1_SM3'],
  [57351, 'IBC_SM1_SM3'], [57353, 'RSA_SM1_SM3'], [57354, 'RSA_SM1_SHA1'], [57361, 'ECDHE_SM4_CBC_SM3'],
  [57363, 'ECC_SM4_CBC_SM3'], [57365, 'IBSDH_SM4_CBC_SM3'], [57367, 'IBC_SM4_CBC_SM3'],
  [57369, 'RSA_SM4_CBC_SM3'], [57370, 'RSA_SM4_CBC_SHA1'], [57372, 'RSA_SM4_CBC_SHA256'],
  [57425, 'ECDHE_SM4_GCM_SM3'], [57427, 'ECC_SM4_GCM_SM3'], [57429, 'IBSDH_SM4_GCM_SM3'],
  [57431, 'IBC_SM4_GCM_SM3'], [57433, 'RSA_SM4_GCM_SM3'], [57434, 'RSA_SM4_GCM_SHA256'],
  [58384, 'TLS_RSA_WITH_ESTREAM_SALSA20_SHA1'], [58385, 'TLS_RSA_WITH_SALSA20_SHA1'],
  [58386, 'TLS_ECDHE_RSA_WITH_ESTREAM_SALSA20_SHA1'], [58387, 'TLS_ECDHE_RSA_WITH_SALSA20_SHA1'],
  [58388, 'TLS_ECDHE_ECDSA_WITH_ESTREAM_SALSA20_SHA1'], [58389, 'TLS_ECDHE_ECDSA_WITH_SALSA20_SHA1'],
  [58390, 'TLS_PSK_WITH_ESTREAM_SALSA20_SHA1'], [58391, 'TLS_PSK_WITH_SALSA20_SHA1'],
  [58392, 'TLS_ECDHE_PSK_WITH_ESTREAM_SALSA20_SHA1'], [58393, 'TLS_ECDHE_PSK_WITH_SALSA20_SHA1'],
  [58394, 'TLS_RSA_PSK_WITH_ESTREAM_SALSA20_SHA1'], [58395, 'TLS_RSA_PSK_WITH_SALSA20_SHA1'],
  [58396, 'TLS_DHE_PSK_WITH_ESTREAM_SALSA20_SHA1'], [58397, 'TLS_DHE_PSK_WITH_SALSA20_SHA1'],
  [58398, 'TLS_DHE_RSA_WITH_ESTREAM_SALSA20_SHA1'], [58399, 'TLS_DHE_RSA_WITH_SALSA20_SHA1'],
  [60138, 'Reserved (GREASE)'], [64250, 'Reserved (GREASE)'], [65278, 'SSL_RSA_FIPS_WITH_DES_CBC_SHA'],
  [65279, 'SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA'], [65504, 'SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA'],
  [65505, 'SSL_RSA_FIPS_WITH_DES_CBC_SHA'],
]);

const CONTENT_TYPES: Record<number, string> = {
  20: 'Change Cipher Spec',
  21: 'Alert',
  22: 'Handshake',
  23: 'Application Data',
  24: 'Heartbeat',
  25: 'Connection ID',
};

const SHORT_VERSIONS: Record<number, string> = {
  0x0002: 'SSLv2',
  0x0300: 'SSLv3',
  0x0301: 'TLSv1',
  0x0302: 'TLSv1.1',
  0x0303: 'TLSv1.2',
  0x0304: 'TLSv1.3',
  0xfeff: 'DTLSv1.0',
  0xfefd: 'DTLSv1.2',
};

/** TLS 1.3 drafts count as 1.3 for the session version. */
function normVersion(v: number): number {
  if ((v & 0xff00) === 0x7f00 || v === 0xfb17 || v === 0xfb1a) return 0x0304;
  return v;
}

const HRR_RANDOM = [
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
  0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

export const hf = {
  tls: protocol('tls', 'Transport Layer Security'),
  record: field('tls.record', 'Record Layer', 'none'),
  contentType: field('tls.record.content_type', 'Content Type', 'uint', { bits: 8, values: CONTENT_TYPES }),
  opaqueType: field('tls.record.opaque_type', 'Opaque Type', 'uint', { bits: 8, values: CONTENT_TYPES }),
  recordVersion: field('tls.record.version', 'Version', 'uint', { base: 'hex', bits: 16, values: VERSIONS }),
  recordLength: field('tls.record.length', 'Length', 'uint', { bits: 16 }),
  appData: field('tls.app_data', 'Encrypted Application Data', 'bytes'),
  appDataProto: field('tls.app_data_proto', 'Application Data Protocol', 'string'),
  changeCipherSpec: field('tls.change_cipher_spec', 'Change Cipher Spec Message', 'none'),
  alert: field('tls.alert_message', 'Alert Message', 'none'),
  alertLevel: field('tls.alert_message.level', 'Level', 'uint', { bits: 8, values: { 1: 'Warning', 2: 'Fatal' } }),
  alertDesc: field('tls.alert_message.desc', 'Description', 'uint', { bits: 8, values: ALERT_DESC }),
  handshake: field('tls.handshake', 'Handshake Protocol', 'none'),
  hsType: field('tls.handshake.type', 'Handshake Type', 'uint', { bits: 8, values: HANDSHAKE_TYPES }),
  hsLength: field('tls.handshake.length', 'Length', 'uint', { bits: 24 }),
  hsVersion: field('tls.handshake.version', 'Version', 'uint', { base: 'hex', bits: 16, values: VERSIONS }),
  random: field('tls.handshake.random', 'Random', 'bytes'),
  randomTime: field('tls.handshake.random_time', 'GMT Unix Time', 'abstime'),
  randomBytes: field('tls.handshake.random_bytes', 'Random Bytes', 'bytes'),
  sessionIdLength: field('tls.handshake.session_id_length', 'Session ID Length', 'uint', { bits: 16 }),
  sessionId: field('tls.handshake.session_id', 'Session ID', 'bytes'),
  cipherSuitesLength: field('tls.handshake.cipher_suites_length', 'Cipher Suites Length', 'uint', { bits: 16 }),
  cipherSuites: field('tls.handshake.ciphersuites', 'Cipher Suites', 'none'),
  cipherSuite: field('tls.handshake.ciphersuite', 'Cipher Suite', 'uint', { base: 'hex', bits: 16, values: CIPHER_SUITES }),
  compMethodsLength: field('tls.handshake.comp_methods_length', 'Compression Methods Length', 'uint', { bits: 8 }),
  compMethods: field('tls.handshake.comp_methods', 'Compression Methods', 'none'),
  compMethod: field('tls.handshake.comp_method', 'Compression Method', 'uint', { bits: 8, values: { 0: 'null', 1: 'DEFLATE', 64: 'LZS' } }),
  extensionsLength: field('tls.handshake.extensions_length', 'Extensions Length', 'uint', { bits: 16 }),
  extType: field('tls.handshake.extension.type', 'Type', 'uint', { bits: 16, values: EXTENSION_TYPES }),
  extLen: field('tls.handshake.extension.len', 'Length', 'uint', { bits: 16 }),
  extData: field('tls.handshake.extension.data', 'Data', 'bytes'),
  sniListLen: field('tls.handshake.extensions_server_name_list_len', 'Server Name list length', 'uint', { bits: 16 }),
  sniType: field('tls.handshake.extensions_server_name_type', 'Server Name Type', 'uint', { bits: 8, values: { 0: 'host_name' } }),
  sniLen: field('tls.handshake.extensions_server_name_len', 'Server Name length', 'uint', { bits: 16 }),
  sni: field('tls.handshake.extensions_server_name', 'Server Name', 'string'),
  alpnLen: field('tls.handshake.extensions_alpn_len', 'ALPN Extension Length', 'uint', { bits: 16 }),
  alpnList: field('tls.handshake.extensions_alpn_list', 'ALPN Protocol', 'none'),
  alpnStrLen: field('tls.handshake.extensions_alpn_str_len', 'ALPN string length', 'uint', { bits: 8 }),
  alpnStr: field('tls.handshake.extensions_alpn_str', 'ALPN Next Protocol', 'string'),
  supportedVersionsLen: field('tls.handshake.extensions.supported_versions_len', 'Supported Versions length', 'uint', { bits: 8 }),
  supportedVersion: field('tls.handshake.extensions.supported_version', 'Supported Version', 'uint', { base: 'hex', bits: 16, values: VERSIONS }),
  groupsLength: field('tls.handshake.extensions_supported_groups_length', 'Supported Groups List Length', 'uint', { bits: 16 }),
  groups: field('tls.handshake.extensions_supported_groups', 'Supported Groups List', 'none'),
  group: field('tls.handshake.extensions_supported_group', 'Supported Group', 'uint', { base: 'hex', bits: 16, values: GROUPS }),
  ecPointFormatsLength: field('tls.handshake.extensions_ec_point_formats_length', 'EC point formats Length', 'uint', { bits: 8 }),
  ecPointFormats: field('tls.handshake.extensions_ec_point_formats', 'EC point formats', 'none'),
  ecPointFormat: field('tls.handshake.extensions_ec_point_format', 'EC point format', 'uint', {
    bits: 8,
    values: { 0: 'uncompressed', 1: 'ansiX962_compressed_prime', 2: 'ansiX962_compressed_char2' },
  }),
  sigHashAlgLen: field('tls.handshake.sig_hash_alg_len', 'Signature Hash Algorithms Length', 'uint', { bits: 16 }),
  sigHashAlgs: field('tls.handshake.sig_hash_algs', 'Signature Algorithms', 'none'),
  sigHashAlg: field('tls.handshake.sig_hash_alg', 'Signature Algorithm', 'uint', { base: 'hex', bits: 16, values: SIG_ALGS }),
  sigHashHash: field('tls.handshake.sig_hash_hash', 'Signature Hash Algorithm Hash', 'uint', { bits: 8, values: SIG_HASH }),
  sigHashSig: field('tls.handshake.sig_hash_sig', 'Signature Hash Algorithm Signature', 'uint', { bits: 8, values: SIG_SIG }),
  keyShareClientLength: field('tls.handshake.extensions_key_share_client_length', 'Client Key Share Length', 'uint', { bits: 16 }),
  keyShareGroup: field('tls.handshake.extensions_key_share_group', 'Group', 'uint', { bits: 16, values: GROUPS }),
  keyShareKeyExchangeLength: field('tls.handshake.extensions_key_share_key_exchange_length', 'Key Exchange Length', 'uint', { bits: 16 }),
  keyShareKeyExchange: field('tls.handshake.extensions_key_share_key_exchange', 'Key Exchange', 'bytes'),
  keyShareSelectedGroup: field('tls.handshake.extensions_key_share_selected_group', 'Selected Group', 'uint', { bits: 16, values: GROUPS }),
  renegInfoLen: field('tls.handshake.extensions_reneg_info_len', 'Renegotiation info extension length', 'uint', { bits: 8 }),
};

export const ei = {
  ignoredUnknownRecord: expert('tls.ignored_unknown_record', 'warn', 'protocol', 'Ignored Unknown Record'),
};

export interface TlsLayer extends Layer {
  proto: 'tls';
  /** Records that start in this segment (complete or not). */
  records: number;
  /** Handshake message types seen, in order (1 ClientHello, 2 ServerHello ...). */
  handshakeTypes: number[];
  /** Session version as known after this segment (0x0303 TLS 1.2, 0x0304 TLS 1.3), 0 if unknown. */
  version: number;
  /** SNI host name from a ClientHello in this segment, or null. */
  serverName: string | null;
  /** Bytes the last record still needs beyond this segment (0 when it ended inside it). */
  needMore: number;
}

// ---------------------------------------------------------------------------------------------

interface TlsSession {
  /** Negotiated version, 0 while unknown. */
  version: number;
  /** Endpoints (`addr:port`) that have sent ChangeCipherSpec. */
  ccs: Set<string>;
  /** ALPN protocol chosen by the server. */
  alpn: string | null;
}

const SESSIONS = stateKey('tls.sessions', () => new Map<string, TlsSession>());

function sessionFor(ctx: DecodeContext): { s: TlsSession; sender: string; serverPort: number } {
  const ports = transportPorts(ctx);
  const sp = ports?.srcPort ?? 0;
  const dp = ports?.dstPort ?? 0;
  const key = 'tls|' + conversationKey(ctx, ports?.proto ?? 'tcp', sp, dp).key;
  const map = ctx.session.get(SESSIONS);
  let s = map.get(key);
  if (!s) map.set(key, (s = { version: 0, ccs: new Set(), alpn: null }));
  const ip = innerIpLayer(ctx);
  let sender = String(sp);
  if (ip) {
    const a = ipAddresses(ctx, ip).src;
    sender = (typeof a === 'number' ? a.toString(16) : Array.from(a).join('.')) + ':' + sp;
  }
  return { s, sender, serverPort: Math.min(sp, dp) };
}

/** How many more bytes the TLS record at `offset` needs: 0 when it is complete within `end`,
 * -1 when even its 5-byte header is incomplete. For the TCP engine's reassembly. */
export function tlsRecordNeed(data: Uint8Array, offset: number, end: number): number {
  if (end - offset < 5) return -1;
  const len = (data[offset + 3]! << 8) | data[offset + 4]!;
  return Math.max(0, offset + 5 + len - end);
}

const isPrint = (c: number): boolean => c >= 0x20 && c <= 0x7e;

function looksLikeRecord(d: Uint8Array, off: number, end: number): boolean {
  if (end - off < 5) return false;
  const ct = d[off]!;
  if (ct < 20 || ct > 23) return false;
  if (d[off + 1] !== 3 || d[off + 2]! > 4) return false;
  const len = (d[off + 3]! << 8) | d[off + 4]!;
  return len > 0 && len <= 16384 + 2048;
}

/** TLS over any TCP port: a record header with content type 20..23, version 3.0..3.4, sane length. */
export const tlsHeuristic: Heuristic = {
  proto: 'tls',
  test(ctx: DecodeContext, offset: number, end: number): boolean {
    return looksLikeRecord(ctx.data, offset, end);
  },
};

const APP_PROTOCOLS: Record<string, string> = {
  'http/1.1': 'Hypertext Transfer Protocol',
  'http/1.0': 'Hypertext Transfer Protocol',
  h2: 'HyperText Transfer Protocol 2',
  'spdy/1': 'SPDY',
  'spdy/2': 'SPDY',
  'spdy/3': 'SPDY',
  'spdy/3.1': 'SPDY',
};

function vname(v: number): string {
  return VERSIONS.get(v) ?? `Unknown (0x${v.toString(16).padStart(4, '0')})`;
}

class Pass {
  readonly info: string[] = [];
  constructor(
    readonly ctx: DecodeContext,
    readonly s: TlsSession,
    readonly sender: string,
    readonly serverPort: number,
    readonly layer: TlsLayer,
  ) {}

  /** Adds an Info item at once, so that a later exception keeps what was shown so far
   * (`col_append_sep_str` with ", ": a separator whenever the column is not empty, which
   * includes the TCP analysis prefix and what an earlier PDU of the segment showed). */
  note(text: string): void {
    this.info.push(text);
    if (this.ctx.columns) this.ctx.appendInfo(this.ctx.info.length ? ', ' + text : text);
  }

  /** `Continuation Data`: a separator only after another record of this call. */
  noteContinuation(): void {
    const first = this.info.length === 0;
    this.info.push('Continuation Data');
    if (this.ctx.columns) this.ctx.appendInfo(first ? 'Continuation Data' : ', Continuation Data');
  }
}

/** TLS record layer and the ClientHello/ServerHello handshake messages. Records running past the
 * segment are decoded as far as they go, without a malformed mark (TCP reassembly comes later). */
export const tlsDecoder: Decoder = {
  proto: 'tls',
  fieldPrefixes: ['tls', 'text'],
  leaf: true,
  decode(ctx: DecodeContext, offset: number, end: number, tree: Tree | undefined): DecodeResult | void {
    const d0 = ctx.data;
    // Wireshark's dissect_ssl rejects data whose first four bytes are printable text; the
    // payload then goes on to the heuristics and `data`
    if (end - offset > 4 && isPrint(d0[offset]!) && isPrint(d0[offset + 1]!) && isPrint(d0[offset + 2]!) && isPrint(d0[offset + 3]!)) {
      return { offset, end, next: { table: 'tcp.port', ports: [0, 0], heuristics: 'tcp' } };
    }
    const offer = desegmentOffer(ctx);
    const { s, sender, serverPort } = sessionFor(ctx);
    const layer = ctx.addLayer<TlsLayer>({
      proto: 'tls',
      offset,
      length: end - offset,
      errorDepth: 0,
      records: 0,
      handshakeTypes: [],
      version: s.version,
      serverName: null,
      needMore: 0,
    });
    const t = tree?.add(hf.tls, offset, end - offset, null, { text: 'Transport Layer Security' });
    if (t) layer.tree = t;
    const pass = new Pass(ctx, s, sender, serverPort, layer);
    ctx.setProtocol(SHORT_VERSIONS[normVersion(s.version)] ?? 'TLS');
    const d = ctx.data;
    let off = offset;
    let protoVersion = 0;
    // Wireshark clears the Info column first (a segment that only starts a record shows nothing)
    if (ctx.columns) ctx.setInfo('');
    for (let i = 0; off < end && i < 4096; i++) {
      const avail = end - off;
      const ct = d[off]!;
      const valid = ct >= 20 && ct <= 25;
      if (offer && (valid || s.version !== 0)) {
        // tls.desegment_ssl_records: a record cut by the segment end waits for the rest (with a
        // known version even a short start that is no record header, as dissect_ssl does)
        if (avail < 5) {
          requestMore(offer, off, ONE_MORE_SEGMENT);
          break;
        }
        const need = off + 5 + ((d[off + 3]! << 8) | d[off + 4]!) - end;
        if (valid && need > 0) {
          requestMore(offer, off, need);
          break;
        }
      }
      if (!valid) {
        const v = s.version;
        if (v === 0x0301 || v === 0x0302 || v === 0x0303) {
          pass.note('Ignored Unknown Record');
          const it = t?.add(textField, off, end - off, null, { text: 'Ignored Unknown Record' });
          ctx.issue('tls', ei.ignoredUnknownRecord, it, off, end - off);
        } else {
          pass.noteContinuation();
        }
        protoVersion = v;
        break;
      }
      if (avail < 5) break;
      const version = (d[off + 1]! << 8) | d[off + 2]!;
      const len = (d[off + 3]! << 8) | d[off + 4]!;
      const recEnd = off + 5 + len;
      const bodyEnd = Math.min(end, recEnd);
      layer.records++;
      if (recEnd > end) layer.needMore = recEnd - end;
      const before = s.version;
      // record version counts for the column only when the session version is still unknown
      const shownVersion = before || version;
      const rt = t?.add(hf.record, off, bodyEnd - off, null, { text: `${SHORT_VERSIONS[normVersion(shownVersion)] ?? 'TLS'} Record Layer: ` });
      const opaque = normVersion(before) === 0x0304 && ct === 23;
      rt?.add(opaque ? hf.opaqueType : hf.contentType, off, 1, ct);
      rt?.add(hf.recordVersion, off + 1, 2, version);
      rt?.add(hf.recordLength, off + 3, 2, len);
      ctx.setProtocol(SHORT_VERSIONS[normVersion(shownVersion)] ?? 'TLS');
      let desc: string;
      try {
        desc = decodeRecordBody(pass, rt, ct, version, off + 5, bodyEnd, len);
      } catch (e) {
        if (!(e instanceof BoundsError) || recEnd <= end) throw e;
        desc = pass.info.length ? '' : CONTENT_TYPES[ct] ?? 'Unknown';
      }
      rt?.appendText(desc);
      if (!before && s.version === 0 && !(ct === 22 && d[off + 5] === 1) && off + 5 < bodyEnd) {
        // a record other than a ClientHello fixes the version when nothing else did
        if (SHORT_VERSIONS[version]) s.version = version;
      }
      protoVersion = s.version || version;
      off = recEnd;
    }
    layer.version = s.version;
    ctx.setProtocol(SHORT_VERSIONS[normVersion(protoVersion)] ?? 'TLS');
  },
};

function decodeRecordBody(p: Pass, rt: Tree | undefined, ct: number, version: number, body: number, end: number, len: number): string {
  const { ctx, s } = p;
  const d = ctx.data;
  switch (ct) {
    case 20:
      s.ccs.add(p.sender);
      p.note('Change Cipher Spec');
      rt?.add(hf.changeCipherSpec, body, Math.min(1, end - body), null);
      return 'Change Cipher Spec Protocol: Change Cipher Spec';
    case 21: {
      if (len === 2 && !s.ccs.has(p.sender) && end - body >= 2) {
        const level = d[body]!;
        const desc = d[body + 1]!;
        const lv = level === 1 ? 'Warning' : level === 2 ? 'Fatal' : `Unknown (${level})`;
        const ds = ALERT_DESC.get(desc) ?? `Unknown (${desc})`;
        const text = `Alert (Level: ${lv}, Description: ${ds})`;
        p.note(text);
        const at = rt?.add(hf.alert, body, 2, null);
        at?.add(hf.alertLevel, body, 1, level);
        at?.add(hf.alertDesc, body + 1, 1, desc);
        return text;
      }
      p.note('Encrypted Alert');
      rt?.add(hf.alert, body, end - body, null, { text: 'Alert Message: Encrypted Alert' });
      return 'Encrypted Alert';
    }
    case 23: {
      p.note('Application Data');
      const app = (s.alpn && APP_PROTOCOLS[s.alpn]) || (p.serverPort === 443 ? 'Hypertext Transfer Protocol' : 'Application Data');
      if (end > body) rt?.add(hf.appData, body, end - body, d.subarray(body, end));
      // (named only when a protocol is known: the record line says "Application Data" otherwise)
      if (app !== 'Application Data') rt?.add(hf.appDataProto, body, 0, app, { generated: true });
      return `Application Data Protocol: ${app}`;
    }
    case 22:
      return decodeHandshakes(p, rt, body, end, len);
    case 24:
      p.note(s.ccs.has(p.sender) ? 'Encrypted Heartbeat' : 'Heartbeat Request');
      return 'Heartbeat';
    default:
      p.note(CONTENT_TYPES[ct] ?? 'Unknown');
      return CONTENT_TYPES[ct] ?? 'Unknown';
  }
}

function decodeHandshakes(p: Pass, rt: Tree | undefined, body: number, end: number, len: number): string {
  const { ctx, s } = p;
  const d = ctx.data;
  const v = ctx.view;
  // After ChangeCipherSpec from this side (TLS ≤ 1.2), or when the first message does not fit
  // the record, the content is encrypted.
  const first = body + 4 <= end ? d[body]! : -1;
  const firstLen = body + 4 <= end ? (d[body + 1]! << 16) | (d[body + 2]! << 8) | d[body + 3]! : -1;
  const encrypted =
    s.ccs.has(p.sender) || first < 0 || !HANDSHAKE_TYPES.has(first) || (firstLen + 4 > len && body + len <= end);
  if (encrypted) {
    p.note('Encrypted Handshake Message');
    rt?.add(hf.handshake, body, end - body, null, { text: 'Handshake Protocol: Encrypted Handshake Message' });
    return 'Handshake Protocol: Encrypted Handshake Message';
  }
  const names: string[] = [];
  let off = body;
  for (let i = 0; off + 4 <= end && off < body + len && i < 256; i++) {
    const type = d[off]!;
    const hlen = (d[off + 1]! << 16) | (d[off + 2]! << 8) | d[off + 3]!;
    let name = HANDSHAKE_TYPES.get(type) ?? `Unknown (${type})`;
    if (type === 2 && off + 4 + 34 <= end && HRR_RANDOM.every((b, k) => d[off + 6 + k] === b)) name = 'Hello Retry Request';
    names.push(name);
    p.layer.handshakeTypes.push(type);
    p.note(name);
    const mEnd = Math.min(end, off + 4 + hlen);
    const ht = rt?.add(hf.handshake, off, mEnd - off, null, { text: `Handshake Protocol: ${name}` });
    ht?.add(hf.hsType, off, 1, type);
    ht?.add(hf.hsLength, off + 1, 3, hlen);
    if (type === 1 || type === 2) decodeHello(p, ht, type === 1, off + 4, mEnd, v);
    else if (type === 11) checkCertificates(p, ht, off + 4, Math.min(end, off + 4 + hlen), off + 4 + hlen);
    off += 4 + hlen;
  }
  return `Handshake Protocol: ${names.join(', ') || 'Unknown'}`;
}

const certsLength = field('tls.handshake.certificates_length', 'Certificates Length', 'uint', { bits: 24 });
const certLength = field('tls.handshake.certificate_length', 'Certificate Length', 'uint', { bits: 24 });
const certificate = field('tls.handshake.certificate', 'Certificate', 'bytes');

/** Walks a Certificate message: list length, then each certificate's length and the outer DER
 * headers (two levels), so that a broken certificate is malformed as in Wireshark, whose X.509
 * decoder fails on it. Certificates themselves are not decoded. */
function checkCertificates(p: Pass, t: Tree | undefined, off: number, end: number, msgEnd: number): void {
  const { ctx } = p;
  const d = ctx.data;
  const hard = Math.min(end, msgEnd);
  need(ctx, off, 3, hard);
  const total = (d[off]! << 16) | (d[off + 1]! << 8) | d[off + 2]!;
  t?.add(certsLength, off, 3, total);
  const listEnd = Math.min(hard, off + 3 + total);
  let q = off + 3;
  for (let i = 0; q < listEnd && i < 64; i++) {
    need(ctx, q, 3, listEnd);
    const cl = (d[q]! << 16) | (d[q + 1]! << 8) | d[q + 2]!;
    t?.add(certLength, q, 3, cl);
    const cEnd = q + 3 + cl;
    const avail = Math.min(cEnd, listEnd);
    t?.add(certificate, q + 3, avail - q - 3, d.subarray(q + 3, avail));
    need(ctx, q + 3, cl, listEnd);
    derCheck(ctx, q + 3, cEnd, 2);
    q = cEnd;
  }
}

function derCheck(ctx: DecodeContext, off: number, end: number, depth: number): void {
  const d = ctx.data;
  need(ctx, off, 2, end);
  const tag = d[off]!;
  let l = d[off + 1]!;
  let h = 2;
  if (l & 0x80) {
    const n = l & 0x7f;
    need(ctx, off + 2, n, end);
    l = 0;
    for (let i = 0; i < n; i++) l = l * 256 + d[off + 2 + i]!;
    h += n;
  }
  need(ctx, off + h, l, end);
  if (depth > 1 && tag & 0x20 && l > 0) derCheck(ctx, off + h, off + h + l, depth - 1);
}

function need(ctx: DecodeContext, off: number, n: number, end: number): void {
  ctx.need('tls', off, n, end);
}

function decodeHello(p: Pass, t: Tree | undefined, client: boolean, off: number, end: number, v: DataView): void {
  const { ctx, s } = p;
  const d = ctx.data;
  need(ctx, off, 2, end);
  const version = v.getUint16(off);
  t?.add(hf.hsVersion, off, 2, version);
  need(ctx, off + 2, 32, end);
  if (t) {
    const hrr = !client && HRR_RANDOM.every((b, k) => d[off + 2 + k] === b);
    const rnd = d.subarray(off + 2, off + 34);
    const r = t.add(hf.random, off + 2, 32, rnd, hrr ? { text: `Random: ${hexOf(rnd)} (HelloRetryRequest magic)` } : undefined);
    if (!hrr && normVersion(version) !== 0x0304) {
      r.add(hf.randomTime, off + 2, 4, { sec: v.getUint32(off + 2), nsec: 0 });
      r.add(hf.randomBytes, off + 6, 28, d.subarray(off + 6, off + 34));
    }
  }
  let q = off + 34;
  need(ctx, q, 1, end);
  const sidLen = d[q]!;
  t?.add(hf.sessionIdLength, q, 1, sidLen);
  need(ctx, q + 1, sidLen, end);
  if (sidLen > 0) t?.add(hf.sessionId, q + 1, sidLen, d.subarray(q + 1, q + 1 + sidLen));
  q += 1 + sidLen;
  let negotiated = version;
  if (client) {
    need(ctx, q, 2, end);
    const csLen = v.getUint16(q);
    t?.add(hf.cipherSuitesLength, q, 2, csLen);
    need(ctx, q + 2, csLen, end);
    const n = csLen >> 1;
    const cst = t?.add(hf.cipherSuites, q + 2, csLen, null, { text: `Cipher Suites (${n} suite${n === 1 ? '' : 's'})` });
    if (cst) for (let k = 0; k < n; k++) cst.add(hf.cipherSuite, q + 2 + 2 * k, 2, v.getUint16(q + 2 + 2 * k));
    q += 2 + csLen;
    need(ctx, q, 1, end);
    const cmLen = d[q]!;
    t?.add(hf.compMethodsLength, q, 1, cmLen);
    need(ctx, q + 1, cmLen, end);
    const cmt = t?.add(hf.compMethods, q + 1, cmLen, null, { text: `Compression Methods (${cmLen} method${cmLen === 1 ? '' : 's'})` });
    if (cmt) for (let k = 0; k < cmLen; k++) cmt.add(hf.compMethod, q + 1 + k, 1, d[q + 1 + k]!);
    q += 1 + cmLen;
  } else {
    need(ctx, q, 3, end);
    t?.add(hf.cipherSuite, q, 2, v.getUint16(q));
    t?.add(hf.compMethod, q + 2, 1, d[q + 2]!);
    q += 3;
  }
  if (q + 2 <= end) {
    const extLen = v.getUint16(q);
    t?.add(hf.extensionsLength, q, 2, extLen);
    const extEnd = Math.min(end, q + 2 + extLen);
    q += 2;
    for (let k = 0; q + 4 <= extEnd && k < 1024; k++) {
      const type = v.getUint16(q);
      const len = v.getUint16(q + 2);
      const name = EXTENSION_TYPES.get(type) ?? 'Unknown';
      const et = t?.add(textField, q, 4 + len, null, { text: `Extension: ${name} (len=${len})` });
      et?.add(hf.extType, q, 2, type);
      et?.add(hf.extLen, q + 2, 2, len);
      const eo = q + 4;
      need(ctx, eo, len, end);
      const r = decodeExtension(p, et, client, type, eo, eo + len, v);
      if (r) negotiated = r;
      q = eo + len;
    }
  }
  if (!client) {
    s.version = normVersion(negotiated);
  }
}

function hexOf(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** Decodes one extension; returns the version selected by a ServerHello supported_versions. */
function decodeExtension(p: Pass, t: Tree | undefined, client: boolean, type: number, off: number, end: number, v: DataView): number | void {
  const d = p.ctx.data;
  switch (type) {
    case 0: {
      if (end - off < 2) return;
      const listLen = v.getUint16(off);
      const st = t?.add(textField, off, end - off, null, { text: 'Server Name Indication extension' });
      st?.add(hf.sniListLen, off, 2, listLen);
      let q = off + 2;
      const lEnd = Math.min(end, q + listLen);
      while (q + 3 <= lEnd) {
        const nt = d[q]!;
        const nl = v.getUint16(q + 1);
        st?.add(hf.sniType, q, 1, nt);
        st?.add(hf.sniLen, q + 1, 2, nl);
        need(p.ctx, q + 3, nl, lEnd);
        const name = latin1(d, q + 3, q + 3 + nl);
        if (nt === 0 && p.layer.serverName === null) p.layer.serverName = name;
        st?.add(hf.sni, q + 3, nl, name);
        q += 3 + nl;
      }
      return;
    }
    case 16: {
      if (end - off < 2) return;
      const l = v.getUint16(off);
      t?.add(hf.alpnLen, off, 2, l);
      const at = t?.add(hf.alpnList, off + 2, Math.min(l, end - off - 2), null);
      let q = off + 2;
      const lEnd = Math.min(end, q + l);
      while (q < lEnd) {
        const sl = d[q]!;
        need(p.ctx, q + 1, sl, lEnd);
        const str = latin1(d, q + 1, q + 1 + sl);
        at?.add(hf.alpnStrLen, q, 1, sl);
        at?.add(hf.alpnStr, q + 1, sl, str);
        if (!client) p.s.alpn = str;
        q += 1 + sl;
      }
      return;
    }
    case 43: {
      if (!client) {
        if (end - off < 2) return;
        const sel = v.getUint16(off);
        t?.add(hf.supportedVersion, off, 2, sel);
        return sel;
      }
      if (end - off < 1) return;
      const l = d[off]!;
      t?.add(hf.supportedVersionsLen, off, 1, l);
      for (let q = off + 1; q + 2 <= Math.min(end, off + 1 + l); q += 2) t?.add(hf.supportedVersion, q, 2, v.getUint16(q));
      return;
    }
    case 10: {
      if (end - off < 2) return;
      const l = v.getUint16(off);
      t?.add(hf.groupsLength, off, 2, l);
      const n = l >> 1;
      const gt = t?.add(hf.groups, off + 2, l, null, { text: `Supported Groups (${n} group${n === 1 ? '' : 's'})` });
      for (let q = off + 2; q + 2 <= Math.min(end, off + 2 + l); q += 2) gt?.add(hf.group, q, 2, v.getUint16(q));
      return;
    }
    case 11: {
      if (end - off < 1) return;
      const l = d[off]!;
      t?.add(hf.ecPointFormatsLength, off, 1, l);
      const pt = t?.add(hf.ecPointFormats, off + 1, l, null, { text: `Elliptic curves point formats (${l})` });
      for (let q = off + 1; q < Math.min(end, off + 1 + l); q++) pt?.add(hf.ecPointFormat, q, 1, d[q]!);
      return;
    }
    case 13: {
      if (end - off < 2) return;
      const l = v.getUint16(off);
      t?.add(hf.sigHashAlgLen, off, 2, l);
      const n = l >> 1;
      const st = t?.add(hf.sigHashAlgs, off + 2, l, null, { text: `Signature Hash Algorithms (${n} algorithm${n === 1 ? '' : 's'})` });
      for (let q = off + 2; q + 2 <= Math.min(end, off + 2 + l); q += 2) {
        const a = st?.add(hf.sigHashAlg, q, 2, v.getUint16(q));
        a?.add(hf.sigHashHash, q, 1, d[q]!);
        a?.add(hf.sigHashSig, q + 1, 1, d[q + 1]!);
      }
      return;
    }
    case 51: {
      const kt = t?.add(textField, off, end - off, null, { text: 'Key Share extension' });
      if (!kt) return;
      const entry = (q: number): number => {
        need(p.ctx, q, 4, end);
        const g = v.getUint16(q);
        const kl = v.getUint16(q + 2);
        need(p.ctx, q + 4, kl, end);
        const e = kt.add(textField, q, 4 + kl, null, { text: `Key Share Entry: Group: ${GROUPS.get(g) ?? 'Unknown'}, Key Exchange length: ${kl}` });
        e.add(hf.keyShareGroup, q, 2, g);
        e.add(hf.keyShareKeyExchangeLength, q + 2, 2, kl);
        if (kl) e.add(hf.keyShareKeyExchange, q + 4, kl, d.subarray(q + 4, q + 4 + kl));
        return q + 4 + kl;
      };
      if (client) {
        if (end - off < 2) return;
        const l = v.getUint16(off);
        kt.add(hf.keyShareClientLength, off, 2, l);
        for (let q = off + 2, k = 0; q + 4 <= Math.min(end, off + 2 + l) && k < 64; k++) q = entry(q);
      } else if (end - off === 2) {
        kt.add(hf.keyShareSelectedGroup, off, 2, v.getUint16(off));
      } else if (end - off >= 4) entry(off);
      return;
    }
    case 0xff01: {
      if (end - off < 1) return;
      const rt = t?.add(textField, off, end - off, null, { text: 'Renegotiation Info extension' });
      rt?.add(hf.renegInfoLen, off, 1, d[off]!);
      return;
    }
    default:
      if (end > off) t?.add(hf.extData, off, end - off, d.subarray(off, end));
  }
}
