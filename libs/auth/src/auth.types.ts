import type { Role } from './core/roles.js';

/** Who made a request: a user (by token), an API key, or nobody (anonymous read). */
export interface Principal {
  kind: 'user' | 'api_key' | 'anonymous';
  /** user id or key id; empty for anonymous */
  id: string;
  name: string;
  role: Role;
}
