import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { dayStart, DAY_MS, expired, partitionDay, partitionName, wantedDays } from './core/partition-days.js';
import { StorageRepository } from './storage.repository.js';

export interface PartitionReport {
  path: 'timescaledb' | 'partitions';
  created: string[];
  movedFromDefault: number;
}

export interface RetentionReport {
  path: 'timescaledb' | 'partitions';
  dropped: string[];
  deletedFromDefault: number;
}

// Keeps metric_samples' layout in shape. Plain PostgreSQL: daily partitions ahead of time, rows that landed in
// the DEFAULT partition moved to their day once it is within reach, old days dropped. TimescaleDB: chunks are
// automatic, so only the compression and retention policies are ensured. Safe to run on several workers at once.
@Injectable()
export class StorageMaintenanceService {
  private readonly logger = new Logger(StorageMaintenanceService.name);
  private hypertable?: Promise<boolean>;

  constructor(
    private readonly storage: StorageRepository,
    private readonly config: AppConfig,
  ) {}

  // The storage path cannot change under a running process; detect it once.
  private timescale(): Promise<boolean> {
    this.hypertable ??= this.storage.isHypertable().catch((error: unknown) => {
      this.hypertable = undefined;
      throw error;
    });
    return this.hypertable;
  }

  async maintainPartitions(nowMs = Date.now()): Promise<PartitionReport> {
    const { retentionDays, compressionAfter, partitionsAheadDays } = this.config.storage;
    if (await this.timescale()) {
      await this.storage.ensureTimescalePolicies(retentionDays, compressionAfter);
      return { path: 'timescaledb', created: [], movedFromDefault: 0 };
    }
    const report: PartitionReport = { path: 'partitions', created: [], movedFromDefault: 0 };
    const existing = new Set(await this.storage.partitionNames());
    // Days in the DEFAULT partition get their own partition if within retention and the ahead window; rows of
    // expired days are left for the retention job, rows far in the future wait until their day comes closer.
    const lastDay = dayStart(nowMs) + partitionsAheadDays * DAY_MS;
    const stranded = (await this.storage.defaultPartitionDays()).filter(
      (day) => day <= lastDay && !expired(day, nowMs, retentionDays),
    );
    const days = [...new Set([...wantedDays(nowMs, partitionsAheadDays), ...stranded])].sort((a, b) => a - b);
    for (const day of days) {
      if (existing.has(partitionName(day)) && !stranded.includes(day)) continue;
      const moved = await this.storage.createPartition(day);
      if (moved === undefined) continue;
      report.created.push(partitionName(day));
      report.movedFromDefault += moved;
    }
    if (report.created.length > 0) {
      this.logger.log(`Created ${report.created.join(', ')}; moved ${report.movedFromDefault} rows from default`);
    }
    return report;
  }

  async applyRetention(nowMs = Date.now()): Promise<RetentionReport> {
    const { retentionDays, compressionAfter } = this.config.storage;
    if (await this.timescale()) {
      await this.storage.ensureTimescalePolicies(retentionDays, compressionAfter);
      return { path: 'timescaledb', dropped: [], deletedFromDefault: 0 };
    }
    const dropped: string[] = [];
    for (const name of await this.storage.partitionNames()) {
      const day = partitionDay(name);
      if (day === undefined || !expired(day, nowMs, retentionDays)) continue;
      await this.storage.dropPartition(name);
      dropped.push(name);
    }
    const deletedFromDefault = await this.storage.deleteFromDefaultBefore(nowMs - retentionDays * DAY_MS);
    if (dropped.length > 0) this.logger.log(`Dropped expired partitions ${dropped.join(', ')}`);
    return { path: 'partitions', dropped, deletedFromDefault };
  }
}
