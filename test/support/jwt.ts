import { createHmac } from 'node:crypto';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

// JWTs made by hand, as an attacker (or a clock) would produce them: HS256 with any secret, or alg "none".
export function handMadeJwt(payload: object, secret: string): string {
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

export function unsignedJwt(payload: object): string {
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
