import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AppConfig, ConfigModule } from '@rtpm/config';
import { DatabaseModule } from '@rtpm/database';
import { WorkerHealthController } from './health/worker-health.controller.js';

// The worker deployable: Bull consumers for rollups, alert evaluation and storage maintenance arrive in
// their own issues; for now it connects to PostgreSQL and Redis and serves its probes.
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, TerminusModule],
      controllers: [WorkerHealthController],
    };
  }
}
