import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfigOrExit } from '@rtpm/config';
import { createApiApp } from './create-api-app.js';

const config = loadConfigOrExit();
const app = await createApiApp(config);
await app.listen(config.http.port, config.http.host);
new Logger('Bootstrap').log(`RTPM API listening on http://${config.http.host}:${config.http.port} (docs at /docs)`);
