import { Injectable } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { bucketStart, closedUntil, RESOLUTION_MS, RESOLUTIONS, type Resolution } from './core/resolution.js';
import { RollupRepository } from './rollup.repository.js';

// How long after a bucket closes before it is rolled. Late-sample marks are set by the ingest path for buckets
// that were already closed when the write started; a write that started before the bucket closed and commits
// after its rollup would leave no mark, so the grace must exceed any ingest statement's duration.
export const ROLLUP_GRACE_MS = 60_000;
// Most range one transaction covers (a worker that was down catches up step by step) and most late buckets.
const MAX_SPAN_MS: Record<Resolution, number> = { '1m': 6 * 3_600_000, '5m': 86_400_000, '1h': 7 * 86_400_000 };
const MAX_DIRTY_PER_STEP = 500;
const MAX_STEPS = 100;

export interface RollupStep {
  resolution: Resolution;
  fromMs: number;
  rolledUntilMs: number;
  rebuiltBuckets: number;
  rows: number;
  caughtUp: boolean;
}

export interface RollupRun {
  resolution: Resolution;
  steps: number;
  rows: number;
  rebuiltBuckets: number;
  rolledUntil: string;
}

// Rolls closed buckets forward from the resolution's watermark and re-rolls buckets marked dirty by late samples
// (1m from raw samples, 5m and 1h from 1m rows). Each step is one transaction under a per-resolution advisory lock:
// a worker killed mid-step leaves no trace, and concurrent workers serialize and then find nothing left to do.
@Injectable()
export class RollupService {
  constructor(
    private readonly rollups: RollupRepository,
    private readonly config: AppConfig,
  ) {}

  async rollUp(resolution: Resolution, nowMs = Date.now()): Promise<RollupRun> {
    const run = { resolution, steps: 0, rows: 0, rebuiltBuckets: 0, rolledUntil: '' };
    for (;;) {
      const step = await this.step(resolution, nowMs);
      run.steps++;
      run.rows += step.rows;
      run.rebuiltBuckets += step.rebuiltBuckets;
      run.rolledUntil = new Date(step.rolledUntilMs).toISOString();
      if (step.caughtUp || run.steps >= MAX_STEPS) return run;
    }
  }

  step(resolution: Resolution, nowMs: number): Promise<RollupStep> {
    return this.rollups.transaction(async (tx) => {
      await this.rollups.lock(tx, resolution);
      const fromMs = await this.rollups.watermark(tx, resolution);
      // 5m and 1h buckets are rolled from 1m rows, so only buckets whose minutes are all rolled are closed for them.
      const closedMs =
        resolution === '1m'
          ? closedUntil(nowMs, ROLLUP_GRACE_MS, '1m')
          : bucketStart(await this.rollups.watermark(tx, '1m'), resolution);
      const targetMs = Math.max(fromMs, Math.min(closedMs, fromMs + MAX_SPAN_MS[resolution]));
      const dirty = await this.rollups.dirtyMarks(tx, resolution, targetMs, MAX_DIRTY_PER_STEP);

      let rows = targetMs > fromMs ? await this.rollups.roll(tx, resolution, fromMs, targetMs) : 0;
      const size = RESOLUTION_MS[resolution];
      // Marks inside [fromMs, targetMs) are covered by the range just rolled.
      const rebuilt = [...new Set(dirty.map((d) => d.bucketMs).filter((ms) => ms < fromMs))];
      for (const bucketMs of rebuilt) rows += await this.rollups.roll(tx, resolution, bucketMs, bucketMs + size);
      if (resolution === '1m') {
        // A re-rolled minute changes its 5 minutes and its hour, which may already be rolled.
        for (const coarser of RESOLUTIONS.filter((level) => level !== '1m')) {
          await this.rollups.markDirty(tx, coarser, [...new Set(rebuilt.map((ms) => bucketStart(ms, coarser)))]);
        }
      }
      await this.rollups.setWatermark(tx, resolution, targetMs);
      await this.rollups.clearDirty(tx, dirty);
      return {
        resolution,
        fromMs,
        rolledUntilMs: targetMs,
        rebuiltBuckets: rebuilt.length,
        rows,
        caughtUp: targetMs >= closedMs && dirty.length < MAX_DIRTY_PER_STEP,
      };
    });
  }

  // Rollups outlive raw samples: ROLLUP_RETENTION_DAYS applies to every resolution.
  async applyRetention(nowMs = Date.now()): Promise<{ deleted1m: number; deleted5m: number; deleted1h: number }> {
    const cutoffMs = nowMs - this.config.storage.rollupRetentionDays * 86_400_000;
    return {
      deleted1m: await this.rollups.deleteOlderThan('1m', bucketStart(cutoffMs, '1m')),
      deleted5m: await this.rollups.deleteOlderThan('5m', bucketStart(cutoffMs, '5m')),
      deleted1h: await this.rollups.deleteOlderThan('1h', bucketStart(cutoffMs, '1h')),
    };
  }
}
