import { describe, expect, it } from 'vitest';
import { MAX_TIME_MS } from '@rtpm/database';
import { float8Array, int8Array, timestamptzArray } from './pg-binary-arrays.js';

const POSTGRES_EPOCH_MS = 946_684_800_000n;

// The reference: exact BigInt arithmetic.
const expectedMicros = (ms: number) => (BigInt(ms) - POSTGRES_EPOCH_MS) * 1000n;
// The one element timestamptzArray writes for ms.
const written = (ms: number) => timestamptzArray([ms]).readBigInt64BE(20 + 4);

// Each element after the 20-byte header: a 4-byte length (8), then 8 bytes.
const elements = (buffer: Buffer, read: (offset: number) => bigint | number) =>
  Array.from({ length: buffer.readInt32BE(12) }, (_, i) => {
    expect(buffer.readInt32BE(20 + i * 12)).toBe(8);
    return read(20 + i * 12 + 4);
  });

describe('timestamptz elements', () => {
  it.each([
    0,
    1,
    999,
    946_684_799_999,
    946_684_800_000,
    946_684_800_001,
    1_704_110_400_000,
    1_704_110_400_123,
    4_294_967_295,
    4_294_967_296,
    2 ** 42 - 1,
    2 ** 42,
    9_007_199_254_740,
    MAX_TIME_MS,
  ])('is exact for %d ms', (ms) => {
    expect(written(ms)).toBe(expectedMicros(ms));
  });

  it('is exact across the whole range (10,000 spread times)', () => {
    for (let i = 0; i <= 10_000; i++) {
      const ms = Math.floor((MAX_TIME_MS / 10_000) * i) - (i % 7);
      if (ms < 0) continue;
      expect(written(ms)).toBe(expectedMicros(ms));
    }
  });
});

describe('binary arrays', () => {
  it('writes the header PostgreSQL expects: one dimension, no nulls, element oid, length, lower bound 1', () => {
    const buffer = float8Array([1, 2, 3]);

    expect([0, 4, 8, 12, 16].map((offset) => buffer.readInt32BE(offset))).toEqual([1, 0, 701, 3, 1]);
    expect(buffer.length).toBe(20 + 3 * 12);
  });

  it.each([
    { case: 'int8', encode: int8Array, oid: 20 },
    { case: 'float8', encode: float8Array, oid: 701 },
    { case: 'timestamptz', encode: timestamptzArray, oid: 1184 },
  ])('writes an empty $case array', ({ encode, oid }) => {
    const buffer = encode([]);

    expect([0, 4, 8, 12, 16].map((offset) => buffer.readInt32BE(offset))).toEqual([1, 0, oid, 0, 1]);
  });

  it('writes int8 values up to 2^53', () => {
    const values = [0, 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 5, Number.MAX_SAFE_INTEGER];
    const buffer = int8Array(values);

    expect(elements(buffer, (offset) => buffer.readBigInt64BE(offset))).toEqual(values.map(BigInt));
  });

  it('writes float8 values bit for bit', () => {
    const values = [0, -0, 1.5, -2.25, 1e308, -1e-308, Number.MIN_VALUE];
    const buffer = float8Array(values);

    expect(elements(buffer, (offset) => buffer.readDoubleBE(offset))).toEqual(values);
  });

  it('writes timestamptz as microseconds since 2000-01-01', () => {
    const times = [0, 946_684_800_000, 1_704_110_400_123, MAX_TIME_MS];
    const buffer = timestamptzArray(times);

    expect(elements(buffer, (offset) => buffer.readBigInt64BE(offset))).toEqual(times.map(expectedMicros));
  });
});
