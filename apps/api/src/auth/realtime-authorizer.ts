import type { CredentialsService } from '@rtpm/auth';
import type { AppConfig } from '@rtpm/config';
import type { ConnectionAttempt, ConnectionAuthorizer } from '@rtpm/realtime';
import { decideAccess } from './access.js';
import { extractCredential } from './credential-extractor.js';

const HOW = 'send a token or API key as Socket.IO auth.token, an Authorization or X-API-Key header, or ?token=';

// Realtime clients subscribe to metrics and alerts: they need the reader role, as the HTTP read routes do.
export function realtimeAuthorizer(credentials: CredentialsService, config: AppConfig): ConnectionAuthorizer {
  return async (attempt) => {
    // A credential of the wrong type is refused, not taken for no credential (which anonymous reading would admit).
    const token = attempt.auth?.token;
    if (token != null && typeof token !== 'string')
      return { allowed: false, reason: `auth.token must be a string: ${HOW}` };
    const decision = await decideAccess(credentials, config.auth.anonymousRead, credentialOf(attempt), 'reader');
    if (decision.allowed) return { allowed: true };
    return { allowed: false, reason: decision.status === 401 ? `${decision.reason}: ${HOW}` : decision.reason };
  };
}

// Socket.IO's handshake auth first, then the headers non-browser clients set, then ?token= (a browser's
// WebSocket cannot set headers).
function credentialOf(attempt: ConnectionAttempt): string | null {
  const token = attempt.auth?.token;
  if (typeof token === 'string' && token.trim()) return token.trim().replace(/^bearer\s+/i, '');
  const fromHeaders = extractCredential(attempt.headers);
  if (fromHeaders) return fromHeaders;
  const fromQuery = new URL(attempt.url, 'http://localhost').searchParams.get('token')?.trim();
  return fromQuery || null;
}
