import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Principal } from './auth.types.js';
import type { Role } from './core/roles.js';

export const PUBLIC_KEY = 'rtpm:auth:public';
export const ROLE_KEY = 'rtpm:auth:role';
export const RATE_GROUP_KEY = 'rtpm:auth:rate-group';

/** Open to anyone, without rate limiting (health probes, /metrics, login). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The lowest role a route accepts; routes without it need admin. */
export const Roles = (role: Role) => SetMetadata(ROLE_KEY, role);

/** Counted against RATE_LIMIT_INGEST_PER_MINUTE instead of RATE_LIMIT_PER_MINUTE. */
export const IngestRateLimit = () => SetMetadata(RATE_GROUP_KEY, 'ingest');

export interface AuthenticatedRequest {
  principal?: Principal;
}

export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<AuthenticatedRequest>().principal,
);
