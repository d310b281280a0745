import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROLES } from '@rtpm/auth';

// Swagger shapes of /auth/*; the bodies are validated by auth-request.parser.ts.

export class LoginDto {
  @ApiProperty({ example: 'admin' })
  username!: string;

  @ApiProperty({ example: 'correct horse battery staple', format: 'password' })
  password!: string;
}

export class TokenResponseDto {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' })
  access_token!: string;

  @ApiProperty({ enum: ['bearer'], example: 'bearer' })
  token_type!: 'bearer';

  @ApiProperty({ example: 3600, description: 'Seconds until the token expires (JWT_EXPIRES_IN).' })
  expires_in!: number;
}

export class NewUserDto {
  @ApiProperty({ example: 'grafana' })
  username!: string;

  @ApiProperty({ minLength: 12, format: 'password', example: 'a long random password' })
  password!: string;

  @ApiProperty({ enum: ROLES, example: 'reader' })
  role!: string;
}

export class UserPatchDto {
  @ApiPropertyOptional({ enum: ROLES, example: 'writer' })
  role?: string;

  @ApiPropertyOptional({ example: true, description: 'A disabled user can no longer log in or use its tokens.' })
  disabled?: boolean;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'grafana' })
  username!: string;

  @ApiProperty({ enum: ROLES, example: 'reader' })
  role!: string;

  @ApiProperty({ example: false })
  disabled!: boolean;

  @ApiProperty({ example: '2024-01-01T12:00:00.000Z' })
  createdAt!: string;
}

export class UserListDto {
  @ApiProperty({ type: [UserDto] })
  users!: UserDto[];
}

export class NewApiKeyDto {
  @ApiProperty({ example: 'prometheus-remote-write' })
  name!: string;

  @ApiProperty({ enum: ROLES, example: 'writer' })
  role!: string;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'prometheus-remote-write' })
  name!: string;

  @ApiProperty({ description: 'The public part of the key, to recognise it in lists.' })
  prefix!: string;

  @ApiProperty({ enum: ROLES, example: 'writer' })
  role!: string;

  @ApiProperty({ example: '2024-01-01T12:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ nullable: true, type: String, example: null })
  lastUsedAt!: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  revokedAt!: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The secret key, shown this once only: send it as a bearer token or X-API-Key.' })
  key!: string;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyDto] })
  api_keys!: ApiKeyDto[];
}
