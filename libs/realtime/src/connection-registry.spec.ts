import { describe, expect, it } from 'vitest';
import type { AppConfig } from '@rtpm/config';
import { ConnectionRegistry, type ConnectionCounts, type RealtimeConnection } from './connection-registry.js';

const config = { websocket: { maxConnections: 2, heartbeatIntervalSeconds: 30 } } as AppConfig;
const connection = (id: string, transport: RealtimeConnection['transport']): RealtimeConnection => ({
  id,
  transport,
  join: () => undefined,
  leave: () => undefined,
  bufferedBytes: () => 0,
  drop: () => undefined,
});

describe(ConnectionRegistry.name, () => {
  it('caps connections across both transports and counts them per transport', () => {
    const sut = new ConnectionRegistry(config);
    const seen: ConnectionCounts[] = [];
    sut.onCountChange((counts) => seen.push({ ...counts }));

    expect(sut.tryAdd(connection('a', 'ws'))).toBe(true);
    expect(sut.tryAdd(connection('b', 'socketio'))).toBe(true);
    expect(sut.tryAdd(connection('c', 'ws'))).toBe(false);
    expect(sut.remove('a')?.connection.id).toBe('a');
    expect(sut.remove('a')).toBeUndefined();
    expect(sut.tryAdd(connection('c', 'ws'))).toBe(true);

    expect(seen).toEqual([
      { socketio: 0, ws: 0 },
      { socketio: 0, ws: 1 },
      { socketio: 1, ws: 1 },
      { socketio: 1, ws: 0 },
      { socketio: 1, ws: 1 },
    ]);
    expect(sut.size).toBe(2);
  });
});
