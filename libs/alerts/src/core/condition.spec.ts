import { describe, expect, it } from 'vitest';
import { formatCondition, holds, parseCondition, resolveCondition, type Condition } from './condition.js';

describe(parseCondition.name, () => {
  it.each([
    { input: '> 80', expected: { operator: '>', number: 80 } },
    { input: '>80', expected: { operator: '>', number: 80 } },
    { input: '  >=  80.5 ', expected: { operator: '>=', number: 80.5 } },
    { input: '< -1', expected: { operator: '<', number: -1 } },
    { input: '<= .5', expected: { operator: '<=', number: 0.5 } },
    { input: '== 1e3', expected: { operator: '==', number: 1000 } },
    { input: '!= 0', expected: { operator: '!=', number: 0 } },
    { input: '>', expected: { operator: '>', number: undefined } },
    { input: '!=', expected: { operator: '!=', number: undefined } },
  ])('reads "$input"', ({ input, expected }) => {
    expect(parseCondition(input)).toEqual(expected);
  });

  it.each(['', '80', '=> 80', '= 80', '=== 80', '> eighty', '> 80 %', '>> 80', '> 1e999', '> 8 0', '<> 1', 'gt 80'])(
    'refuses "%s"',
    (input) => {
      expect(parseCondition(input)).toBeUndefined();
    },
  );
});

describe(resolveCondition.name, () => {
  const current: Condition = { operator: '>', threshold: 80 };

  it.each([
    { input: { condition: '> 80', threshold: 80 }, expected: { operator: '>', threshold: 80 } },
    { input: { condition: '> 80.0', threshold: 80 }, expected: { operator: '>', threshold: 80 } },
    { input: { condition: '>', threshold: 80 }, expected: { operator: '>', threshold: 80 } },
    { input: { condition: '<= 5' }, expected: { operator: '<=', threshold: 5 } },
    { input: { threshold: 90 }, current, expected: { operator: '>', threshold: 90 } },
    { input: { condition: '< 10' }, current, expected: { operator: '<', threshold: 10 } },
    { input: { condition: '!=' }, current, expected: { operator: '!=', threshold: 80 } },
    { input: {}, current, expected: current },
  ] as { input: { condition?: string; threshold?: number }; current?: Condition; expected: Condition }[])(
    'resolves $input (current $current) to $expected',
    ({ input, current: before, expected }) => {
      expect(resolveCondition(input, before)).toEqual({ ok: true, condition: expected });
    },
  );

  it.each([
    { input: { condition: '> 80', threshold: 90 }, field: 'threshold', message: /agree .*\(80\); got 90/ },
    { input: { condition: '> 90', threshold: 80 }, current, field: 'threshold', message: /agree/ },
    { input: { condition: '=> 80', threshold: 80 }, field: 'condition', message: /> >= < <= == !=/ },
    { input: { threshold: 80 }, field: 'condition', message: /required/ },
    { input: { condition: '>' }, field: 'threshold', message: /required/ },
    { input: { condition: '>', threshold: Number.NaN }, field: 'threshold', message: /finite/ },
  ] as {
    input: { condition?: string; threshold?: number };
    current?: Condition;
    field: string;
    message: RegExp;
  }[])('refuses $input naming $field', ({ input, current: before, field, message }) => {
    const result = resolveCondition(input, before);

    expect(result).toMatchObject({ ok: false, field });
    expect(result.ok ? '' : result.message).toMatch(message);
  });
});

describe(holds.name, () => {
  it.each([
    { operator: '>', value: 81, expected: true },
    { operator: '>', value: 80, expected: false },
    { operator: '>=', value: 80, expected: true },
    { operator: '>=', value: 79.99, expected: false },
    { operator: '<', value: 79, expected: true },
    { operator: '<', value: 80, expected: false },
    { operator: '<=', value: 80, expected: true },
    { operator: '<=', value: 80.01, expected: false },
    { operator: '==', value: 80, expected: true },
    { operator: '==', value: 80.0000001, expected: false },
    { operator: '!=', value: 81, expected: true },
    { operator: '!=', value: 80, expected: false },
  ] as { operator: Condition['operator']; value: number; expected: boolean }[])(
    '$value $operator 80 -> $expected',
    ({ operator, value, expected }) => {
      expect(holds({ operator, threshold: 80 }, value)).toBe(expected);
    },
  );
});

describe(formatCondition.name, () => {
  it.each([
    { condition: { operator: '>', threshold: 80 }, expected: '> 80' },
    { condition: { operator: '<=', threshold: -0.5 }, expected: '<= -0.5' },
  ] as { condition: Condition; expected: string }[])('$expected', ({ condition, expected }) => {
    expect(formatCondition(condition)).toBe(expected);
  });
});
