import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config.js';

// Global: every module injects AppConfig by type. The entry point loads and validates the config before Nest
// starts (so a bad variable is one line, not a stack trace) and hands it in here.
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] };
  }
}
