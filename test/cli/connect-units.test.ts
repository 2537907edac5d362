// The pure parts of `handshake connect`: target and option parsing, round trips read off a ladder,
// ladder entries and the ladder drawing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ladderEntries } from '../../src/cli/connect/json.js';
import { UsageError, buildPlan, parseTarget, unescapeSend } from '../../src/cli/connect/options.js';
import { countRoundTrips, handshakeSpan } from '../../src/cli/connect/timings.js';
import { renderLadder } from '../../src/cli/ladder.js';
import type { TraceEvent } from '../../src/trace.js';

const defaults = { timeout: 10_000, wait: 1_000, color: false };
const context = { env: {}, stdinIsTTY: true };

describe('options', () => {
  test('targets: host, host:port, [v6]:port, bare v6; default port 443', () => {
    assert.deepEqual(parseTarget('example.com'), { host: 'example.com', port: 443 });
    assert.deepEqual(parseTarget('example.com:8443'), { host: 'example.com', port: 8443 });
    assert.deepEqual(parseTarget('[::1]:4433'), { host: '::1', port: 4433 });
    assert.deepEqual(parseTarget('[::1]'), { host: '::1', port: 443 });
    assert.deepEqual(parseTarget('::1'), { host: '::1', port: 443 });
    for (const bad of ['example.com:0', 'example.com:65536', 'example.com:https', ':443']) {
      assert.throws(() => parseTarget(bad), UsageError, bad);
    }
  });

  test('--send escapes', () => {
    assert.equal(unescapeSend('GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n').toString('latin1'), 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.deepEqual([...unescapeSend('\\x00\\xff\\t\\\\\\q')], [0, 0xff, 9, 0x5c, 0x5c, 0x71]);
  });

  test('the plan: versions, lists, servername, input and key-log files', () => {
    const plan = buildPlan('example.com', { ...defaults, 'tls1.2': true, groups: 'X25519,P-256', alpn: 'h2, http/1.1', keylog: '/tmp/k' }, {
      env: { SSLKEYLOGFILE: '/tmp/k' },
      stdinIsTTY: false,
    });
    assert.equal(plan.port, 443);
    assert.equal(plan.servername, 'example.com');
    assert.equal(plan.tls.minVersion, 'TLSv1.2');
    assert.equal(plan.tls.maxVersion, 'TLSv1.2');
    assert.equal(plan.tls.ecdhCurve, 'X25519:P-256');
    assert.deepEqual(plan.tls.ALPNProtocols, ['h2', 'http/1.1']);
    assert.equal(plan.tls.rejectUnauthorized, true);
    assert.deepEqual(plan.keylogFiles, ['/tmp/k'], 'the same file once');
    assert.deepEqual(plan.input, { kind: 'stdin' });
    assert.deepEqual(buildPlan('h', defaults, context).input, { kind: 'none' }, 'a terminal: handshake only');
    assert.equal(buildPlan('h', { ...defaults, send: 'x' }, { env: {}, stdinIsTTY: false }).input.kind, 'text');
    assert.equal(buildPlan('h', { ...defaults, insecure: true }, context).tls.rejectUnauthorized, false);
    assert.equal(buildPlan('h', { ...defaults, minVersion: 'TLSv1.3' }, context).tls.minVersion, 'TLSv1.3');
  });

  test('mistakes are usage errors', () => {
    const bad: Array<Record<string, unknown>> = [
      { minVersion: '1.1' },
      { minVersion: '1.3', maxVersion: '1.2' },
      { 'tls1.3': true, maxVersion: '1.3' },
      { sigalgs: 'RSA+MD5' },
      { key: '/dev/null' },
      { earlyData: '/nonexistent' },
    ];
    for (const options of bad) assert.throws(() => buildPlan('h', { ...defaults, ...options }, context), UsageError, JSON.stringify(options));
  });
});

let clock = 0;
const ev = (direction: TraceEvent['direction'], name: string, extra: Partial<TraceEvent> = {}): TraceEvent => ({
  direction,
  kind: name === 'ChangeCipherSpec' ? 'change_cipher_spec' : name.endsWith('Data') ? 'application_data' : 'handshake',
  name,
  size: 10,
  time: (clock += 1),
  protection: 'plaintext',
  ...extra,
});

describe('round trips, read off the ladder', () => {
  test('TLS 1.3: 1; after a HelloRetryRequest: 2; 0-RTT data changes nothing here', () => {
    assert.equal(countRoundTrips([ev('sent', 'ClientHello'), ev('received', 'ServerHello'), ev('received', 'EncryptedExtensions'), ev('received', 'Finished'), ev('sent', 'Finished')]), 1);
    const hrr = [ev('sent', 'ClientHello'), ev('received', 'HelloRetryRequest'), ev('sent', 'ChangeCipherSpec'), ev('sent', 'ClientHello'), ev('received', 'ServerHello'), ev('received', 'Finished'), ev('sent', 'Finished')];
    assert.equal(countRoundTrips(hrr), 2);
    const early = [ev('sent', 'ClientHello'), ev('sent', 'EarlyData', { protection: 'early' }), ev('received', 'ServerHello'), ev('received', 'Finished'), ev('sent', 'EndOfEarlyData'), ev('sent', 'Finished')];
    assert.equal(countRoundTrips(early), 1);
  });

  test('TLS 1.2: a full handshake takes 2, a resumed one 1; the handshake ends at the later Finished', () => {
    const full = [
      ev('sent', 'ClientHello'), ev('received', 'ServerHello'), ev('received', 'ServerHelloDone'),
      ev('sent', 'ClientKeyExchange'), ev('sent', 'ChangeCipherSpec'), ev('sent', 'Finished'),
      ev('received', 'NewSessionTicket'), ev('received', 'ChangeCipherSpec'), ev('received', 'Finished'),
    ];
    assert.equal(countRoundTrips(full), 2);
    assert.deepEqual(handshakeSpan(full), { start: full[0]!.time, end: full.at(-1)!.time });
    const resumed = [ev('sent', 'ClientHello'), ev('received', 'ServerHello'), ev('received', 'ChangeCipherSpec'), ev('received', 'Finished'), ev('sent', 'ChangeCipherSpec'), ev('sent', 'Finished')];
    assert.equal(countRoundTrips(resumed), 1);
    assert.deepEqual(handshakeSpan(resumed), { start: resumed[0]!.time, end: resumed.at(-1)!.time });
  });

  test('no Finished from the server: no count', () => {
    assert.equal(countRoundTrips([ev('sent', 'ClientHello'), ev('received', 'handshake_failure')]), null);
  });
});

describe('ladder', () => {
  test('consecutive application-data records in one direction are one entry; times from the start', () => {
    const start = clock;
    const trace = [ev('sent', 'ApplicationData', { protection: 'application' }), ev('received', 'ApplicationData', { protection: 'application', size: 5 }), ev('received', 'ApplicationData', { protection: 'application', size: 7 })];
    const entries = ladderEntries(trace, start);
    assert.equal(entries.length, 2);
    assert.deepEqual({ bytes: entries[1]!.bytes, records: entries[1]!.records, ms: entries[1]!.ms }, { bytes: 12, records: 2, ms: 2 });
  });

  test('one line per message, in RFC 8446 notation: {handshake keys} [application keys] (early keys)', () => {
    const text = renderLadder(
      [
        ev('sent', 'ClientHello', { time: 100, detail: 'sni=x' }),
        ev('sent', 'EarlyData', { time: 100.5, protection: 'early', kind: 'application_data' }),
        ev('received', 'EncryptedExtensions', { time: 102, protection: 'handshake' }),
        ev('received', 'NewSessionTicket', { time: 110, protection: 'application' }),
      ],
      'client',
      false,
      { start: 99 },
    );
    const lines = text.split('\n');
    assert.equal(lines.length, 5);
    assert.match(lines[1]!, /^\s+\+1\.0  ClientHello ─+▶\s+10  sni=x$/);
    assert.match(lines[2]!, /^\s+\+1\.5  \(EarlyData\) ─+▶\s+10$/);
    assert.match(lines[3]!, /^\s+\+3\.0  ◀─+ \{EncryptedExtensions\}\s+10$/);
    assert.match(lines[4]!, /^\s+\+11\.0  ◀─+ \[NewSessionTicket\]\s+10$/);
    // Arrows end in one column.
    assert.equal(lines[1]!.indexOf('▶'), lines[2]!.indexOf('▶'));
    assert.equal(lines[3]!.indexOf('}') + 1, lines[4]!.indexOf(']') + 1);
  });
});
