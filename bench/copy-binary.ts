// COPY's binary format (https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4) for the
// benchmark's (series_id, time, value) rows: a header, then per row its field count and each field as a length and
// big-endian bytes (int8, timestamptz as microseconds since 2000-01-01, float8), then a trailer. A stream may be
// sent in several chunks: the first carries the header, the last the trailer.

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_BYTES = SIGNATURE.length + 8; // flags and header-extension length, both 0
const ROW_BYTES = 2 + 3 * (4 + 8);
const POSTGRES_EPOCH_MS = 946_684_800_000n;

export interface CopyRow {
  seriesId: number;
  timeMs: number;
  value: number;
}

export function binaryCopyRows(rows: readonly CopyRow[], { header = true, trailer = true } = {}): Buffer {
  const buffer = Buffer.alloc((header ? HEADER_BYTES : 0) + rows.length * ROW_BYTES + (trailer ? 2 : 0));
  let at = 0;
  if (header) {
    SIGNATURE.copy(buffer, 0);
    at = HEADER_BYTES;
  }
  for (const row of rows) {
    at = buffer.writeInt16BE(3, at);
    at = buffer.writeInt32BE(8, at);
    at = buffer.writeBigInt64BE(BigInt(row.seriesId), at);
    at = buffer.writeInt32BE(8, at);
    at = buffer.writeBigInt64BE((BigInt(row.timeMs) - POSTGRES_EPOCH_MS) * 1000n, at);
    at = buffer.writeInt32BE(8, at);
    at = buffer.writeDoubleBE(row.value, at);
  }
  if (trailer) buffer.writeInt16BE(-1, at);
  return buffer;
}
