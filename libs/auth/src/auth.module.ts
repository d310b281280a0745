import { Module } from '@nestjs/common';
import { ApiKeysRepository } from './api-keys.repository.js';
import { AuthService } from './auth.service.js';
import { CredentialsService } from './credentials.service.js';
import { RateLimiter } from './rate-limiter.js';
import { UsersRepository } from './users.repository.js';

// Needs ConfigModule and DatabaseModule (both global) in the importing app.
@Module({
  providers: [UsersRepository, ApiKeysRepository, CredentialsService, RateLimiter, AuthService],
  exports: [CredentialsService, RateLimiter, AuthService],
})
export class AuthModule {}
