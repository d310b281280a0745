import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// An API key reads `rtpm_<prefix>_<secret>`: the prefix (public, 8 hex chars) finds the row, the secret
// (32 random bytes, base64url) is checked against the stored SHA-256 digest. A fast hash is enough for a
// 256-bit random secret; only a low-entropy password needs argon2.
const KEY_PATTERN = /^rtpm_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedApiKey {
  key: string;
  prefix: string;
  hash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const prefix = randomBytes(4).toString('hex');
  const key = `rtpm_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function parseApiKey(candidate: string): { prefix: string } | null {
  const match = KEY_PATTERN.exec(candidate);
  return match ? { prefix: match[1] } : null;
}

export function apiKeyMatches(candidate: string, storedHash: string): boolean {
  const actual = Buffer.from(hashApiKey(candidate), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
