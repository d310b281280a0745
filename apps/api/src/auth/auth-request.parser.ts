import { BadRequestException } from '@nestjs/common';
import { isRole, ROLES, type Role } from '@rtpm/auth';
import { isUuid } from '@rtpm/database';
import { isStorableText, STORABLE_TEXT_MESSAGE } from '@rtpm/promql';

type Body = Record<string, unknown>;

function object(body: unknown): Body {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new BadRequestException('body must be a JSON object');
  return body as Body;
}

function text(body: Body, field: string, max = 200): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new BadRequestException(`${field} must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

// Text that PostgreSQL stores or compares (names, not passwords, which only argon2 reads).
function storedText(body: Body, field: string): string {
  const value = text(body, field);
  if (!isStorableText(value)) throw new BadRequestException(`${field} ${STORABLE_TEXT_MESSAGE}`);
  return value;
}

function role(value: unknown, field = 'role'): Role {
  if (!isRole(value)) throw new BadRequestException(`${field} must be one of ${ROLES.join(', ')}`);
  return value;
}

export function parseLogin(body: unknown): { username: string; password: string } {
  const b = object(body);
  return { username: storedText(b, 'username'), password: text(b, 'password', 1024) };
}

export function parseNewUser(body: unknown): { username: string; password: string; role: Role } {
  const b = object(body);
  const password = text(b, 'password', 1024);
  if (password.length < 12) throw new BadRequestException('password must be at least 12 characters');
  return { username: storedText(b, 'username'), password, role: role(b.role) };
}

export function parseUserPatch(body: unknown): { role?: Role; disabled?: boolean } {
  const b = object(body);
  if (b.disabled !== undefined && typeof b.disabled !== 'boolean')
    throw new BadRequestException('disabled must be a boolean');
  if (b.role === undefined && b.disabled === undefined) throw new BadRequestException('role or disabled is required');
  return { role: b.role === undefined ? undefined : role(b.role), disabled: b.disabled as boolean | undefined };
}

export function parseNewApiKey(body: unknown): { name: string; role: Role } {
  const b = object(body);
  return { name: storedText(b, 'name'), role: role(b.role) };
}

export function parseId(id: string): string {
  if (!isUuid(id)) throw new BadRequestException('id must be a UUID');
  return id;
}
