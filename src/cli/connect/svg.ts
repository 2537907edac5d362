// The ladder of a `handshake connect` report as an SVG sequence diagram: a client and a server
// lifeline, one arrow per ladder entry labelled in RFC 8446 §2 notation ({…} handshake keys,
// […] application keys, (…) early keys), with its size and time; the keys it travelled under set
// its colour. Self-contained (no fonts, images or scripts), and drawn from the report alone.
import { ladderLabel } from '../ladder.js';
import { escapeHtml, truncate, wrap } from './escape.js';
import type { ConnectReport, LadderEntry } from './json.js';

/** Arrow colours by protection, and the alerts' labels; exported for the rendering test. */
export const COLORS = {
  plaintext: '#57606a',
  early: '#bc4c00',
  handshake: '#0969da',
  application: '#1a7f37',
  alert: '#cf222e',
} as const;

// Whole pixels everywhere, so a 2-pixel line covers two pixel rows in exactly its colour.
const WIDTH = 780;
const CLIENT_X = 170;
const SERVER_X = 610;
const BOX = { width: 120, height: 32, top: 12 };
const FIRST_ROW = 104;
const ROW = 46;
const HEAD = 10;
const NOTE_LINE = 17;
/** Characters of a detail or a note that fit between the lifelines at their font size. */
const DETAIL_CHARS = 66;
const NOTE_CHARS = 58;

const STYLE = `
text{font-family:ui-monospace,'DejaVu Sans Mono','Liberation Mono',monospace;fill:#24292f}
.actor rect{fill:#f6f8fa;stroke:#57606a;stroke-width:1}
.actor text{font-size:14px;font-weight:bold;text-anchor:middle}
.lifeline{stroke:#8c959f;stroke-width:1;stroke-dasharray:4 4}
.column{font-size:11px;fill:#57606a}
.msg line{stroke-width:2}
.msg .label{font-size:13px;text-anchor:middle}
.msg .detail{font-size:11px;fill:#57606a;text-anchor:middle}
.msg .ms{font-size:12px;text-anchor:end;fill:#57606a}
.msg .bytes{font-size:12px;fill:#57606a}
${(['plaintext', 'early', 'handshake', 'application'] as const)
  .map((p) => `.prot-${p} line{stroke:${COLORS[p]}}.prot-${p} polygon{fill:${COLORS[p]}}.prot-${p} .label{fill:${COLORS[p]}}`)
  .join('\n')}
.prot-early line{stroke-dasharray:8 4}
.kind-alert:not(.closure) .label{fill:${COLORS.alert};font-weight:bold}
.note text{font-size:13px;fill:${COLORS.alert};text-anchor:middle}
.legend text{font-size:11px}
.legend line{stroke-width:2}
`;

/** The arrow's label: RFC 8446 §2 notation, and how many records were merged into it. */
export function arrowLabel(e: Pick<LadderEntry, 'name' | 'protection' | 'records'>): string {
  const label = ladderLabel(e);
  return e.records > 1 ? `${label} ×${e.records}` : label;
}

/** RFC 8446 §6.1: closure alerts end a connection normally; only the others are drawn as errors. */
const CLOSURE_ALERTS = new Set(['close_notify', 'user_canceled']);

const fmtMs = (ms: number): string => `+${ms.toFixed(1)}`;

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${escapeHtml(String(v))}"`)
    .join('');
}

function arrow(e: LadderEntry, y: number): string {
  const rightward = e.direction === 'sent';
  const [from, to] = rightward ? [CLIENT_X, SERVER_X] : [SERVER_X, CLIENT_X];
  const back = rightward ? -HEAD : HEAD;
  const head = `${to},${y} ${to + back},${y - 5} ${to + back},${y + 5}`;
  const label = arrowLabel(e);
  const who = rightward ? 'client → server' : 'server → client';
  const title = `${who}: ${label}, ${e.bytes} bytes, ${fmtMs(e.ms)} ms${e.detail ? `: ${e.detail}` : ''}`;
  const mid = (CLIENT_X + SERVER_X) / 2;
  return [
    `<g${attrs({
      class: `msg ${e.direction} prot-${e.protection} kind-${e.kind}${e.kind === 'alert' && CLOSURE_ALERTS.has(e.name) ? ' closure' : ''}`,
      'data-direction': e.direction,
      'data-name': e.name,
      'data-protection': e.protection,
      'data-bytes': e.bytes,
      'data-ms': e.ms,
    })}>`,
    `<title>${escapeHtml(title)}</title>`,
    `<line${attrs({ x1: from, y1: y, x2: to + back, y2: y })}/>`,
    `<polygon${attrs({ points: head })}/>`,
    `<text class="label"${attrs({ x: mid, y: y - 8 })}>${escapeHtml(label)}</text>`,
    e.detail ? `<text class="detail"${attrs({ x: mid, y: y + 16 })}>${escapeHtml(truncate(e.detail, DETAIL_CHARS))}</text>` : '',
    `<text class="ms"${attrs({ x: CLIENT_X - 16, y: y + 4 })}>${escapeHtml(fmtMs(e.ms))}</text>`,
    `<text class="bytes"${attrs({ x: SERVER_X + 16, y: y + 4 })}>${e.bytes} B</text>`,
    '</g>',
  ].join('');
}

