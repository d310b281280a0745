import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfigOrExit } from '@rtpm/config';
import { createWorkerApp } from './create-worker-app.js';

const config = loadConfigOrExit();
const app = await createWorkerApp(config);
await app.listen(config.http.workerPort, config.http.host);
new Logger('Bootstrap').log(
  `RTPM worker up; probes on http://${config.http.host}:${config.http.workerPort}/health/live`,
);
