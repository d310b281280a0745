import { CanActivate, ExecutionContext, HttpException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  CredentialsService,
  PUBLIC_KEY,
  RATE_GROUP_KEY,
  RateLimiter,
  type RateLimitDecision,
  ROLE_KEY,
  type AuthenticatedRequest,
  type Role,
} from '@rtpm/auth';
import { AppConfig } from '@rtpm/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decideAccess } from './access.js';
import { asHttp } from './auth-errors.js';
import { extractCredential } from './credential-extractor.js';
import { applyRateLimit, type PendingRateLimit } from './rate-limit.js';

const WINDOW_MS = 60_000;
// Callers over their budget remembered per process, so that their reads wait for Redis's answer again.
const LIMITED_CALLERS = 10_000;

// Registered as APP_GUARD: every route needs admin unless it says @Public() or @Roles(...). Then the caller
// (principal, or IP when anonymous) is counted against its per-minute budget in Redis. A route a reader may call
// changes nothing, so it runs while Redis counts the request, and RateLimitInterceptor waits for the count before
// answering (a round trip to Redis was about 0.3-0.5 ms of a 4-5 ms query). A caller this process saw over its
// budget waits for the count first again, until its window ends, so that its reads are refused before they run.
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly limitedUntil = new Map<string, number>();

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
    const request = http.getRequest<FastifyRequest & AuthenticatedRequest & PendingRateLimit>();
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
    const key = this.limiter.key(ingest ? 'ingest' : 'api', who);
    const decision = this.limiter.consume(key, limit, WINDOW_MS).then((answer) => this.remember(key, answer));
    if (required === 'reader' && !this.isLimited(key)) {
      request.pendingRateLimit = decision;
      return true;
    }
    applyRateLimit(reply, await decision);
    return true;
  }

  private remember(key: string, decision: RateLimitDecision): RateLimitDecision {
    if (decision.allowed) return decision;
    if (this.limitedUntil.size >= LIMITED_CALLERS) this.limitedUntil.clear();
    this.limitedUntil.set(key, Date.now() + decision.resetSeconds * 1000);
    return decision;
  }

  private isLimited(key: string): boolean {
    const until = this.limitedUntil.get(key);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.limitedUntil.delete(key);
    return false;
  }
}
