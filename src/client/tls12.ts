// The TLS 1.2 client (RFC 5246 §7.3). Placeholder: the state machine lands with issue 4.
import type { Tls12Input, HandshakeContext } from '../handshake/context.js';
import { unexpectedMessage } from '../errors.js';
import type { ResolvedClientConfig } from './config.js';
import type { ClientState } from './state.js';

export interface Tls12ClientState {
  readonly version: 'tls12';
  readonly kind: string;
}

export function handleTls12ClientMessage(
  state: Tls12ClientState,
  msg: Tls12Input,
  _raw: Uint8Array,
  _ctx: HandshakeContext,
  _config: ResolvedClientConfig,
): ClientState {
  throw unexpectedMessage(`${msg.type} in TLS 1.2 state ${state.kind}`);
}
