import 'reflect-metadata';
import { getMetadataStorage, validateSync } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { passesStructuredQueryDto, StructuredQueryDto } from './structured-query.dto.js';

const base = {
  metric_name: 'cpu_usage',
  labels: { host: 'a' },
  start_time: '2024-01-01T00:00:00Z',
  end_time: 1_704_070_800_000,
  step: '5m',
  aggregation: 'sum',
  group_by: ['region'],
};

// Values tried in every field of an otherwise valid body: what a JSON body can carry and a few more.
const ODD_VALUES: unknown[] = [
  undefined,
  null,
  '',
  'x',
  'bad name',
  'cpu_usage',
  'sum',
  'mode',
  '5m',
  '0s',
  '-5m',
  '1h30m',
  '2024-01-01T12:00:00Z',
  '2024-02-30T00:00:00Z',
  '2024-01-01 12:00:00+02:00',
  '1704110400000',
  0,
  -1,
  1.5,
  Number.NaN,
  1_704_110_400_000,
  253_402_300_800_000,
  true,
  [],
  ['region'],
  ['bad-name'],
  [1],
  {},
  { host: 'a' },
  { 'bad-name': 'a' },
  { host: 1 },
  { host: 'a\u0000b' },
  { host: 'a\ud800b' },
];

function classValidatorAccepts(body: object): boolean {
  const dto = Object.setPrototypeOf({ ...body }, StructuredQueryDto.prototype) as object;
  return validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }).length === 0;
}

describe(passesStructuredQueryDto.name, () => {
  // base has every decorated field, so a field added to the DTO is swept below (and fails until the fast check
  // knows it).
  it('is tried on every field the DTO declares', () => {
    const declared = getMetadataStorage()
      .getTargetValidationMetadatas(StructuredQueryDto, '', true, false)
      .map((metadata) => metadata.propertyName);
    expect([...new Set(declared)].sort()).toEqual(Object.keys(base).sort());
  });

  const cases = Object.keys(base).flatMap((field) =>
    ODD_VALUES.map((value) => {
      const body: Record<string, unknown> = { ...base, [field]: value };
      if (value === undefined) delete body[field];
      return { field, value, body };
    }),
  );

  it.each(cases)('agrees with class-validator on $field = $value', ({ body }) => {
    expect(passesStructuredQueryDto(body)).toBe(classValidatorAccepts(body));
  });

  it.each([
    { name: 'the full body', body: base, expected: true },
    { name: 'the required fields only', body: { metric_name: 'm', start_time: 0, end_time: 1 }, expected: true },
    { name: 'an unknown field', body: { ...base, limit: 5 }, expected: false },
    { name: 'an empty body', body: {}, expected: false },
  ])('answers $expected for $name, as class-validator does', ({ body, expected }) => {
    expect(passesStructuredQueryDto(body)).toBe(expected);
    expect(classValidatorAccepts(body)).toBe(expected);
  });
});
