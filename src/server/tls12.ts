// The TLS 1.2 server (RFC 5246 §7.3). Placeholder: the state machine lands with issue 4.
import type { Tls12Input, HandshakeContext } from '../handshake/context.js';
import { unexpectedMessage } from '../errors.js';
import type { ResolvedServerConfig } from './config.js';
import type { ServerState } from './state.js';

export interface Tls12ServerState {
  readonly version: 'tls12';
  readonly kind: string;
}

export function handleTls12ServerMessage(
  state: Tls12ServerState,
  msg: Tls12Input,
  _raw: Uint8Array,
  _ctx: HandshakeContext,
  _config: ResolvedServerConfig,
): ServerState {
  throw unexpectedMessage(`${msg.type} in TLS 1.2 state ${state.kind}`);
}
