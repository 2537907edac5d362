// Every bound the core enforces, named once (DESIGN.md §3.10). Checked on declared lengths,
// before anything is buffered.

/** RFC 8446 §5.1: TLSPlaintext.length MUST NOT exceed 2^14. */
export const MAX_PLAINTEXT = 1 << 14;
/** RFC 8446 §5.2: TLSCiphertext.length MUST NOT exceed 2^14 + 256. */
export const MAX_CIPHERTEXT = (1 << 14) + 256;
/** RFC 5246 §6.2.3: TLS 1.2 TLSCiphertext.length MUST NOT exceed 2^14 + 2048. */
export const MAX_CIPHERTEXT_TLS12 = (1 << 14) + 2048;
/** A handshake message larger than this is refused from its header (Go uses 64 KiB too). */
export const MAX_HANDSHAKE_MESSAGE = 64 * 1024;
/** Certificate messages may be larger: real chains with many SANs exceed 64 KiB. */
export const MAX_CERTIFICATE_MESSAGE = 256 * 1024;
/** Plaintext records of length 0 in a row before we call it a flood. */
export const MAX_EMPTY_RECORDS = 32;
/** Warning alerts in a row (RFC 8446 has none but user_canceled; TLS 1.2 peers send them). */
export const MAX_WARNING_ALERTS = 4;
/**
 * Bytes of rejected 0-RTT records a server skips (RFC 8446 §4.2.10: "up to the configured
 * max_early_data_size"): this, or the configured maxEarlyData plus record overhead if larger.
 */
export const MAX_REJECTED_EARLY_DATA = 64 * 1024;
/**
 * RFC 8446 §5.5: AES-GCM keys may protect about 2^24.5 full-size records before the
 * confidentiality margin is spent; we send a KeyUpdate at 2^24, well inside it.
 */
export const AES_GCM_RECORD_LIMIT = 2 ** 24;
/**
 * RFC 8446 §5.5: ChaCha20-Poly1305's limit lies beyond the 64-bit sequence number; we rekey long
 * before that wraps (the record layer refuses a wrapped number).
 */
export const CHACHA20_POLY1305_RECORD_LIMIT = 2 ** 60;
/** KeyUpdates received without application data in between. */
export const MAX_KEY_UPDATES = 32;
/** middlebox-compat change_cipher_spec records tolerated during the handshake. */
export const MAX_CHANGE_CIPHER_SPEC = 1;
/** Certificates in one Certificate message. */
export const MAX_CERTIFICATE_CHAIN = 16;
/** Bytes of application data we hold for the app before pushing back. */
export const MAX_BUFFERED_APPLICATION_DATA = 1 << 20;
/** PSK identities offered in one ClientHello that we look at. */
export const MAX_PSK_IDENTITIES = 16;
/** Certificates on one validated path, leaf and anchor included. Real Web PKI paths have 3–4. */
export const MAX_PATH_LENGTH = 10;
/** Signature verifications while building one path (webpki's budget): bounds a hostile chain's cost. */
export const MAX_SIGNATURE_CHECKS = 100;
