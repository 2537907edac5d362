// Every client state, TLS 1.3 (tls13.ts) and TLS 1.2 (tls12.ts), and the one entry the Connection
// calls: each message goes to the state machine of the version its state belongs to.
import { unexpectedMessage } from '../errors.js';
import type { HandshakeContext, Tls12Input } from '../handshake/context.js';
import type { ResolvedClientConfig } from './config.js';
import { type Tls12ClientState, handleTls12ClientMessage } from './tls12.js';
import { type Tls13ClientState, handleClientMessage as handleTls13ClientMessage } from './tls13.js';

export type ClientState = Tls13ClientState | Tls12ClientState;

const isTls12 = (state: ClientState): state is Tls12ClientState => 'version' in state && state.version === 'tls12';

export function handleClientInput(
  state: ClientState,
  msg: Tls12Input,
  raw: Uint8Array,
  ctx: HandshakeContext,
  config: ResolvedClientConfig,
): ClientState {
  if (isTls12(state)) return handleTls12ClientMessage(state, msg, raw, ctx, config);
  // The Connection drops TLS 1.3 compatibility CCS records itself (RFC 8446 §5).
  if (msg.type === 'change_cipher_spec') throw unexpectedMessage('change_cipher_spec in TLS 1.3');
  return handleTls13ClientMessage(state, msg, raw, ctx, config);
}
