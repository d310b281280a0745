import { roleSatisfies, type CredentialsService, type Principal, type Role } from '@rtpm/auth';

export type AccessDecision =
  { allowed: true; principal: Principal } | { allowed: false; status: 401 | 403; reason: string };

const ANONYMOUS: Principal = { kind: 'anonymous', id: '', name: 'anonymous', role: 'reader' };

// Who may do what, for HTTP routes and realtime connections alike. A credential that is present but bad is a 401
// even where anonymous reads are allowed: a client that meant to authenticate should learn that it failed.
export async function decideAccess(
  credentials: CredentialsService,
  anonymousRead: boolean,
  credential: string | null,
  required: Role,
): Promise<AccessDecision> {
  let principal: Principal | null = null;
  if (credential) {
    principal = await credentials.authenticate(credential);
    if (!principal) return { allowed: false, status: 401, reason: 'invalid or expired credentials' };
  } else if (anonymousRead && required === 'reader') {
    principal = ANONYMOUS;
  } else {
    return { allowed: false, status: 401, reason: 'authentication required' };
  }
  if (!roleSatisfies(principal.role, required)) {
    return { allowed: false, status: 403, reason: `the ${required} role is required` };
  }
  return { allowed: true, principal };
}
