// Every server state, TLS 1.3 (tls13.ts) and TLS 1.2 (tls12.ts), and the one entry the Connection
// calls: each message goes to the state machine of the version its state belongs to.
import { unexpectedMessage } from '../errors.js';
import type { HandshakeContext, Tls12Input } from '../handshake/context.js';
import type { ResolvedServerConfig } from './config.js';
import { type Tls12ServerState, handleTls12ServerMessage } from './tls12.js';
import { type Tls13ServerState, handleServerMessage as handleTls13ServerMessage } from './tls13.js';

export type ServerState = Tls13ServerState | Tls12ServerState;

const isTls12 = (state: ServerState): state is Tls12ServerState => 'version' in state && state.version === 'tls12';

export function handleServerInput(
  state: ServerState,
  msg: Tls12Input,
  raw: Uint8Array,
  ctx: HandshakeContext,
  config: ResolvedServerConfig,
): ServerState {
  if (isTls12(state)) return handleTls12ServerMessage(state, msg, raw, ctx, config);
  // The Connection drops TLS 1.3 compatibility CCS records itself (RFC 8446 §5).
  if (msg.type === 'change_cipher_spec') throw unexpectedMessage('change_cipher_spec in TLS 1.3');
  return handleTls13ServerMessage(state, msg, raw, ctx, config);
}
