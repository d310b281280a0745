import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuthModule } from '@rtpm/auth';
import { AdminBootstrap } from './admin-bootstrap.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { RateLimitInterceptor } from './rate-limit.js';

// Importing this module turns authentication and rate limiting on for every route of the app (APP_GUARD and
// APP_INTERCEPTOR are global) and creates the first admin.
@Module({
  imports: [AuthModule],
  controllers: [AuthController],
  providers: [
    AdminBootstrap,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor },
  ],
  exports: [AuthModule],
})
export class AuthApiModule {}
