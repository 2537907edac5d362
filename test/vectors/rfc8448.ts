// RFC 8448 §2 (the server's RSA key) and §3 ("Simple 1-RTT Handshake"), pasted in the RFC's own
// layout and parsed here. Every "(N octets)" the RFC declares is checked against the hex that
// follows it, so a dropped or doubled byte fails at import. The values themselves are checked
// cryptographically in test/crypto/rfc8448.test.ts (secrets re-derived, records decrypted,
// the CertificateVerify signature verified, the RSA key checked against the certificate).

/** Fields of one RFC 8448 step: `label (N octets):  hex…` with continuation lines. */
function parseFields(block: string): Map<string, Uint8Array> {
  const fields = new Map<string, Uint8Array>();
  let current: { label: string; declared: number | undefined; hex: string } | undefined;
  const flush = () => {
    if (!current) return;
    const { label, declared, hex } = current;
    current = undefined;
    if (!/^([0-9a-f]{2})*$/.test(hex)) return; // e.g. "salt:  0 (all zero octets)"
    const bytes = Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
    if (declared !== undefined && bytes.length !== declared) {
      throw new Error(`RFC 8448 transcription: "${label}" declares ${declared} octets but has ${bytes.length}`);
    }
    if (fields.has(label)) throw new Error(`RFC 8448 transcription: "${label}" appears twice in one step`);
    fields.set(label, bytes);
  };
  for (const line of block.split('\n')) {
    const field = /^\s+([a-zA-Z][a-zA-Z0-9 ()]*?)(?: \((\d+) octets\))?:\s+(.*)$/.exec(line);
    if (field) {
      flush();
      const value = field[3]!.trim();
      current = {
        label: field[1]!,
        declared: field[2] === undefined ? undefined : Number(field[2]),
        hex: value === '(empty)' ? '' : value.replace(/\s+/g, ''),
      };
    } else if (current && /^\s+[0-9a-f]{2}( [0-9a-f]{2})*\s*$/.test(line)) {
      current.hex += line.replace(/\s+/g, '');
    } else {
      flush();
    }
  }
  flush();
  return fields;
}

function field(block: string, label: string): Uint8Array {
  const value = parseFields(block).get(label);
  if (!value) throw new Error(`RFC 8448 transcription: no "${label}" in ${block.trim().split('\n')[0]}`);
  return value;
}

// ---------------------------------------------------------------- §2 Private Keys

const RSA_KEY_TEXT = `
   modulus (public):  b4 bb 49 8f 82 79 30 3d 98 08 36 39 9b 36 c6 98 8c
      0c 68 de 55 e1 bd b8 26 d3 90 1a 24 61 ea fd 2d e4 9a 91 d0 15 ab
      bc 9a 95 13 7a ce 6c 1a f1 9e aa 6a f9 8c 7c ed 43 12 09 98 e1 87
      a8 0e e0 cc b0 52 4b 1b 01 8c 3e 0b 63 26 4d 44 9a 6d 38 e2 2a 5f
      da 43 08 46 74 80 30 53 0e f0 46 1c 8c a9 d9 ef bf ae 8e a6 d1 d0
      3e 2b d1 93 ef f0 ab 9a 80 02 c4 74 28 a6 d3 5a 8d 88 d7 9f 7f 1e
      3f

   public exponent:  01 00 01

   private exponent:  04 de a7 05 d4 3a 6e a7 20 9d d8 07 21 11 a8 3c 81
      e3 22 a5 92 78 b3 34 80 64 1e af 7c 0a 69 85 b8 e3 1c 44 f6 de 62
      e1 b4 c2 30 9f 61 26 e7 7b 7c 41 e9 23 31 4b bf a3 88 13 05 dc 12
      17 f1 6c 81 9c e5 38 e9 22 f3 69 82 8d 0e 57 19 5d 8c 84 88 46 02
      07 b2 fa a7 26 bc f7 08 bb d7 db 7f 67 9f 89 34 92 fc 2a 62 2e 08
      97 0a ac 44 1c e4 e0 c3 08 8d f2 5a e6 79 23 3d f8 a3 bd a2 ff 99
      41

   prime1:  e4 35 fb 7c c8 37 37 75 6d ac ea 96 ab 7f 59 a2 cc 10 69 db
      7d eb 19 0e 17 e3 3a 53 2b 27 3f 30 a3 27 aa 0a aa bc 58 cd 67 46
      6a f9 84 5f ad c6 75 fe 09 4a f9 2c 4b d1 f2 c1 bc 33 dd 2e 05 15

   prime2:  ca bd 3b c0 e0 43 86 64 c8 d4 cc 9f 99 97 7a 94 d9 bb fe ad
      8e 43 87 0a ba e3 f7 eb 8b 4e 0e ee 8a f1 d9 b4 71 9b a6 19 6c f2
      cb ba ee eb f8 b3 49 0a fe 9e 9f fa 74 a8 8a a5 1f c6 45 62 93 03

   exponent1:  3f 57 34 5c 27 fe 1b 68 7e 6e 76 16 27 b7 8b 1b 82 64 33
      dd 76 0f a0 be a6 a6 ac f3 94 90 aa 1b 47 cd a4 86 9d 68 f5 84 dd
      5b 50 29 bd 32 09 3b 82 58 66 1f e7 15 02 5e 5d 70 a4 5a 08 d3 d3
      19

   exponent2:  18 3d a0 13 63 bd 2f 28 85 ca cb dc 99 64 bf 47 64 f1 51
      76 36 f8 64 01 28 6f 71 89 3c 52 cc fe 40 a6 c2 3d 0d 08 6b 47 c6
      fb 10 d8 fd 10 41 e0 4d ef 7e 9a 40 ce 95 7c 41 77 94 e1 04 12 d1
      39

   coefficient:  83 9c a9 a0 85 e4 28 6b 2c 90 e4 66 99 7a 2c 68 1f 21
      33 9a a3 47 78 14 e4 de c1 18 33 05 0e d5 0d d1 3c c0 38 04 8a 43
      c5 9b 2a cc 41 68 89 c0 37 66 5f e5 af a6 05 96 9f 8c 01 df a5 ca
      96 9d
`;

/** The server's RSA key (RFC 8448 §2), as the big-endian integers the RFC prints. */
export const SERVER_RSA_KEY = {
  n: field(RSA_KEY_TEXT, 'modulus (public)'),
  e: field(RSA_KEY_TEXT, 'public exponent'),
  d: field(RSA_KEY_TEXT, 'private exponent'),
  p: field(RSA_KEY_TEXT, 'prime1'),
  q: field(RSA_KEY_TEXT, 'prime2'),
  dp: field(RSA_KEY_TEXT, 'exponent1'),
  dq: field(RSA_KEY_TEXT, 'exponent2'),
  qi: field(RSA_KEY_TEXT, 'coefficient'),
} as const;

