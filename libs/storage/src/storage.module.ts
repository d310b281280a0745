import { Module } from '@nestjs/common';
import { StorageMaintenanceService } from './storage-maintenance.service.js';
import { StorageRepository } from './storage.repository.js';

// Storage maintenance for the worker. Needs ConfigModule and DatabaseModule (both global).
@Module({
  providers: [StorageRepository, StorageMaintenanceService],
  exports: [StorageMaintenanceService],
})
export class StorageModule {}
