import type { OpenAPIObject } from '@nestjs/swagger';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

// Every route that needs credentials needs PostgreSQL too (credentials are read there, cached for seconds), so any
// of them can answer 503 with Retry-After while the database is down, as ApiExceptionFilter does. Documented here
// once, for the operations that do not document their own 503, rather than on every controller.
export function documentOutageResponses(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation?.security?.length || operation.responses['503']) continue;
      operation.responses['503'] = {
        description: 'The database is unavailable; retry after Retry-After.',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } },
      };
    }
  }
  return document;
}
