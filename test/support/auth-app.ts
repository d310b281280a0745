import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AuthService, type Role } from '@rtpm/auth';
import type { AppConfig } from '@rtpm/config';
import { ApiModule } from '../../apps/api/src/api.module.js';
import { AuthApiModule } from '../../apps/api/src/auth/auth-api.module.js';
import { registerProtobufBody } from '../../apps/api/src/prometheus/protobuf-body.js';
import { testConfig } from './test-config.js';

export interface AuthedApi {
  baseUrl: string;
  app: INestApplication;
  /** Headers carrying a fresh admin API key. */
  authHeaders: Record<string, string>;
  /** fetch against baseUrl with the admin key added (explicit headers win). */
  fetch: (path: string, init?: RequestInit) => Promise<Response>;
  /** A new API key of the given role. */
  apiKey: (role: Role) => Promise<string>;
  close: () => Promise<void>;
}

@Module({})
class GuardedApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: GuardedApiModule, imports: [ApiModule.forRoot(config), AuthApiModule] };
  }
}

// Boots the API with the global auth guard, as ApiModule will once it imports AuthApiModule itself, and
// seeds an admin API key so that a test authenticates with one header.
export async function startAuthApi(config: AppConfig = testConfig()): Promise<AuthedApi> {
  const app = await NestFactory.create<NestFastifyApplication>(
    GuardedApiModule.forRoot(config),
    new FastifyAdapter({ bodyLimit: config.http.bodyLimitBytes }),
    { logger: false },
  );
  registerProtobufBody(app, config.http.bodyLimitBytes);
  await app.init();
  await app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const auth = app.get(AuthService);
  const apiKey = async (role: Role) => (await auth.createApiKey(`test-${role}`, role, null)).key;
  const authHeaders = { authorization: `Bearer ${await apiKey('admin')}` };
  return {
    baseUrl,
    app,
    authHeaders,
    apiKey,
    fetch: (path, init = {}) =>
      fetch(`${baseUrl}${path}`, { ...init, headers: { ...authHeaders, ...(init.headers as Record<string, string>) } }),
    close: () => app.close(),
  };
}
