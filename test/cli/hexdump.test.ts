// cli/hexdump.ts: the `--hexdump` rendering of a traced handshake.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { ClientConfig } from '../../src/client/config.js';
import { renderHexdump, renderRecords } from '../../src/cli/hexdump.js';
import { TicketKeys } from '../../src/server/tickets.js';
import type { TraceEvent } from '../../src/trace.js';
import { annotateHandshake } from '../../src/wire/annotate.js';
import { ExtensionType } from '../../src/wire/codes.js';
import { encodeHandshake } from '../../src/wire/handshake.js';
import { clientFor, serverFor } from '../helpers/endpoints.js';
import { makePair } from '../helpers/pair.js';
import { cachedPki } from '../helpers/pki.js';

const pki = cachedPki();

function traced(client: ClientConfig = {}): TraceEvent[] {
  const p = makePair(clientFor(pki, client), serverFor(pki, { tickets: new TicketKeys() }), {
    clientOptions: { traceBytes: true, trace: 'all' },
  });
  p.run();
  p.client.write(new TextEncoder().encode('ping'));
  p.client.close();
  p.run();
  assert.ok(p.client.handshakeInfo, p.client.error?.message);
  return p.clientEvents.flatMap((e) => (e.type === 'trace' ? [e.event] : []));
}

