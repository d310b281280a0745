import 'reflect-metadata';
import { loadConfigOrExit } from '@rtpm/config';
import { createWorkerApp } from './create-worker-app.js';

const config = loadConfigOrExit();
const app = await createWorkerApp(config);
await app.listen(config.http.workerPort, config.http.host);
console.log(`RTPM worker up; probes on http://${config.http.host}:${config.http.workerPort}/health/live`);
