import { describe, expect, it } from 'vitest';
import { isTransientDatabaseError } from './transient-error.js';

const pgError = (code: string, message = 'error') => Object.assign(new Error(message), { code });

describe(isTransientDatabaseError.name, () => {
  it.each([
    { case: 'connection refused', error: pgError('ECONNREFUSED'), expected: true },
    { case: 'connection reset', error: pgError('ECONNRESET'), expected: true },
    {
      case: '57P01 admin shutdown',
      error: pgError('57P01', 'terminating connection due to administrator command'),
      expected: true,
    },
    { case: '57P03 starting up', error: pgError('57P03', 'the database system is starting up'), expected: true },
    { case: '53300 too many clients', error: pgError('53300', 'sorry, too many clients already'), expected: true },
    { case: '08006 connection failure', error: pgError('08006'), expected: true },
    { case: '40P01 deadlock', error: pgError('40P01', 'deadlock detected'), expected: true },
    // Bug: what PostgreSQL answers a new connection to a database with ALLOW_CONNECTIONS false (see report).
    {
      case: '55000 not accepting connections',
      error: pgError('55000', 'database "rtpm" is not currently accepting connections'),
      expected: true,
    },
    {
      case: 'dropped connection (message only)',
      error: new Error('Connection terminated unexpectedly'),
      expected: true,
    },
    {
      case: 'pool wait timeout (message only)',
      error: new Error('timeout exceeded when trying to connect'),
      expected: true,
    },
    {
      case: '23505 unique violation',
      error: pgError('23505', 'duplicate key value violates unique constraint'),
      expected: false,
    },
    {
      case: '42P01 undefined table',
      error: pgError('42P01', 'relation "metric_samples" does not exist'),
      expected: false,
    },
    { case: '22008 datetime out of range', error: pgError('22008', 'timestamp out of range'), expected: false },
    { case: 'a plain error', error: new Error('something else'), expected: false },
    { case: 'a string', error: 'ECONNREFUSED', expected: false },
    { case: 'undefined', error: undefined, expected: false },
  ])('$case -> $expected', ({ error, expected }) => {
    expect(isTransientDatabaseError(error)).toBe(expected);
  });
});
