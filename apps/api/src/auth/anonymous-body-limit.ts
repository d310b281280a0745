import { UnauthorizedException } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { extractCredential } from './credential-extractor.js';

// Most a request without any credential may send. Every route that takes a larger body (ingest, remote write,
// rules) needs a writer or better, so the guard would refuse it anyway — but only after Fastify had read and parsed
// up to MAX_REQUEST_BODY_MB, work an anonymous client would get for free. Login bodies are far below it.
export const ANONYMOUS_BODY_LIMIT_BYTES = 64 * 1024;

// Refuses such requests with 401 before their body is read: declared larger than the limit, or of unknown length
// (chunked). A request that carries a credential is left to the guard, whatever its size.
export function refuseLargeAnonymousBodies(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      const { headers } = request;
      const length = Number(headers['content-length'] ?? 0);
      const unknownLength = headers['content-length'] === undefined && headers['transfer-encoding'] !== undefined;
      if ((length <= ANONYMOUS_BODY_LIMIT_BYTES && !unknownLength) || extractCredential(headers) !== null) {
        return done();
      }
      void reply.header('WWW-Authenticate', 'Bearer');
      done(new UnauthorizedException('authentication required'));
    });
}
