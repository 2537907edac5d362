// Known answers: the RFC 8448 §3 "Simple 1-RTT Handshake" messages, pasted as the RFC prints them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';

import { ExtensionType, HandshakeType } from '../../src/wire/codes.js';
import { decodeHandshakeMessage, encodeHandshake } from '../../src/wire/handshake.js';
import { hexBytes, toHex } from './helpers.js';
import * as rfc from '../vectors/rfc8448.js';

// {client}  send handshake record: ... client_hello
// Two independent copies of the RFC text agree on these bytes; they live in one place.
const { CLIENT_HELLO, SERVER_HELLO, ENCRYPTED_EXTENSIONS, CERTIFICATE, CERTIFICATE_VERIFY, SERVER_FINISHED } = rfc;

const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

describe('RFC 8448 §3 (Simple 1-RTT) known answers', () => {
  it('the pasted messages are exact: they reproduce the RFC transcript hash and server Finished', () => {
    // "derive secret for handshake tls13 c hs traffic": hash of ClientHello..ServerHello.
    assert.equal(toHex(sha256(CLIENT_HELLO, SERVER_HELLO)), '860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8');
    // "{server} calculate finished key" and the verify_data over ClientHello..CertificateVerify.
    const finishedKey = hexBytes('008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8');
    const transcript = sha256(CLIENT_HELLO, SERVER_HELLO, ENCRYPTED_EXTENSIONS, CERTIFICATE, CERTIFICATE_VERIFY);
    assert.equal(toHex(createHmac('sha256', finishedKey).update(transcript).digest()), toHex(SERVER_FINISHED.subarray(4)));
  });

  it('decodes the ClientHello', () => {
    const ch = decodeHandshakeMessage(CLIENT_HELLO);
    assert.deepStrictEqual(ch, {
      type: 'client_hello',
      legacy_version: 0x0303,
      random: hexBytes('cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7'),
      legacy_session_id: new Uint8Array(0),
      cipher_suites: [0x1301, 0x1303, 0x1302],
      legacy_compression_methods: hexBytes('00'),
      extensions: {
        server_name: 'server',
        supported_groups: [0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104],
        key_share: [{ group: 0x001d, key_exchange: hexBytes('99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c') }],
        supported_versions: [0x0304],
        signature_algorithms: [
          0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202,
        ],
        psk_key_exchange_modes: [1],
        record_size_limit: 0x4001,
        unknown: [
          { type: ExtensionType.renegotiation_info, data: hexBytes('00') },
          { type: ExtensionType.session_ticket, data: new Uint8Array(0) },
        ],
      },
    });
  });

  it('re-encodes the ClientHello byte for byte in its wire order', () => {
    const ch = decodeHandshakeMessage(CLIENT_HELLO);
    // NSS's order, with TLS 1.2 extensions between the TLS 1.3 ones: the default order cannot
    // interleave unknown extensions, so it is given explicitly.
    const extensionOrder = [0x0000, 0xff01, 0x000a, 0x0023, 0x0033, 0x002b, 0x000d, 0x002d, 0x001c];
    assert.equal(toHex(encodeHandshake(ch, { extensionOrder })), toHex(CLIENT_HELLO));
    const byDefault = encodeHandshake(ch);
    assert.equal(byDefault.length, CLIENT_HELLO.length);
    assert.deepStrictEqual(decodeHandshakeMessage(byDefault), ch);
  });

  it('decodes the ServerHello and re-encodes it byte for byte', () => {
    const sh = decodeHandshakeMessage(SERVER_HELLO);
    assert.deepStrictEqual(sh, {
      type: 'server_hello',
      legacy_version: 0x0303,
      random: hexBytes('a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e26928'),
      legacy_session_id_echo: new Uint8Array(0),
      cipher_suite: 0x1301,
      legacy_compression_method: 0,
      extensions: {
        key_share: { group: 0x001d, key_exchange: hexBytes('c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f') },
        supported_versions: 0x0304,
        unknown: [],
      },
    });
    assert.equal(toHex(encodeHandshake(sh)), toHex(SERVER_HELLO));
  });

  it('decodes the EncryptedExtensions and re-encodes it byte for byte in its wire order', () => {
    const ee = decodeHandshakeMessage(ENCRYPTED_EXTENSIONS);
    assert.deepStrictEqual(ee, {
      type: 'encrypted_extensions',
      extensions: {
        supported_groups: [0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104],
        record_size_limit: 0x4001,
        server_name: true,
        unknown: [],
      },
    });
    const extensionOrder = [ExtensionType.supported_groups, ExtensionType.record_size_limit, ExtensionType.server_name];
    assert.equal(toHex(encodeHandshake(ee, { extensionOrder })), toHex(ENCRYPTED_EXTENSIONS));
  });

  it('decodes the Certificate, CertificateVerify and Finished and re-encodes them byte for byte', () => {
    const cert = decodeHandshakeMessage(CERTIFICATE);
    assert.ok(cert.type === 'certificate');
    assert.equal(cert.certificate_request_context.length, 0);
    assert.equal(cert.certificate_list.length, 1);
    assert.equal(cert.certificate_list[0]!.cert_data.length, 0x1b0);
    assert.deepStrictEqual(cert.certificate_list[0]!.extensions, { unknown: [] });

    const cv = decodeHandshakeMessage(CERTIFICATE_VERIFY);
    assert.ok(cv.type === 'certificate_verify');
    assert.equal(cv.algorithm, 0x0804);
    assert.equal(cv.signature.length, 0x80);

    const fin = decodeHandshakeMessage(SERVER_FINISHED);
    assert.ok(fin.type === 'finished');
    assert.equal(fin.verify_data.length, 32);

    for (const bytes of [CERTIFICATE, CERTIFICATE_VERIFY, SERVER_FINISHED]) {
      assert.equal(toHex(encodeHandshake(decodeHandshakeMessage(bytes))), toHex(bytes));
    }
    assert.equal(CERTIFICATE[0], HandshakeType.certificate);
  });
});