const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');

/** RFC 8448 gives no DER private key, so the components as a JWK (RFC 7518 §6.3). */
export const SERVER_RSA_PRIVATE_KEY_JWK = {
  kty: 'RSA',
  n: b64url(SERVER_RSA_KEY.n),
  e: b64url(SERVER_RSA_KEY.e),
  d: b64url(SERVER_RSA_KEY.d),
  p: b64url(SERVER_RSA_KEY.p),
  q: b64url(SERVER_RSA_KEY.q),
  dp: b64url(SERVER_RSA_KEY.dp),
  dq: b64url(SERVER_RSA_KEY.dq),
  qi: b64url(SERVER_RSA_KEY.qi),
} as const;

// Minimal DER, enough for PKCS#8 around RFC 8017 RSAPrivateKey (what CryptoProvider.loadPrivateKey takes).
function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>>= 8) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}
const der = (tag: number, body: Uint8Array): Uint8Array => Uint8Array.from([tag, ...derLength(body.length), ...body]);
const derSequence = (...items: Uint8Array[]) => der(0x30, Uint8Array.from(items.flatMap((i) => [...i])));
function derUnsigned(value: Uint8Array): Uint8Array {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  const body = value.subarray(start);
  return der(0x02, (body[0] ?? 0) & 0x80 ? Uint8Array.from([0, ...body]) : body);
}

/** PKCS#8 PrivateKeyInfo (RFC 5208) wrapping RSAPrivateKey (RFC 8017 §A.1.2), built from §2's components. */
export const SERVER_RSA_PRIVATE_KEY_PKCS8: Uint8Array = derSequence(
  derUnsigned(Uint8Array.of(0)),
  // AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }
  derSequence(Uint8Array.of(0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01), Uint8Array.of(0x05, 0x00)),
  der(
    0x04,
    derSequence(
      derUnsigned(Uint8Array.of(0)),
      derUnsigned(SERVER_RSA_KEY.n),
      derUnsigned(SERVER_RSA_KEY.e),
      derUnsigned(SERVER_RSA_KEY.d),
      derUnsigned(SERVER_RSA_KEY.p),
      derUnsigned(SERVER_RSA_KEY.q),
      derUnsigned(SERVER_RSA_KEY.dp),
      derUnsigned(SERVER_RSA_KEY.dq),
      derUnsigned(SERVER_RSA_KEY.qi),
    ),
  ),
);

// ---------------------------------------------------------------- §3 Simple 1-RTT Handshake

const CLIENT_KEY_PAIR_TEXT = `
   {client}  create an ephemeral x25519 key pair:

      private key (32 octets):  49 af 42 ba 7f 79 94 85 2d 71 3e f2 78
         4b cb ca a7 91 1d e2 6a dc 56 42 cb 63 45 40 e7 ea 50 05

      public key (32 octets):  99 38 1d e5 60 e4 bd 43 d2 3d 8e 43 5a 7d
         ba fe b3 c0 6e 51 c1 3c ae 4d 54 13 69 1e 52 9a af 2c
`;

const CLIENT_HELLO_TEXT = `
   {client}  construct a ClientHello handshake message:

      ClientHello (196 octets):  01 00 00 c0 03 03 cb 34 ec b1 e7 81 63
         ba 1c 38 c6 da cb 19 6a 6d ff a2 1a 8d 99 12 ec 18 a2 ef 62 83
         02 4d ec e7 00 00 06 13 01 13 03 13 02 01 00 00 91 00 00 00 0b
         00 09 00 00 06 73 65 72 76 65 72 ff 01 00 01 00 00 0a 00 14 00
         12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 23
         00 00 00 33 00 26 00 24 00 1d 00 20 99 38 1d e5 60 e4 bd 43 d2
         3d 8e 43 5a 7d ba fe b3 c0 6e 51 c1 3c ae 4d 54 13 69 1e 52 9a
         af 2c 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03
         02 03 08 04 08 05 08 06 04 01 05 01 06 01 02 01 04 02 05 02 06
         02 02 02 00 2d 00 02 01 01 00 1c 00 02 40 01
`;

const CLIENT_HELLO_RECORD_TEXT = `
   {client}  send handshake record:

      payload (196 octets):  01 00 00 c0 03 03 cb 34 ec b1 e7 81 63 ba
         1c 38 c6 da cb 19 6a 6d ff a2 1a 8d 99 12 ec 18 a2 ef 62 83 02
         4d ec e7 00 00 06 13 01 13 03 13 02 01 00 00 91 00 00 00 0b 00
         09 00 00 06 73 65 72 76 65 72 ff 01 00 01 00 00 0a 00 14 00 12
         00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 23 00
         00 00 33 00 26 00 24 00 1d 00 20 99 38 1d e5 60 e4 bd 43 d2 3d
         8e 43 5a 7d ba fe b3 c0 6e 51 c1 3c ae 4d 54 13 69 1e 52 9a af
         2c 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03 02
         03 08 04 08 05 08 06 04 01 05 01 06 01 02 01 04 02 05 02 06 02
         02 02 00 2d 00 02 01 01 00 1c 00 02 40 01

      complete record (201 octets):  16 03 01 00 c4 01 00 00 c0 03 03 cb
         34 ec b1 e7 81 63 ba 1c 38 c6 da cb 19 6a 6d ff a2 1a 8d 99 12
         ec 18 a2 ef 62 83 02 4d ec e7 00 00 06 13 01 13 03 13 02 01 00
         00 91 00 00 00 0b 00 09 00 00 06 73 65 72 76 65 72 ff 01 00 01
         00 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02
         01 03 01 04 00 23 00 00 00 33 00 26 00 24 00 1d 00 20 99 38 1d
         e5 60 e4 bd 43 d2 3d 8e 43 5a 7d ba fe b3 c0 6e 51 c1 3c ae 4d
         54 13 69 1e 52 9a af 2c 00 2b 00 03 02 03 04 00 0d 00 20 00 1e
         04 03 05 03 06 03 02 03 08 04 08 05 08 06 04 01 05 01 06 01 02
         01 04 02 05 02 06 02 02 02 00 2d 00 02 01 01 00 1c 00 02 40 01
`;

const EARLY_SECRET_TEXT = `
   {server}  extract secret "early":

      salt:  0 (all zero octets)

      IKM (32 octets):  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
         00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00

      secret (32 octets):  33 ad 0a 1c 60 7e c0 3b 09 e6 cd 98 93 68 0c
         e2 10 ad f3 00 aa 1f 26 60 e1 b2 2e 10 f1 70 f9 2a
`;

