import { Injectable } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { ApiKeysRepository, type ApiKeyRow } from './api-keys.repository.js';
import { AuthError } from './auth.errors.js';
import { generateApiKey } from './core/api-key-format.js';
import type { Role } from './core/roles.js';
import { CredentialsService } from './credentials.service.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { RateLimiter } from './rate-limiter.js';
import { UsersRepository, type UserRow } from './users.repository.js';

const LOGIN_WINDOW_MS = 15 * 60_000;

// Users, logins and API keys.
@Injectable()
export class AuthService {
  // Verifying against a real hash when the user does not exist keeps both answers equally slow.
  private readonly decoy = hashPassword('not-a-real-password');

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly keys: ApiKeysRepository,
    private readonly credentials: CredentialsService,
    private readonly limiter: RateLimiter,
  ) {}

  /** Creates the first admin from config.admin when that user is absent (never overwrites it); true if created. */
  async ensureAdmin(): Promise<boolean> {
    const { username, password } = this.config.admin;
    if (await this.users.findCredentials(username)) return false;
    return (await this.users.insert(username, await hashPassword(password), 'admin')) !== null;
  }

  async login(username: string, password: string, ip: string): Promise<{ token: string; expiresIn: number }> {
    const byUser = this.limiter.key('login', 'user', username.toLowerCase());
    const byIp = this.limiter.key('login', 'ip', ip);
    const max = this.config.auth.loginMaxAttempts;
    if ((await this.limiter.peek(byUser)) >= max || (await this.limiter.peek(byIp)) >= max) {
      throw new AuthError('too_many_attempts', 'too many failed logins, try again later');
    }
    const user = await this.users.findCredentials(username);
    const valid = user
      ? await verifyPassword(user.passwordHash, password)
      : await verifyPassword(await this.decoy, password);
    if (!user || !valid || user.disabled) {
      await this.limiter.consume(byUser, max, LOGIN_WINDOW_MS);
      await this.limiter.consume(byIp, max, LOGIN_WINDOW_MS);
      throw new AuthError('invalid_credentials', 'invalid username or password');
    }
    await this.limiter.clear(byUser);
    const token = await this.credentials.signer.sign({ userId: user.id, username: user.username, role: user.role });
    return { token, expiresIn: this.credentials.signer.expiresInSeconds };
  }

  async createUser(username: string, password: string, role: Role): Promise<UserRow> {
    const user = await this.users.insert(username, await hashPassword(password), role);
    if (!user) throw new AuthError('user_exists', `username "${username}" is taken`);
    return user;
  }

  listUsers(): Promise<UserRow[]> {
    return this.users.list();
  }

  async updateUser(id: string, changes: { role?: Role; disabled?: boolean }): Promise<UserRow> {
    const user = await this.users.update(id, changes);
    if (!user) throw new AuthError('user_not_found', 'no user has this id');
    this.credentials.forgetUser(id);
    return user;
  }

  async createApiKey(name: string, role: Role, createdBy: string | null): Promise<ApiKeyRow & { key: string }> {
    const generated = generateApiKey();
    const row = await this.keys.insert({ name, prefix: generated.prefix, hash: generated.hash, role, createdBy });
    return { ...row, key: generated.key };
  }

  listApiKeys(): Promise<ApiKeyRow[]> {
    return this.keys.list();
  }

  async revokeApiKey(id: string): Promise<void> {
    const row = (await this.keys.list()).find((k) => k.id === id);
    if (!row || !(await this.keys.revoke(id))) throw new AuthError('api_key_not_found', 'no live API key has this id');
    this.credentials.forgetKey(row.prefix);
  }
}
