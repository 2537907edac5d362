// cli/hexdump-certificates.ts: what each certificate of a Certificate message holds, under its bytes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { ClientConfig } from '../../src/client/config.js';
import { describeCertificateBytes } from '../../src/cli/hexdump-certificates.js';
import { renderHexdump } from '../../src/cli/hexdump.js';
import { iso } from '../../src/cli/connect/certificates.js';
import { TicketKeys } from '../../src/server/tickets.js';
import type { TraceEvent } from '../../src/trace.js';
import { encodeHandshake } from '../../src/wire/handshake.js';
import { clientFor, serverFor } from '../helpers/endpoints.js';
import { makePair } from '../helpers/pair.js';
import { cachedPki, issueCertificate, parse } from '../helpers/pki.js';

const pki = cachedPki({ leafCommonName: 'leaf.example' });

function traced(client: ClientConfig = {}): TraceEvent[] {
  const p = makePair(clientFor(pki, client), serverFor(pki, { tickets: new TicketKeys() }), {
    clientOptions: { traceBytes: true, trace: 'all' },
  });
  p.run();
  assert.ok(p.client.handshakeInfo, p.client.error?.message);
  return p.clientEvents.flatMap((e) => (e.type === 'trace' ? [e.event] : []));
}

/** The lines of the block that starts with `header`. */
function block(out: string, header: RegExp): string[] {
  const found = out
    .split('\n\n')
    .map((b) => b.split('\n'))
    .find((b) => header.test(b[0]!));
  assert.ok(found, `a block headed ${header}`);
  return found;
}

/** The lines after the one naming `field`, up to the next field's line (those start with an offset). */
function under(lines: readonly string[], field: RegExp): string[] {
  const at = lines.findIndex((l) => field.test(l));
  assert.ok(at >= 0, `a line naming ${field}`);
  const rest = lines.slice(at + 1);
  const next = rest.findIndex((l) => /^ {2}[0-9a-f]{4,} {2}/.test(l));
  return next === -1 ? rest : rest.slice(0, next);
}

/** The summary line labelled `label`, its value trimmed. */
function detail(lines: readonly string[], label: string): string {
  const line = lines.find((l) => new RegExp(`^ +${label} {2,}`).test(l));
  assert.ok(line, `a ${label} line in\n${lines.join('\n')}`);
  return line.trim().slice(label.length).trim();
}

function received(name: string, bytes: Uint8Array): TraceEvent {
  return { direction: 'received', kind: 'handshake', name, size: bytes.length, time: 0, protection: 'handshake', bytes };
}

const certificate13 = (...certs: Uint8Array[]) =>
  encodeHandshake({
    type: 'certificate',
    certificate_request_context: new Uint8Array(0),
    certificate_list: certs.map((cert_data) => ({ cert_data, extensions: { unknown: [] } })),
  });

const certificate12 = (...certs: Uint8Array[]) => encodeHandshake({ type: 'certificate_tls12', certificate_list: certs });

const leaf = parse(pki.leaf);
const validity = `notBefore ${iso(leaf.notBefore)}, notAfter ${iso(leaf.notAfter)}`;

function assertLeafSummary(lines: readonly string[]): void {
  assert.equal(detail(lines, 'subject'), '"CN=leaf.example"');
  assert.equal(detail(lines, 'issuer'), '"O=handshake, CN=handshake test intermediate CA"');
  assert.equal(detail(lines, 'serialNumber'), leaf.serialNumber);
  assert.equal(detail(lines, 'validity'), validity);
  assert.equal(detail(lines, 'subjectAltName'), 'DNS:"localhost", IP:127.0.0.1, IP:::1');
  assert.equal(detail(lines, 'subjectPublicKeyInfo'), 'EC P-256');
  assert.equal(detail(lines, 'signatureAlgorithm'), 'ecdsa-with-SHA256');
}