const SERVER_KEY_PAIR_TEXT = `
   {server}  create an ephemeral x25519 key pair:

      private key (32 octets):  b1 58 0e ea df 6d d5 89 b8 ef 4f 2d 56
         52 57 8c c8 10 e9 98 01 91 ec 8d 05 83 08 ce a2 16 a2 1e

      public key (32 octets):  c9 82 88 76 11 20 95 fe 66 76 2b db f7 c6
         72 e1 56 d6 cc 25 3b 83 3d f1 dd 69 b1 b0 4e 75 1f 0f
`;

const SERVER_HELLO_TEXT = `
   {server}  construct a ServerHello handshake message:

      ServerHello (90 octets):  02 00 00 56 03 03 a6 af 06 a4 12 18 60
         dc 5e 6e 60 24 9c d3 4c 95 93 0c 8a c5 cb 14 34 da c1 55 77 2e
         d3 e2 69 28 00 13 01 00 00 2e 00 33 00 24 00 1d 00 20 c9 82 88
         76 11 20 95 fe 66 76 2b db f7 c6 72 e1 56 d6 cc 25 3b 83 3d f1
         dd 69 b1 b0 4e 75 1f 0f 00 2b 00 02 03 04
`;

const DERIVED_FOR_HANDSHAKE_TEXT = `
   {server}  derive secret for handshake "tls13 derived":

      PRK (32 octets):  33 ad 0a 1c 60 7e c0 3b 09 e6 cd 98 93 68 0c e2
         10 ad f3 00 aa 1f 26 60 e1 b2 2e 10 f1 70 f9 2a

      hash (32 octets):  e3 b0 c4 42 98 fc 1c 14 9a fb f4 c8 99 6f b9 24
         27 ae 41 e4 64 9b 93 4c a4 95 99 1b 78 52 b8 55

      info (49 octets):  00 20 0d 74 6c 73 31 33 20 64 65 72 69 76 65 64
         20 e3 b0 c4 42 98 fc 1c 14 9a fb f4 c8 99 6f b9 24 27 ae 41 e4
         64 9b 93 4c a4 95 99 1b 78 52 b8 55

      expanded (32 octets):  6f 26 15 a1 08 c7 02 c5 67 8f 54 fc 9d ba
         b6 97 16 c0 76 18 9c 48 25 0c eb ea c3 57 6c 36 11 ba
`;

const HANDSHAKE_SECRET_TEXT = `
   {server}  extract secret "handshake":

      salt (32 octets):  6f 26 15 a1 08 c7 02 c5 67 8f 54 fc 9d ba b6 97
         16 c0 76 18 9c 48 25 0c eb ea c3 57 6c 36 11 ba

      IKM (32 octets):  8b d4 05 4f b5 5b 9d 63 fd fb ac f9 f0 4b 9f 0d
         35 e6 d6 3f 53 75 63 ef d4 62 72 90 0f 89 49 2d

      secret (32 octets):  1d c8 26 e9 36 06 aa 6f dc 0a ad c1 2f 74 1b
         01 04 6a a6 b9 9f 69 1e d2 21 a9 f0 ca 04 3f be ac
`;

const C_HS_TRAFFIC_TEXT = `
   {server}  derive secret "tls13 c hs traffic":

      PRK (32 octets):  1d c8 26 e9 36 06 aa 6f dc 0a ad c1 2f 74 1b 01
         04 6a a6 b9 9f 69 1e d2 21 a9 f0 ca 04 3f be ac

      hash (32 octets):  86 0c 06 ed c0 78 58 ee 8e 78 f0 e7 42 8c 58 ed
         d6 b4 3f 2c a3 e6 e9 5f 02 ed 06 3c f0 e1 ca d8

      info (54 octets):  00 20 12 74 6c 73 31 33 20 63 20 68 73 20 74 72
         61 66 66 69 63 20 86 0c 06 ed c0 78 58 ee 8e 78 f0 e7 42 8c 58
         ed d6 b4 3f 2c a3 e6 e9 5f 02 ed 06 3c f0 e1 ca d8

      expanded (32 octets):  b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e
         2d 8f 3b 1a 95 07 38 f5 2e 96 00 74 6a 0e 27 a5 5a 21
`;

const S_HS_TRAFFIC_TEXT = `
   {server}  derive secret "tls13 s hs traffic":

      PRK (32 octets):  1d c8 26 e9 36 06 aa 6f dc 0a ad c1 2f 74 1b 01
         04 6a a6 b9 9f 69 1e d2 21 a9 f0 ca 04 3f be ac

      hash (32 octets):  86 0c 06 ed c0 78 58 ee 8e 78 f0 e7 42 8c 58 ed
         d6 b4 3f 2c a3 e6 e9 5f 02 ed 06 3c f0 e1 ca d8

      info (54 octets):  00 20 12 74 6c 73 31 33 20 73 20 68 73 20 74 72
         61 66 66 69 63 20 86 0c 06 ed c0 78 58 ee 8e 78 f0 e7 42 8c 58
         ed d6 b4 3f 2c a3 e6 e9 5f 02 ed 06 3c f0 e1 ca d8

      expanded (32 octets):  b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d
         37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38
`;

const DERIVED_FOR_MASTER_TEXT = `
   {server}  derive secret for master "tls13 derived":

      PRK (32 octets):  1d c8 26 e9 36 06 aa 6f dc 0a ad c1 2f 74 1b 01
         04 6a a6 b9 9f 69 1e d2 21 a9 f0 ca 04 3f be ac

      hash (32 octets):  e3 b0 c4 42 98 fc 1c 14 9a fb f4 c8 99 6f b9 24
         27 ae 41 e4 64 9b 93 4c a4 95 99 1b 78 52 b8 55

      info (49 octets):  00 20 0d 74 6c 73 31 33 20 64 65 72 69 76 65 64
         20 e3 b0 c4 42 98 fc 1c 14 9a fb f4 c8 99 6f b9 24 27 ae 41 e4
         64 9b 93 4c a4 95 99 1b 78 52 b8 55

      expanded (32 octets):  43 de 77 e0 c7 77 13 85 9a 94 4d b9 db 25
         90 b5 31 90 a6 5b 3e e2 e4 f1 2d d7 a0 bb 7c e2 54 b4
`;

