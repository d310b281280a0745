import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useApiFixture } from '../support/api-fixture.js';
import { getJson } from '../support/http.js';
import { startExporter, startPrometheus, type RunningPrometheus } from '../support/prometheus-server.js';

const run = promisify(execFile);

// A real Prometheus scrapes a local exporter and remote-writes into RTPM; RTPM's Prometheus API must then give
// the same answers as Prometheus itself, and promtool must work against it as a client.
describe('live Prometheus remote write into RTPM', () => {
  const fx = useApiFixture();
  let exporter: Awaited<ReturnType<typeof startExporter>>;
  let prometheus: RunningPrometheus;
  let times: number[] = [];

  beforeAll(async () => {
    exporter = await startExporter();
    prometheus = await startPrometheus(exporter.target, {
      url: `${fx.api.baseUrl}/api/v1/write`,
      apiKey: await fx.api.apiKey('writer'),
    });
    for (let i = 0; i < 200 && times.length < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      times = (await fx.store.samples('e2e_jobs_total')).map((s) => Date.parse(s.time));
    }
  }, 30_000);

  afterAll(async () => {
    await prometheus?.close();
    await exporter?.close();
  });

  const both = async (path: string) => {
    const [ours, theirs] = await Promise.all([
      getJson(fx.api, `/prometheus/api/v1${path}`),
      getJson(prometheus, `/api/v1${path}`),
    ]);
    expect(ours.status).toBe(200);
    expect(theirs.status).toBe(200);
    return { ours: ours.body, theirs: theirs.body };
  };

  it('receives the scraped counter and gauge with Prometheus target labels', async () => {
    expect(times.length).toBeGreaterThanOrEqual(4);
    const series = await fx.store.series('e2e_jobs_total');
    expect(series.map((s) => s.labels)).toEqual([{ instance: exporter.target, job: 'rtpm_e2e', queue: 'a' }]);
    expect((await fx.store.samples('e2e_temperature_celsius')).length).toBeGreaterThan(0);
  });

  it('answers instant queries at raw sample timestamps exactly as Prometheus does', async () => {
    for (const t of times.slice(0, 3)) {
      for (const query of ['e2e_jobs_total', 'e2e_temperature_celsius', 'e2e_jobs_total * 2']) {
        const { ours, theirs } = await both(`/query?${new URLSearchParams({ query, time: String(t / 1000) })}`);
        expect(ours).toEqual(theirs);
      }
    }
  });

  it('answers query_range over the received window exactly as Prometheus does', async () => {
    const params = {
      query: 'e2e_jobs_total',
      start: String(times[0] / 1000),
      end: String(times[3] / 1000),
      step: '0.25',
    };
    const { ours, theirs } = await both(`/query_range?${new URLSearchParams(params)}`);
    expect(ours.data.result[0].values.length).toBeGreaterThan(4);
    expect(ours).toEqual(theirs);
  });

  it('serves promtool as a client: instant, range, series and labels', async () => {
    // promtool 2.42 has no --http.config.file: basic auth from the URL's user info, an API key as the password.
    const url = new URL(`${fx.api.baseUrl}/prometheus`);
    [url.username, url.password] = ['promtool', await fx.api.apiKey('reader')];
    const server = url.toString();
    const instant = await run('promtool', ['query', 'instant', `--time=${times[1] / 1000}`, server, 'e2e_jobs_total']);
    expect(instant.stdout).toMatch(/e2e_jobs_total\{.*queue="a".*\} => \d+ @\[/);

    const range = await run('promtool', [
      'query',
      'range',
      `--start=${times[0] / 1000}`,
      `--end=${times[2] / 1000}`,
      '--step=1s',
      server,
      'e2e_temperature_celsius',
    ]);
    expect(range.stdout).toMatch(/e2e_temperature_celsius\{.*room="lab".*\} =>/);

    const series = await run('promtool', ['query', 'series', '--match=e2e_jobs_total', server]);
    expect(series.stdout).toContain('queue="a"');

    const labels = await run('promtool', ['query', 'labels', server, 'job']);
    expect(labels.stdout.trim().split('\n')).toContain('rtpm_e2e');
  });
});
