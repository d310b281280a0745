import { describe, expect, it } from 'vitest';
import { basicAuthMatches } from './basic-auth.js';

const basic = (value: string) => `Basic ${Buffer.from(value).toString('base64')}`;

describe('basicAuthMatches', () => {
  it.each([
    [basic('admin:s3cret'), true],
    [basic('admin:s3cret').replace('Basic', 'basic'), true],
    [basic('admin:s3cret:with:colons').replace('Basic', 'Basic'), false],
    [basic('admin:wrong'), false],
    [basic('root:s3cret'), false],
    [basic('admin:'), false],
    [basic('admins3cret'), false],
    ['Bearer abc', false],
    ['Basic !!!', false],
    ['', false],
    [undefined, false],
  ])('%s → %s', (header, expected) => {
    expect(basicAuthMatches(header, 'admin', 's3cret')).toBe(expected);
  });

  it('accepts a password that contains colons', () => {
    expect(basicAuthMatches(basic('admin:a:b'), 'admin', 'a:b')).toBe(true);
  });
});