const MASTER_SECRET_TEXT = `
   {server}  extract secret "master":

      salt (32 octets):  43 de 77 e0 c7 77 13 85 9a 94 4d b9 db 25 90 b5
         31 90 a6 5b 3e e2 e4 f1 2d d7 a0 bb 7c e2 54 b4

      IKM (32 octets):  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
         00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00

      secret (32 octets):  18 df 06 84 3d 13 a0 8b f2 a4 49 84 4c 5f 8a
         47 80 01 bc 4d 4c 62 79 84 d5 a4 1d a8 d0 40 29 19
`;

const SERVER_HELLO_RECORD_TEXT = `
   {server}  send handshake record:

      payload (90 octets):  02 00 00 56 03 03 a6 af 06 a4 12 18 60 dc 5e
         6e 60 24 9c d3 4c 95 93 0c 8a c5 cb 14 34 da c1 55 77 2e d3 e2
         69 28 00 13 01 00 00 2e 00 33 00 24 00 1d 00 20 c9 82 88 76 11
         20 95 fe 66 76 2b db f7 c6 72 e1 56 d6 cc 25 3b 83 3d f1 dd 69
         b1 b0 4e 75 1f 0f 00 2b 00 02 03 04

      complete record (95 octets):  16 03 03 00 5a 02 00 00 56 03 03 a6
         af 06 a4 12 18 60 dc 5e 6e 60 24 9c d3 4c 95 93 0c 8a c5 cb 14
         34 da c1 55 77 2e d3 e2 69 28 00 13 01 00 00 2e 00 33 00 24 00
         1d 00 20 c9 82 88 76 11 20 95 fe 66 76 2b db f7 c6 72 e1 56 d6
         cc 25 3b 83 3d f1 dd 69 b1 b0 4e 75 1f 0f 00 2b 00 02 03 04
`;

const SERVER_HANDSHAKE_KEYS_TEXT = `
   {server}  derive write traffic keys for handshake data:

      PRK (32 octets):  b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4
         e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38

      key info (13 octets):  00 10 09 74 6c 73 31 33 20 6b 65 79 00

      key expanded (16 octets):  3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e
         e4 03 bc

      iv info (12 octets):  00 0c 08 74 6c 73 31 33 20 69 76 00

      iv expanded (12 octets):  5d 31 3e b2 67 12 76 ee 13 00 0b 30
`;

const ENCRYPTED_EXTENSIONS_TEXT = `
   {server}  construct an EncryptedExtensions handshake message:

      EncryptedExtensions (40 octets):  08 00 00 24 00 22 00 0a 00 14 00
         12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 1c
         00 02 40 01 00 00 00 00
`;

const CERTIFICATE_TEXT = `
   {server}  construct a Certificate handshake message:

      Certificate (445 octets):  0b 00 01 b9 00 00 01 b5 00 01 b0 30 82
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
         96 12 29 ac 91 87 b4 2b 4d e1 00 00
`;

const CERTIFICATE_VERIFY_TEXT = `
   {server}  construct a CertificateVerify handshake message:

      CertificateVerify (136 octets):  0f 00 00 84 08 04 00 80 5a 74 7c
         5d 88 fa 9b d2 e5 5a b0 85 a6 10 15 b7 21 1f 82 4c d4 84 14 5a
         b3 ff 52 f1 fd a8 47 7b 0b 7a bc 90 db 78 e2 d3 3a 5c 14 1a 07
         86 53 fa 6b ef 78 0c 5e a2 48 ee aa a7 85 c4 f3 94 ca b6 d3 0b
         be 8d 48 59 ee 51 1f 60 29 57 b1 54 11 ac 02 76 71 45 9e 46 44
         5c 9e a5 8c 18 1e 81 8e 95 b8 c3 fb 0b f3 27 84 09 d3 be 15 2a
         3d a5 04 3e 06 3d da 65 cd f5 ae a2 0d 53 df ac d4 2f 74 f3
`;

const SERVER_FINISHED_KEY_TEXT = `
   {server}  calculate finished "tls13 finished":

      PRK (32 octets):  b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4
         e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38

      hash (0 octets):  (empty)

      info (18 octets):  00 20 0e 74 6c 73 31 33 20 66 69 6e 69 73 68 65
         64 00

      expanded (32 octets):  00 8d 3b 66 f8 16 ea 55 9f 96 b5 37 e8 85
         c3 1f c0 68 bf 49 2c 65 2f 01 f2 88 a1 d8 cd c1 9f c8

      finished (32 octets):  9b 9b 14 1d 90 63 37 fb d2 cb dc e7 1d f4
         de da 4a b4 2c 30 95 72 cb 7f ff ee 54 54 b7 8f 07 18
`;

const SERVER_FINISHED_TEXT = `
   {server}  construct a Finished handshake message:

      Finished (36 octets):  14 00 00 20 9b 9b 14 1d 90 63 37 fb d2 cb
         dc e7 1d f4 de da 4a b4 2c 30 95 72 cb 7f ff ee 54 54 b7 8f 07
         18
`;

