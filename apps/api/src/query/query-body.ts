import type { QueryBody } from '@rtpm/query';
import type { FastifyReply } from 'fastify';

// Query services return their body already serialised (so a cache hit sends the very bytes of the miss); the
// X-RTPM-Cache header says which it was (hit, miss, or off when the range is not complete yet).
export function sendQueryBody(reply: FastifyReply, body: QueryBody): string {
  void reply.header('content-type', 'application/json; charset=utf-8').header('x-rtpm-cache', body.cache);
  return body.json;
}
