import { JOBS, QUEUES, REPEATABLE_JOBS } from '@rtpm/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobScheduleService } from '../../apps/worker/src/jobs/job-schedule.service.js';
import { startWorker, type RunningApp } from '../support/api-server.js';
import { getJson } from '../support/http.js';
import { testConfig } from '../support/test-config.js';
import { queueOf, runJob } from '../integration/worker/job-helpers.js';

// The worker's operational surface: schedules, readiness, /metrics and the admin-only queue dashboard.
describe('worker operations', () => {
  // A prefix of this file's own (still under the run's) so that schedules counted here are only ours.
  const config = testConfig({
    REDIS_KEY_PREFIX: `${testConfig().redis.keyPrefix}ops:`,
    ADMIN_USERNAME: 'ops',
    ADMIN_PASSWORD: 'correct horse battery staple',
  });
  let worker: RunningApp;
  let second: RunningApp;

  beforeAll(async () => {
    [worker, second] = await Promise.all([startWorker(config), startWorker(config)]);
  });
  afterAll(async () => {
    await second?.close();
    await worker?.close();
  });

  const schedules = async () => {
    const all = await Promise.all(
      [QUEUES.rollups, QUEUES.maintenance].map((name) => queueOf(worker.app, name).getRepeatableJobs()),
    );
    return all
      .flat()
      .map((job) => ({ name: job.name, every: Number(job.every) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  };
  const wanted = REPEATABLE_JOBS.map((job) => ({ name: job.name, every: job.everyMs })).sort((a, b) =>
    a.name.localeCompare(b.name),
  );

  it('keeps one schedule per periodic job however many replicas start', async () => {
    await worker.app.get(JobScheduleService).onApplicationBootstrap();

    expect(await schedules()).toEqual(wanted);
  });

  it('removes a schedule left by an older interval', async () => {
    await queueOf(worker.app, QUEUES.rollups).add(JOBS.rollup1m, {}, { repeat: { every: 1_234_000 }, jobId: 'old' });
    expect(await schedules()).toHaveLength(wanted.length + 1);

    await second.app.get(JobScheduleService).onApplicationBootstrap();

    expect(await schedules()).toEqual(wanted);
  });

  it('is ready when PostgreSQL and Redis answer', async () => {
    const response = await getJson(worker, '/health/ready');

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, redis: { status: 'up' } },
    });
  });

  it('exposes job counts, durations and queue depth on /metrics', async () => {
    await runJob(worker.app, QUEUES.maintenance, JOBS.partitions);

    const response = await fetch(`${worker.baseUrl}/metrics`);
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(text).toMatch(
      /worker_jobs_processed_total\{queue="storage-maintenance",job="partitions",outcome="completed"\} [1-9]/,
    );
    expect(text).toMatch(/worker_job_duration_seconds_count\{queue="storage-maintenance",job="partitions"\} [1-9]/);
    expect(text).toMatch(/worker_queue_jobs\{queue="rollups",state="delayed"\} \d+/);
    expect(text).toContain('worker_job_failures_total');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  describe('queue dashboard', () => {
    const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const get = (path: string, authorization?: string) =>
      fetch(`${worker.baseUrl}${path}`, { headers: authorization ? { authorization } : {} });

    it.each([
      ['no credentials', undefined],
      ['a wrong password', basic('ops', 'wrong')],
      ['a wrong user', basic('admin', 'correct horse battery staple')],
      ['another scheme', 'Bearer correct horse battery staple'],
    ])('refuses %s with 401 and a Basic challenge', async (_, authorization) => {
      for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
        const response = await get(path, authorization);
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      }
    });

    it('serves the dashboard and its API to the admin', async () => {
      const auth = basic('ops', 'correct horse battery staple');

      const page = await get('/admin/queues', auth);
      const api = await get('/admin/queues/api/queues', auth);

      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(api.status).toBe(200);
      const names = ((await api.json()) as { queues: { name: string }[] }).queues.map((q) => q.name);
      expect(names).toEqual(expect.arrayContaining([QUEUES.rollups, QUEUES.maintenance]));
    });
  });
});
