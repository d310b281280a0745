import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

// What a client may send as its own request id: short, printable, no spaces or quotes, so that it can go into
// log lines and a response header as is. Anything else is replaced by a fresh UUID (never refused).
const ACCEPTED = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export function acceptedRequestId(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && ACCEPTED.test(value) ? value : undefined;
}

// Fastify's genReqId: the id of every request, as request.id, bound to its logger and returned as a header.
export function requestIdFor(request: { headers: IncomingHttpHeaders }): string {
  return acceptedRequestId(request.headers[REQUEST_ID_HEADER]) ?? randomUUID();
}
