import { compress } from 'snappyjs';
import { describe, expect, it } from 'vitest';
import {
  RemoteWriteError,
  WriteRequestType,
  decodeWriteRequest,
  isRemoteWriteV1ContentType,
  isStaleMarker,
  mapWriteRequest,
} from './index.js';

const limits = { maxLabelsPerSample: 30, maxNameLength: 200, maxLabelValueLength: 2048 };
const STALE_NAN = new DataView(new Uint8Array([0x7f, 0xf0, 0, 0, 0, 0, 0, 2]).buffer).getFloat64(0);

function payload(message: object): Uint8Array {
  return compress(WriteRequestType.encode(WriteRequestType.fromObject(message)).finish());
}

function series(labels: Record<string, string>, samples: [number, number][]) {
  return {
    labels: Object.entries(labels).map(([name, value]) => ({ name, value })),
    samples: samples.map(([value, timestamp]) => ({ value, timestamp })),
  };
}

describe('remote write 1.0 decoding', () => {
  it('decodes hand-built bytes: one series, one sample, metadata', () => {
    // WriteRequest{timeseries:[{labels:[{__name__:"up"}], samples:[{value:1, timestamp:1000}]}],
    //              metadata:[{type:GAUGE, metric_family_name:"up", help:"h"}]}
    const nameLabel = [0x0a, 0x0e, 0x0a, 0x08, ...Buffer.from('__name__'), 0x12, 0x02, ...Buffer.from('up')];
    const sample = [0x12, 0x0c, 0x09, ...new Uint8Array(new Float64Array([1]).buffer), 0x10, 0xe8, 0x07];
    const ts = [0x0a, nameLabel.length + sample.length, ...nameLabel, ...sample];
    const meta = [0x1a, 0x09, 0x08, 0x02, 0x12, 0x02, ...Buffer.from('up'), 0x22, 0x01, ...Buffer.from('h')];
    const decoded = decodeWriteRequest(compress(new Uint8Array([...ts, ...meta])), 1 << 20);
    expect(decoded.timeseries).toEqual([series({ __name__: 'up' }, [[1, 1000]])]);
    // Absent fields read as their defaults (they live on the message's prototype, not as own properties).
    expect(
      decoded.metadata.map(({ type, metricFamilyName, help, unit }) => ({ type, metricFamilyName, help, unit })),
    ).toEqual([{ type: 2, metricFamilyName: 'up', help: 'h', unit: '' }]);
  });

  it('round-trips what protobufjs encodes, with int64 timestamps past 2^32', () => {
    const message = { timeseries: [series({ __name__: 'a', job: 'x' }, [[2.5, 1_700_000_000_123]])], metadata: [] };
    expect(decodeWriteRequest(payload(message), 1 << 20)).toEqual(message);
  });

  it.each([
    ['not snappy', new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), 'bad_snappy'],
    ['snappy of garbage protobuf', compress(new Uint8Array([0x0a, 0x50, 0x01])), 'bad_protobuf'],
    ['wire type mismatch', compress(new Uint8Array([0x0b, 0x00])), 'bad_protobuf'],
  ])('rejects %s', (_case, body, code) => {
    expect(() => decodeWriteRequest(body, 1 << 20)).toThrow(RemoteWriteError);
    try {
      decodeWriteRequest(body, 1 << 20);
    } catch (error) {
      expect((error as RemoteWriteError).code).toBe(code);
    }
  });

  it('refuses a body that decompresses past the limit', () => {
    const big = payload({ timeseries: [series({ __name__: 'x'.repeat(5000) }, [[1, 1]])] });
    expect(() => decodeWriteRequest(big, 1000)).toThrow(/snappy/);
  });

  it.each([
    ['application/x-protobuf', true],
    ['application/x-protobuf;proto=prometheus.WriteRequest', true],
    ['application/x-protobuf; proto=io.prometheus.write.v2.Request', false],
    ['application/json', false],
    [undefined, false],
  ])('content type %s is v1: %s', (contentType, expected) => {
    expect(isRemoteWriteV1ContentType(contentType)).toBe(expected);
  });
});

