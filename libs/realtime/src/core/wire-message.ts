import type { SubscriptionRequest } from '../realtime.types.js';
import { isPlainObject, parseSubscriptionRequest, type Parsed } from './subscription-request.js';

export interface ClientCommand {
  type: 'subscribe' | 'unsubscribe';
  request: SubscriptionRequest;
}

const MAX_MESSAGE_LENGTH = 64 * 1024;

// Parses one text frame of the plain WebSocket protocol: {"type": "subscribe"|"unsubscribe", "data": {...}}.
export function parseClientMessage(text: string): Parsed<ClientCommand> {
  if (text.length > MAX_MESSAGE_LENGTH)
    return { ok: false, message: `message longer than ${MAX_MESSAGE_LENGTH} bytes` };
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { ok: false, message: 'message is not valid JSON' };
  }
  if (!isPlainObject(message)) return { ok: false, message: 'message must be a JSON object with type and data' };
  const { type, data } = message;
  if (type !== 'subscribe' && type !== 'unsubscribe') {
    return { ok: false, message: 'type must be "subscribe" or "unsubscribe"' };
  }
  const request = parseSubscriptionRequest(data);
  return request.ok ? { ok: true, value: { type, request: request.value } } : request;
}
