import { Injectable } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { RedisClient } from '@rtpm/database';
import { publishAlertEvent } from '@rtpm/realtime';
import type { Alert } from './alerts.types.js';
import { toAlertEvent } from './core/alert-event.js';

// Sends an alert transition to the realtime channel, which every API replica's gateways read.
@Injectable()
export class AlertEventPublisher {
  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisClient,
  ) {}

  publish(alert: Alert): Promise<void> {
    return publishAlertEvent(this.redis, this.config.redis.keyPrefix, toAlertEvent(alert));
  }
}
