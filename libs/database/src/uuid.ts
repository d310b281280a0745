// Row ids are UUIDs: anything else names no row, and must not reach a ::uuid cast, where PostgreSQL would refuse the
// whole statement (22P02).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
