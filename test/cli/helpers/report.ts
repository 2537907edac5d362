// Reports written by hand, in the shape buildReport() gives (docs/cli-connect-json.md), for the
// tests of what is drawn from a report without a connection.
import type { CertificateReport } from '../../../src/cli/connect/certificates.js';
import type { ConnectReport, LadderEntry } from '../../../src/cli/connect/json.js';

export function entry(direction: LadderEntry['direction'], name: string, protection: LadderEntry['protection'], ms: number, extra: Partial<LadderEntry> = {}): LadderEntry {
  const kind = name === 'ApplicationData' || name === 'EarlyData' ? 'application_data' : name === 'ChangeCipherSpec' ? 'change_cipher_spec' : 'handshake';
  return { direction, kind, name, bytes: 36, ms, protection, detail: null, records: 1, ...extra };
}

export function certificate(subject: string, issuer: string, extra: Partial<CertificateReport> = {}): CertificateReport {
  return {
    subject,
    issuer,
    serialNumber: '01',
    sans: { dns: [], ip: [], email: [] },
    key: { algorithm: 'ec', bits: 256, curve: 'P-256', text: 'EC P-256' },
    signatureAlgorithm: 'ecdsa-with-SHA256',
    notBefore: '2025-01-01T00:00:00Z',
    notAfter: '2027-01-01T00:00:00Z',
    daysToExpiry: 400,
    fingerprintSha256: 'AA:BB',
    spkiSha256: null,
    trustAnchor: false,
    ...extra,
  };
}

/** A TLS 1.3 run to 127.0.0.1:4433 that verified, sent a request and got an answer. */
export function tls13Report(): ConnectReport {
  return {
    version: 1,
    target: { host: '127.0.0.1', port: 4433, servername: 'localhost', address: '127.0.0.1' },
    startedAt: '2026-01-01T00:00:00.000Z',
    result: { exitCode: 0, status: 'ok', error: null },
    handshake: {
      protocol: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      group: 'x25519',
      signatureScheme: 'ecdsa_secp256r1_sha256',
      alpn: 'h2',
      sni: 'localhost',
      resumed: false,
      helloRetryRequest: false,
      earlyData: 'none',
      extendedMasterSecret: null,
    },
    chainSource: 'verified',
    certificates: [
      certificate('CN=localhost', 'CN=handshake test intermediate CA', { sans: { dns: ['localhost'], ip: ['127.0.0.1'], email: [] }, daysToExpiry: 12 }),
      certificate('CN=handshake test intermediate CA', 'CN=handshake test root CA'),
      certificate('CN=handshake test root CA', 'CN=handshake test root CA', { trustAnchor: true }),
    ],
    ocsp: null,
    verification: {
      verified: true,
      name: 'localhost',
      insecure: false,
      code: null,
      message: 'the chain leads to the trusted CN=handshake test root CA, and the certificate is valid for localhost',
    },
    timings: {
      dnsMs: null,
      tcpConnectMs: 0.4,
      tlsHandshakeMs: 9.25,
      keyExchangeMs: 0.8,
      certificateValidationMs: 3.1,
      totalMs: 10.1,
      handshakeRoundTrips: 1,
      roundTrips: 1,
    },
    ladder: [
      entry('sent', 'ClientHello', 'plaintext', 1, { bytes: 280, detail: 'shares=x25519 sni=localhost alpn=h2' }),
      entry('received', 'ServerHello', 'plaintext', 4, { bytes: 122 }),
      entry('received', 'EncryptedExtensions', 'handshake', 4.2, { bytes: 19 }),
      entry('received', 'Certificate', 'handshake', 4.3, { bytes: 900 }),
      entry('received', 'CertificateVerify', 'handshake', 5, { bytes: 79 }),
      entry('received', 'Finished', 'handshake', 5.1),
      entry('sent', 'Finished', 'handshake', 9.9),
      entry('sent', 'ApplicationData', 'application', 10.2, { bytes: 18 }),
      entry('received', 'ApplicationData', 'application', 11, { bytes: 4000, records: 3 }),
    ],
    session: { offered: false, resumed: false, received: 2, savedTo: null, saveError: null },
    data: { sentBytes: 18, earlyDataBytes: 0, receivedBytes: 4000, received: 'HTTP/1.1 200 OK\r\n\r\nhello', truncated: false, ending: 'server-closed' },
  };
}

/** The server refused the ClientHello with an alert: no handshake, no certificates, no verdict. */
export function failedReport(): ConnectReport {
  const base = tls13Report();
  return {
    ...base,
    result: {
      exitCode: 2,
      status: 'handshake-failed',
      error: {
        message: 'handshake failed: server sent alert handshake_failure (no shared cipher suite)',
        code: 'ERR_TLS_HANDSHAKE_FAILURE',
        alert: 'handshake_failure',
        fromPeer: true,
      },
    },
    handshake: null,
    chainSource: null,
    certificates: [],
    verification: null,
    timings: { ...base.timings, tlsHandshakeMs: null, totalMs: null, handshakeRoundTrips: null, roundTrips: null },
    ladder: [
      entry('sent', 'ClientHello', 'plaintext', 1, { bytes: 280 }),
      { ...entry('received', 'handshake_failure', 'plaintext', 3, { bytes: 2 }), kind: 'alert' },
    ],
    session: { offered: false, resumed: false, received: 0, savedTo: null, saveError: null },
    data: { sentBytes: 0, earlyDataBytes: 0, receivedBytes: 0, received: '', truncated: false, ending: null },
  };
}
