import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuthService } from '@rtpm/auth';
import { AppConfig } from '@rtpm/config';

const RETRY_MS = 5_000;

// The first admin (ADMIN_USERNAME / ADMIN_PASSWORD) is created when the API starts. The API must start even
// while PostgreSQL is down or not migrated yet (readiness says so), so a failure is retried in the background.
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(AdminBootstrap.name);
  private timer?: NodeJS.Timeout;
  private warned = false;

  constructor(
    private readonly auth: AuthService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.attempt();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
  }

  private async attempt(): Promise<void> {
    try {
      if (await this.auth.ensureAdmin()) this.log.log(`created the first admin user "${this.config.admin.username}"`);
    } catch (error) {
      if (!this.warned) this.log.warn(`first admin not created yet, retrying: ${(error as Error).message}`);
      this.warned = true;
      this.timer = setTimeout(() => void this.attempt(), RETRY_MS);
      this.timer.unref();
    }
  }
}
