// What resuming a session (TLS 1.2 session ID or ticket, TLS 1.3 PSK) restores on the server.
import type { CryptoProvider, ParsedCertificate } from '../crypto/provider.js';
import type { HandshakeInfo } from '../events.js';
import { type StoredClient, restoreError } from '../tls12/session.js';
import type { ResolvedServerConfig } from './config.js';

/** The client identity fields of HandshakeInfo. */
export type PeerInfo = Pick<HandshakeInfo, 'peerCertificates' | 'verifiedChain' | 'authorized' | 'authorizationError'>;

/**
 * The client identity a session keeps, if the configuration still accepts it (as Go's
 * checkForResumption): a session made without asking for a certificate does not resume where one
 * is asked for, one with a certificate not where none is, and a required certificate must have
 * validated and not expired since. The chain is not validated again: a change of trusted CAs
 * calls for new ticket keys and an emptied cache (or another sessionIdContext).
 */
export function restorePeer(client: StoredClient, now: number, provider: CryptoProvider, config: ResolvedServerConfig): PeerInfo | string {
  const { clientAuth } = config;
  switch (client.kind) {
    case 'not-requested':
      if (clientAuth) return 'made without client authentication';
      return { peerCertificates: [], verifiedChain: [], authorized: false, authorizationError: undefined };
    case 'absent':
      if (clientAuth?.required) return 'no client certificate';
      return { peerCertificates: [], verifiedChain: [], authorized: false, authorizationError: restoreError(client.error) };
    case 'certificate': {
      if (!clientAuth) return 'client authentication is off';
      if (clientAuth.required && !client.authorized) return 'client certificate not authorized';
      const parse = (der: Uint8Array) => {
        try {
          return provider.parseCertificate(der);
        } catch {
          return undefined;
        }
      };
      // As peerInfo reports a full handshake's: the leaf, then whatever else of the chain parses.
      const [leaf, ...rest] = client.received.map(parse);
      const verifiedChain = client.verified.map(parse);
      if (!leaf || verifiedChain.some((c) => c === undefined)) return 'client certificate does not parse';
      if (now > leaf.notAfter) return 'client certificate expired';
      const peerCertificates = [leaf, ...rest.filter((c) => c !== undefined)];
      const authorizationError = client.error && restoreError(client.error);
      return { peerCertificates, verifiedChain: verifiedChain as ParsedCertificate[], authorized: client.authorized, authorizationError };
    }
  }
}
