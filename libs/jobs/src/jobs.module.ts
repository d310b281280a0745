import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { bullRootOptions } from './bull-options.js';
import { QUEUES } from './queues.js';

const QUEUE_REGISTRATIONS = Object.values(QUEUES).map((name) => ({ name }));

// Bull root connection plus RTPM's queues, injectable with @InjectQueue(QUEUES.x). Needs ConfigModule (global).
// Closing the app closes the queues, which waits for the jobs this process is running.
@Module({
  imports: [
    BullModule.forRootAsync({ inject: [AppConfig], useFactory: bullRootOptions }),
    BullModule.registerQueue(...QUEUE_REGISTRATIONS),
  ],
  exports: [BullModule],
})
export class JobsModule {}
