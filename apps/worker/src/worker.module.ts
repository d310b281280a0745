import { DynamicModule, Module } from '@nestjs/common';
import { AlertsModule } from '@rtpm/alerts';
import { AppConfig, ConfigModule } from '@rtpm/config';
import { DatabaseModule } from '@rtpm/database';
import { JobsModule } from '@rtpm/jobs';
import { PrometheusEndpointModule } from '@rtpm/observability';
import { RollupsModule } from '@rtpm/rollups';
import { StorageModule } from '@rtpm/storage';
import { AlertsWorkerModule } from './alerts/alerts-worker.module.js';
import { QueueDashboard } from './admin/queue-dashboard.js';
import { WorkerHealthModule } from './health/worker-health.module.js';
import { JobScheduleService } from './jobs/job-schedule.service.js';
import { MaintenanceProcessor } from './jobs/maintenance.processor.js';
import { QueueShutdown } from './jobs/queue-shutdown.service.js';
import { RollupProcessor } from './jobs/rollup.processor.js';
import { WorkerQueues } from './jobs/worker-queues.js';
import { QueueDepthMetrics } from './observability/worker-metrics.js';

// The worker deployable: Bull consumers for rollups and storage maintenance, their repeatable schedules, and a
// small HTTP port with probes, /metrics and the queue dashboard. Any number of replicas may run.
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        WorkerHealthModule,
        PrometheusEndpointModule,
        JobsModule,
        RollupsModule,
        StorageModule,
        // For the retention job's alert history; evaluation and notifications live in AlertsWorkerModule.
        AlertsModule,
        AlertsWorkerModule,
      ],
      providers: [
        WorkerQueues,
        RollupProcessor,
        MaintenanceProcessor,
        JobScheduleService,
        QueueShutdown,
        QueueDepthMetrics,
        QueueDashboard,
      ],
    };
  }
}
