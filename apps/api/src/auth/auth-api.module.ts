import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthModule } from '@rtpm/auth';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';

// Importing this module turns authentication on for every route of the app (APP_GUARD is global).
@Module({
  imports: [AuthModule],
  controllers: [AuthController],
  providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthModule],
})
export class AuthApiModule {}
