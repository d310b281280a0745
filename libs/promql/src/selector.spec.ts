import { describe, expect, it } from 'vitest';
import { PromqlError } from './errors.js';
import { parse } from './parser.js';

describe('parse: label matcher values', () => {
  // Stored label values never hold NUL, and PostgreSQL refuses a statement parameter with one.
  it.each(['x{a="\\x00"}', '{a!="b\\u0000"}', 'x{a=~"\\000"}', 'sum(rate(x{a="\\U00000000"}[5m]))'])(
    'refuses a NUL in %s as unsupported',
    (query) => {
      expect(() => parse(query)).toThrow(PromqlError);
      expect(() => parse(query)).toThrow('label matcher values must be valid UTF-8 text without NUL characters');
    },
  );

  it.each(['x{a="\\x01"}', 'x{a="é\\n"}', 'x{a=~"\\\\x00"}'])('accepts %s', (query) => {
    expect(() => parse(query)).not.toThrow();
  });
});
