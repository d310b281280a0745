import { ConflictException, HttpException, HttpStatus, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { AuthError } from '@rtpm/auth';

// AuthError → HTTP, at the controller edge (the shared exception filter then shapes the body).
export async function asHttp<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
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
