import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { promErrorOf, QueryError } from '@rtpm/query';
import type { FastifyReply } from 'fastify';

interface PromErrorBody {
  status: 'error';
  errorType: string;
  error: string;
}

// Prometheus' error envelope {status:"error", errorType, error} for the Prometheus-compatible query routes
// (controller-scoped, so it wins over the REST filter there). Reusable by any route serving the Prometheus API.
@Catch()
export class PromApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('PrometheusAPI');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const [status, body] = this.toBody(exception);
    if (status === 503) reply.header('Retry-After', '5');
    void reply.status(status).send(body);
  }

  private toBody(exception: unknown): [number, PromErrorBody] {
    if (exception instanceof QueryError) {
      const { status, errorType } = promErrorOf(exception.code);
      return [status, { status: 'error', errorType, error: exception.message }];
    }
    const status =
      exception instanceof HttpException ? exception.getStatus() : (exception as { statusCode?: unknown })?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return [status, { status: 'error', errorType: 'bad_data', error: (exception as Error).message }];
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return [500, { status: 'error', errorType: 'internal', error: 'internal server error' }];
  }
}
