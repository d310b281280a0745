import { describe, expect, it } from 'vitest';
import { compress } from 'snappyjs';
import { useApiFixture } from '../support/api-fixture.js';
import { uniqueMetricName } from '../support/names.js';
import { encodeRemoteWrite, postRemoteWrite } from '../support/remote-write.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const STALE_NAN = new DataView(new Uint8Array([0x7f, 0xf0, 0, 0, 0, 0, 0, 2]).buffer).getFloat64(0);

// Prometheus remote write 1.0 at /api/v1/write and /prometheus/api/v1/write: 204 after commit, 400 with nothing
// stored for bad payloads, 415 for 2.0.
describe('remote write 1.0 receiver', () => {
  const fx = useApiFixture();

  it('stores every sample with labels and metadata and answers 204 with an empty body', async () => {
    const counter = uniqueMetricName('rw_requests') + '_total';
    const histogram = uniqueMetricName('rw_latency_seconds');
    const body = encodeRemoteWrite(
      [
        {
          labels: { __name__: counter, job: 'api', instance: 'a:1' },
          samples: [
            { value: 1, timestamp: T0 },
            { value: 4, timestamp: T0 + 15_000 },
          ],
        },
        { labels: { __name__: `${histogram}_bucket`, le: '0.5' }, samples: [{ value: 7, timestamp: T0 }] },
      ],
      [{ type: 3, metricFamilyName: histogram, help: 'Request latency.', unit: 'seconds' }],
    );

    const response = await postRemoteWrite(fx.api, body);

    expect(response).toEqual({ status: 204, text: '' });
    expect(await fx.store.samples(counter)).toEqual([
      { labels: { instance: 'a:1', job: 'api' }, value: 1, time: '2024-05-01T10:00:00.000000Z' },
      { labels: { instance: 'a:1', job: 'api' }, value: 4, time: '2024-05-01T10:00:15.000000Z' },
    ]);
    expect(await fx.store.series(counter)).toEqual([
      { labels: { instance: 'a:1', job: 'api' }, type: 'counter', help_text: null, unit: null },
    ]);
    expect(await fx.store.series(`${histogram}_bucket`)).toEqual([
      { labels: { le: '0.5' }, type: 'histogram', help_text: 'Request latency.', unit: 'seconds' },
    ]);
  });

  it('accepts the same payload under /prometheus/api/v1/write and drops staleness markers', async () => {
    const name = uniqueMetricName('rw_gauge');
    const samples = [
      { value: 3.5, timestamp: T0 },
      { value: STALE_NAN, timestamp: T0 + 1000 },
    ];
    const response = await postRemoteWrite(
      fx.api,
      encodeRemoteWrite([{ labels: { __name__: name }, samples }]),
      {},
      '/prometheus/api/v1/write',
    );

    expect(response.status).toBe(204);
    expect(await fx.store.samples(name)).toEqual([{ labels: {}, value: 3.5, time: '2024-05-01T10:00:00.000000Z' }]);
  });

  it.each([
    ['a body that is not snappy', () => new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), {}, /snappy/],
    [
      'snappy around bytes that are not a WriteRequest',
      () => compress(new Uint8Array([0x0a, 0x50, 0x01])),
      {},
      /WriteRequest/,
    ],
    [
      'a missing Content-Encoding',
      (name: string) => encodeRemoteWrite([{ labels: { __name__: name }, samples: [{ value: 1, timestamp: T0 }] }]),
      { 'content-encoding': 'identity' },
      /Content-Encoding/,
    ],
    [
      'an invalid label name',
      (name: string) =>
        encodeRemoteWrite([{ labels: { __name__: name, 'bad-label': 'x' }, samples: [{ value: 1, timestamp: T0 }] }]),
      {},
      /bad-label/,
    ],
    [
      'an infinite value next to a valid series',
      (name: string) =>
        encodeRemoteWrite([
          { labels: { __name__: name, ok: 'yes' }, samples: [{ value: 1, timestamp: T0 }] },
          { labels: { __name__: name, ok: 'no' }, samples: [{ value: Infinity, timestamp: T0 }] },
        ]),
      {},
      /finite/,
    ],
  ])('answers 400 and stores nothing for %s', async (_case, build, headers, message) => {
    const name = uniqueMetricName('rw_bad');
    const response = await postRemoteWrite(fx.api, build(name), headers);

    expect(response.status).toBe(400);
    expect(response.text).toMatch(message);
    expect(await fx.store.samples(name)).toEqual([]);
  });

  it('answers 415 for a remote write 2.0 request instead of reading it as an empty 1.0 one', async () => {
    const name = uniqueMetricName('rw_v2');
    const response = await postRemoteWrite(
      fx.api,
      encodeRemoteWrite([{ labels: { __name__: name }, samples: [{ value: 1, timestamp: T0 }] }]),
      {
        'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request',
        'x-prometheus-remote-write-version': '2.0.0',
      },
    );

    expect(response.status).toBe(415);
    expect(await fx.store.samples(name)).toEqual([]);
  });
});
