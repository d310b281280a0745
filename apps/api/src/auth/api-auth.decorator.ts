import { applyDecorators } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiSecurity,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  type DocumentBuilder,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../http/error-response.dto.js';

export const BEARER_SCHEME = 'bearer';
export const API_KEY_SCHEME = 'api-key';
export const BASIC_SCHEME = 'basic';

// The security schemes of the OpenAPI document, so that generated clients and Swagger UI send credentials.
export function withSecuritySchemes(builder: DocumentBuilder): DocumentBuilder {
  return builder
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'A token from POST /auth/login, or an API key.' },
      BEARER_SCHEME,
    )
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key.' }, API_KEY_SCHEME)
    .addBasicAuth(
      { type: 'http', scheme: 'basic', description: 'Any username, an API key as the password (remote write).' },
      BASIC_SCHEME,
    );
}

// The Swagger side of a guarded controller or route: which credentials it takes and its auth failures. Access
// itself is decided by @Roles / @Public from @rtpm/auth.
export const ApiAuth = (...extraSchemes: string[]) =>
  applyDecorators(
    ApiBearerAuth(BEARER_SCHEME),
    ApiSecurity(API_KEY_SCHEME),
    ...extraSchemes.map((scheme) => ApiSecurity(scheme)),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'No credentials, or invalid or expired ones.' }),
    ApiForbiddenResponse({ type: ErrorResponseDto, description: 'The role of the credentials is too low.' }),
    ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'Rate limit exceeded; see Retry-After.' }),
  );
