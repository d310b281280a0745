import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AuthService, CurrentPrincipal, Public, Roles, type ApiKeyRow, type Principal, type UserRow } from '@rtpm/auth';
import type { FastifyRequest } from 'fastify';
import { ApiAuth } from './api-auth.decorator.js';
import {
  ApiKeyListDto,
  CreatedApiKeyDto,
  LoginDto,
  NewApiKeyDto,
  NewUserDto,
  TokenResponseDto,
  UserDto,
  UserListDto,
  UserPatchDto,
} from './dto/auth.dto.js';
import { asHttp } from './auth-errors.js';
import { ErrorResponseDto } from '../http/error-response.dto.js';
import { parseId, parseLogin, parseNewApiKey, parseNewUser, parseUserPatch } from './auth-request.parser.js';

const userView = (u: UserRow) => ({
  id: u.id,
  username: u.username,
  role: u.role,
  disabled: u.disabled,
  createdAt: u.createdAt,
});
const keyView = (k: ApiKeyRow) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  role: k.role,
  createdAt: k.createdAt,
  lastUsedAt: k.lastUsedAt,
  revokedAt: k.revokedAt,
});

// Login is public; everything else here is admin.
@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Unknown user, wrong password or disabled user.' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'Too many failed logins; see Retry-After.' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The database is unavailable.' })
  @HttpCode(200)
  async login(@Body() body: unknown, @Req() request: FastifyRequest) {
    const { username, password } = parseLogin(body);
    const { token, expiresIn } = await asHttp(this.auth.login(username, password, request.ip));
    return { access_token: token, token_type: 'bearer', expires_in: expiresIn };
  }

  @Roles('admin')
  @ApiAuth()
  @Post('users')
  @ApiBody({ type: NewUserDto })
  @ApiCreatedResponse({ type: UserDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The username is taken.' })
  async createUser(@Body() body: unknown) {
    const { username, password, role } = parseNewUser(body);
    return userView(await asHttp(this.auth.createUser(username, password, role)));
  }

  @Roles('admin')
  @ApiAuth()
  @Get('users')
  @ApiOkResponse({ type: UserListDto })
  async listUsers() {
    return { users: (await asHttp(this.auth.listUsers())).map(userView) };
  }

  @Roles('admin')
  @ApiAuth()
  @Patch('users/:id')
  @ApiBody({ type: UserPatchDto })
  @ApiOkResponse({ type: UserDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async updateUser(@Param('id') id: string, @Body() body: unknown) {
    return userView(await asHttp(this.auth.updateUser(parseId(id), parseUserPatch(body))));
  }

  @Roles('admin')
  @ApiAuth()
  @Post('api-keys')
  @ApiBody({ type: NewApiKeyDto })
  @ApiCreatedResponse({ type: CreatedApiKeyDto, description: 'The key is in `key`, this once.' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  async createApiKey(@Body() body: unknown, @CurrentPrincipal() principal: Principal | undefined) {
    const { name, role } = parseNewApiKey(body);
    const createdBy = principal?.kind === 'user' ? principal.id : null;
    const created = await asHttp(this.auth.createApiKey(name, role, createdBy));
    // The key itself is shown once, here; only its hash is stored.
    return { ...keyView(created), key: created.key };
  }

  @Roles('admin')
  @ApiAuth()
  @Get('api-keys')
  @ApiOkResponse({ type: ApiKeyListDto })
  async listApiKeys() {
    return { api_keys: (await asHttp(this.auth.listApiKeys())).map(keyView) };
  }

  @Roles('admin')
  @ApiAuth()
  @Delete('api-keys/:id')
  @ApiNoContentResponse({ description: 'Revoked: the key stops working within seconds.' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @HttpCode(204)
  async revokeApiKey(@Param('id') id: string): Promise<void> {
    await asHttp(this.auth.revokeApiKey(parseId(id)));
  }
}
