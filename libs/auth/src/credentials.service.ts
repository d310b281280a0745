import { Injectable } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { ApiKeysRepository } from './api-keys.repository.js';
import type { Principal } from './auth.types.js';
import { apiKeyMatches, parseApiKey } from './core/api-key-format.js';
import { ExpiringCache } from './core/expiring-cache.js';
import { TokenSigner } from './tokens.js';
import { UsersRepository, type UserRow } from './users.repository.js';
import type { ApiKeyRow } from './api-keys.repository.js';

const CACHE_TTL_MS = 3000;
const TOUCH_INTERVAL_MS = 60_000;

// Turns a credential (JWT or API key) into a Principal. The user or key is re-read through a cache of a few
// seconds, so a disabled user's token or a revoked key stops working at once (within the cache's lifetime).
@Injectable()
export class CredentialsService {
  readonly signer: TokenSigner;
  private readonly users = new ExpiringCache<UserRow | null>(CACHE_TTL_MS);
  private readonly keys = new ExpiringCache<(ApiKeyRow & { hash: string }) | null>(CACHE_TTL_MS);
  private readonly touched = new Map<string, number>();

  constructor(
    config: AppConfig,
    private readonly usersRepository: UsersRepository,
    private readonly keysRepository: ApiKeysRepository,
  ) {
    this.signer = new TokenSigner(config.secrets.jwtSecretKey, config.auth.jwtExpiresInSeconds);
  }

  /** The principal behind a bearer credential, or null when it is missing, malformed, expired or revoked. */
  async authenticate(credential: string | undefined | null): Promise<Principal | null> {
    const value = credential?.trim();
    if (!value) return null;
    const apiKey = parseApiKey(value);
    return apiKey ? this.fromApiKey(value, apiKey.prefix) : this.fromToken(value);
  }

  forgetUser(id: string): void {
    this.users.delete(id);
  }

  forgetKey(prefix: string): void {
    this.keys.delete(prefix);
  }

  private async fromToken(token: string): Promise<Principal | null> {
    const claims = await this.signer.verify(token);
    if (!claims) return null;
    let user = this.users.get(claims.userId);
    if (user === undefined) {
      user = await this.usersRepository.findById(claims.userId);
      this.users.set(claims.userId, user);
    }
    if (!user || user.disabled) return null;
    // The role is the user's current one: a demotion applies to tokens already issued.
    return { kind: 'user', id: user.id, name: user.username, role: user.role };
  }

  private async fromApiKey(key: string, prefix: string): Promise<Principal | null> {
    let row = this.keys.get(prefix);
    if (row === undefined) {
      row = await this.keysRepository.findByPrefix(prefix);
      this.keys.set(prefix, row);
    }
    if (!row || row.revokedAt || !apiKeyMatches(key, row.hash)) return null;
    this.touch(row.id);
    return { kind: 'api_key', id: row.id, name: row.name, role: row.role };
  }

  // last_used_at is written at most once a minute per key and per process, off the request path.
  private touch(id: string): void {
    const now = Date.now();
    if (now - (this.touched.get(id) ?? 0) < TOUCH_INTERVAL_MS) return;
    this.touched.set(id, now);
    this.keysRepository.touch(id).catch(() => this.touched.delete(id));
  }
}
