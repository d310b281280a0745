import { ArgumentsHost, Catch, ExceptionFilter, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

// Terminus answers a failed check with a 503 whose body is the check result ({status, info, error, details}).
// Probes and dashboards read that shape, so it goes out as is rather than in the REST error envelope.
@Catch(ServiceUnavailableException)
export class HealthResultFilter implements ExceptionFilter {
  catch(exception: ServiceUnavailableException, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.status(exception.getStatus()).send(exception.getResponse());
  }
}
