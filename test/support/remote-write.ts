import { WriteRequestType } from '@rtpm/ingest-protocols';
import { compress } from 'snappyjs';
import { requestTo, type Target } from './http.js';

export interface RemoteWriteSeries {
  labels: Record<string, string>;
  samples: { value: number; timestamp: number }[];
}

export interface RemoteWriteResponse {
  status: number;
  text: string;
}

// A remote write 1.0 body as Prometheus sends it: protobuf WriteRequest in a snappy block.
export function encodeRemoteWrite(series: RemoteWriteSeries[], metadata: object[] = []): Uint8Array {
  const message = {
    timeseries: series.map(({ labels, samples }) => ({
      labels: Object.entries(labels)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, value]) => ({ name, value })),
      samples,
    })),
    metadata,
  };
  return compress(WriteRequestType.encode(WriteRequestType.fromObject(message)).finish());
}

export async function postRemoteWrite(
  target: Target,
  body: Uint8Array,
  headers: Record<string, string> = {},
  path = '/api/v1/write',
): Promise<RemoteWriteResponse> {
  const request = requestTo(target, path, {
    'content-type': 'application/x-protobuf',
    'content-encoding': 'snappy',
    'x-prometheus-remote-write-version': '0.1.0',
    ...headers,
  });
  const response = await fetch(request.url, { method: 'POST', headers: request.headers, body });
  return { status: response.status, text: await response.text() };
}
