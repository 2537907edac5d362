// Draws a handshake as the RFC 8446 §2 ladder, one line per message, from one side's trace events.
// RFC 8446 §2 notation: {Message} protected with handshake keys, [Message] with application keys,
// (Message) with early (0-RTT) keys (§2.3).
import pc from 'picocolors';
import { escapeControls } from '../display.js';
import type { TraceEvent } from '../trace.js';

/** What a ladder line needs: a TraceEvent, or a report's copy of one. */
export type LadderEvent = Pick<TraceEvent, 'direction' | 'name' | 'size' | 'time' | 'protection'> & { detail?: string | undefined };

/** Columns between the time and the size: wide enough for "{EncryptedExtensions}" and an arrow. */
const SPAN = 48;
const TIME_WIDTH = 9;
const SIZE_WIDTH = 8;

export function ladderLabel(e: Pick<LadderEvent, 'name' | 'protection'>): string {
  if (e.protection === 'handshake') return `{${e.name}}`;
  if (e.protection === 'application') return `[${e.name}]`;
  if (e.protection === 'early') return `(${e.name})`;
  return e.name;
}

const plain = { dim: (s: string) => s, bold: (s: string) => s, cyan: (s: string) => s, yellow: (s: string) => s };

/**
 * `events` are from the side named `self` ('client' or 'server'); the client is drawn on the left.
 * Times are ms since `start` (default: the first event).
 */
export function renderLadder(
  events: readonly LadderEvent[],
  self: 'client' | 'server',
  color = true,
  options: { start?: number } = {},
): string {
  const c = color ? pc : plain;
  const start = options.start ?? events[0]?.time ?? 0;
  const lines = [c.bold(`${'ms'.padStart(TIME_WIDTH - 2)}  ${'Client'.padEnd(SPAN - 6)}Server${'bytes'.padStart(SIZE_WIDTH)}`)];
  for (const e of events) {
    const rightward = (e.direction === 'sent') === (self === 'client');
    const name = ladderLabel(e);
    const shaft = '─'.repeat(Math.max(4, SPAN - name.length - 2));
    const arrow = rightward ? `${c.cyan(name)} ${c.dim(`${shaft}▶`)}` : `${c.dim(`◀${shaft}`)} ${c.yellow(name)}`;
    const pad = ' '.repeat(Math.max(0, SPAN - name.length - shaft.length - 2));
    const time = `+${(e.time - start).toFixed(1)}`.padStart(TIME_WIDTH - 2);
    const size = String(e.size).padStart(SIZE_WIDTH);
    // Details can quote the peer (a certificate's subject): escaped (display.ts).
    lines.push(`${c.dim(time)}  ${arrow}${pad}${size}${e.detail ? `  ${c.dim(escapeControls(e.detail))}` : ''}`);
  }
  return lines.join('\n');
}
