import argon2 from 'argon2';

// argon2id with the library's defaults (m=64 MiB, t=3, p=4): the OWASP-recommended family for passwords.
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(storedHash, password);
  } catch {
    return false; // a malformed stored hash is a failed login, never a 500
  }
}
