import { type Socket, connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { Connection } from '../connection.js';
import { nodeProvider } from '../crypto/node.js';
import { type CommonOptions, clientConfigFrom } from './options.js';
import { TLSSocket } from './tls-socket.js';

export interface ConnectOptions extends CommonOptions {
  host?: string;
  port?: number;
  /** SNI and the name the certificate must match (node:tls semantics; '' sends no SNI). */
  servername?: string;
  /** Run TLS over an existing stream instead of opening a TCP connection. */
  socket?: Duplex;
  timeout?: number;
  /** 'handshake' (default) or 'all' to trace every application-data record too. */
  trace?: 'off' | 'handshake' | 'all';
  /** Trace events carry the bytes of each handshake message, alert and ChangeCipherSpec (for hexdumps). */
  traceBytes?: boolean;
  /**
   * node:tls: a session from an earlier connection's 'session' event or getSession(), to resume
   * (TLS 1.2). Offered only to the same servername; anything but such a session throws here.
   */
  session?: Buffer | Uint8Array;
  /**
   * 0-RTT (RFC 8446 §2.3; no node:tls equivalent): bytes sent with the ClientHello when `session`
   * is a TLS 1.3 ticket that allows early data, else, or when the server rejects them, right after
   * the handshake. `earlyDataStatus` tells which happened. Early data can be replayed by an
   * attacker: send only requests that are safe to repeat (RFC 8470).
   */
  earlyData?: Buffer | Uint8Array;
  /**
   * Offer TLS 1.3 post-handshake authentication (RFC 8446 §4.6.2, OpenSSL's -enable_pha): the
   * server may ask for `cert`/`key` after the handshake. Default false.
   */
  postHandshakeAuth?: boolean;
}

/**
 * Like tls.connect(): opens a TCP connection (or uses `socket`) and runs a TLS 1.3 client over it.
 * `callback` is added as a 'secureConnect' listener.
 */
export function connect(options: ConnectOptions, callback?: () => void): TLSSocket;
export function connect(port: number, host?: string, options?: ConnectOptions, callback?: () => void): TLSSocket;
export function connect(
  a: ConnectOptions | number,
  b?: string | (() => void),
  c?: ConnectOptions,
  d?: () => void,
): TLSSocket {
  let options: ConnectOptions;
  let callback: (() => void) | undefined;
  if (typeof a === 'number') {
    options = { ...c, port: a, ...(typeof b === 'string' ? { host: b } : {}) };
    callback = d;
  } else {
    options = a;
    callback = typeof b === 'function' ? b : undefined;
  }
  const provider = options.provider ?? nodeProvider;
  const host = options.host ?? 'localhost';
  const config = clientConfigFrom({ ...options, host }, provider);
  // The Connection first: a configuration error (a malformed `session`, say) throws before any
  // socket is opened.
  let wantsKeylog = (): boolean => false;
  const conn = Connection.client(config, {
    provider,
    trace: options.trace ?? 'handshake',
    keylog: () => wantsKeylog(),
    ...(options.traceBytes ? { traceBytes: true } : {}),
  });

  const socket: Duplex = options.socket ?? netConnect({ host, port: options.port ?? 443 });
  if (options.timeout) (socket as Socket).setTimeout?.(options.timeout);
  const tls = new TLSSocket(socket, { isServer: false, ...(options.session ? { session: options.session } : {}) });
  wantsKeylog = () => tls.listenerCount('keylog') > 0;
  if (callback) tls.once('secureConnect', callback);
  // Listeners for 'keylog'/'trace' are added after connect() returns: start on the next tick so
  // they see the ClientHello's events too.
  process.nextTick(() => tls.attach(conn));
  return tls;
}
