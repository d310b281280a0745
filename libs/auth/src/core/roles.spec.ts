import { describe, expect, it } from 'vitest';
import { isRole, roleSatisfies, type Role } from './roles.js';

describe('roleSatisfies', () => {
  const cases: Array<[Role, Role, boolean]> = [
    ['admin', 'admin', true],
    ['admin', 'writer', true],
    ['admin', 'reader', true],
    ['writer', 'admin', false],
    ['writer', 'writer', true],
    ['writer', 'reader', true],
    ['reader', 'admin', false],
    ['reader', 'writer', false],
    ['reader', 'reader', true],
  ];
  it.each(cases)('%s for a %s route → %s', (held, required, expected) => {
    expect(roleSatisfies(held, required)).toBe(expected);
  });

  it.each([
    ['reader', true],
    ['admin', true],
    ['Admin', false],
    ['root', false],
    [undefined, false],
    [3, false],
  ])('isRole(%j) → %s', (value, expected) => {
    expect(isRole(value)).toBe(expected);
  });
});
