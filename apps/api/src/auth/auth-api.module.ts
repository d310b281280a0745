import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthModule } from '@rtpm/auth';
import { AdminBootstrap } from './admin-bootstrap.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';

// Importing this module turns authentication on for every route of the app (APP_GUARD is global) and creates
// the first admin.
@Module({
  imports: [AuthModule],
  controllers: [AuthController],
  providers: [AdminBootstrap, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthModule],
})
export class AuthApiModule {}
