import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from 'helmet';
import type { AppConfig } from '@rtpm/config';

// Headers a browser client may send, and those it may read (rate limiting, auth challenges).
const ALLOWED_HEADERS = [
  'Authorization',
  'X-API-Key',
  'Content-Type',
  'Content-Encoding',
  'X-Prometheus-Remote-Write-Version',
];
const EXPOSED_HEADERS = [
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Retry-After',
  'WWW-Authenticate',
];

// Browser-facing HTTP protection: security headers on every response and CORS from CORS_ORIGINS. The headers come
// from helmet, built once and applied in an onRequest hook (the @fastify/helmet plugin rebuilt helmet and re-parsed
// the CSP on every request: about a tenth of the CPU of a trivial request).
export async function applyHttpSecurity(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        // Swagger UI at /docs loads its scripts from /docs itself and uses inline styles and data: images.
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        // RTPM is often served over plain HTTP inside a network: do not rewrite /docs assets to https.
        'upgrade-insecure-requests': null,
      },
    },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) =>
      securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)),
    );
  const { origins } = config.cors;
  app.enableCors({
    // A listed origin gets its grant, with credentials; any other gets no CORS header at all, so the browser
    // refuses. The wildcard (development only: production refuses it) never comes with credentials.
    origin:
      origins === '*'
        ? '*'
        : (origin: string | undefined, grant: (error: Error | null, allow: boolean) => void) =>
            grant(null, origin !== undefined && origins.includes(origin)),
    credentials: origins !== '*',
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
}
