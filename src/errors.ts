import { AlertDescription, alertName } from './wire/codes.js';

/**
 * The only error the core lets out. It carries the alert to send (or that was received),
 * and a stable `code` tests and users can match (node:tls-style where one exists).
 */
export class TLSError extends Error {
  readonly alert: AlertDescription;
  readonly code: string;
  /** True when the peer sent this alert; false when we detected the problem. */
  readonly fromPeer: boolean;

  constructor(alert: AlertDescription, message: string, options: { code?: string; fromPeer?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TLSError';
    this.alert = alert;
    this.fromPeer = options.fromPeer ?? false;
    this.code = options.code ?? `ERR_TLS_${alertName(alert).toUpperCase()}`;
  }

  get alertName(): string {
    return alertName(this.alert);
  }
}

export const decodeError = (message: string) => new TLSError(AlertDescription.decode_error, message);
export const unexpectedMessage = (message: string) => new TLSError(AlertDescription.unexpected_message, message);
export const illegalParameter = (message: string) => new TLSError(AlertDescription.illegal_parameter, message);
export const handshakeFailure = (message: string) => new TLSError(AlertDescription.handshake_failure, message);
export const internalError = (message: string, cause?: unknown) => new TLSError(AlertDescription.internal_error, message, { cause });

/** Wraps anything that is not already a TLSError: a bug on our side is internal_error, never a raw throw. */
export function asTLSError(err: unknown): TLSError {
  if (err instanceof TLSError) return err;
  return internalError(err instanceof Error ? err.message : String(err), err);
}
