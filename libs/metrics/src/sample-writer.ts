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
  // A stable sort of indices: among equal keys the later write comes last and wins below.
  const order = sortedOrder(seriesIds, timesMs);
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

// The indices of the rows in (series, time) order, equal keys in arrival order: a natural merge sort, which merges
// the runs already in order pairwise. Each request's rows mostly arrive sorted, so a statement of k requests costs
// about log2(k) linear passes; a comparator sort (Array#sort) took 0.35 ms for 4,000 rows, mostly in its callbacks.
export function sortedOrder(seriesIds: Float64Array, timesMs: Float64Array): Uint32Array {
  const total = seriesIds.length;
  let order = new Uint32Array(total);
  let spare = new Uint32Array(total);
  const before = (a: number, b: number) =>
    seriesIds[a] < seriesIds[b] || (seriesIds[a] === seriesIds[b] && timesMs[a] < timesMs[b]);
  // The bounds of the runs: [bounds[r], bounds[r + 1]) is in order.
  let bounds = [0];
  for (let i = 0; i < total; i++) {
    order[i] = i;
    if (i > 0 && before(i, i - 1)) bounds.push(i);
  }
  bounds.push(total);
  while (bounds.length > 2) {
    const merged = [0];
    for (let r = 0; r + 1 < bounds.length; r += 2) {
      const low = bounds[r];
      const middle = bounds[r + 1];
      const high = r + 2 < bounds.length ? bounds[r + 2] : middle;
      let i = low;
      let j = middle;
      let k = low;
      while (i < middle && j < high) spare[k++] = before(order[j], order[i]) ? order[j++] : order[i++];
      while (i < middle) spare[k++] = order[i++];
      while (j < high) spare[k++] = order[j++];
      merged.push(high);
    }
    [order, spare] = [spare, order];
    bounds = merged;
  }
  return order;
}