function actor(name: string, x: number): string {
  return (
    `<g class="actor"><rect${attrs({ x: x - BOX.width / 2, y: BOX.top, width: BOX.width, height: BOX.height, rx: 4 })}/>` +
    `<text${attrs({ x, y: BOX.top + 21 })}>${escapeHtml(name)}</text></g>`
  );
}

/** Why the run stopped, under the last arrow: the report's one error line, wrapped. */
function note(report: Pick<ConnectReport, 'result' | 'ladder'>, y: number): { svg: string; height: number } {
  const error = report.result.error;
  if (!error) return { svg: '', height: 0 };
  const lines = wrap(`✕ ${error.message}`, NOTE_CHARS);
  if (!report.ladder.length) lines.push('(no TLS message was exchanged)');
  const mid = (CLIENT_X + SERVER_X) / 2;
  const texts = lines.map((line, i) => `<text${attrs({ x: mid, y: y + i * NOTE_LINE })}>${escapeHtml(line)}</text>`);
  return { svg: `<g class="note"${attrs({ 'data-status': report.result.status })}>${texts.join('')}</g>`, height: lines.length * NOTE_LINE + 12 };
}

function legend(y: number): string {
  const items: Array<[keyof typeof COLORS, string]> = [
    ['plaintext', 'plaintext'],
    ['early', '(…) 0-RTT keys'],
    ['handshake', '{…} handshake keys'],
    ['application', '[…] application keys'],
  ];
  const step = (WIDTH - 40) / items.length;
  const parts = items.map(([p, text], i) => {
    const x = 20 + i * step;
    return (
      `<g class="key prot-${p}"><line${attrs({ x1: x, y1: y, x2: x + 36, y2: y })}/></g>` +
      `<text${attrs({ x: x + 44, y: y + 4 })}>${escapeHtml(text)}</text>`
    );
  });
  return `<g class="legend">${parts.join('')}</g>`;
}

/** The whole diagram, sized to its content; the page may scale it down. */
export function renderDiagram(report: Pick<ConnectReport, 'ladder' | 'result' | 'target'>): string {
  const rows = report.ladder.map((e, i) => arrow(e, FIRST_ROW + i * ROW));
  const afterRows = FIRST_ROW + report.ladder.length * ROW;
  const stop = note(report, afterRows - ROW / 2 + 16);
  const bottom = afterRows - ROW / 2 + stop.height + 8;
  const height = bottom + 44;
  const lifeline = (x: number) => `<line class="lifeline"${attrs({ x1: x, y1: BOX.top + BOX.height, x2: x, y2: bottom })}/>`;
  const server = `server ${report.target.host}:${report.target.port}`;
  const description = `${report.ladder.length} TLS message(s) between the client and ${server}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="ladder-title" class="ladder"${attrs({
      viewBox: `0 0 ${WIDTH} ${height}`,
      width: WIDTH,
      height,
      'data-messages': report.ladder.length,
    })}>`,
    `<title id="ladder-title">${escapeHtml(description)}</title>`,
    `<style>${STYLE}</style>`,
    actor('client', CLIENT_X),
    actor('server', SERVER_X),
    lifeline(CLIENT_X),
    lifeline(SERVER_X),
    `<text class="column"${attrs({ x: CLIENT_X - 16, y: FIRST_ROW - 32, 'text-anchor': 'end' })}>ms</text>`,
    `<text class="column"${attrs({ x: SERVER_X + 16, y: FIRST_ROW - 32 })}>bytes</text>`,
    ...rows,
    stop.svg,
    legend(height - 20),
    '</svg>',
  ].join('\n');
}
