import { describe, expect, it } from 'vitest';
import type { SampleInput } from '@rtpm/metrics';
import { toMetricUpdates } from './ingest-relay.js';

const sample = (timeMs: number, value: number): SampleInput => ({
  name: 'cpu',
  type: 'gauge',
  value,
  labels: { host: 'a' },
  timeMs,
});

describe(toMetricUpdates.name, () => {
  it.each([
    { case: 'one time', times: [0, 0, 0] },
    { case: 'runs of times', times: [1_704_110_400_000, 1_704_110_400_000, 1_704_110_400_001, 1_704_110_400_001] },
    { case: 'a time coming back after another', times: [5_000, 6_000, 5_000, 253_402_300_799_999] },
  ])('stamps every update with its own sample time: $case', ({ times }) => {
    const updates = toMetricUpdates(times.map((timeMs, i) => sample(timeMs, i)));

    expect(updates).toEqual(
      times.map((timeMs, i) => ({
        name: 'cpu',
        type: 'gauge',
        value: i,
        labels: { host: 'a' },
        timestamp: new Date(timeMs).toISOString(),
      })),
    );
  });
});
