// What serve knows of one connection (src/cli/serve/facts.ts), written by hand for the tests of
// its log lines.
import type { ConnectionFacts } from '../../../src/cli/serve/facts.js';

/** A TLS 1.3 connection with an unverified client certificate; `extra` replaces fields. */
export function connectionFacts(extra: Partial<ConnectionFacts> = {}): ConnectionFacts {
  return {
    peer: '127.0.0.1:5555',
    protocol: 'TLSv1.3',
    cipher: 'TLS_AES_128_GCM_SHA256',
    group: 'x25519',
    signatureScheme: 'ecdsa_secp256r1_sha256',
    resumed: false,
    alpn: 'http/1.1',
    sni: '<script>',
    clientCertificate: { subject: 'CN=client one', issuer: 'CN=ca', verified: false, error: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY: unable to get local issuer certificate' },
    handshakeMs: 1.94,
    ...extra,
  };
}
