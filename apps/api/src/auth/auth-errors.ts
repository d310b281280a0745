import {
  ConflictException,
  HttpException,
  HttpStatus,
  NotFoundException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { AuthError } from '@rtpm/auth';
import { isTransientDatabaseError } from '@rtpm/database';

// AuthError → HTTP, at the controller and guard edge (the shared exception filter then shapes the body). When
// PostgreSQL is unreachable, credentials cannot be checked: 503 (with Retry-After), so that clients retry.
export async function asHttp<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isTransientDatabaseError(error)) {
      throw new ServiceUnavailableException('authentication is unavailable (database unreachable), retry later');
    }
    if (!(error instanceof AuthError)) throw error;
    switch (error.code) {
      case 'invalid_credentials':
      case 'unauthenticated':
        throw new UnauthorizedException(error.message);
      case 'too_many_attempts':
        throw new HttpException(error.message, HttpStatus.TOO_MANY_REQUESTS);
      case 'user_exists':
        throw new ConflictException(error.message);
      case 'user_not_found':
      case 'api_key_not_found':
        throw new NotFoundException(error.message);
      case 'forbidden':
        throw new HttpException(error.message, HttpStatus.FORBIDDEN);
    }
  }
}
