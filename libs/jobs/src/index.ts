export { bullRootOptions } from './bull-options.js';
export { JobsModule } from './jobs.module.js';
export { JOBS, QUEUES, REPEATABLE_JOBS, type JobName, type QueueName, type RepeatableJob } from './queues.js';
