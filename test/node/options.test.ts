// node:tls option names mapped onto the core: versions and cipher lists.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TLS12_SUITES, DEFAULT_TLS13_SUITES, Tls12CipherSuite } from '../../src/crypto/suites.js';
import { checkVersions, parseCiphers } from '../../src/node/options.js';
import { CipherSuite } from '../../src/wire/codes.js';

describe('checkVersions', () => {
  it('passes explicit TLS 1.2 and 1.3 bounds on, and nothing when none is given', () => {
    assert.deepEqual(checkVersions({}), {});
    assert.deepEqual(checkVersions({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' }), { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' });
    assert.deepEqual(checkVersions({ maxVersion: 'TLSv1.2' }), { maxVersion: 'TLSv1.2' });
  });
  it('reads a minVersion below TLS 1.2 as TLS 1.2: TLS 1.0 and 1.1 are never spoken', () => {
    assert.deepEqual(checkVersions({ minVersion: 'TLSv1' }), { minVersion: 'TLSv1.2' });
    assert.deepEqual(checkVersions({ minVersion: 'TLSv1.1' }), { minVersion: 'TLSv1.2' });
  });
  it('refuses a maxVersion below TLS 1.2 and unknown names', () => {
    assert.throws(() => checkVersions({ maxVersion: 'TLSv1.1' }), /not spoken/);
    assert.throws(() => checkVersions({ minVersion: 'SSLv3' }), TypeError);
  });
});

describe('parseCiphers', () => {
  it('takes OpenSSL names for TLS 1.2 and keeps the TLS 1.3 defaults when none is named', () => {
    assert.deepEqual(parseCiphers('ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA'), [
      ...DEFAULT_TLS13_SUITES,
      Tls12CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
      Tls12CipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA,
    ]);
  });
  it('takes IANA names for both versions, and keeps the TLS 1.2 defaults when none is named', () => {
    assert.deepEqual(parseCiphers('TLS_CHACHA20_POLY1305_SHA256'), [CipherSuite.TLS_CHACHA20_POLY1305_SHA256, ...DEFAULT_TLS12_SUITES]);
    assert.deepEqual(parseCiphers('TLS_AES_128_GCM_SHA256:TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'), [
      CipherSuite.TLS_AES_128_GCM_SHA256,
      Tls12CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    ]);
  });
  it('ignores OpenSSL keywords and lower-case names as node lists them, and refuses a list of nothing known', () => {
    assert.deepEqual(parseCiphers('HIGH:!aNULL:ecdhe-ecdsa-aes128-gcm-sha256'), [
      ...DEFAULT_TLS13_SUITES,
      Tls12CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    ]);
    assert.throws(() => parseCiphers('HIGH:!aNULL'), /no cipher suite we know/);
    assert.equal(parseCiphers(undefined), undefined);
  });
});
