import { Module } from '@nestjs/common';
import { RollupsModule } from '@rtpm/rollups';
import { AggregatedController } from './aggregated.controller.js';

// GET /api/v1/metrics/aggregated, answered from the rollup tables plus the not-yet-rolled tail.
@Module({
  imports: [RollupsModule],
  controllers: [AggregatedController],
})
export class RollupsApiModule {}
