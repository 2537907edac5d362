// Peer text on the terminal (src/display.ts): a certificate subject, a SAN or a reason quoting
// them must print as itself, never as a control sequence, wherever connect and serve show it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { usageFailure, verificationFailure } from '../../src/cli/connect/failure.js';
import { formatHuman } from '../../src/cli/connect/summary.js';
import { renderLadder } from '../../src/cli/ladder.js';
import { createLog } from '../../src/cli/serve/log.js';
import { failureLine, summaryLine } from '../../src/cli/serve/summary.js';
import { escapeControls, quoteText } from '../../src/display.js';
import { TLSError } from '../../src/errors.js';
import { AlertDescription } from '../../src/wire/codes.js';
import { connectionFacts } from './helpers/facts.js';
import { certificate, tls13Report } from './helpers/report.js';

// ESC [31m (red), BEL, DEL, CSI as one C1 character, NEL, RLO (right-to-left override), LS.
const HOSTILE = 'CN=evil\u001b[31mred\u0007\u007f\u009b2J\u0085\u202etxt.exe\u2028end';
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u202e\u2028]/;
const plain = createLog(false).c;

describe('escapeControls / quoteText', () => {
  test('every control, DEL, C1, bidi override and line separator becomes a visible \\u escape', () => {
    assert.equal(
      escapeControls(HOSTILE),
      'CN=evil\\u001b[31mred\\u0007\\u007f\\u009b2J\\u0085\\u202etxt.exe\\u2028end',
    );
    assert.equal(escapeControls('tab\there\nnew line'), 'tab\\u0009here\\u000anew line');
  });

  test('printable text, quotes and non-Latin letters are left alone', () => {
    for (const text of ['CN=example.com, O=Ünïcödé GmbH', 'DNS:*.例え.jp', '"quoted" \\ back']) assert.equal(escapeControls(text), text);
  });

  test('quoteText: JSON quoting, then what JSON leaves raw', () => {
    assert.equal(quoteText('a"b\u009bc'), '"a\\"b\\u009bc"');
    assert.doesNotMatch(quoteText(HOSTILE), UNSAFE);
  });
});

describe('where peer text reaches the terminal', () => {
  test('connect: the chain in the text report prints the server’s names escaped', () => {
    const report = tls13Report();
    report.certificates = [
      certificate(HOSTILE, `O=${HOSTILE}`, { sans: { dns: [`x\u001b]0;title\u0007.example`], ip: [], email: [`a\u009b@b`] }, key: { algorithm: 'ec', bits: 256, curve: 'P-256', text: `EC\u001b` }, signatureAlgorithm: `sig\u0085` }),
    ];
    const out = formatHuman(report, false);
    // Only the chain: the data the server sent is printed as it came, as s_client does.
    const chain = out.slice(out.indexOf('certificate chain'), out.indexOf('\nverification'));
    assert.doesNotMatch(chain.replaceAll('\n', ''), UNSAFE, chain);
    assert.match(chain, /0 CN=evil\\u001b\[31mred/);
    assert.match(chain, /SANs +DNS:x\\u001b\]0;title\\u0007\.example, email:a\\u009b@b/);
  });

  test('the ladder: a detail quoting the peer prints escaped', () => {
    const out = renderLadder([{ direction: 'received', name: 'Certificate', size: 900, time: 1, protection: 'handshake', detail: HOSTILE }], 'client', false);
    assert.doesNotMatch(out.replaceAll('\n', ''), UNSAFE);
    assert.match(out, /CN=evil\\u001b\[31mred/);
  });

  test('connect: a verification failure quoting a hostile name prints it escaped', () => {
    const err = new TLSError(AlertDescription.bad_certificate, `certificate names ${HOSTILE}, not localhost`, { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    const { message } = verificationFailure(err, false);
    assert.doesNotMatch(message, UNSAFE);
    assert.match(message, /certificate names CN=evil\\u001b\[31mred/);
    assert.doesNotMatch(usageFailure(`bad\u001b[2J`).message, UNSAFE);
  });

  test('serve: the client certificate in the summary line, and a failure reason, print escaped', () => {
    const facts = connectionFacts({ clientCertificate: { subject: HOSTILE, issuer: 'CN=ca', verified: false, error: `no path for ${HOSTILE}` } });
    const line = summaryLine(facts, plain);
    assert.doesNotMatch(line, UNSAFE);
    assert.match(line, /client-cert="CN=evil\\u001b\[31mred/);
    const failed = failureLine('[::1]:1', new TLSError(AlertDescription.bad_certificate, `refused ${HOSTILE}`), plain);
    assert.doesNotMatch(failed, UNSAFE);
  });
});
