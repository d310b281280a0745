import { Injectable } from '@nestjs/common';
import { SqlClient } from '@rtpm/database';
import type { Role } from './core/roles.js';

export interface UserRow {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: Date;
}

interface RawUser {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  created_at: Date;
  password_hash: string;
}

const toUser = (r: RawUser): UserRow => ({
  id: r.id,
  username: r.username,
  role: r.role,
  disabled: r.disabled,
  createdAt: r.created_at,
});

// All SQL for users. The password hash never leaves this file except through findCredentials.
@Injectable()
export class UsersRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Inserts a user; null when the username (case-insensitive) is taken. */
  async insert(username: string, passwordHash: string, role: Role): Promise<UserRow | null> {
    const rows = await this.sql.query<RawUser>(
      `INSERT INTO users (username, password_hash, role) VALUES ($1, $2, $3)
       ON CONFLICT ((lower(username))) DO NOTHING
       RETURNING id, username, role, disabled, created_at, password_hash`,
      [username, passwordHash, role],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  async findCredentials(username: string): Promise<(UserRow & { passwordHash: string }) | null> {
    const rows = await this.sql.query<RawUser>(
      `SELECT id, username, role, disabled, created_at, password_hash FROM users WHERE lower(username) = lower($1)`,
      [username],
    );
    return rows[0] ? { ...toUser(rows[0]), passwordHash: rows[0].password_hash } : null;
  }

  async findById(id: string): Promise<UserRow | null> {
    const rows = await this.sql.query<RawUser>(
      `SELECT id, username, role, disabled, created_at FROM users WHERE id = $1::uuid`,
      [id],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  async list(): Promise<UserRow[]> {
    const rows = await this.sql.query<RawUser>(
      `SELECT id, username, role, disabled, created_at FROM users ORDER BY lower(username)`,
    );
    return rows.map(toUser);
  }

  async update(id: string, changes: { role?: Role; disabled?: boolean }): Promise<UserRow | null> {
    const rows = await this.sql.query<RawUser>(
      `UPDATE users SET role = COALESCE($2, role), disabled = COALESCE($3, disabled), updated_at = now()
        WHERE id = $1::uuid
       RETURNING id, username, role, disabled, created_at`,
      [id, changes.role ?? null, changes.disabled ?? null],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }
}
