import { Injectable, Logger } from '@nestjs/common';
import type { SampleInput } from './metrics.types.js';

export type CommittedSamplesListener = (samples: readonly SampleInput[]) => void;

// Tells other domains (realtime fan-out, instrumentation) about samples once they are committed, so the write
// path does not depend on them. Listeners run synchronously after the commit and must be cheap: hand heavy work
// to a queue or a timer. A listener that throws is logged and does not fail the ingest request.
@Injectable()
export class IngestEvents {
  private readonly logger = new Logger(IngestEvents.name);
  private readonly listeners: CommittedSamplesListener[] = [];

  onCommitted(listener: CommittedSamplesListener): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  committed(samples: readonly SampleInput[]): void {
    for (const listener of this.listeners) {
      try {
        listener(samples);
      } catch (error) {
        this.logger.error(`A committed-samples listener failed: ${(error as Error).message}`);
      }
    }
  }
}
