import { Module } from '@nestjs/common';
import { MetricsModule } from '@rtpm/metrics';
import { allowAllConnections, CONNECTION_AUTHORIZER, RealtimeHubModule } from '@rtpm/realtime';
import { ConnectionGauge } from './connection-gauge.js';
import { IngestRelay } from './ingest-relay.js';
import { MetricsWebSocketServer } from './metrics-websocket.server.js';
import { RealtimeGateway } from './realtime.gateway.js';

// Live updates in the API: the ingest relay (publish), the hub (subscribe) and the two transports.
@Module({
  imports: [MetricsModule, RealtimeHubModule],
  providers: [
    IngestRelay,
    ConnectionGauge,
    RealtimeGateway,
    MetricsWebSocketServer,
    { provide: CONNECTION_AUTHORIZER, useValue: allowAllConnections },
  ],
})
export class RealtimeApiModule {}
