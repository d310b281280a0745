import { describe, expect, it } from 'vitest';
import { acceptedRequestId, requestIdFor } from './request-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe(acceptedRequestId.name, () => {
  it.each([
    { header: 'abc-123', expected: 'abc-123' },
    { header: '9f1c2e4a-7d3b-4c55-9a0e-1b2c3d4e5f60', expected: '9f1c2e4a-7d3b-4c55-9a0e-1b2c3d4e5f60' },
    { header: 'trace:span/1+2=3@host_x.y', expected: 'trace:span/1+2=3@host_x.y' },
    { header: ['first', 'second'], expected: 'first' },
    { header: 'x'.repeat(128), expected: 'x'.repeat(128) },
    { header: 'x'.repeat(129), expected: undefined },
    { header: '', expected: undefined },
    { header: 'has space', expected: undefined },
    { header: 'quote"d', expected: undefined },
    { header: 'new\nline', expected: undefined },
    { header: 'ünïcode', expected: undefined },
    { header: undefined, expected: undefined },
  ])('$header -> $expected', ({ header, expected }) => {
    expect(acceptedRequestId(header)).toBe(expected);
  });
});

describe(requestIdFor.name, () => {
  const request = (headers: Record<string, string>) => ({ headers });

  it('keeps an accepted X-Request-Id', () => {
    expect(requestIdFor(request({ 'x-request-id': 'client-id-1' }))).toBe('client-id-1');
  });

  it('generates a fresh UUID when the header is absent or refused', () => {
    const generated = [requestIdFor(request({})), requestIdFor(request({ 'x-request-id': 'bad id' }))];
    expect(generated[0]).toMatch(UUID);
    expect(generated[1]).toMatch(UUID);
    expect(generated[0]).not.toBe(generated[1]);
  });
});
