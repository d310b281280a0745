import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@rtpm/config';
import { dataSourceOptions } from './data-source-options.js';
import { RedisClient } from './redis.provider.js';
import { SqlClient } from './sql-client.js';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config), retryAttempts: 3, retryDelay: 1000 }),
    }),
  ],
  providers: [SqlClient, RedisClient],
  exports: [SqlClient, RedisClient],
})
export class DatabaseModule {}