const SERVER_FLIGHT_RECORD_TEXT = `
   {server}  send handshake record:

      complete record (679 octets):  17 03 03 02 a2 d1 ff 33 4a 56 f5 bf
         f6 59 4a 07 cc 87 b5 80 23 3f 50 0f 45 e4 89 e7 f3 3a f3 5e df
         78 69 fc f4 0a a4 0a a2 b8 ea 73 f8 48 a7 ca 07 61 2e f9 f9 45
         cb 96 0b 40 68 90 51 23 ea 78 b1 11 b4 29 ba 91 91 cd 05 d2 a3
         89 28 0f 52 61 34 aa dc 7f c7 8c 4b 72 9d f8 28 b5 ec f7 b1 3b
         d9 ae fb 0e 57 f2 71 58 5b 8e a9 bb 35 5c 7c 79 02 07 16 cf b9
         b1 18 3e f3 ab 20 e3 7d 57 a6 b9 d7 47 76 09 ae e6 e1 22 a4 cf
         51 42 73 25 25 0c 7d 0e 50 92 89 44 4c 9b 3a 64 8f 1d 71 03 5d
         2e d6 5b 0e 3c dd 0c ba e8 bf 2d 0b 22 78 12 cb b3 60 98 72 55
         cc 74 41 10 c4 53 ba a4 fc d6 10 92 8d 80 98 10 e4 b7 ed 1a 8f
         d9 91 f0 6a a6 24 82 04 79 7e 36 a6 a7 3b 70 a2 55 9c 09 ea d6
         86 94 5b a2 46 ab 66 e5 ed d8 04 4b 4c 6d e3 fc f2 a8 94 41 ac
         66 27 2f d8 fb 33 0e f8 19 05 79 b3 68 45 96 c9 60 bd 59 6e ea
         52 0a 56 a8 d6 50 f5 63 aa d2 74 09 96 0d ca 63 d3 e6 88 61 1e
         a5 e2 2f 44 15 cf 95 38 d5 1a 20 0c 27 03 42 72 96 8a 26 4e d6
         54 0c 84 83 8d 89 f7 2c 24 46 1a ad 6d 26 f5 9e ca ba 9a cb bb
         31 7b 66 d9 02 f4 f2 92 a3 6a c1 b6 39 c6 37 ce 34 31 17 b6 59
         62 22 45 31 7b 49 ee da 0c 62 58 f1 00 d7 d9 61 ff b1 38 64 7e
         92 ea 33 0f ae ea 6d fa 31 c7 a8 4d c3 bd 7e 1b 7a 6c 71 78 af
         36 87 90 18 e3 f2 52 10 7f 24 3d 24 3d c7 33 9d 56 84 c8 b0 37
         8b f3 02 44 da 8c 87 c8 43 f5 e5 6e b4 c5 e8 28 0a 2b 48 05 2c
         f9 3b 16 49 9a 66 db 7c ca 71 e4 59 94 26 f7 d4 61 e6 6f 99 88
         2b d8 9f c5 08 00 be cc a6 2d 6c 74 11 6d bd 29 72 fd a1 fa 80
         f8 5d f8 81 ed be 5a 37 66 89 36 b3 35 58 3b 59 91 86 dc 5c 69
         18 a3 96 fa 48 a1 81 d6 b6 fa 4f 9d 62 d5 13 af bb 99 2f 2b 99
         2f 67 f8 af e6 7f 76 91 3f a3 88 cb 56 30 c8 ca 01 e0 c6 5d 11
         c6 6a 1e 2a c4 c8 59 77 b7 c7 a6 99 9b bf 10 dc 35 ae 69 f5 51
         56 14 63 6c 0b 9b 68 c1 9e d2 e3 1c 0b 3b 66 76 30 38 eb ba 42
         f3 b3 8e dc 03 99 f3 a9 f2 3f aa 63 97 8c 31 7f c9 fa 66 a7 3f
         60 f0 50 4d e9 3b 5b 84 5e 27 55 92 c1 23 35 ee 34 0b bc 4f dd
         d5 02 78 40 16 e4 b3 be 7e f0 4d da 49 f4 b4 40 a3 0c b5 d2 af
         93 98 28 fd 4a e3 79 4e 44 f9 4d f5 a6 31 ed e4 2c 17 19 bf da
         bf 02 53 fe 51 75 be 89 8e 75 0e dc 53 37 0d 2b
`;

const C_AP_TRAFFIC_TEXT = `
   {server}  derive secret "tls13 c ap traffic":

      PRK (32 octets):  18 df 06 84 3d 13 a0 8b f2 a4 49 84 4c 5f 8a 47
         80 01 bc 4d 4c 62 79 84 d5 a4 1d a8 d0 40 29 19

      hash (32 octets):  96 08 10 2a 0f 1c cc 6d b6 25 0b 7b 7e 41 7b 1a
         00 0e aa da 3d aa e4 77 7a 76 86 c9 ff 83 df 13

      info (54 octets):  00 20 12 74 6c 73 31 33 20 63 20 61 70 20 74 72
         61 66 66 69 63 20 96 08 10 2a 0f 1c cc 6d b6 25 0b 7b 7e 41 7b
         1a 00 0e aa da 3d aa e4 77 7a 76 86 c9 ff 83 df 13

      expanded (32 octets):  9e 40 64 6c e7 9a 7f 9d c0 5a f8 88 9b ce
         65 52 87 5a fa 0b 06 df 00 87 f7 92 eb b7 c1 75 04 a5
`;

const S_AP_TRAFFIC_TEXT = `
   {server}  derive secret "tls13 s ap traffic":

      PRK (32 octets):  18 df 06 84 3d 13 a0 8b f2 a4 49 84 4c 5f 8a 47
         80 01 bc 4d 4c 62 79 84 d5 a4 1d a8 d0 40 29 19

      hash (32 octets):  96 08 10 2a 0f 1c cc 6d b6 25 0b 7b 7e 41 7b 1a
         00 0e aa da 3d aa e4 77 7a 76 86 c9 ff 83 df 13

      info (54 octets):  00 20 12 74 6c 73 31 33 20 73 20 61 70 20 74 72
         61 66 66 69 63 20 96 08 10 2a 0f 1c cc 6d b6 25 0b 7b 7e 41 7b
         1a 00 0e aa da 3d aa e4 77 7a 76 86 c9 ff 83 df 13

      expanded (32 octets):  a1 1a f9 f0 55 31 f8 56 ad 47 11 6b 45 a9
         50 32 82 04 b4 f4 4b fb 6b 3a 4b 4f 1f 3f cb 63 16 43
`;

const EXP_MASTER_TEXT = `
   {server}  derive secret "tls13 exp master":

      PRK (32 octets):  18 df 06 84 3d 13 a0 8b f2 a4 49 84 4c 5f 8a 47
         80 01 bc 4d 4c 62 79 84 d5 a4 1d a8 d0 40 29 19

      hash (32 octets):  96 08 10 2a 0f 1c cc 6d b6 25 0b 7b 7e 41 7b 1a
         00 0e aa da 3d aa e4 77 7a 76 86 c9 ff 83 df 13

      info (52 octets):  00 20 10 74 6c 73 31 33 20 65 78 70 20 6d 61 73
         74 65 72 20 96 08 10 2a 0f 1c cc 6d b6 25 0b 7b 7e 41 7b 1a 00
         0e aa da 3d aa e4 77 7a 76 86 c9 ff 83 df 13

      expanded (32 octets):  fe 22 f8 81 17 6e da 18 eb 8f 44 52 9e 67
         92 c5 0c 9a 3f 89 45 2f 68 d8 ae 31 1b 43 09 d3 cf 50
`;

const SERVER_APPLICATION_KEYS_TEXT = `
   {server}  derive write traffic keys for application data:

      PRK (32 octets):  a1 1a f9 f0 55 31 f8 56 ad 47 11 6b 45 a9 50 32
         82 04 b4 f4 4b fb 6b 3a 4b 4f 1f 3f cb 63 16 43

      key info (13 octets):  00 10 09 74 6c 73 31 33 20 6b 65 79 00

      key expanded (16 octets):  9f 02 28 3b 6c 9c 07 ef c2 6b b9 f2 ac
         92 e3 56

      iv info (12 octets):  00 0c 08 74 6c 73 31 33 20 69 76 00

      iv expanded (12 octets):  cf 78 2b 88 dd 83 54 9a ad f1 e9 84
`;

