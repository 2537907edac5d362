// Known answers: the RFC 8448 §3 "Simple 1-RTT Handshake" messages, pasted as the RFC prints them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';

import { ExtensionType, HandshakeType } from '../../src/wire/codes.js';
import { decodeHandshakeMessage, encodeHandshake } from '../../src/wire/handshake.js';
import { hexBytes, toHex } from './helpers.js';

// {client}  send handshake record: ... client_hello
const CLIENT_HELLO = hexBytes(`
  01 00 00 c0 03 03 cb 34 ec b1 e7 81 63
  ba 1c 38 c6 da cb 19 6a 6d ff a2 1a 8d 99 12 ec 18 a2 ef 62 83
  02 4d ec e7 00 00 06 13 01 13 03 13 02 01 00 00 91 00 00 00 0b
  00 09 00 00 06 73 65 72 76 65 72 ff 01 00 01 00 00 0a 00 14 00
  12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 23
  00 00 00 33 00 26 00 24 00 1d 00 20 99 38 1d e5 60 e4 bd 43 d2
  3d 8e 43 5a 7d ba fe b3 c0 6e 51 c1 3c ae 4d 54 13 69 1e 52 9a
  af 2c 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03
  02 03 08 04 08 05 08 06 04 01 05 01 06 01 02 01 04 02 05 02 06
  02 02 02 00 2d 00 02 01 01 00 1c 00 02 40 01`);

// {server}  construct a ServerHello handshake message
const SERVER_HELLO = hexBytes(`
  02 00 00 56 03 03 a6 af 06 a4 12 18 60
  dc 5e 6e 60 24 9c d3 4c 95 93 0c 8a c5 cb 14 34 da c1 55 77 2e
  d3 e2 69 28 00 13 01 00 00 2e 00 33 00 24 00 1d 00 20 c9 82 88
  76 11 20 95 fe 66 76 2b db f7 c6 72 e1 56 d6 cc 25 3b 83 3d f1
  dd 69 b1 b0 4e 75 1f 0f 00 2b 00 02 03 04`);

// {server}  construct an EncryptedExtensions handshake message
const ENCRYPTED_EXTENSIONS = hexBytes(`
  08 00 00 24 00 22 00 0a 00 14 00
  12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 1c
  00 02 40 01 00 00 00 00`);

// {server}  construct a Certificate handshake message
const CERTIFICATE = hexBytes(`
  0b 00 01 b9 00 00 01 b5 00 01 b0 30 82
  01 ac 30 82 01 15 a0 03 02 01 02 02 01 02 30 0d 06 09 2a 86 48
  86 f7 0d 01 01 0b 05 00 30 0e 31 0c 30 0a 06 03 55 04 03 13 03
  72 73 61 30 1e 17 0d 31 36 30 37 33 30 30 31 32 33 35 39 5a 17
  0d 32 36 30 37 33 30 30 31 32 33 35 39 5a 30 0e 31 0c 30 0a 06
  03 55 04 03 13 03 72 73 61 30 81 9f 30 0d 06 09 2a 86 48 86 f7
  0d 01 01 01 05 00 03 81 8d 00 30 81 89 02 81 81 00 b4 bb 49 8f
  82 79 30 3d 98 08 36 39 9b 36 c6 98 8c 0c 68 de 55 e1 bd b8 26
  d3 90 1a 24 61 ea fd 2d e4 9a 91 d0 15 ab bc 9a 95 13 7a ce 6c
  1a f1 9e aa 6a f9 8c 7c ed 43 12 09 98 e1 87 a8 0e e0 cc b0 52
  4b 1b 01 8c 3e 0b 63 26 4d 44 9a 6d 38 e2 2a 5f da 43 08 46 74
  80 30 53 0e f0 46 1c 8c a9 d9 ef bf ae 8e a6 d1 d0 3e 2b d1 93
  ef f0 ab 9a 80 02 c4 74 28 a6 d3 5a 8d 88 d7 9f 7f 1e 3f 02 03
  01 00 01 a3 1a 30 18 30 09 06 03 55 1d 13 04 02 30 00 30 0b 06
  03 55 1d 0f 04 04 03 02 05 a0 30 0d 06 09 2a 86 48 86 f7 0d 01
  01 0b 05 00 03 81 81 00 85 aa d2 a0 e5 b9 27 6b 90 8c 65 f7 3a
  72 67 17 06 18 a5 4c 5f 8a 7b 33 7d 2d f7 a5 94 36 54 17 f2 ea
  e8 f8 a5 8c 8f 81 72 f9 31 9c f3 6b 7f d6 c5 5b 80 f2 1a 03 01
  51 56 72 60 96 fd 33 5e 5e 67 f2 db f1 02 70 2e 60 8c ca e6 be
  c1 fc 63 a4 2a 99 be 5c 3e b7 10 7c 3c 54 e9 b9 eb 2b d5 20 3b
  1c 3b 84 e0 a8 b2 f7 59 40 9b a3 ea c9 d9 1d 40 2d cc 0c c8 f8
  96 12 29 ac 91 87 b4 2b 4d e1 00 00`);

// {server}  construct a CertificateVerify handshake message
const CERTIFICATE_VERIFY = hexBytes(`
  0f 00 00 84 08 04 00 80 5a 74 7c
  5d 88 fa 9b d2 e5 5a b0 85 a6 10 15 b7 21 1f 82 4c d4 84 14 5a
  b3 ff 52 f1 fd a8 47 7b 0b 7a bc 90 db 78 e2 d3 3a 5c 14 1a 07
  86 53 fa 6b ef 78 0c 5e a2 48 ee aa a7 85 c4 f3 94 ca b6 d3 0b
  be 8d 48 59 ee 51 1f 60 29 57 b1 54 11 ac 02 76 71 45 9e 46 44
  5c 9e a5 8c 18 1e 81 8e 95 b8 c3 fb 0b f3 27 84 09 d3 be 15 2a
  3d a5 04 3e 06 3d da 65 cd f5 ae a2 0d 53 df ac d4 2f 74 f3`);

// {server}  construct a Finished handshake message
const SERVER_FINISHED = hexBytes(`
  14 00 00 20 9b 9b 14 1d 90 63 37 fb d2
  cb dc e7 1d f4 de da 4a b4 2c 30 95 72 cb 7f ff ee 54 54 b7 8f
  07 18`);

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
