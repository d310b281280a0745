import { randomBytes } from 'node:crypto';

// A metric name no other test (or earlier run on a reused database) uses.
export function uniqueMetricName(prefix = 'test_metric'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}
