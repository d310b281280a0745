export { partitionDay, partitionName } from './core/partition-days.js';
export {
  StorageMaintenanceService,
  type PartitionReport,
  type RetentionReport,
} from './storage-maintenance.service.js';
export { StorageModule } from './storage.module.js';
