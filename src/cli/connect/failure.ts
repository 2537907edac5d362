// What went wrong, as one line for stderr and an exit code:
// 0 ok, 1 verification failed, 2 handshake failed, 3 connection failed, 64 usage error.
import { escapeControls } from '../../display.js';
import { TLSError } from '../../errors.js';
import { isCertErrorCode } from '../../pki/errors.js';
import { AlertDescription } from '../../wire/codes.js';
import type { ConnectPlan } from './options.js';

export const EXIT = { ok: 0, verification: 1, handshake: 2, connection: 3, usage: 64 } as const;

export type FailureKind = 'verification' | 'handshake' | 'connection' | 'usage';

export interface Failure {
  kind: FailureKind;
  exitCode: number;
  /** The one line for stderr, prefix included ("handshake failed: …"). */
  message: string;
  /** node:tls-style or errno code: CERT_HAS_EXPIRED, ERR_TLS_HANDSHAKE_FAILURE, ECONNREFUSED, … */
  code?: string;
  /** The TLS alert sent or received. */
  alert?: string;
  /** The alert came from the server. */
  fromPeer?: boolean;
}

const PREFIX: Record<FailureKind, string> = {
  verification: 'verification failed',
  handshake: 'handshake failed',
  connection: 'connection failed',
  usage: 'usage error',
};

function failure(kind: FailureKind, text: string, extra: Omit<Failure, 'kind' | 'exitCode' | 'message'> = {}): Failure {
  // Reasons quote the peer (certificate names, its alert text): safe to print (display.ts).
  return { kind, exitCode: EXIT[kind], message: `${PREFIX[kind]}: ${escapeControls(text)}`, ...extra };
}

export const usageFailure = (message: string): Failure => failure('usage', message);

const ERRNO_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'DNS lookup found no such host',
  EAI_AGAIN: 'DNS lookup failed (temporary failure)',
  EADDRNOTAVAIL: 'address not available',
  EPIPE: 'connection closed by the server',
};

/** errno code of a net error; Node 20's happy eyeballs reports every attempt in an AggregateError. */
function errnoCode(err: Error): string | undefined {
  const code = (err as NodeJS.ErrnoException).code;
  if (code) return code;
  const first = (err as { errors?: unknown[] }).errors?.[0];
  return first instanceof Error ? errnoCode(first) : undefined;
}

/** TCP (or DNS) did not give us a connection. */
export function connectionFailure(err: Error, plan: Pick<ConnectPlan, 'host' | 'port'>): Failure {
  const code = errnoCode(err);
  const words = (code && ERRNO_WORDS[code]) ?? err.message;
  return failure('connection', `${plan.host}:${plan.port}: ${words}${code ? ` (${code})` : ''}`, code ? { code } : {});
}

export function timeoutFailure(stage: 'TCP connect' | 'TLS handshake', ms: number, plan: Pick<ConnectPlan, 'host' | 'port'>): Failure {
  return failure('connection', `${plan.host}:${plan.port}: no ${stage} within ${ms} ms`, { code: 'ETIMEDOUT' });
}

/** How far the handshake got, as the ladder shows it. */
export interface Progress {
  sawServerHello: boolean;
  /** The server asked for a client certificate: its verdict on it may come after our Finished (TLS 1.3). */
  sawCertificateRequest: boolean;
  handshakeDone: boolean;
}

