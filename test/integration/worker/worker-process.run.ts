import { loadConfig } from '@rtpm/config';
import { it } from 'vitest';
import { createWorkerApp } from '../../../apps/worker/src/create-worker-app.js';
import { clearSchedules } from './job-helpers.js';

// The body of a worker process started by a test (see worker-process.config.ts): the real worker app on the
// configuration from the environment, consuming the real queues until the process is killed. Its periodic schedules
// are cleared, as for the tests' in-process workers, so that the only jobs it runs are the ones the test adds.
it('runs a worker until killed', async () => {
  const app = await createWorkerApp(loadConfig(process.env), { level: 'error' });
  await app.listen(0, '127.0.0.1');
  await clearSchedules(app);
  process.stdout.write('\nRTPM-WORKER-READY\n');
  await new Promise(() => undefined);
});
