import { describe, expect, it } from 'vitest';
import type { LabelMatcher } from './ast.js';
import { PromqlError } from './errors.js';
import { compileLabelRegex } from './regex.js';
import { matcherAccepts } from './selector.js';

describe(compileLabelRegex.name, () => {
  it.each<[string, string, boolean]>([
    ['foo', 'foo', true],
    ['foo', 'foobar', false],
    ['foo', 'barfoo', false],
    ['foo', 'xfoox', false],
    ['a|b', 'a', true],
    ['a|b', 'ab', false],
    ['a|bc', 'bc', true],
    ['.*', '', true],
    ['.+', '', false],
    ['.*', 'multi\nline', true],
    ['api-.*', 'api-eu', true],
    ['api-.*', 'web-api-eu', false],
    ['5..', '503', true],
    ['5..', '5030', false],
    ['(?i)get', 'GET', true],
    ['get', 'GET', false],
    ['(?P<code>5)..', '500', true],
    ['\\-', '-', true],
    ['\\d+', '123', true],
    ['[^/]+', 'a/b', false],
    ['.', '😀', true],
    ['', '', true],
    ['', 'a', false],
  ])('%j against %j is %s', (re, value, expected) => {
    expect(compileLabelRegex(re).test(value)).toBe(expected);
  });

  it.each<[string, string]>([
    ['(', 'invalid regular expression "(": '],
    ['[a-', 'invalid regular expression'],
    ['*a', 'invalid regular expression'],
    ['(?=a)a', '"(?=" is not supported by RE2'],
    ['(?!a)b', '"(?!" is not supported by RE2'],
    ['(?<=a)b', '"(?<=" is not supported by RE2'],
    ['(a)\\1', '"\\\\1" is not supported by RE2'],
    ['a(?i)b', 'is not supported by RE2'],
  ])('refuses %j', (re, fragment) => {
    expect(() => compileLabelRegex(re)).toThrow(PromqlError);
    expect(() => compileLabelRegex(re)).toThrow(fragment);
  });
});

describe(matcherAccepts.name, () => {
  const m = (op: LabelMatcher['op'], value: string): LabelMatcher => ({ name: 'a', op, value });

  it.each<[LabelMatcher, string, boolean]>([
    [m('=', 'x'), 'x', true],
    [m('=', 'x'), 'y', false],
    [m('=', ''), '', true],
    [m('!=', 'x'), 'x', false],
    [m('!=', 'x'), '', true],
    [m('=~', 'x.*'), 'xy', true],
    [m('=~', 'x.*'), 'yx', false],
    [m('=~', '.*'), '', true],
    [m('!~', 'x.*'), 'xy', false],
    [m('!~', 'x.*'), 'yx', true],
    [m('!~', '.+'), '', true],
  ])('%j on %j is %s', (matcher, value, expected) => {
    expect(matcherAccepts(matcher, value)).toBe(expected);
  });
});
