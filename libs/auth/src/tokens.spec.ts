import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenSigner } from './tokens.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const claims = { userId: '6f1c1d1e-0000-4000-8000-000000000001', username: 'ada', role: 'writer' as const };

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function handMade(header: object, payload: object, secret = SECRET): string {
  const body = `${b64(header)}.${b64(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

describe('TokenSigner', () => {
  const signer = new TokenSigner(SECRET, 3600);
  const now = Math.floor(Date.now() / 1000);
  const payload = { sub: claims.userId, username: 'ada', role: 'writer', iat: now, exp: now + 60 };

  it('verifies what it signed', async () => {
    expect(await signer.verify(await signer.sign(claims))).toEqual(claims);
  });

  it('accepts a hand-made HS256 token with the same secret', async () => {
    expect(await signer.verify(handMade({ alg: 'HS256', typ: 'JWT' }, payload))).toEqual(claims);
  });

  it.each([
    ['another secret', handMade({ alg: 'HS256', typ: 'JWT' }, payload, 'another-secret-entirely-of-some-length')],
    ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`],
    ['HS512', handMade({ alg: 'HS512', typ: 'JWT' }, payload)],
    ['expired', handMade({ alg: 'HS256', typ: 'JWT' }, { ...payload, iat: now - 120, exp: now - 60 })],
    ['unknown role', handMade({ alg: 'HS256', typ: 'JWT' }, { ...payload, role: 'root' })],
    ['no subject', handMade({ alg: 'HS256', typ: 'JWT' }, { ...payload, sub: undefined })],
    ['a subject that is not a user id', handMade({ alg: 'HS256', typ: 'JWT' }, { ...payload, sub: 'admin' })],
    ['garbage', 'not.a.token'],
  ])('refuses a token signed with %s', async (_name, token) => {
    expect(await signer.verify(token)).toBeNull();
  });
});
