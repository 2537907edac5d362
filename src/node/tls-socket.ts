// A node:tls-compatible socket: a Duplex that runs a sans-IO Connection over any byte stream
// (usually a net.Socket). Mirrors tls.TLSSocket's surface so http, https-style servers and undici
// can run on top.
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { Connection } from '../connection.js';
import type { ConnectionEvent, HandshakeInfo } from '../events.js';
import type { ParsedCertificate } from '../crypto/provider.js';
import { groupInfo } from '../crypto/groups.js';
import { tls12Suite } from '../crypto/suites.js';
import { decodeAnyClientSession } from '../client/sessions.js';

// Output up to this size is joined into one write; larger batches of records go out corked.
const SMALL_FLIGHT = 4096;

function totalLength(chunks: readonly Uint8Array[]): number {
  let n = 0;
  for (const c of chunks) n += c.length;
  return n;
}

/** A Buffer over the same bytes (node:tls hands out Buffers). */
const toBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);

// How long a cleanly closed socket waits for the peer's FIN before it is torn down.
const LINGER_MS = 2000;

export interface PeerCertificate {
  [key: string]: unknown;
  issuerCertificate?: PeerCertificate;
}

export class TLSSocket extends Duplex {
  readonly encrypted = true;
  authorized = false;
  authorizationError: Error | null = null;
  /** node:tls: null before the handshake, false when nothing was negotiated. */
  alpnProtocol: string | false | null = null;
  servername: string | false | undefined = undefined;
  /** What the handshake negotiated, once it completes (handshake's own addition). */
  handshakeInfo: HandshakeInfo | undefined;
  /**
   * Server: how many bytes at the start of the readable stream arrived as 0-RTT data (RFC 8446
   * §2.3), which an attacker can replay (RFC 8446 §8). They are also emitted as 'earlyData'.
   */
  earlyDataBytes = 0;

  private conn: Connection | undefined;
  private pendingInput: Buffer[] = [];
  private pendingInputBytes = 0;
  private readonly isServer: boolean;
  private sawEnd = false;
  /** Client: the session offered for resumption (connect's `session`). */
  private readonly offeredSession: Uint8Array | undefined;
  /** Client: the latest session of this connection, for getSession(). */
  private session: Uint8Array | undefined;

