import {
  HttpException,
  HttpStatus,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { RateLimitDecision } from '@rtpm/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, mergeMap, type Observable } from 'rxjs';

// A read's rate-limit decision, still on its way from Redis while the route runs (AuthGuard).
export interface PendingRateLimit {
  pendingRateLimit?: Promise<RateLimitDecision>;
}

// The RateLimit-* headers of a decision, and the 429 when it is over the budget.
export function applyRateLimit(reply: FastifyReply, decision: RateLimitDecision): void {
  void reply.header('RateLimit-Limit', String(decision.limit));
  void reply.header('RateLimit-Remaining', String(decision.remaining));
  void reply.header('RateLimit-Reset', String(decision.resetSeconds));
  if (!decision.allowed) {
    void reply.header('Retry-After', String(decision.resetSeconds));
    throw new HttpException('rate limit exceeded, retry later', HttpStatus.TOO_MANY_REQUESTS);
  }
}

// Registered as APP_INTERCEPTOR: a read that AuthGuard let run while Redis counted it answers only once the count is
// back, with its headers, and with 429 instead of its result (or its error) when it was over the budget.
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const pending = http.getRequest<FastifyRequest & PendingRateLimit>().pendingRateLimit;
    if (!pending) return next.handle();
    const reply = http.getResponse<FastifyReply>();
    const settle = async () => applyRateLimit(reply, await pending);
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        await settle();
        return result;
      }),
      catchError(async (error: unknown) => {
        await settle();
        throw error;
      }),
    );
  }
}
