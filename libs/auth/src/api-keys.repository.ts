import { Injectable } from '@nestjs/common';
import { SqlClient } from '@rtpm/database';
import type { Role } from './core/roles.js';

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

interface RawKey {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  key_hash: string;
}

const COLUMNS = 'id, name, prefix, role, created_at, last_used_at, revoked_at';
const toKey = (r: RawKey): ApiKeyRow => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  role: r.role,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

// All SQL for api_keys. Only the SHA-256 digest of a key is stored.
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly sql: SqlClient) {}

  async insert(key: { name: string; prefix: string; hash: string; role: Role; createdBy: string | null }) {
    const rows = await this.sql.query<RawKey>(
      `INSERT INTO api_keys (name, prefix, key_hash, role, created_by) VALUES ($1, $2, $3, $4, $5::uuid)
       RETURNING ${COLUMNS}`,
      [key.name, key.prefix, key.hash, key.role, key.createdBy],
    );
    return toKey(rows[0]);
  }

  async findByPrefix(prefix: string): Promise<(ApiKeyRow & { hash: string }) | null> {
    const rows = await this.sql.query<RawKey>(`SELECT ${COLUMNS}, key_hash FROM api_keys WHERE prefix = $1`, [prefix]);
    return rows[0] ? { ...toKey(rows[0]), hash: rows[0].key_hash } : null;
  }

  async list(): Promise<ApiKeyRow[]> {
    const rows = await this.sql.query<RawKey>(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at`);
    return rows.map(toKey);
  }

  /** Revokes a key; false when no live key has this id. */
  async revoke(id: string): Promise<boolean> {
    const rows = await this.sql.query<{ id: string }>(
      `UPDATE api_keys SET revoked_at = now() WHERE id = $1::uuid AND revoked_at IS NULL RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  async touch(id: string): Promise<void> {
    await this.sql.query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1::uuid`, [id]);
  }
}
