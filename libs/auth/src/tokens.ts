import { JwtService } from '@nestjs/jwt';
import { isUuid } from '@rtpm/database';
import { isRole, type Role } from './core/roles.js';

export interface TokenClaims {
  userId: string;
  username: string;
  role: Role;
}

// HS256 only, on signing and on verifying: `algorithms` is pinned so that a token claiming `none` or any
// other algorithm is refused whatever its header says.
export class TokenSigner {
  private readonly jwt: JwtService;

  constructor(
    secret: string,
    readonly expiresInSeconds: number,
  ) {
    this.jwt = new JwtService({
      secret,
      signOptions: { algorithm: 'HS256', expiresIn: expiresInSeconds },
      verifyOptions: { algorithms: ['HS256'] },
    });
  }

  sign(claims: TokenClaims): Promise<string> {
    return this.jwt.signAsync({ sub: claims.userId, username: claims.username, role: claims.role });
  }

  /** The claims of a valid, unexpired token, or null for anything else (never throws). */
  async verify(token: string): Promise<TokenClaims | null> {
    try {
      const payload = await this.jwt.verifyAsync<Record<string, unknown>>(token);
      const { sub, username, role } = payload;
      // The subject is a user id: one that is not a UUID names nobody (and must not reach a ::uuid cast).
      if (typeof sub !== 'string' || !isUuid(sub) || typeof username !== 'string' || !isRole(role)) return null;
      return { userId: sub, username, role };
    } catch {
      return null;
    }
  }
}
