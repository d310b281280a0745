import { Process, Processor } from '@nestjs/bull';
import { AlertRetentionService, type AlertRetentionReport } from '@rtpm/alerts';
import { JOBS, QUEUES } from '@rtpm/jobs';
import { RollupService } from '@rtpm/rollups';
import { StorageMaintenanceService, type PartitionReport, type RetentionReport } from '@rtpm/storage';
import type { Job } from 'bull';
import { instrumented } from '../observability/worker-metrics.js';

// What a retention run did, per kind of data; Bull keeps it as the job's return value.
type RetentionJobReport = RetentionReport & {
  rollups: { deleted1m: number; deleted5m: number; deleted1h: number };
  alerts: AlertRetentionReport;
};

@Processor(QUEUES.maintenance)
export class MaintenanceProcessor {
  constructor(
    private readonly storage: StorageMaintenanceService,
    private readonly rollups: RollupService,
    private readonly alerts: AlertRetentionService,
  ) {}

  @Process(JOBS.partitions)
  partitions(job: Job): Promise<PartitionReport> {
    return instrumented(QUEUES.maintenance, job.name, () => this.storage.maintainPartitions());
  }

  @Process(JOBS.retention)
  retention(job: Job): Promise<RetentionJobReport> {
    return instrumented(QUEUES.maintenance, job.name, async () => ({
      ...(await this.storage.applyRetention()),
      rollups: await this.rollups.applyRetention(),
      alerts: await this.alerts.applyRetention(),
    }));
  }
}
