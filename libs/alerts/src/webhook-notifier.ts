import { Injectable } from '@nestjs/common';
import type { AlertmanagerWebhookPayload } from './core/alertmanager-payload.js';

const TIMEOUT_MS = 10_000;

export class WebhookError extends Error {
  constructor(
    message: string,
    // false for answers that a retry cannot change (4xx other than 408 and 429).
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'WebhookError';
  }
}

// POSTs one Alertmanager-format notification. Throws WebhookError on anything but a 2xx; the caller (a queue
// job) retries with backoff, so a slow or failing receiver never holds up evaluation.
@Injectable()
export class WebhookNotifier {
  async send(url: string, payload: AlertmanagerWebhookPayload): Promise<void> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'rtpm-alerts/0.1' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new WebhookError(`Webhook unreachable: ${(error as Error).message}`, true);
    }
    await response.body?.cancel().catch(() => undefined);
    if (response.ok) return;
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    throw new WebhookError(`Webhook answered ${response.status}`, retryable);
  }
}
