// Draws a handshake as the RFC 8446 §2 ladder, from one side's trace events.
// {Message} = protected with handshake keys, [Message] = application keys, as the RFC writes them.
import pc from 'picocolors';
import type { TraceEvent } from '../trace.js';

const WIDTH = 78;

function label(e: TraceEvent): string {
  if (e.protection === 'handshake') return `{${e.name}}`;
  if (e.protection === 'application') return `[${e.name}]`;
  return e.name;
}

/**
 * `events` are from the side named `self` ('client' or 'server'); the client is drawn on the left.
 * Times are relative to the first event.
 */
export function renderLadder(events: readonly TraceEvent[], self: 'client' | 'server', color = true): string {
  const c = color ? pc : { dim: (s: string) => s, bold: (s: string) => s, cyan: (s: string) => s, yellow: (s: string) => s };
  const start = events[0]?.time ?? 0;
  const lines: string[] = [];
  lines.push(c.bold(`${'Client'.padEnd(WIDTH - 6)}Server`));
  for (const e of events) {
    const rightward = (e.direction === 'sent') === (self === 'client');
    const name = label(e);
    const meta = `${e.size} B, +${(e.time - start).toFixed(1)} ms`;
    const arrowLen = Math.max(4, WIDTH - name.length - 4);
    const arrow = rightward ? `${'─'.repeat(arrowLen)}▶` : `◀${'─'.repeat(arrowLen)}`;
    lines.push(rightward ? `${c.cyan(name)}  ${c.dim(arrow)}` : `${c.dim(arrow)}  ${c.yellow(name)}`);
    const detail = e.detail ? `${e.detail}  (${meta})` : `(${meta})`;
    lines.push(rightward ? `  ${c.dim(detail)}` : c.dim(detail.padStart(WIDTH)));
  }
  return lines.join('\n');
}
