import { MetricStorage1764300000000 } from './1764300000000-metric-storage.js';
import { MetricRollups1764400000000 } from './1764400000000-metric-rollups.js';
import { Alerting1764510000000 } from './1764510000000-alerting.js';
import { Auth1764600000000 } from './1764600000000-auth.js';
import { RollupReadColumns1764700000000 } from './1764700000000-rollup-read-columns.js';
import { RollupOnMinuteIndex1764800000000 } from './1764800000000-rollup-on-minute-index.js';
import { AlertRetentionIndex1764900000000 } from './1764900000000-alert-retention-index.js';
import { Rollups5m1765000000000 } from './1765000000000-rollups-5m.js';

// Every migration, oldest first. Listed by hand so that the compiled apps need no file globbing.
export const MIGRATIONS = [
  MetricStorage1764300000000,
  MetricRollups1764400000000,
  Alerting1764510000000,
  Auth1764600000000,
  RollupReadColumns1764700000000,
  RollupOnMinuteIndex1764800000000,
  AlertRetentionIndex1764900000000,
  Rollups5m1765000000000,
];