describe('mapping to RTPM samples', () => {
  it('takes __name__ as the name, metadata as type/help/unit, and guesses counter from _total otherwise', () => {
    const mapped = mapWriteRequest(
      {
        timeseries: [
          series({ __name__: 'req_total', job: 'api' }, [[3, 1000]]),
          series({ __name__: 'temp', room: 'a' }, [[21.5, 2000]]),
          series({ __name__: 'lat_seconds_bucket', le: '0.5' }, [[4, 3000]]),
        ],
        metadata: [{ type: 3, metricFamilyName: 'lat_seconds', help: 'Latency', unit: 'seconds' }],
      },
      limits,
    );
    expect(mapped.problems).toEqual([]);
    expect(mapped.samples).toEqual([
      { name: 'req_total', type: 'counter', value: 3, labels: { job: 'api' }, timeMs: 1000 },
      { name: 'temp', type: 'gauge', value: 21.5, labels: { room: 'a' }, timeMs: 2000 },
      {
        name: 'lat_seconds_bucket',
        type: 'histogram',
        value: 4,
        labels: { le: '0.5' },
        timeMs: 3000,
        helpText: 'Latency',
        unit: 'seconds',
      },
    ]);
  });

  it('drops NaN (staleness markers and real NaN alike) and rejects infinities', () => {
    expect(isStaleMarker(STALE_NAN)).toBe(true);
    expect(isStaleMarker(NaN)).toBe(false);
    // Objects, not number arrays: V8 canonicalises NaN payloads stored in double arrays.
    const samples = [
      { value: 1, timestamp: 1 },
      { value: STALE_NAN, timestamp: 2 },
      { value: NaN, timestamp: 3 },
    ];
    const decoded = decodeWriteRequest(
      payload({ timeseries: [{ labels: [{ name: '__name__', value: 'g' }], samples }] }),
      1 << 20,
    );
    expect(isStaleMarker(decoded.timeseries[0].samples[1].value)).toBe(true);
    const mapped = mapWriteRequest(decoded, limits);
    expect(mapped.samples.map((s) => s.value)).toEqual([1]);
    expect(mapped.nanDropped).toBe(2);
    expect(mapped.problems).toEqual([]);

    const bad = mapWriteRequest(
      {
        timeseries: [
          series({ __name__: 'g' }, [
            [Infinity, 1],
            [-Infinity, 2],
          ]),
        ],
        metadata: [],
      },
      limits,
    );
    expect(bad.problems).toHaveLength(2);
    expect(bad.problems[0]).toMatchObject({ index: 0, field: 'timeseries.samples.value' });
  });

  it.each([
    ['no __name__', { job: 'a' }, 'timeseries.labels.__name__'],
    ['bad metric name', { __name__: '1abc' }, 'timeseries.labels.__name__'],
    ['bad label name', { __name__: 'ok', 'bad-name': 'x' }, 'timeseries.labels.bad-name'],
    ['reserved label name', { __name__: 'ok', __meta: 'x' }, 'timeseries.labels.__meta'],
  ])('reports %s', (_case, labels, field) => {
    const mapped = mapWriteRequest({ timeseries: [series(labels, [[1, 1]])], metadata: [] }, limits);
    expect(mapped.samples).toEqual([]);
    expect(mapped.problems.map((p) => p.field)).toContain(field);
  });

  it('reports duplicate label names', () => {
    const mapped = mapWriteRequest(
      {
        timeseries: [
          {
            labels: [
              { name: '__name__', value: 'x' },
              { name: 'a', value: '1' },
              { name: 'a', value: '2' },
            ],
            samples: [],
          },
        ],
        metadata: [],
      },
      limits,
    );
    expect(mapped.problems).toEqual([{ index: 0, field: 'timeseries.labels.a', message: 'duplicate label name' }]);
  });

  it.each([
    ['a NUL in help', { help: 'a\u0000b', unit: 's' }, { helpText: undefined, unit: 's' }],
    ['an unpaired surrogate in unit', { help: 'h', unit: 's\ud800' }, { helpText: 'h', unit: undefined }],
  ])('leaves out %s, which PostgreSQL cannot store, and keeps the samples', (_case, text, expected) => {
    const metadata = [{ type: 2, metricFamilyName: 'up', ...text }];
    const mapped = mapWriteRequest({ timeseries: [series({ __name__: 'up' }, [[1, 1]])], metadata }, limits);
    expect(mapped.problems).toEqual([]);
    expect(mapped.samples).toMatchObject([{ name: 'up', type: 'gauge', value: 1, ...expected }]);
  });
});
