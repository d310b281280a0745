import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { Redis } from 'ioredis';

// The application's Redis connection (cache, pub/sub publisher, rate limits). Bull keeps its own connections.
// Auto-pipelining sends the commands issued in one event-loop tick (rate-limit checks of concurrent requests,
// realtime publishes) in one write.
@Injectable()
export class RedisClient extends Redis implements OnApplicationShutdown {
  constructor(config: AppConfig) {
    super(config.redis.url, {
      lazyConnect: false,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      enableAutoPipelining: true,
    });
    // ioredis reconnects by itself; without a listener an outage would surface as an unhandled 'error' event.
    this.on('error', () => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.quit().catch(() => this.disconnect());
  }
}