const CLIENT_HANDSHAKE_KEYS_TEXT = `
   {server}  derive read traffic keys for handshake data:

      PRK (32 octets):  b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e 2d 8f
         3b 1a 95 07 38 f5 2e 96 00 74 6a 0e 27 a5 5a 21

      key info (13 octets):  00 10 09 74 6c 73 31 33 20 6b 65 79 00

      key expanded (16 octets):  db fa a6 93 d1 76 2c 5b 66 6a f5 d9 50
         25 8d 01

      iv info (12 octets):  00 0c 08 74 6c 73 31 33 20 69 76 00

      iv expanded (12 octets):  5b d3 c7 1b 83 6e 0b 76 bb 73 26 5f
`;

const CLIENT_FINISHED_KEY_TEXT = `
   {client}  calculate finished "tls13 finished":

      PRK (32 octets):  b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e 2d 8f
         3b 1a 95 07 38 f5 2e 96 00 74 6a 0e 27 a5 5a 21

      hash (0 octets):  (empty)

      info (18 octets):  00 20 0e 74 6c 73 31 33 20 66 69 6e 69 73 68 65
         64 00

      expanded (32 octets):  b8 0a d0 10 15 fb 2f 0b d6 5f f7 d4 da 5d
         6b f8 3f 84 82 1d 1f 87 fd c7 d3 c7 5b 5a 7b 42 d9 c4

      finished (32 octets):  a8 ec 43 6d 67 76 34 ae 52 5a c1 fc eb e1
         1a 03 9e c1 76 94 fa c6 e9 85 27 b6 42 f2 ed d5 ce 61
`;

const CLIENT_FINISHED_TEXT = `
   {client}  construct a Finished handshake message:

      Finished (36 octets):  14 00 00 20 a8 ec 43 6d 67 76 34 ae 52 5a
         c1 fc eb e1 1a 03 9e c1 76 94 fa c6 e9 85 27 b6 42 f2 ed d5 ce
         61
`;

const CLIENT_FINISHED_RECORD_TEXT = `
   {client}  send handshake record:

      complete record (58 octets):  17 03 03 00 35 75 ec 4d c2 38 cc e6
         0b 29 80 44 a7 1e 21 9c 56 cc 77 b0 51 7f e9 b9 3c 7a 4b fc 44
         d8 7f 38 f8 03 38 ac 98 fc 46 de b3 84 bd 1c ae ac ab 68 67 d7
         26 c4 05 46
`;

const CLIENT_APPLICATION_KEYS_TEXT = `
   {client}  derive write traffic keys for application data:

      PRK (32 octets):  9e 40 64 6c e7 9a 7f 9d c0 5a f8 88 9b ce 65 52
         87 5a fa 0b 06 df 00 87 f7 92 eb b7 c1 75 04 a5

      key info (13 octets):  00 10 09 74 6c 73 31 33 20 6b 65 79 00

      key expanded (16 octets):  17 42 2d da 59 6e d5 d9 ac d8 90 e3 c6
         3f 50 51

      iv info (12 octets):  00 0c 08 74 6c 73 31 33 20 69 76 00

      iv expanded (12 octets):  5b 78 92 3d ee 08 57 90 33 e5 23 d9
`;

const RES_MASTER_TEXT = `
   {client}  derive secret "tls13 res master":

      PRK (32 octets):  18 df 06 84 3d 13 a0 8b f2 a4 49 84 4c 5f 8a 47
         80 01 bc 4d 4c 62 79 84 d5 a4 1d a8 d0 40 29 19

      hash (32 octets):  20 91 45 a9 6e e8 e2 a1 22 ff 81 00 47 cc 95 26
         84 65 8d 60 49 e8 64 29 42 6d b8 7c 54 ad 14 3d

      info (52 octets):  00 20 10 74 6c 73 31 33 20 72 65 73 20 6d 61 73
         74 65 72 20 20 91 45 a9 6e e8 e2 a1 22 ff 81 00 47 cc 95 26 84
         65 8d 60 49 e8 64 29 42 6d b8 7c 54 ad 14 3d

      expanded (32 octets):  7d f2 35 f2 03 1d 2a 05 12 87 d0 2b 02 41
         b0 bf da f8 6c c8 56 23 1f 2d 5a ba 46 c4 34 ec 19 6c
`;

const RESUMPTION_TEXT = `
   {server}  generate resumption secret "tls13 resumption":

      PRK (32 octets):  7d f2 35 f2 03 1d 2a 05 12 87 d0 2b 02 41 b0 bf
         da f8 6c c8 56 23 1f 2d 5a ba 46 c4 34 ec 19 6c

      hash (2 octets):  00 00

      info (22 octets):  00 20 10 74 6c 73 31 33 20 72 65 73 75 6d 70 74
         69 6f 6e 02 00 00

      expanded (32 octets):  4e cd 0e b6 ec 3b 4d 87 f5 d6 02 8f 92 2c
         a4 c5 85 1a 27 7f d4 13 11 c9 e6 2d 2c 94 92 e1 c4 f3
`;

const NEW_SESSION_TICKET_TEXT = `
   {server}  construct a NewSessionTicket handshake message:

      NewSessionTicket (205 octets):  04 00 00 c9 00 00 00 1e fa d6 aa
         c5 02 00 00 00 b2 2c 03 5d 82 93 59 ee 5f f7 af 4e c9 00 00 00
         00 26 2a 64 94 dc 48 6d 2c 8a 34 cb 33 fa 90 bf 1b 00 70 ad 3c
         49 88 83 c9 36 7c 09 a2 be 78 5a bc 55 cd 22 60 97 a3 a9 82 11
         72 83 f8 2a 03 a1 43 ef d3 ff 5d d3 6d 64 e8 61 be 7f d6 1d 28
         27 db 27 9c ce 14 50 77 d4 54 a3 66 4d 4e 6d a4 d2 9e e0 37 25
         a6 a4 da fc d0 fc 67 d2 ae a7 05 29 51 3e 3d a2 67 7f a5 90 6c
         5b 3f 7d 8f 92 f2 28 bd a4 0d da 72 14 70 f9 fb f2 97 b5 ae a6
         17 64 6f ac 5c 03 27 2e 97 07 27 c6 21 a7 91 41 ef 5f 7d e6 50
         5e 5b fb c3 88 e9 33 43 69 40 93 93 4a e4 d3 57 00 08 00 2a 00
         04 00 00 04 00
`;

