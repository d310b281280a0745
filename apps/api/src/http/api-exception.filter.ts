import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { AlertsError, type AlertsErrorCode } from '@rtpm/alerts';
import { MetricsError, type MetricsErrorCode } from '@rtpm/metrics';
import { promErrorOf, QueryError } from '@rtpm/query';
import type { FastifyReply } from 'fastify';

const RETRY_AFTER_SECONDS = 5;

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown[];
}

// The REST error envelope {statusCode, error, message, details?} for everything that leaves the API: domain
// errors by code, Nest HTTP exceptions, Fastify's own 4xx (bad JSON, body too large), and — without internals —
// anything unexpected.
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toBody(exception);
    if (body.statusCode === HttpStatus.SERVICE_UNAVAILABLE) reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
    void reply.status(body.statusCode).send(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof MetricsError) {
      const statusCode = metricsErrorStatus(exception.code);
      const body: ErrorBody = { statusCode, error: reason(statusCode), message: exception.message };
      return exception.details.length > 0 ? { ...body, details: exception.details } : body;
    }
    if (exception instanceof AlertsError) {
      const statusCode = alertsErrorStatus(exception.code);
      const body: ErrorBody = { statusCode, error: reason(statusCode), message: exception.message };
      return exception.details.length > 0 ? { ...body, details: exception.details } : body;
    }
    if (exception instanceof QueryError) {
      // Same status codes as the Prometheus-compatible routes: 400 bad input, 422 too many series, 503 timeout.
      const { status: statusCode } = promErrorOf(exception.code);
      const body: ErrorBody = { statusCode, error: reason(statusCode), message: exception.message };
      return exception.field ? { ...body, details: [{ field: exception.field, message: exception.message }] } : body;
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      if (typeof response === 'string') return { statusCode, error: reason(statusCode), message: response };
      const { message, details } = response as { message?: unknown; details?: unknown[] };
      return {
        statusCode,
        error: reason(statusCode),
        message: Array.isArray(message) ? message.join('; ') : String(message ?? exception.message),
        ...(details ? { details } : {}),
      };
    }
    const fastifyStatus = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return { statusCode: fastifyStatus, error: reason(fastifyStatus), message: (exception as Error).message };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { statusCode: 500, error: reason(500), message: 'Internal server error' };
  }
}

function metricsErrorStatus(code: MetricsErrorCode): number {
  switch (code) {
    case 'invalid_sample':
    case 'invalid_selector':
      return HttpStatus.BAD_REQUEST;
    case 'metric_not_found':
      return HttpStatus.NOT_FOUND;
    case 'storage_unavailable':
      return HttpStatus.SERVICE_UNAVAILABLE;
  }
}

function alertsErrorStatus(code: AlertsErrorCode): number {
  switch (code) {
    case 'invalid_rule':
      return HttpStatus.BAD_REQUEST;
    case 'rule_not_found':
    case 'alert_not_found':
      return HttpStatus.NOT_FOUND;
    case 'alert_already_resolved':
      return HttpStatus.CONFLICT;
    case 'storage_unavailable':
      return HttpStatus.SERVICE_UNAVAILABLE;
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function reason(statusCode: number): string {
  return REASONS[statusCode] ?? (statusCode >= 500 ? 'Internal Server Error' : 'Bad Request');
}
