import { createBullBoard } from '@bull-board/api';
import bullAdapter from '@bull-board/api/bullAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppConfig } from '@rtpm/config';
import type { FastifyInstance } from 'fastify';
import { WorkerQueues } from '../jobs/worker-queues.js';
import { basicAuthMatches } from './basic-auth.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

// The Bull dashboard (the seed's Flower): queues, jobs, failures with their stack, retry/clean buttons. Served
// in its own Fastify scope whose onRequest hook demands the admin's HTTP Basic credentials for every route
// (pages, assets and API) until the JWT admin auth exists.
@Injectable()
export class QueueDashboard implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly queues: WorkerQueues,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return; // an application context without HTTP
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
    createBullBoard({
      queues: this.queues.all().map((queue) => new bullAdapter.BullAdapter(queue)),
      // @bull-board/fastify is typed against its own copy of @bull-board/api's interfaces.
      serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    });
    const { username, password } = this.config.admin;
    await fastify.register(async (scope) => {
      scope.addHook('onRequest', async (request, reply) => {
        if (basicAuthMatches(request.headers.authorization, username, password)) return;
        await reply
          .code(401)
          .header('www-authenticate', 'Basic realm="RTPM queues", charset="UTF-8"')
          .send({ statusCode: 401, error: 'Unauthorized', message: 'Admin credentials required.' });
      });
      await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
    });
  }
}
