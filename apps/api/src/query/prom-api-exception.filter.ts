import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { AlertsError, type AlertsErrorCode } from '@rtpm/alerts';
import { MetricsError, type MetricsErrorCode } from '@rtpm/metrics';
import { promErrorOf, QueryError, type PromErrorType } from '@rtpm/query';
import type { FastifyReply } from 'fastify';

interface PromErrorBody {
  status: 'error';
  errorType: string;
  error: string;
}

type PromError = { errorType: PromErrorType | 'not_found'; status: number };

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
    const known = domainPromError(exception);
    if (known) {
      return [known.status, { status: 'error', errorType: known.errorType, error: (exception as Error).message }];
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

// Query routes throw QueryError, the catalogue reads (series, labels, metadata) MetricsError, /rules and /alerts
// AlertsError: each with a storage_unavailable code that becomes 503 `unavailable` (with Retry-After), not a 500.
function domainPromError(exception: unknown): PromError | undefined {
  if (exception instanceof QueryError) return promErrorOf(exception.code);
  if (exception instanceof MetricsError) return metricsPromError(exception.code);
  if (exception instanceof AlertsError) return alertsPromError(exception.code);
  return undefined;
}

function metricsPromError(code: MetricsErrorCode): PromError {
  switch (code) {
    case 'invalid_sample':
    case 'invalid_selector':
      return { errorType: 'bad_data', status: 400 };
    case 'metric_not_found':
      return { errorType: 'not_found', status: 404 };
    case 'storage_unavailable':
      return { errorType: 'unavailable', status: 503 };
  }
}

function alertsPromError(code: AlertsErrorCode): PromError {
  switch (code) {
    case 'invalid_rule':
    case 'alert_already_resolved':
      return { errorType: 'bad_data', status: 400 };
    case 'rule_not_found':
    case 'alert_not_found':
      return { errorType: 'not_found', status: 404 };
    case 'storage_unavailable':
      return { errorType: 'unavailable', status: 503 };
  }
}
