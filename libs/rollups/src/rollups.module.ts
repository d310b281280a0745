import { Module } from '@nestjs/common';
import { AggregatedReadService } from './aggregated-read.service.js';
import { RollupRepository } from './rollup.repository.js';
import { RollupService } from './rollup.service.js';

// Rollup writing (worker) and the aggregated read (API). Needs ConfigModule and DatabaseModule (both global).
@Module({
  providers: [RollupRepository, RollupService, AggregatedReadService],
  exports: [RollupService, AggregatedReadService],
})
export class RollupsModule {}
