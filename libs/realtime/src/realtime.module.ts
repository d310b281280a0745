import { Module } from '@nestjs/common';
import { ConnectionRegistry } from './connection-registry.js';
import { RealtimeHub } from './realtime-hub.js';
import { RealtimePublisher } from './realtime.publisher.js';

// Publishing only (the worker, the API's ingest relay). Needs ConfigModule and DatabaseModule (both global).
@Module({ providers: [RealtimePublisher], exports: [RealtimePublisher] })
export class RealtimeModule {}

// The receiving side for an app that serves realtime clients: the hub with its own Redis subscriber.
@Module({
  imports: [RealtimeModule],
  providers: [ConnectionRegistry, RealtimeHub],
  exports: [RealtimeModule, ConnectionRegistry, RealtimeHub],
})
export class RealtimeHubModule {}
