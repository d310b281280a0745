import { Module } from '@nestjs/common';
import { AuthModule, CredentialsService } from '@rtpm/auth';
import { AppConfig } from '@rtpm/config';
import { MetricsModule } from '@rtpm/metrics';
import { CONNECTION_AUTHORIZER, RealtimeHubModule } from '@rtpm/realtime';
import { realtimeAuthorizer } from '../auth/realtime-authorizer.js';
import { ConnectionGauge } from './connection-gauge.js';
import { IngestRelay } from './ingest-relay.js';
import { MetricsWebSocketServer } from './metrics-websocket.server.js';
import { RealtimeGateway } from './realtime.gateway.js';

// Live updates in the API: the ingest relay (publish), the hub (subscribe) and the two transports, which admit
// clients with reader rights only (the same credentials as HTTP, or none under AUTH_ANONYMOUS_READ).
@Module({
  imports: [MetricsModule, RealtimeHubModule, AuthModule],
  providers: [
    IngestRelay,
    ConnectionGauge,
    RealtimeGateway,
    MetricsWebSocketServer,
    { provide: CONNECTION_AUTHORIZER, useFactory: realtimeAuthorizer, inject: [CredentialsService, AppConfig] },
  ],
})
export class RealtimeApiModule {}