  constructor(
    readonly socket: Duplex,
    options: { isServer: boolean; connection?: Connection; session?: Uint8Array },
  ) {
    // 64 KiB, as Node 22 sockets: a 16 KiB record per write would otherwise wait for 'drain' each time.
    super({ allowHalfOpen: false, writableHighWaterMark: 64 * 1024 });
    this.isServer = options.isServer;
    this.offeredSession = options.session;
    socket.on('data', (chunk: Buffer) => this.onSocketData(chunk));
    socket.on('end', () => this.onSocketEnd());
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => {
      if (!this.destroyed) this.destroy();
    });
    socket.on('drain', () => this.emit('socketDrain'));
    socket.on('timeout', () => this.emit('timeout'));
    if (options.connection) this.attach(options.connection);
  }

  /** Starts the TLS connection; input that arrived before it is replayed. */
  attach(conn: Connection): void {
    this.conn = conn;
    // The ClientHello's trace and timing events go out now, not when the server first answers.
    this.handleEvents(conn.takeEvents());
    this.pump();
    const pending = this.pendingInput;
    this.pendingInput = [];
    this.pendingInputBytes = 0;
    for (const chunk of pending) this.onSocketData(chunk);
    if (this.sawEnd) this.onSocketEnd();
    this.emit('attached');
  }

  /** Bytes received before attach() (the server peeks at the ClientHello for async SNI). */
  get bufferedInput(): Buffer {
    return Buffer.concat(this.pendingInput);
  }

  get connection(): Connection | undefined {
    return this.conn;
  }

  private onSocketData(chunk: Buffer): void {
    if (this.destroyed) return;
    const conn = this.conn;
    if (!conn) {
      this.pendingInput.push(chunk);
      this.pendingInputBytes += chunk.length;
      this.emit('preAttachData', this.pendingInputBytes);
      return;
    }
    conn.receive(chunk);
    this.handleEvents(conn.takeEvents());
    this.pump();
  }

  private onSocketEnd(): void {
    this.sawEnd = true;
    const conn = this.conn;
    if (!conn) return;
    if (conn.peerClosed || this.destroyed) return;
    if (!conn.handshakeComplete) {
      const err = Object.assign(new Error('Client network socket disconnected before secure TLS connection was established'), {
        code: 'ECONNRESET',
      });
      this.destroy(err);
      return;
    }
    // The peer closed TCP without close_notify: end the readable side as node:tls does.
    this.push(null);
  }

  private handleEvents(events: ConnectionEvent[]): void {
    for (const event of events) {
      switch (event.type) {
        case 'data':
          if (!this.push(Buffer.from(event.data.buffer, event.data.byteOffset, event.data.length))) this.socket.pause();
          break;
        case 'early-data':
          this.earlyDataBytes += event.data.length;
          this.emit('earlyData', toBuffer(event.data));
          if (!this.push(Buffer.from(event.data.buffer, event.data.byteOffset, event.data.length))) this.socket.pause();
          break;
        case 'handshake-complete':
          this.onSecure(event.info);
          break;
        case 'peer-authenticated':
          if (this.handshakeInfo) this.handshakeInfo = { ...this.handshakeInfo, ...event.peer };
          this.authorized = event.peer.authorized;
          this.authorizationError = event.peer.authorizationError ?? null;
          this.emit('clientCertificate', this.getPeerCertificate());
          break;
        case 'peer-closed':
          this.push(null);
          break;
        case 'failed':
          // Let the alert reach the peer before the socket goes: write it, FIN, then linger.
          this.pump();
          if (!this.socket.destroyed) this.socket.end();
          this.destroy(event.error);
          return;
        case 'keylog':
          this.emit('keylog', Buffer.from(`${event.line}\n`));
          break;
        case 'trace':
          this.emit('trace', event.event);
          break;
        case 'timing':
          this.emit('timing', event.phase, event.ms);
          break;
        case 'key-update':
          this.emit('keyUpdate', event.direction);
          break;
        case 'session':
          this.session = event.session;
          this.emit('session', toBuffer(event.session));
          break;
      }
    }
  }

  private onSecure(info: HandshakeInfo): void {
    this.handshakeInfo = info;
    this.alpnProtocol = info.alpnProtocol;
    this.servername = info.serverName ?? false;
    this.authorized = info.authorized;
    this.authorizationError = info.authorizationError ?? null;
    // A resumed session is this connection's session too, until the server renews its ticket.
    if (!this.isServer && info.resumed) this.session ??= this.offeredSession;
    if (this.isServer) this.emit('secure');
    else this.emit('secureConnect');
  }

  /** Sends whatever the connection produced; returns false when the socket wants us to wait. */
  private pump(): boolean {
    const conn = this.conn;
    if (!conn) return true;
    const out = conn.takeOutput();
    if (!out.length || this.socket.destroyed) return true;
    let ok = true;
    let total: number;
    if (out.length === 1) ok = this.socket.write(out[0]!);
    else if ((total = totalLength(out)) <= SMALL_FLIGHT) {
      // A handshake flight is a few small records: one copy is cheaper than a writev, and
      // Buffer.concat takes it from Node's pool rather than a backing store of its own.
      ok = this.socket.write(Buffer.concat(out, total));
    } else {
      this.socket.cork();
      for (const chunk of out) ok = this.socket.write(chunk);
      this.socket.uncork();
    }
    return ok;
  }

  override _read(): void {
    if (this.socket.isPaused()) this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const conn = this.conn;
    if (!conn) {
      this.once('attached', () => this._write(chunk, _encoding, callback));
      return;
    }
    try {
      conn.write(chunk);
    } catch (err) {
      callback(err as Error);
      return;
    }
    this.handleEvents(conn.takeEvents());
    if (this.pump()) callback();
    else this.socket.once('drain', () => callback());
  }

  /**
   * end(data), as in `res.end(body)`: the last records, close_notify and the FIN leave in one
   * writev instead of one syscall each. Writable.end runs _write and then _final synchronously
   * when nothing is queued, so corking across the call covers both.
   */
  override end(cb?: () => void): this;
  override end(chunk: unknown, cb?: () => void): this;
  override end(chunk: unknown, encoding?: BufferEncoding, cb?: () => void): this;
  override end(...args: unknown[]): this {
    const socket = this.socket;
    const cork = !socket.writableCorked && !socket.destroyed && this.conn !== undefined;
    if (cork) socket.cork();
    try {
      (super.end as (...a: unknown[]) => this)(...args);
    } finally {
      if (cork && socket.writableCorked) socket.uncork();
    }
    return this;
  }

  override _final(callback: (error?: Error | null) => void): void {
    const conn = this.conn;
    if (conn && !conn.error) {
      conn.close();
      this.pump();
    }
    this.socket.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.conn && !this.conn.error) this.pump();
    const socket = this.socket;
    if (socket.writableEnded && !socket.destroyed) {
      // Our side is finished (close_notify or a fatal alert, then FIN): keep reading until the
      // peer's FIN, or its late records draw an RST that can swallow what we sent.
      socket.resume();
      const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
      socket.once('close', () => clearTimeout(timer));
    } else socket.destroy();
    callback(error);
  }

  /**
   * Server, TLS 1.3 (handshake's own addition; node:tls has none): asks the client for its
   * certificate now (RFC 8446 §4.6.2 post-handshake authentication). The answer updates
   * `authorized`, `authorizationError` and getPeerCertificate(), then 'clientCertificate' is
   * emitted; a certificate that fails validation with rejectUnauthorized is an 'error'. Throws
   * when the client did not offer post_handshake_auth, the server has neither requestCert nor
   * postHandshakeAuth, or a request is in progress.
   */
  requestClientCertificate(): void {
    const conn = this.conn;
    if (!conn) throw new Error('the TLS connection has not started');
    conn.requestClientCertificate();
    this.handleEvents(conn.takeEvents());
    this.pump();
  }

  // --- node:tls TLSSocket methods ------------------------------------------------------------

  getProtocol(): string | null {
    return this.handshakeInfo?.version ?? null;
  }

  /**
   * As node:tls: `name` is OpenSSL's name (TLS 1.3 suites share the IANA one), `standardName` the
   * IANA one, `version` the oldest protocol the suite exists in (SSLv3 or TLSv1.0 for the SHA-1 CBC
   * suites); getProtocol() gives the negotiated version.
   */
  getCipher(): { name: string; standardName: string; version: string } | undefined {
    const info = this.handshakeInfo;
    if (!info) return undefined;
    if (info.version === 'TLSv1.3') return { name: info.cipherSuiteName, standardName: info.cipherSuiteName, version: info.version };
    const suite = tls12Suite(info.cipherSuite);
    const sha1Cbc = suite?.cipher.kind === 'cbc' && suite.cipher.mac === 'sha1';
    // OpenSSL's table: the RSA and DHE SHA-1 CBC suites date from SSLv3, the ECDHE ones (RFC 4492) from TLS 1.0.
    const version = !sha1Cbc ? 'TLSv1.2' : suite.keyExchange === 'ECDHE' ? 'TLSv1.0' : 'SSLv3';
    return { name: suite?.opensslName ?? info.cipherSuiteName, standardName: info.cipherSuiteName, version };
  }

  /** node:tls: the client's view of the server's ephemeral key; {} with RSA key exchange. */
  getEphemeralKeyInfo(): { type: string; name?: string; size: number } | Record<string, never> | null {
    const info = this.handshakeInfo;
    if (this.isServer) return null;
    if (!info) return {};
    // A DH prime outside RFC 7919 has no NamedGroup; the handshake names it by size (dh2048).
    const dh = /^dh(\d+)$/.exec(info.groupName);
    if (info.group === 0 && dh) return { type: 'DH', size: Number(dh[1]) };
    if (info.group === 0) return {};
    const g = groupInfo(info.group);
    if (g?.kind === 'ffdhe') return { type: 'DH', size: Number(g.name.slice('ffdhe'.length)) };
    const size = info.groupName === 'x25519' ? 253 : info.groupName === 'secp384r1' ? 384 : 256;
    return { type: 'ECDH', name: g?.nodeName ?? info.groupName, size };
  }

  getPeerCertificate(detailed = false): PeerCertificate {
    const info = this.handshakeInfo;
    if (!info || !info.peerCertificates.length) return {};
    const chain: ParsedCertificate[] = info.verifiedChain.length ? info.verifiedChain : info.peerCertificates;
    const objects = chain.map((c) => ({ ...(c.raw as PeerCertificate) }));
    if (!detailed) return objects[0]!;
    for (let i = 0; i < objects.length; i++) objects[i]!.issuerCertificate = objects[i + 1] ?? objects[i]!;
    return objects[0]!;
  }

  getPeerX509Certificate(): ParsedCertificate | undefined {
    return this.handshakeInfo?.peerCertificates[0];
  }

  /**
   * 0-RTT (handshake's own addition): 'accepted' when the server read the client's early data,
   * 'rejected' when it did not (a client then sent it after the handshake), 'none' when none was
   * offered or the handshake has not settled it yet.
   */
  get earlyDataStatus(): 'accepted' | 'rejected' | 'none' {
    return this.handshakeInfo?.earlyData ?? (this.earlyDataBytes > 0 ? 'accepted' : 'none');
  }

  /** node:tls: whether the handshake resumed an earlier session (TLS 1.2 session ID or ticket). */
  isSessionReused(): boolean {
    return this.handshakeInfo?.resumed === true;
  }

  /**
   * node:tls: the session to pass as connect's `session` option next time (the last 'session'
   * event, or the session this connection resumed); undefined when there is none.
   */
  getSession(): Buffer | undefined {
    return this.session ? toBuffer(this.session) : undefined;
  }

  /** node:tls: the client's RFC 5077 session ticket, if the session has one; undefined on a server. */
  getTLSTicket(): Buffer | undefined {
    if (this.isServer || !this.session) return undefined;
    const ticket = decodeAnyClientSession(this.session).ticket;
    return ticket ? toBuffer(ticket) : undefined;
  }

  renegotiate(): boolean {
    // RFC 5746 made renegotiation safe, but it stays a source of bugs; TLS 1.3 removed it. Refused.
    throw new Error('renegotiation is not supported');
  }

  /** node:tls exportKeyingMaterial(length, label[, context]): RFC 5705 / RFC 8446 §7.5 keying material. */
  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Buffer {
    if (!this.conn) throw new Error('TLS socket not connected');
    const out = this.conn.exportKeyingMaterial(length, label, context);
    return Buffer.from(out.buffer, out.byteOffset, out.length);
  }

  /** RFC 8446 §4.6.3: update our traffic keys (and ask the peer to, when requested). */
  updateKeys(requestPeer = false): void {
    this.conn?.updateKeys(requestPeer);
    if (this.conn) this.handleEvents(this.conn.takeEvents());
    this.pump();
  }

  // --- net.Socket surface http and undici use -------------------------------------------------

  get remoteAddress(): string | undefined {
    return (this.socket as Socket).remoteAddress;
  }
  get remotePort(): number | undefined {
    return (this.socket as Socket).remotePort;
  }
  get remoteFamily(): string | undefined {
    return (this.socket as Socket).remoteFamily;
  }
  get localAddress(): string | undefined {
    return (this.socket as Socket).localAddress;
  }
  get localPort(): number | undefined {
    return (this.socket as Socket).localPort;
  }
  get connecting(): boolean {
    return Boolean((this.socket as Socket).connecting);
  }
  get bytesWritten(): number | undefined {
    return (this.socket as Socket).bytesWritten;
  }
  address(): ReturnType<Socket['address']> | {} {
    return typeof (this.socket as Socket).address === 'function' ? (this.socket as Socket).address() : {};
  }
  setTimeout(ms: number, callback?: () => void): this {
    (this.socket as Socket).setTimeout?.(ms);
    if (callback) this.once('timeout', callback);
    return this;
  }
  setNoDelay(noDelay?: boolean): this {
    (this.socket as Socket).setNoDelay?.(noDelay);
    return this;
  }
  setKeepAlive(enable?: boolean, delay?: number): this {
    (this.socket as Socket).setKeepAlive?.(enable, delay);
    return this;
  }
  ref(): this {
    (this.socket as Socket).ref?.();
    return this;
  }
  unref(): this {
    (this.socket as Socket).unref?.();
    return this;
  }
  /** net.Socket#destroySoon: end, then destroy once everything is written. */
  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once('finish', () => this.destroy());
  }
}
