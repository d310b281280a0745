import { describe, expect, it } from 'vitest';
import { IngestEvents } from './ingest-events.js';
import type { SampleInput } from './metrics.types.js';

const SAMPLE: SampleInput = { name: 'cpu', type: 'gauge', value: 1, labels: {}, timeMs: 0 };

describe(IngestEvents.name, () => {
  it('hands committed samples to every listener, also after one of them throws', () => {
    const sut = new IngestEvents();
    const seen: string[] = [];
    sut.onCommitted(() => {
      throw new Error('boom');
    });
    sut.onCommitted((samples) => seen.push(`b:${samples.length}`));

    sut.committed([SAMPLE, SAMPLE]);

    expect(seen).toEqual(['b:2']);
  });

  it('stops calling a listener once it unsubscribes', () => {
    const sut = new IngestEvents();
    let calls = 0;
    const unsubscribe = sut.onCommitted(() => calls++);

    sut.committed([SAMPLE]);
    unsubscribe();
    sut.committed([SAMPLE]);

    expect(calls).toBe(1);
  });
});
