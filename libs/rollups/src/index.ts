export {
  AGGREGATIONS,
  RESOLUTIONS,
  RESOLUTION_MS,
  coarsestDividing,
  aggregate,
  bucketStart,
  type Aggregation,
  type BucketStats,
  type Resolution,
} from './core/resolution.js';
export {
  AggregatedReadService,
  MAX_POINTS_PER_SERIES,
  type AggregatedPoint,
  type AggregatedQuery,
  type AggregatedSeries,
} from './aggregated-read.service.js';
export {
  ROLLED_UNTIL_SQL,
  rolledUntilOf,
  rollupReadSql,
  type RolledUntil,
  type RollupReadSpec,
  type RollupReadSql,
  type RollupShape,
} from './rollup-read.sql.js';
export { ROLLUP_GRACE_MS, RollupService, type RollupRun } from './rollup.service.js';
export { RollupsError, type RollupsErrorCode, type RollupsFieldProblem } from './rollups.errors.js';
export { RollupsModule } from './rollups.module.js';
