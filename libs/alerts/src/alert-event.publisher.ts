import { Injectable } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { RedisClient } from '@rtpm/database';
import { toAlertEvent } from './core/alert-event.js';
import type { Alert } from './alerts.types.js';

// The realtime channel for alert events, read by the API's gateways on every replica.
// TODO: publish through @rtpm/realtime's publisher once it lands; the channel name and payload are the same.
export function alertsChannel(config: AppConfig): string {
  return `${config.redis.keyPrefix}realtime:alerts`;
}

@Injectable()
export class AlertEventPublisher {
  private readonly channel: string;

  constructor(
    config: AppConfig,
    private readonly redis: RedisClient,
  ) {
    this.channel = alertsChannel(config);
  }

  async publish(alert: Alert): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify(toAlertEvent(alert)));
  }
}
