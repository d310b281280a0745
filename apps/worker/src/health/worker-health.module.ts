import { Module } from '@nestjs/common';
import { HealthChecksModule, WorkerHeartbeat } from '@rtpm/observability';
import { WORKER_QUEUE_NAMES } from '../jobs/worker-queues.js';
import { WorkerHealthController } from './worker-health.controller.js';

// Probes, plus the heartbeat through which the API's /health/detailed sees that workers are running.
@Module({
  imports: [HealthChecksModule.forRoot({ queues: WORKER_QUEUE_NAMES })],
  controllers: [WorkerHealthController],
  providers: [WorkerHeartbeat],
})
export class WorkerHealthModule {}
