// Revocation by supplied CRLs end to end (node:tls's `crl`): an in-memory client ↔ server, with
// the CRLs given through the node:tls-style options. A client refuses a server whose leaf is
// revoked, a server asking for client certificates refuses a revoked client, each with
// certificate_revoked on the wire — read from the plaintext alert record in TLS 1.2, and as the
// peer's received alert in TLS 1.3, where alerts travel encrypted.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TLSError } from '../../src/errors.js';
import { clientConfigFrom, serverConfigFrom } from '../../src/node/options.js';
import type { ServerConfig } from '../../src/server/config.js';
import { AlertDescription, AlertLevel, ContentType, alertName } from '../../src/wire/codes.js';
import { issueCrl } from '../helpers/crl.js';
import { serverCertificate } from '../helpers/endpoints.js';
import { type Pair, failure, makePair } from '../helpers/pair.js';
import { type Pki, cachedPki, provider } from '../helpers/pki.js';
import { readRecords } from '../helpers/records.js';

const serverPki = cachedPki();
const clientPki = cachedPki({ leafCommonName: 'client one', leafDnsNames: [], leafIps: [] });

/** CRLs from both CAs of `pki`, listing `revoked` (certificates of it) on the intermediate's. */
const crlsFor = (pki: Pki, revoked: 'none' | 'leaf' | 'intermediate' = 'none'): string =>
  issueCrl(pki.intermediate, { revoked: revoked === 'leaf' ? [{ cert: pki.leaf }] : [] }).pem +
  issueCrl(pki.root, { revoked: revoked === 'intermediate' ? [{ cert: pki.intermediate }] : [] }).pem;

type Version = 'TLSv1.2' | 'TLSv1.3';

/** A pair whose client trusts the server PKI's root with `crl`, recording what each side sends. */
function run(options: { clientCrl?: string; serverCrl?: string; version: Version; clientCertificate?: boolean }) {
  const sent: Record<'client' | 'server', Uint8Array[]> = { client: [], server: [] };
  const client = clientConfigFrom(
    {
      ca: serverPki.rootPem,
      servername: 'localhost',
      maxVersion: options.version,
      ...(options.clientCrl ? { crl: options.clientCrl } : {}),
      ...(options.clientCertificate ? { key: clientPki.leafKeyPem, cert: clientPki.leafPem + clientPki.intermediatePem } : {}),
    },
    provider,
  );
  const server: ServerConfig = {
    ...serverConfigFrom(
      {
        maxVersion: options.version,
        ...(options.clientCertificate ? { requestCert: true, ca: clientPki.rootPem } : {}),
        ...(options.serverCrl ? { crl: options.serverCrl } : {}),
      },
      [serverCertificate(serverPki)],
    ),
  };
  const pair = makePair(client, server, {
    tamper: (from, chunk) => {
      sent[from].push(chunk);
      return chunk;
    },
  });
  return { pair, sent };
}

function refusedBy(pair: Pair, side: 'client' | 'server', alert: number, code: string): TLSError {
  const [own, peer] = side === 'client' ? [pair.clientEvents, pair.serverEvents] : [pair.serverEvents, pair.clientEvents];
  const error = failure(own);
  assert.ok(error, `${side} failed`);
  assert.equal(alertName(error.alert), alertName(alert), error.message);
  assert.equal(error.code, code);
  assert.equal(error.fromPeer, false);
  const received = failure(peer);
  assert.ok(received, 'the peer failed too');
  assert.equal(alertName(received.alert), alertName(alert), 'the peer received the alert');
  assert.equal(received.fromPeer, true);
  return error;
}

/** The plaintext fatal alert among the records `chunks` carry (TLS 1.2, before ChangeCipherSpec). */
function plaintextAlert(chunks: readonly Uint8Array[]): number | undefined {
  for (const record of readRecords(chunks)) {
    if (record.type === ContentType.change_cipher_spec) return undefined;
    if (record.type === ContentType.alert && record.fragment[0] === AlertLevel.fatal) return record.fragment[1];
  }
  return undefined;
}

const completed = (pair: Pair) => pair.clientEvents.some((e) => e.type === 'handshake-complete') && pair.serverEvents.some((e) => e.type === 'handshake-complete');

describe('client with crl', () => {
  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    test(`${version}: a server whose leaf is not revoked is accepted`, () => {
      assert.ok(completed(run({ version, clientCrl: crlsFor(serverPki) }).pair));
    });

    test(`${version}: a server whose leaf is revoked is refused with certificate_revoked`, () => {
      const { pair, sent } = run({ version, clientCrl: crlsFor(serverPki, 'leaf') });
      const error = refusedBy(pair, 'client', AlertDescription.certificate_revoked, 'CERT_REVOKED');
      assert.match(error.message, /certificate revoked/);
      if (version === 'TLSv1.2') assert.equal(plaintextAlert(sent.client), AlertDescription.certificate_revoked);
    });

    test(`${version}: a server whose intermediate is revoked is refused with certificate_revoked`, () => {
      const { pair } = run({ version, clientCrl: crlsFor(serverPki, 'intermediate') });
      refusedBy(pair, 'client', AlertDescription.certificate_revoked, 'CERT_REVOKED');
    });

    test(`${version}: without a CRL for the intermediate: certificate_unknown (UNABLE_TO_GET_CRL)`, () => {
      const { pair, sent } = run({ version, clientCrl: issueCrl(serverPki.intermediate).pem });
      refusedBy(pair, 'client', AlertDescription.certificate_unknown, 'UNABLE_TO_GET_CRL');
      if (version === 'TLSv1.2') assert.equal(plaintextAlert(sent.client), AlertDescription.certificate_unknown);
    });
  }

  test('rejectUnauthorized false: the handshake completes and reports the revocation', () => {
    const client = clientConfigFrom({ ca: serverPki.rootPem, servername: 'localhost', crl: crlsFor(serverPki, 'leaf'), rejectUnauthorized: false }, provider);
    const pair = makePair(client, serverConfigFrom({}, [serverCertificate(serverPki)]));
    const done = pair.clientEvents.find((e) => e.type === 'handshake-complete');
    assert.ok(done && done.type === 'handshake-complete');
    assert.equal(done.info.authorized, false);
    assert.equal(done.info.authorizationError?.code, 'CERT_REVOKED');
  });
});

describe('server with requestCert and crl', () => {
  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    test(`${version}: a client whose certificate is not revoked is accepted`, () => {
      assert.ok(completed(run({ version, clientCertificate: true, serverCrl: crlsFor(clientPki) }).pair));
    });

    test(`${version}: a revoked client certificate is refused with certificate_revoked`, () => {
      const { pair, sent } = run({ version, clientCertificate: true, serverCrl: crlsFor(clientPki, 'leaf') });
      refusedBy(pair, 'server', AlertDescription.certificate_revoked, 'CERT_REVOKED');
      if (version === 'TLSv1.2') assert.equal(plaintextAlert(sent.server), AlertDescription.certificate_revoked);
    });
  }

  test("the server's own CRLs do not apply to its certificate, only to the client's", () => {
    // A CRL revoking the server's own leaf, configured on the server: it checks clients, not itself.
    const serverCrl = crlsFor(clientPki) + crlsFor(serverPki, 'leaf');
    assert.ok(completed(run({ version: 'TLSv1.3', clientCertificate: true, serverCrl }).pair));
  });
});
