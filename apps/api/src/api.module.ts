import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AppConfig, ConfigModule } from '@rtpm/config';
import { DatabaseModule } from '@rtpm/database';
import { MetricsModule } from '@rtpm/metrics';
import { QueryModule } from '@rtpm/query';
import { ObservabilityModule, PrometheusEndpointModule } from '@rtpm/observability';
import { RealtimeHubModule } from '@rtpm/realtime';
import { HealthModule } from './health/health.module.js';
import { AlertsApiModule } from './alerts/alerts-api.module.js';
import { ApiObservabilityModule } from './observability/api-observability.module.js';
import { AuthApiModule } from './auth/auth-api.module.js';
import { ApiExceptionFilter } from './http/api-exception.filter.js';
import { IngestController } from './metrics/ingest.controller.js';
import { LatestCacheFeed } from './metrics/latest-cache.feed.js';
import { MetricCatalogController } from './metrics/metric-catalog.controller.js';
import { SampleParser } from './metrics/sample.parser.js';
import { RealtimeApiModule } from './realtime/realtime-api.module.js';
import { PromQueryController } from './query/prom-query.controller.js';
import { PrometheusAlertsModule } from './prometheus/prometheus-alerts.module.js';
import { PrometheusApiController } from './prometheus/prometheus-api.controller.js';
import { RemoteWriteController } from './prometheus/remote-write.controller.js';
import { RollupsApiModule } from './rollups/rollups-api.module.js';
import { StructuredQueryController } from './query/structured-query.controller.js';

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        // The global guard: every route needs credentials unless it says @Public().
        AuthApiModule,
        ObservabilityModule,
        PrometheusEndpointModule,
        ApiObservabilityModule,
        MetricsModule,
        QueryModule,
        RealtimeApiModule,
        RealtimeHubModule,
        HealthModule,
        AlertsApiModule,
        RollupsApiModule,
        PrometheusAlertsModule,
      ],
      controllers: [
        IngestController,
        MetricCatalogController,
        StructuredQueryController,
        PromQueryController,
        RemoteWriteController,
        PrometheusApiController,
      ],
      providers: [SampleParser, LatestCacheFeed, { provide: APP_FILTER, useClass: ApiExceptionFilter }],
    };
  }
}
