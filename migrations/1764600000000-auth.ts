import type { MigrationInterface, QueryRunner } from 'typeorm';

// Users (argon2id password hashes) and API keys (SHA-256 of the key only; the public prefix finds the row).
// Explicit SQL, no imports from libs: a migration is a frozen snapshot.
export class Auth1764600000000 implements MigrationInterface {
  name = 'Auth1764600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE IF NOT EXISTS users (
        id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        username      text        NOT NULL,
        password_hash text        NOT NULL,
        role          text        NOT NULL CHECK (role IN ('reader', 'writer', 'admin')),
        disabled      boolean     NOT NULL DEFAULT false,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX IF NOT EXISTS users_username_key ON users (lower(username))`);

    await db.query(`
      CREATE TABLE IF NOT EXISTS api_keys (
        id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        name         text        NOT NULL,
        prefix       text        NOT NULL,
        key_hash     text        NOT NULL,
        role         text        NOT NULL CHECK (role IN ('reader', 'writer', 'admin')),
        created_by   uuid        REFERENCES users (id),
        created_at   timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at   timestamptz
      )`);
    await db.query(`CREATE UNIQUE INDEX IF NOT EXISTS api_keys_prefix_key ON api_keys (prefix)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS api_keys`);
    await db.query(`DROP TABLE IF EXISTS users`);
  }
}