const NEW_SESSION_TICKET_RECORD_TEXT = `
   {server}  send handshake record:

      complete record (227 octets):  17 03 03 00 de 3a 6b 8f 90 41 4a 97
         d6 95 9c 34 87 68 0d e5 13 4a 2b 24 0e 6c ff ac 11 6e 95 d4 1d
         6a f8 f6 b5 80 dc f3 d1 1d 63 c7 58 db 28 9a 01 59 40 25 2f 55
         71 3e 06 1d c1 3e 07 88 91 a3 8e fb cf 57 53 ad 8e f1 70 ad 3c
         73 53 d1 6d 9d a7 73 b9 ca 7f 2b 9f a1 b6 c0 d4 a3 d0 3f 75 e0
         9c 30 ba 1e 62 97 2a c4 6f 75 f7 b9 81 be 63 43 9b 29 99 ce 13
         06 46 15 13 98 91 d5 e4 c5 b4 06 f1 6e 3f c1 81 a7 7c a4 75 84
         00 25 db 2f 0a 77 f8 1b 5a b0 5b 94 c0 13 46 75 5f 69 23 2c 86
         51 9d 86 cb ee ac 87 aa c3 47 d1 43 f9 60 5d 64 f6 50 db 4d 02
         3e 70 e9 52 ca 49 fe 51 37 12 1c 74 bc 26 97 68 7e 24 87 46 d6
         df 35 30 05 f3 bc e1 86 96 12 9c 81 53 55 6b 3b 6c 67 79 b3 7b
         f1 59 85 68 4f
`;

const CLIENT_APPLICATION_DATA_TEXT = `
   {client}  send application_data record:

      payload (50 octets):  00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e
         0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23
         24 25 26 27 28 29 2a 2b 2c 2d 2e 2f 30 31

      complete record (72 octets):  17 03 03 00 43 a2 3f 70 54 b6 2c 94
         d0 af fa fe 82 28 ba 55 cb ef ac ea 42 f9 14 aa 66 bc ab 3f 2b
         98 19 a8 a5 b4 6b 39 5b d5 4a 9a 20 44 1e 2b 62 97 4e 1f 5a 62
         92 a2 97 70 14 bd 1e 3d ea e6 3a ee bb 21 69 49 15 e4
`;

const SERVER_APPLICATION_DATA_TEXT = `
   {server}  send application_data record:

      payload (50 octets):  00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e
         0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23
         24 25 26 27 28 29 2a 2b 2c 2d 2e 2f 30 31

      complete record (72 octets):  17 03 03 00 43 2e 93 7e 11 ef 4a c7
         40 e5 38 ad 36 00 5f c4 a4 69 32 fc 32 25 d0 5f 82 aa 1b 36 e3
         0e fa f9 7d 90 e6 df fc 60 2d cb 50 1a 59 a8 fc c4 9c 4b f2 e5
         f0 a2 1c 00 47 c2 ab f3 32 54 0d d0 32 e1 67 c2 95 5d
`;

const CLIENT_ALERT_TEXT = `
   {client}  send alert record:

      payload (2 octets):  01 00

      complete record (24 octets):  17 03 03 00 13 c9 87 27 60 65 56 66
         b7 4d 7f f1 15 3e fd 6d b6 d0 b0 e3
`;

const SERVER_ALERT_TEXT = `
   {server}  send alert record:

      payload (2 octets):  01 00

      complete record (24 octets):  17 03 03 00 13 b5 8f d6 71 66 eb f5
         99 d2 47 20 cf be 7e fa 7a 88 64 a9
`;

// ---------------------------------------------------------------- parsed values

/** TLS_AES_128_GCM_SHA256, x25519, rsa_pss_rsae_sha256: what §3 negotiates. */
export const CIPHER_SUITE = 0x1301;

export const CLIENT_EPHEMERAL_PRIVATE_KEY = field(CLIENT_KEY_PAIR_TEXT, 'private key');
export const CLIENT_EPHEMERAL_PUBLIC_KEY = field(CLIENT_KEY_PAIR_TEXT, 'public key');
export const SERVER_EPHEMERAL_PRIVATE_KEY = field(SERVER_KEY_PAIR_TEXT, 'private key');
export const SERVER_EPHEMERAL_PUBLIC_KEY = field(SERVER_KEY_PAIR_TEXT, 'public key');

export const CLIENT_HELLO = field(CLIENT_HELLO_TEXT, 'ClientHello');
export const CLIENT_HELLO_RECORD = field(CLIENT_HELLO_RECORD_TEXT, 'complete record');
export const SERVER_HELLO = field(SERVER_HELLO_TEXT, 'ServerHello');
export const SERVER_HELLO_RECORD = field(SERVER_HELLO_RECORD_TEXT, 'complete record');
export const ENCRYPTED_EXTENSIONS = field(ENCRYPTED_EXTENSIONS_TEXT, 'EncryptedExtensions');
export const CERTIFICATE = field(CERTIFICATE_TEXT, 'Certificate');
export const CERTIFICATE_VERIFY = field(CERTIFICATE_VERIFY_TEXT, 'CertificateVerify');
export const SERVER_FINISHED = field(SERVER_FINISHED_TEXT, 'Finished');
export const CLIENT_FINISHED = field(CLIENT_FINISHED_TEXT, 'Finished');
export const NEW_SESSION_TICKET = field(NEW_SESSION_TICKET_TEXT, 'NewSessionTicket');

/** ClientHello.random / ServerHello.random: after msg_type(1), length(3), legacy_version(2). */
export const CLIENT_RANDOM = CLIENT_HELLO.slice(6, 38);
export const SERVER_RANDOM = SERVER_HELLO.slice(6, 38);

/** Certificate: msg_type(1) length(3) context<0>(1) list length(3) cert_data length(3) DER… extensions<0>(2). */
export const SERVER_CERTIFICATE_DER = CERTIFICATE.slice(11, 11 + ((CERTIFICATE[8]! << 16) | (CERTIFICATE[9]! << 8) | CERTIFICATE[10]!));
/** CertificateVerify: msg_type(1) length(3) algorithm(2) signature length(2) signature. */
export const CERTIFICATE_VERIFY_SCHEME = (CERTIFICATE_VERIFY[4]! << 8) | CERTIFICATE_VERIFY[5]!;
export const CERTIFICATE_VERIFY_SIGNATURE = CERTIFICATE_VERIFY.slice(8);

export const EMPTY_HASH = field(DERIVED_FOR_HANDSHAKE_TEXT, 'hash');
/** Transcript-Hash(ClientHello, ServerHello). */
export const TRANSCRIPT_HASH_SERVER_HELLO = field(C_HS_TRAFFIC_TEXT, 'hash');
/** Transcript-Hash(ClientHello … server Finished). */
export const TRANSCRIPT_HASH_SERVER_FINISHED = field(C_AP_TRAFFIC_TEXT, 'hash');
/** Transcript-Hash(ClientHello … client Finished). */
export const TRANSCRIPT_HASH_CLIENT_FINISHED = field(RES_MASTER_TEXT, 'hash');