/** The lines of the block that starts with `header`. */
function block(out: string, header: RegExp): string[] {
  const blocks = out.split('\n\n').map((b) => b.split('\n'));
  const found = blocks.find((b) => header.test(b[0]!));
  assert.ok(found, `a block headed ${header}`);
  return found;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
const ANSI = /\x1b\[/;

describe('TLS 1.3', () => {
  const events = traced();
  const out = renderHexdump(events, { color: false });

  test('one block per traced message, in order, headed by direction, RFC 8446 §2 name, protection and size', () => {
    const headers = out.split('\n\n').map((b) => b.split('\n')[0]);
    assert.equal(headers.length, events.length);
    assert.equal(headers[0], `>>> sent ClientHello (plaintext, ${events[0]!.size} bytes)`);
    assert.match(out, /^<<< received ServerHello \(plaintext, \d+ bytes\)$/m);
    assert.match(out, /^<<< received ChangeCipherSpec \(plaintext, 1 byte\)$/m);
    assert.match(out, /^<<< received \{EncryptedExtensions\} \(handshake keys, \d+ bytes\)$/m);
    assert.match(out, /^>>> sent \{Finished\} \(handshake keys, 36 bytes\)$/m);
    assert.match(out, /^<<< received \[NewSessionTicket\] \(application keys, \d+ bytes\)$/m);
    assert.match(out, /^>>> sent \[ApplicationData\] \(application keys, 4 bytes\)$/m);
    assert.match(out, /^>>> sent \[close_notify\] \(application keys, 2 bytes\)$/m);
  });

  test('no colour codes with color false; the same text inside them with color true', () => {
    assert.doesNotMatch(out, ANSI);
    const colored = renderHexdump(events, { color: true });
    assert.match(colored, ANSI);
    assert.equal(colored.replace(/\x1b\[\d+m/g, ''), out);
  });

  test('each field on its own line: offset, its hex, its path and its value', () => {
    const lines = block(out, /ClientHello/);
    const bytes = events[0]!.bytes!;
    assert.equal(lines.length, 1 + annotateHandshake(bytes, 'tls12').length, 'a header, then one line per field');
    assert.match(lines[1]!, /^ {2}0000 {2}01 +msg_type +client_hello \(1\)$/);
    assert.match(lines[2]!, new RegExp(`^  0001  ${hex(bytes.subarray(1, 4))} +length +${bytes.length - 4}$`));
    assert.match(lines[3]!, /^ {2}0004 {2}03 03 +legacy_version +TLS 1\.2 \(0x0303\)$/);

    const group = annotateHandshake(bytes, 'tls12').find((a) => a.path.endsWith('key_share.client_shares[0]') && a.field === 'group')!;
    const offset = group.offset.toString(16).padStart(4, '0');
    const line = lines.find((l) => l.startsWith(`  ${offset}  `))!;
    assert.match(line, /^ {2}[0-9a-f]{4} {2}00 1d +extensions\[\d+\]\.key_share\.client_shares\[0\]\.group +x25519 \(0x001d\)$/);
    assert.ok(lines.some((l) => /extensions\[\d+\]\.key_share\.client_shares\[0\]\.key_exchange length +32$/.test(l)));
    assert.ok(lines.some((l) => /server_name_list\[0\]\.name +"localhost"$/.test(l)));
  });

  test('a long field: its first 16 bytes, then its size', () => {
    const bytes = events[0]!.bytes!;
    const random = block(out, /ClientHello/).find((l) => /\brandom\b/.test(l))!;
    assert.ok(random.startsWith(`  0006  ${hex(bytes.subarray(6, 22))}  random`));
    assert.match(random, /random +… \(32 bytes\)$/);
    const cert = block(out, /\{Certificate\}/).find((l) => /certificate_list\[0\]\.cert_data +…/.test(l))!;
    assert.match(cert, new RegExp(`… \\(${pki.leaf.der.length} bytes\\)$`));
    assert.ok(cert.includes(hex(pki.leaf.der.subarray(0, 16))));
  });

  test('alerts and ChangeCipherSpec are annotated too; application data only listed', () => {
    assert.deepEqual(block(out, /sent \[close_notify\]/).slice(1), [
      '  0000  01                                               level        warning (1)',
      '  0001  00                                               description  close_notify (0)',
    ]);
    assert.match(block(out, /received ChangeCipherSpec/)[1]!, /^ {2}0000 {2}01 +type +change_cipher_spec \(1\)$/);
    assert.deepEqual(block(out, /ApplicationData/).length, 1);
  });

  test('a forced version decodes with it: EncryptedExtensions is no TLS 1.2 message', () => {
    const forced = renderHexdump(events, { color: false, version: 'tls12' });
    assert.match(block(forced, /EncryptedExtensions/).at(-1)!, /error +unexpected encrypted_extensions message$/);
  });
});

describe('TLS 1.2', () => {
  const events = traced({ maxVersion: 'TLSv1.2' });
  const out = renderHexdump(events, { color: false });

  test('the version and suite come from the ServerHello: key exchange fields named, TLS 1.2 extensions read', () => {
    const ske = block(out, /ServerKeyExchange/);
    assert.ok(ske.some((l) => /curve_type +named_curve \(3\)$/.test(l)));
    assert.ok(ske.some((l) => /namedcurve +x25519 \(0x001d\)$/.test(l)));
    assert.ok(block(out, /ClientKeyExchange/).some((l) => /ecdh_Yc length +32$/.test(l)));
    assert.ok(block(out, /sent ClientHello/).some((l) => /ec_point_format_list +uncompressed \(0\)$/.test(l)));
    assert.ok(block(out, /received Certificate/).some((l) => /certificate_list\[0\]\.ASN\.1Cert length/.test(l)));
    assert.ok(block(out, /sent \[Finished\]|sent \{Finished\}/).some((l) => /verify_data$/.test(l)), '12 bytes: no size suffix');
    assert.doesNotMatch(out, /error|unread/);
  });

  test('without the ServerHello bytes, TLS 1.2-only messages still tell the version', () => {
    const partial = events.map((e) => (e.name === 'ServerHello' ? { ...e, bytes: undefined } : e));
    const text = renderHexdump(partial, { color: false });
    assert.match(block(text, /ServerHello \(/)[1]!, /^ {2}\(no bytes: trace with traceBytes: true\)$/);
    // No suite known: the key exchange layout that reads the whole body.
    assert.ok(block(text, /ServerKeyExchange/).some((l) => /namedcurve +x25519/.test(l)));
    assert.ok(block(text, /received NewSessionTicket/).some((l) => /ticket_lifetime_hint/.test(l)));
  });
});

test('malformed bytes: the fields up to the failure, then the reason', () => {
  const [hello] = traced();
  const cut = hello!.bytes!.subarray(0, 60);
  const text = renderHexdump([{ ...hello!, size: cut.length, bytes: cut }], { color: false });
  const lines = text.split('\n');
  assert.match(lines[1]!, /msg_type +client_hello \(1\)$/);
  assert.match(lines.at(-1)!, /^ {2}0004 {2}[0-9a-f ]+ +error +… \(56 bytes\) {2}Handshake: truncated length$/);
});

test("a ClientHello whose TLS 1.2 extension only 'tls12' rejects is drawn as a TLS 1.3 server reads it", () => {
  const hello = encodeHandshake({
    type: 'client_hello',
    legacy_version: 0x0303,
    random: new Uint8Array(32),
    legacy_session_id: new Uint8Array(0),
    cipher_suites: [0x1301],
    legacy_compression_methods: Uint8Array.of(0),
    // RFC 8422 §5.1.2: ec_point_format_list<1..2^8-1>, so an empty list is malformed.
    extensions: { unknown: [{ type: ExtensionType.ec_point_formats, data: Uint8Array.of(0) }] },
  });
  const event: TraceEvent = { direction: 'received', kind: 'handshake', name: 'ClientHello', size: hello.length, time: 0, protection: 'plaintext', bytes: hello };
  const text = renderHexdump([event], { color: false });
  assert.doesNotMatch(text, /error/);
  assert.match(text, /extensions\[0\]\.extension_type +ec_point_formats \(0x000b\)$/m);
  assert.match(text, /extensions\[0\]\.ec_point_formats\.extension_data$/m);
});

describe('renderRecords', () => {
  const record = (type: number, body: number[]) => Uint8Array.from([type, 3, 3, 0, body.length, ...body]);
  test('TLS 1.2: records after the sender\'s ChangeCipherSpec are encrypted, whatever their type', () => {
    const serverHello12 = { direction: 'received', kind: 'handshake', name: 'ServerHelloDone', size: 4, time: 0, protection: 'plaintext' } as const;
    const out = renderRecords(
      [
        { direction: 'sent', bytes: record(22, [16, 0, 0, 0]) },
        { direction: 'sent', bytes: record(20, [1]) },
        { direction: 'sent', bytes: record(22, [9, 9, 9]) },
        { direction: 'received', bytes: record(22, [14, 0, 0, 0]) },
      ],
      [serverHello12],
      { color: false },
    );
    const blocks = out.split('\n\n');
    assert.match(blocks[0]!, /^>>> sent record \(handshake, 9 bytes\)/);
    assert.match(blocks[0]!, /fragment length\s+4/);
    assert.match(blocks[1]!, /change_cipher_spec \(20\)/);
    assert.match(blocks[2]!, /\(handshake, encrypted, 8 bytes\)/);
    assert.match(blocks[2]!, /encrypted_record length\s+3/);
    assert.match(blocks[3]!, /^<<< received record \(handshake, 9 bytes\)/, "the other direction's CCS has not come");
  });

  test('TLS 1.3: application_data records are encrypted_records; a record cut short is marked', () => {
    const out = renderRecords(
      [
        { direction: 'received', bytes: record(23, [1, 2, 3]) },
        { direction: 'received', bytes: Uint8Array.from([22, 3, 3, 0, 9, 1]) },
      ],
      [],
      { color: false },
    );
    assert.match(out, /\(application_data, encrypted, 8 bytes\)/);
    assert.match(out, /encrypted_record\s+… \(3 bytes\)|encrypted_record\s*$/m);
    assert.match(out, /truncated|error/i);
  });
});
