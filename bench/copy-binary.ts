import { sampleParameters } from '@rtpm/metrics';

// COPY's binary format (https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4) for the
// benchmark's (series_id, time, value) rows: a header, then per row its field count and each field as its byte
// length and bytes, then a trailer. A field is laid out as an element of PostgreSQL's binary arrays, so the fields
// are taken from the API's own int8, timestamptz and float8 arrays (sampleParameters) rather than encoded again.
// A stream may be sent in several chunks: the first carries the header, the last the trailer.

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_BYTES = SIGNATURE.length + 8; // flags and header-extension length, both 0
const ARRAY_HEADER_BYTES = 20; // array_recv's header for one dimension: ndim, flags, oid, length, lower bound
const FIELD_BYTES = 4 + 8; // an element: its length (8), then its 8 bytes
const FIELDS = 3;

export interface CopyRows {
  seriesIds: number[];
  timesMs: number[];
  values: number[];
}

export function binaryCopyRows(rows: CopyRows, { header = true, trailer = true } = {}): Buffer {
  const columns = sampleParameters(rows);
  const count = rows.seriesIds.length;
  const rowBytes = 2 + FIELDS * FIELD_BYTES;
  const buffer = Buffer.alloc((header ? HEADER_BYTES : 0) + count * rowBytes + (trailer ? 2 : 0));
  let at = 0;
  if (header) {
    SIGNATURE.copy(buffer, 0);
    at = HEADER_BYTES;
  }
  for (let i = 0; i < count; i++) {
    at = buffer.writeInt16BE(FIELDS, at);
    const element = ARRAY_HEADER_BYTES + i * FIELD_BYTES;
    for (const column of columns) at += column.copy(buffer, at, element, element + FIELD_BYTES);
  }
  if (trailer) buffer.writeInt16BE(-1, at);
  return buffer;
}
