import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CredentialsService, RateLimiter, roleSatisfies, type Principal, type Role } from '@rtpm/auth';
import { AppConfig } from '@rtpm/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC_KEY, RATE_GROUP_KEY, ROLE_KEY, type AuthenticatedRequest } from '@rtpm/auth';
import { extractCredential } from './credential-extractor.js';

const WINDOW_MS = 60_000;

// Registered as APP_GUARD: every route needs admin unless it says @Public() or @Roles(...). Then the caller
// (principal, or IP when anonymous) is counted against its per-minute budget in Redis.
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly credentials: CredentialsService,
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const required = this.reflector.getAllAndOverride<Role>(ROLE_KEY, targets) ?? 'admin';
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & AuthenticatedRequest>();
    const reply = http.getResponse<FastifyReply>();

    const principal = await this.identify(request, required, reply);
    if (!roleSatisfies(principal.role, required)) {
      throw new ForbiddenException(`this route needs the ${required} role`);
    }
    request.principal = principal;

    const ingest = this.reflector.getAllAndOverride<string>(RATE_GROUP_KEY, targets) === 'ingest';
    const limit = ingest ? this.config.auth.ingestRateLimitPerMinute : this.config.rateLimitPerMinute;
    const who = principal.kind === 'anonymous' ? `ip:${request.ip}` : `${principal.kind}:${principal.id}`;
    const decision = await this.limiter.consume(this.limiter.key(ingest ? 'ingest' : 'api', who), limit, WINDOW_MS);
    void reply.header('RateLimit-Limit', String(decision.limit));
    void reply.header('RateLimit-Remaining', String(decision.remaining));
    void reply.header('RateLimit-Reset', String(decision.resetSeconds));
    if (!decision.allowed) {
      void reply.header('Retry-After', String(decision.resetSeconds));
      throw new HttpException('rate limit exceeded, retry later', HttpStatus.TOO_MANY_REQUESTS);
    }
    return true;
  }

  private async identify(request: FastifyRequest, required: Role, reply: FastifyReply): Promise<Principal> {
    const credential = extractCredential(request.headers);
    if (credential) {
      const principal = await this.credentials.authenticate(credential);
      if (principal) return principal;
    } else if (this.config.auth.anonymousRead && required === 'reader') {
      return { kind: 'anonymous', id: '', name: 'anonymous', role: 'reader' };
    }
    void reply.header('WWW-Authenticate', 'Bearer');
    throw new UnauthorizedException(credential ? 'invalid or expired credentials' : 'authentication required');
  }
}
