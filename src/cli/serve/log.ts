// Where `handshake serve` talks: its log (listening, certificates, one line per connection,
// failures, the ladder) goes to stderr; what clients send goes to stdout, so
// `handshake serve > received.txt` keeps the two apart.
import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

export interface Log {
  readonly c: Colors;
  line(text: string): void;
  warn(text: string): void;
}

export function createLog(color: boolean, stream: NodeJS.WritableStream = process.stderr): Log {
  const c = pc.createColors(color);
  return {
    c,
    line: (text) => void stream.write(`${text}\n`),
    warn: (text) => void stream.write(`${c.yellow('warning')}: ${text}\n`),
  };
}
