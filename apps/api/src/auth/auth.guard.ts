import { CanActivate, ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  CredentialsService,
  PUBLIC_KEY,
  RATE_GROUP_KEY,
  RateLimiter,
  ROLE_KEY,
  type AuthenticatedRequest,
  type Role,
} from '@rtpm/auth';
import { AppConfig } from '@rtpm/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decideAccess } from './access.js';
import { asHttp } from './auth-errors.js';
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

    const access = await asHttp(
      decideAccess(this.credentials, this.config.auth.anonymousRead, extractCredential(request.headers), required),
    );
    if (!access.allowed) {
      if (access.status === 401) void reply.header('WWW-Authenticate', 'Bearer');
      throw new HttpException(access.reason, access.status);
    }
    const { principal } = access;
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
}
