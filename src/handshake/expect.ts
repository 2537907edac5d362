import { unexpectedMessage } from '../errors.js';
import type { HandshakeKind, HandshakeMessage, MessageOf } from '../wire/types.js';
import { messageName } from '../trace.js';

/** DESIGN §3.2: check the message type first; anything else is unexpected_message. */
export function expect<K extends HandshakeKind>(msg: HandshakeMessage, kind: K, state: string): MessageOf<K> {
  if (msg.type !== kind) throw unexpectedMessage(`received ${messageName(msg.type)} while waiting for ${messageName(kind)} (${state})`);
  return msg as MessageOf<K>;
}
