export type AuthErrorCode =
  | 'unauthenticated'
  | 'forbidden'
  | 'invalid_credentials'
  | 'too_many_attempts'
  | 'user_exists'
  | 'user_not_found'
  | 'api_key_not_found';

export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}