describe('a traced handshake', () => {
  test('TLS 1.3: each cert_data is followed by its subject, issuer, serial, validity, SANs, key and signature', () => {
    const out = renderHexdump(traced(), { color: false });
    const lines = block(out, /^<<< received \{Certificate\}/);
    const leafLines = under(lines, /certificate_list\[0\]\.cert_data +…/);
    assert.equal(leafLines.length, 7);
    assertLeafSummary(leafLines);
    // Summary lines sit in the name column, two columns right of the field names.
    const name = lines.find((l) => /certificate_list\[0\]\.cert_data +…/.test(l))!.indexOf('certificate_list');
    assert.ok(leafLines.every((l) => l.indexOf(l.trim()) === name + 2));
    const intermediate = under(lines, /certificate_list\[1\]\.cert_data +…/);
    assert.equal(detail(intermediate, 'subject'), '"O=handshake, CN=handshake test intermediate CA"');
    assert.equal(detail(intermediate, 'issuer'), '"O=handshake, CN=handshake test root CA"');
    assert.ok(!intermediate.some((l) => /subjectAltName/.test(l)), 'no SAN extension: no line for it');
    assert.match(lines.at(-1)!, /certificate_list\[1\]\.extensions length +0$/);
  });

  test('TLS 1.2: each ASN.1Cert is followed by the same summary', () => {
    const out = renderHexdump(traced({ maxVersion: 'TLSv1.2' }), { color: false });
    const lines = block(out, /^<<< received Certificate /);
    assertLeafSummary(under(lines, /certificate_list\[0\]\.ASN\.1Cert +…/));
    assert.equal(detail(under(lines, /certificate_list\[1\]\.ASN\.1Cert +…/), 'issuer'), '"O=handshake, CN=handshake test root CA"');
    assert.doesNotMatch(out, /error|unread|not a parseable/);
  });

  test('colour only wraps the summary: without the codes it is the plain text', () => {
    const events = traced();
    const colored = renderHexdump(events, { color: true });
    assert.match(colored, /\x1b\[\d+msubject/);
    assert.equal(colored.replace(/\x1b\[\d+m/g, ''), renderHexdump(events, { color: false }));
  });
});

describe('certificates that do not parse', () => {
  const garbage = Uint8Array.of(0xde, 0xad, 0xbe, 0xef);
  const truncated = pki.leaf.der.subarray(0, 100);

  test('TLS 1.3: a note for each, the message decoded to its end, the next message drawn', () => {
    const message = certificate13(garbage, truncated, pki.leaf.der);
    const finished = encodeHandshake({ type: 'finished', verify_data: new Uint8Array(32) });
    const out = renderHexdump([received('Certificate', message), received('Finished', finished)], { color: false });
    const lines = block(out, /Certificate/);
    for (const i of [0, 1]) {
      const note = under(lines, new RegExp(`certificate_list\\[${i}\\]\\.cert_data(?! length)`));
      assert.equal(note.length, 1, 'one line');
      assert.match(note[0]!, /^ +not a parseable certificate: \S/);
    }
    assertLeafSummary(under(lines, /certificate_list\[2\]\.cert_data +…/));
    assert.match(lines.at(-1)!, /certificate_list\[2\]\.extensions length +0$/);
    assert.doesNotMatch(out, /error|unread/);
    assert.ok(block(out, /Finished/).some((l) => /verify_data +… \(32 bytes\)$/.test(l)));
  });

  test('TLS 1.2: the same, read as a TLS 1.2 Certificate', () => {
    const out = renderHexdump([received('Certificate', certificate12(truncated, pki.leaf.der))], { color: false, version: 'tls12' });
    assert.match(under(out.split('\n'), /certificate_list\[0\]\.ASN\.1Cert +…/)[0]!, /^ +not a parseable certificate: /);
    assertLeafSummary(under(out.split('\n'), /certificate_list\[1\]\.ASN\.1Cert +…/));
  });

  test("one the policy parser refuses: OpenSSL's reading, after a note saying why", () => {
    // RFC 5280 §4.2: an extension twice. OpenSSL parses it; pki/certificate.ts refuses it.
    const keyUsage = { id: '2.5.29.15', value: Uint8Array.of(0x03, 0x02, 0x07, 0x80) };
    const twice = issueCertificate({ commonName: 'twice', organization: 'o', dnsNames: ['twice.example'], extraExtensions: [keyUsage] }, pki.intermediate);
    const out = renderHexdump([received('Certificate', certificate13(twice.der))], { color: false });
    const lines = under(block(out, /Certificate/), /certificate_list\[0\]\.cert_data +…/);
    assert.match(lines[0]!, /^ +as OpenSSL reads it; the policy parser refuses it: certificate contains extension 2\.5\.29\.15 more than once$/);
    assert.equal(detail(lines, 'subject'), '"O=o, CN=twice"', "OpenSSL's name on one line");
    assert.equal(detail(lines, 'subjectAltName'), 'DNS:"twice.example"');
  });

  test("the note gives the DER parser's reason, not OpenSSL's PEM fallback", () => {
    const [note] = describeCertificateBytes(truncated);
    assert.ok(note && 'note' in note);
    assert.match(note.note, /^not a parseable certificate: End of input reached/);
    assert.doesNotMatch(note.note, /PEM/);
    assert.deepEqual(describeCertificateBytes(new Uint8Array(0)).length, 1);
  });
});

describe("the peer's text", () => {
  test('control characters and escape sequences in the subject and SANs are shown escaped', () => {
    const evil = issueCertificate(
      { commonName: 'evil\x1b[31mred\x07\x7f\u009b2J\u202e', dnsNames: ['x\x1b]0;title\x07.example'] },
      pki.intermediate,
    );
    const out = renderHexdump([received('Certificate', certificate13(evil.der))], { color: false });
    const lines = under(block(out, /Certificate/), /certificate_list\[0\]\.cert_data +…/);
    assert.equal(detail(lines, 'subject'), String.raw`"CN=evil\u001b[31mred\u0007\u007f\u009b2J\u202e"`);
    assert.equal(detail(lines, 'subjectAltName'), String.raw`DNS:"x\u001b]0;title\u0007.example"`);
    assert.doesNotMatch(out, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/, 'no control character but the line feeds');
  });

  test('a long SAN list shows its first eight, then a count', () => {
    const dnsNames = Array.from({ length: 11 }, (_, i) => `host${i}.example`);
    const many = issueCertificate({ commonName: 'many', dnsNames }, pki.intermediate);
    const sans = detail(describeCertificateBytes(many.der).map((d) => ('label' in d ? `  ${d.label}  ${d.value}` : d.note)), 'subjectAltName');
    assert.equal(sans, `${dnsNames.slice(0, 8).map((n) => `DNS:"${n}"`).join(', ')}, … 3 more`);
  });
});