export const EARLY_SECRET = field(EARLY_SECRET_TEXT, 'secret');
export const DERIVED_SECRET_FOR_HANDSHAKE = field(DERIVED_FOR_HANDSHAKE_TEXT, 'expanded');
/** The X25519 shared secret: the IKM of the handshake secret. */
export const ECDHE_SHARED_SECRET = field(HANDSHAKE_SECRET_TEXT, 'IKM');
export const HANDSHAKE_SECRET = field(HANDSHAKE_SECRET_TEXT, 'secret');
export const CLIENT_HANDSHAKE_TRAFFIC_SECRET = field(C_HS_TRAFFIC_TEXT, 'expanded');
export const SERVER_HANDSHAKE_TRAFFIC_SECRET = field(S_HS_TRAFFIC_TEXT, 'expanded');
export const DERIVED_SECRET_FOR_MASTER = field(DERIVED_FOR_MASTER_TEXT, 'expanded');
export const MASTER_SECRET = field(MASTER_SECRET_TEXT, 'secret');
export const CLIENT_APPLICATION_TRAFFIC_SECRET = field(C_AP_TRAFFIC_TEXT, 'expanded');
export const SERVER_APPLICATION_TRAFFIC_SECRET = field(S_AP_TRAFFIC_TEXT, 'expanded');
export const EXPORTER_MASTER_SECRET = field(EXP_MASTER_TEXT, 'expanded');
export const RESUMPTION_MASTER_SECRET = field(RES_MASTER_TEXT, 'expanded');
/** The ticket_nonce of §3's NewSessionTicket and the PSK it yields. */
export const TICKET_NONCE = field(RESUMPTION_TEXT, 'hash');
export const RESUMPTION_PSK = field(RESUMPTION_TEXT, 'expanded');

export const SERVER_FINISHED_KEY = field(SERVER_FINISHED_KEY_TEXT, 'expanded');
export const SERVER_FINISHED_VERIFY_DATA = field(SERVER_FINISHED_KEY_TEXT, 'finished');
export const CLIENT_FINISHED_KEY = field(CLIENT_FINISHED_KEY_TEXT, 'expanded');
export const CLIENT_FINISHED_VERIFY_DATA = field(CLIENT_FINISHED_KEY_TEXT, 'finished');

export const SERVER_HANDSHAKE_KEY = field(SERVER_HANDSHAKE_KEYS_TEXT, 'key expanded');
export const SERVER_HANDSHAKE_IV = field(SERVER_HANDSHAKE_KEYS_TEXT, 'iv expanded');
export const CLIENT_HANDSHAKE_KEY = field(CLIENT_HANDSHAKE_KEYS_TEXT, 'key expanded');
export const CLIENT_HANDSHAKE_IV = field(CLIENT_HANDSHAKE_KEYS_TEXT, 'iv expanded');
export const SERVER_APPLICATION_KEY = field(SERVER_APPLICATION_KEYS_TEXT, 'key expanded');
export const SERVER_APPLICATION_IV = field(SERVER_APPLICATION_KEYS_TEXT, 'iv expanded');
export const CLIENT_APPLICATION_KEY = field(CLIENT_APPLICATION_KEYS_TEXT, 'key expanded');
export const CLIENT_APPLICATION_IV = field(CLIENT_APPLICATION_KEYS_TEXT, 'iv expanded');

/** The server's first encrypted record: EncryptedExtensions, Certificate, CertificateVerify, Finished. */
export const SERVER_FLIGHT_RECORD = field(SERVER_FLIGHT_RECORD_TEXT, 'complete record');
export const CLIENT_FINISHED_RECORD = field(CLIENT_FINISHED_RECORD_TEXT, 'complete record');
export const NEW_SESSION_TICKET_RECORD = field(NEW_SESSION_TICKET_RECORD_TEXT, 'complete record');
/** The 50 bytes each side sends after the handshake (00 01 … 31). */
export const APPLICATION_DATA = field(CLIENT_APPLICATION_DATA_TEXT, 'payload');
export const SERVER_APPLICATION_DATA = field(SERVER_APPLICATION_DATA_TEXT, 'payload');
export const CLIENT_APPLICATION_DATA_RECORD = field(CLIENT_APPLICATION_DATA_TEXT, 'complete record');
export const SERVER_APPLICATION_DATA_RECORD = field(SERVER_APPLICATION_DATA_TEXT, 'complete record');
/** Alert payload: warning(1) close_notify(0). */
export const CLOSE_NOTIFY = field(CLIENT_ALERT_TEXT, 'payload');
export const CLIENT_ALERT_RECORD = field(CLIENT_ALERT_TEXT, 'complete record');
export const SERVER_ALERT_RECORD = field(SERVER_ALERT_TEXT, 'complete record');

const stepTitle = (text: string) => text.trim().split('\n')[0]!.trim();

/**
 * Every HKDF-Expand the RFC prints with its PRK, info and output, so the HkdfLabel encoding can
 * be checked apart from the key schedule.
 */
export const EXPAND_STEPS: readonly { readonly step: string; readonly prk: Uint8Array; readonly info: Uint8Array; readonly expanded: Uint8Array }[] = [
  ...[
    DERIVED_FOR_HANDSHAKE_TEXT,
    C_HS_TRAFFIC_TEXT,
    S_HS_TRAFFIC_TEXT,
    DERIVED_FOR_MASTER_TEXT,
    SERVER_FINISHED_KEY_TEXT,
    C_AP_TRAFFIC_TEXT,
    S_AP_TRAFFIC_TEXT,
    EXP_MASTER_TEXT,
    CLIENT_FINISHED_KEY_TEXT,
    RES_MASTER_TEXT,
    RESUMPTION_TEXT,
  ].map((text) => ({ step: stepTitle(text), prk: field(text, 'PRK'), info: field(text, 'info'), expanded: field(text, 'expanded') })),
  ...[SERVER_HANDSHAKE_KEYS_TEXT, CLIENT_HANDSHAKE_KEYS_TEXT, SERVER_APPLICATION_KEYS_TEXT, CLIENT_APPLICATION_KEYS_TEXT].flatMap((text) =>
    (['key', 'iv'] as const).map((kind) => ({
      step: `${stepTitle(text)} (${kind})`,
      prk: field(text, 'PRK'),
      info: field(text, `${kind} info`),
      expanded: field(text, `${kind} expanded`),
    })),
  ),
];
