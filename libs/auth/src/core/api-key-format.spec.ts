import { describe, expect, it } from 'vitest';
import { apiKeyMatches, generateApiKey, hashApiKey, parseApiKey } from './api-key-format.js';

describe('API key format', () => {
  it('generates distinct keys whose prefix parses back and whose hash matches', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).not.toBe(b.key);
    expect(parseApiKey(a.key)).toEqual({ prefix: a.prefix });
    expect(a.hash).toBe(hashApiKey(a.key));
    expect(a.hash).not.toContain(a.key);
    expect(apiKeyMatches(a.key, a.hash)).toBe(true);
    expect(apiKeyMatches(b.key, a.hash)).toBe(false);
  });

  it.each([
    '',
    'rtpm_',
    'rtpm_zzzzzzzz_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    'rtpm_0123abcd_short',
    'eyJhbGciOiJIUzI1NiJ9.e30.sig',
  ])('refuses %j as an API key', (candidate) => {
    expect(parseApiKey(candidate)).toBeNull();
  });

  it('refuses a stored hash of another length without throwing', () => {
    expect(apiKeyMatches(generateApiKey().key, 'abcd')).toBe(false);
  });
});
