export type { ApiKeyRow } from './api-keys.repository.js';
export { AuthError, type AuthErrorCode } from './auth.errors.js';
export { AuthModule } from './auth.module.js';
export { AuthService } from './auth.service.js';
export type { Principal } from './auth.types.js';
export { generateApiKey, parseApiKey } from './core/api-key-format.js';
export { isRole, ROLES, roleSatisfies, type Role } from './core/roles.js';
export { CredentialsService } from './credentials.service.js';
export { hashPassword } from './passwords.js';
export { RateLimiter, type RateLimitDecision } from './rate-limiter.js';
export { TokenSigner } from './tokens.js';
export type { UserRow } from './users.repository.js';
export {
  type AuthenticatedRequest,
  CurrentPrincipal,
  IngestRateLimit,
  Public,
  PUBLIC_KEY,
  RATE_GROUP_KEY,
  ROLE_KEY,
  Roles,
} from './auth.decorators.js';
