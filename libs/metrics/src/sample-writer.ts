import { Injectable } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { InjectRtpmMetric } from '@rtpm/observability';
import type { Histogram } from 'prom-client';
import { SampleRepository, type SampleColumns } from './sample.repository.js';

interface PendingWrite {
  columns: SampleColumns;
  resolve: () => void;
  reject: (error: unknown) => void;
}

// Group commit for concurrent ingest requests. At most `writeConcurrency` INSERTs run at once; requests that
// arrive while all are busy queue up and go out together in the next statement, up to BATCH_INSERT_SIZE rows.
// A request is never split across statements, so each one still commits all-or-nothing, and its promise
// settles only after the statement holding its rows has committed (a 201 means durable).
@Injectable()
export class SampleWriter {
  private readonly queue: PendingWrite[] = [];
  private inFlight = 0;
  private readonly maxRows: number;
  private readonly concurrency: number;

  constructor(
    private readonly samples: SampleRepository,
    config: AppConfig,
    @InjectRtpmMetric('ingest_write_duration_seconds') private readonly writeDuration: Histogram,
  ) {
    this.maxRows = config.ingest.batchInsertSize;
    this.concurrency = config.ingest.writeConcurrency;
  }

  write(columns: SampleColumns): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ columns, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.queue.length > 0) {
      const group = [this.queue.shift()!];
      let rows = group[0].columns.seriesIds.length;
      while (this.queue.length > 0 && rows + this.queue[0].columns.seriesIds.length <= this.maxRows) {
        const next = this.queue.shift()!;
        rows += next.columns.seriesIds.length;
        group.push(next);
      }
      this.inFlight++;
      this.flush(group).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async flush(group: PendingWrite[]): Promise<void> {
    try {
      const merged = mergeLastWriteWins(group.map((pending) => pending.columns));
      const endTimer = this.writeDuration.startTimer();
      await this.samples.insert(merged);
      endTimer();
      for (const pending of group) pending.resolve();
    } catch (error) {
      for (const pending of group) pending.reject(error);
    }
  }
}

// Concatenates column sets in arrival order, keeps the last value of a repeated (series, time) pair, and sorts
// by (series, time): the order of the primary key, so inserts walk the index and writers lock in one order.
export function mergeLastWriteWins(parts: SampleColumns[]): SampleColumns {
  const total = parts.reduce((sum, part) => sum + part.seriesIds.length, 0);
  const seriesIds = new Float64Array(total);
  const timesMs = new Float64Array(total);
  const values = new Float64Array(total);
  let n = 0;
  for (const part of parts) {
    seriesIds.set(part.seriesIds, n);
    timesMs.set(part.timesMs, n);
    values.set(part.values, n);
    n += part.seriesIds.length;
  }
  // A stable sort of indices: among equal keys the later write comes last and wins below. The comparator answers
  // -1/0/1 rather than a difference of doubles, which V8 would box on each of the n log n calls.
  const order = new Uint32Array(total);
  for (let i = 0; i < total; i++) order[i] = i;
  order.sort((a, b) => compare(seriesIds[a], seriesIds[b]) || compare(timesMs[a], timesMs[b]) || a - b);
  // Written in place into typed arrays of the largest size, then viewed at the size kept: no array grows element by
  // element (pushing reallocated them as they grew, ~50 bytes per sample of a merged statement).
  const merged = {
    seriesIds: new Float64Array(total),
    timesMs: new Float64Array(total),
    values: new Float64Array(total),
  };
  let m = 0;
  for (let k = 0; k < total; k++) {
    const i = order[k];
    if (m > 0 && merged.seriesIds[m - 1] === seriesIds[i] && merged.timesMs[m - 1] === timesMs[i]) {
      merged.values[m - 1] = values[i];
    } else {
      merged.seriesIds[m] = seriesIds[i];
      merged.timesMs[m] = timesMs[i];
      merged.values[m] = values[i];
      m++;
    }
  }
  return {
    seriesIds: merged.seriesIds.subarray(0, m),
    timesMs: merged.timesMs.subarray(0, m),
    values: merged.values.subarray(0, m),
  };
}

function compare(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
