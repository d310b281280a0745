import type { NestFastifyApplication } from '@nestjs/platform-fastify';

// Remote write bodies are snappy-compressed protobuf: keep them as raw Buffers (Fastify would answer 415 for an
// unknown content type). Matches any parameters, so a 2.0 request reaches the controller and gets its own 415.
export function registerProtobufBody(app: NestFastifyApplication, bodyLimit: number): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addContentTypeParser(/^application\/x-protobuf/i, { parseAs: 'buffer', bodyLimit }, (_request, body, done) =>
      done(null, body),
    );
}