/** What usually makes a server send this alert during the handshake, to name the likely cause. */
function peerAlertHint(alert: AlertDescription, plan: ConnectPlan, progress: Progress): string | undefined {
  switch (alert) {
    case AlertDescription.handshake_failure:
      if (progress.sawServerHello) return progress.sawCertificateRequest && !plan.tls.cert ? 'the server wants a client certificate: --cert and --key' : undefined;
      // Refused at the ClientHello: nothing in common. Name what the user narrowed down.
      if (plan.tls.ciphers && !plan.tls.ecdhCurve && !plan.tls.sigalgs) return 'no shared cipher suite';
      if (plan.tls.ecdhCurve && !plan.tls.ciphers && !plan.tls.sigalgs) return 'no shared key exchange group';
      if (plan.tls.sigalgs && !plan.tls.ciphers && !plan.tls.ecdhCurve) return 'no shared signature algorithm';
      return 'no shared cipher suite, group or signature algorithm';
    case AlertDescription.protocol_version:
      return 'no shared protocol version';
    case AlertDescription.no_application_protocol:
      return 'no shared ALPN protocol';
    case AlertDescription.certificate_required:
      return 'the server requires a client certificate: --cert and --key';
    case AlertDescription.unrecognized_name:
      return `the server does not serve ${plan.servername}`;
    case AlertDescription.bad_certificate:
    case AlertDescription.unsupported_certificate:
    case AlertDescription.certificate_expired:
    case AlertDescription.certificate_revoked:
    case AlertDescription.certificate_unknown:
    case AlertDescription.unknown_ca:
      if (!progress.sawCertificateRequest) return undefined;
      return plan.tls.cert ? 'the server refused our client certificate' : 'the server wants a client certificate: --cert and --key';
    case AlertDescription.decrypt_error:
      return 'the server could not verify our signature or Finished';
    case AlertDescription.insufficient_security:
      return 'the server wants stronger parameters than we offered';
    case AlertDescription.internal_error:
      return 'a problem on the server side';
    default:
      return undefined;
  }
}

const CERT_HINTS: Partial<Record<string, string>> = {
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: '--ca FILE trusts its issuer, --insecure goes on anyway',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server may not send its intermediate; --ca FILE, or --insecure',
  DEPTH_ZERO_SELF_SIGNED_CERT: '--ca FILE trusts it, --insecure goes on anyway',
  SELF_SIGNED_CERT_IN_CHAIN: '--ca FILE trusts its root, --insecure goes on anyway',
  ERR_TLS_CERT_ALTNAME_INVALID: '--servername NAME checks another name, --insecure goes on anyway',
};

/** Our verification of the server's certificate failed (refused, or accepted with --insecure). */
export function verificationFailure(err: TLSError, insecure: boolean): Failure {
  const hint = insecure ? 'continued because of --insecure' : CERT_HINTS[err.code];
  return failure('verification', `${err.message} (${err.code})${hint ? `; ${hint}` : ''}`, {
    code: err.code,
    alert: err.alertName,
    fromPeer: false,
  });
}

/**
 * An error from the TLS socket. `handshakeDone` tells a failure of the handshake from one of the
 * connection afterwards (both exit 2 when it is TLS; a reset after the handshake is no failure).
 */
export function tlsFailure(err: Error, plan: ConnectPlan, progress: Progress): Failure {
  // RFC 8446 §4.4.2.4: a TLS 1.3 server judges our certificate after our Finished, when our side
  // of the handshake is over; its alert is still the handshake failing.
  const clientAuthVerdict = progress.handshakeDone && progress.sawCertificateRequest && err instanceof TLSError && err.fromPeer;
  const when = !progress.handshakeDone ? '' : clientAuthVerdict ? ' after our Finished' : ' after the handshake';
  if (err instanceof TLSError) {
    if (!err.fromPeer && isCertErrorCode(err.code) && !progress.handshakeDone) return verificationFailure(err, false);
    const extra = { code: err.code, alert: err.alertName, fromPeer: err.fromPeer };
    if (err.fromPeer) {
      const hint = progress.handshakeDone && !clientAuthVerdict ? undefined : peerAlertHint(err.alert, plan, progress);
      return failure('handshake', `server sent alert ${err.alertName}${when}${hint ? ` (${hint})` : ''}`, extra);
    }
    return failure('handshake', `${err.message}${when} (we sent alert ${err.alertName})`, extra);
  }
  const code = errnoCode(err);
  if (!progress.handshakeDone) {
    const stage = progress.sawServerHello ? 'during the handshake' : 'after our ClientHello';
    return failure('handshake', `the server closed the connection ${stage}, without an alert${code ? ` (${code})` : ''}`, code ? { code } : {});
  }
  return failure('connection', `${(code && ERRNO_WORDS[code]) ?? err.message}${when}${code ? ` (${code})` : ''}`, code ? { code } : {});
}
