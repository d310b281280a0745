import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { AppConfig } from '@rtpm/config';

// Nest pins its own socket.io (4.8.3, nested under @nestjs/platform-socket.io): take the option type from it.
type ServerOptions = NonNullable<Parameters<IoAdapter['createIOServer']>[1]>;

// Socket.IO with the runtime configuration the gateway decorator cannot hold: heartbeats from
// WEBSOCKET_HEARTBEAT_INTERVAL, CORS from CORS_ORIGINS, and destroyUpgrade off because the raw /ws/metrics
// server shares the HTTP server's upgrade event (engine.io would otherwise end its upgrades after 1 s).
export class RealtimeIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): ReturnType<IoAdapter['createIOServer']> {
    const heartbeatMs = this.config.websocket.heartbeatIntervalSeconds * 1000;
    const origins = this.config.cors.origins;
    return super.createIOServer(port, {
      ...options,
      pingInterval: heartbeatMs,
      pingTimeout: heartbeatMs,
      destroyUpgrade: false,
      serveClient: false,
      maxHttpBufferSize: 64 * 1024,
      cors: { origin: origins === '*' ? '*' : origins },
    } as ServerOptions);
  }
}
