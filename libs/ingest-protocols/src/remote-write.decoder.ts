import { isStorableText } from '@rtpm/promql';
import { uncompress } from 'snappyjs';
import { PROM_METRIC_TYPE, WriteRequestType, type PromMetadata, type WriteRequest } from './remote-write.proto.js';

export class RemoteWriteError extends Error {
  constructor(
    readonly code: 'bad_snappy' | 'bad_protobuf' | 'unsupported_version',
    message: string,
  ) {
    super(message);
    this.name = 'RemoteWriteError';
  }
}

export const REMOTE_WRITE_V2_PROTO = 'io.prometheus.write.v2.Request';

// Remote write 1.0 content types: bare application/x-protobuf or proto=prometheus.WriteRequest. A 2.0 request
// must be refused with 415 rather than read as an (empty) 1.0 message.
export function isRemoteWriteV1ContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type, ...params] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/x-protobuf') return false;
  const proto = params.find((param) => param.startsWith('proto='))?.slice('proto='.length);
  return proto === undefined || proto === 'prometheus.writerequest';
}

// Snappy block format (not framed) around the protobuf bytes; maxBytes bounds the decompressed size.
export function decodeWriteRequest(body: Uint8Array, maxBytes: number): WriteRequest {
  let raw: Uint8Array;
  try {
    raw = uncompress(body, maxBytes);
  } catch (error) {
    throw new RemoteWriteError('bad_snappy', `body is not snappy block-compressed: ${(error as Error).message}`);
  }
  try {
    // The decoded message is read as is: repeated fields are arrays (empty when absent), other fields fall back to
    // their defaults on the prototype, and int64 arrives as a number (remote-write.proto.ts). Copying it into
    // plain objects (toObject) doubled what a request allocated.
    return WriteRequestType.decode(raw) as unknown as WriteRequest;
  } catch (error) {
    throw new RemoteWriteError(
      'bad_protobuf',
      `body is not a remote write 1.0 WriteRequest: ${(error as Error).message}`,
    );
  }
}

export type SeriesType = 'gauge' | 'counter' | 'histogram' | 'summary';

export interface MetadataEntry {
  type?: SeriesType;
  helpText?: string;
  unit?: string;
}

// Metadata by metric family name. Histogram/summary families are looked up by the base name of their
// _bucket/_sum/_count series. A HELP or unit PostgreSQL cannot store (a NUL, an unpaired surrogate) is left out,
// as if absent: metadata is advisory, and a 400 would make the sender drop the batch's samples.
export function metadataByFamily(metadata: PromMetadata[]): Map<string, MetadataEntry> {
  const byName = new Map<string, MetadataEntry>();
  for (const entry of metadata) {
    if (!entry.metricFamilyName) continue;
    byName.set(entry.metricFamilyName, {
      type: typeOf(entry.type),
      helpText: storable(entry.help),
      unit: storable(entry.unit),
    });
  }
  return byName;
}

function storable(text: string | undefined): string | undefined {
  return text && isStorableText(text) ? text : undefined;
}

function typeOf(code: number): SeriesType | undefined {
  switch (code) {
    case PROM_METRIC_TYPE.counter:
      return 'counter';
    case PROM_METRIC_TYPE.gauge:
      return 'gauge';
    case PROM_METRIC_TYPE.histogram:
    case PROM_METRIC_TYPE.gaugehistogram:
      return 'histogram';
    case PROM_METRIC_TYPE.summary:
      return 'summary';
    default:
      return undefined;
  }
}
