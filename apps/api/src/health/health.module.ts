import { Module } from '@nestjs/common';
import { ALERT_QUEUES } from '@rtpm/alerts';
import { QUEUES } from '@rtpm/jobs';
import { HealthChecksModule } from '@rtpm/observability';
import { HealthController } from './health.controller.js';

// The API consumes no queue, but /health/detailed and queue_depth report the backlog the workers face.
const REPORTED_QUEUES = [...Object.values(QUEUES), ...Object.values(ALERT_QUEUES)];

@Module({
  imports: [HealthChecksModule.forRoot({ queues: REPORTED_QUEUES })],
  controllers: [HealthController],
})
export class HealthModule {}
