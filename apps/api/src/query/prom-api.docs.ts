import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { PromErrorDto, PromResponseDto } from './dto/query-responses.dto.js';

// Swagger for the Prometheus HTTP API routes (under /api/v1/metrics/query and /prometheus/api/v1): each takes its
// parameters in the query string (GET) or as a form body (POST, what Grafana sends); errors are Prometheus' own
// {status: "error", errorType, error}.
interface PromParam {
  name: string;
  required: boolean;
  description: string;
  example?: string;
  repeated?: boolean;
}

const TIME = 'RFC 3339 or Unix seconds.';
const MATCH: PromParam = {
  name: 'match[]',
  required: false,
  repeated: true,
  description: 'Series selector; repeatable.',
  example: 'cpu_usage_percent{host="server01"}',
};
const WINDOW: PromParam[] = [
  { name: 'start', required: false, description: TIME, example: '2024-01-01T00:00:00Z' },
  { name: 'end', required: false, description: TIME, example: '2024-01-01T01:00:00Z' },
  { name: 'limit', required: false, description: 'At most this many results (and never more than 10,000).' },
];
const TIMEOUT: PromParam = { name: 'timeout', required: false, description: 'Evaluation timeout.', example: '10s' };

export const PROM_PARAMS = {
  range: [
    {
      name: 'query',
      required: true,
      description: 'PromQL.',
      example: 'sum by (region) (rate(http_requests_total[5m]))',
    },
    { name: 'start', required: true, description: TIME, example: '2024-01-01T00:00:00Z' },
    { name: 'end', required: true, description: TIME, example: '2024-01-01T01:00:00Z' },
    { name: 'step', required: true, description: 'Duration or float seconds.', example: '1m' },
    TIMEOUT,
  ],
  instant: [
    { name: 'query', required: true, description: 'PromQL.', example: 'cpu_usage_percent{host=~"server0[12]"}' },
    { name: 'time', required: false, description: `${TIME} Default now.` },
    TIMEOUT,
  ],
  series: [{ ...MATCH, required: true }, ...WINDOW],
  labels: [MATCH, ...WINDOW],
  metadata: [
    { name: 'metric', required: false, description: 'Only this metric.', example: 'cpu_usage_percent' },
    { name: 'limit', required: false, description: 'At most this many metrics.' },
  ],
} satisfies Record<string, PromParam[]>;

// The parameters of a route, in the query string (GET) or the form body (POST).
export function PromParams(params: PromParam[], method: 'GET' | 'POST'): MethodDecorator {
  if (method === 'GET') {
    return applyDecorators(
      ...params.map(({ name, required, description, example, repeated }) =>
        ApiQuery({ name, required, description, example, ...(repeated ? { isArray: true, type: String } : {}) }),
      ),
    );
  }
  const properties = Object.fromEntries(
    params.map(({ name, description, example, repeated }) => [
      name,
      repeated
        ? { type: 'array', items: { type: 'string' }, description, example: [example] }
        : { type: 'string', description, example },
    ]),
  );
  const required = params.filter((param) => param.required).map((param) => param.name);
  return applyDecorators(
    ApiConsumes('application/x-www-form-urlencoded'),
    ApiBody({ schema: { type: 'object', required, properties } }),
  );
}

// A query or query_range route: its parameters and every answer it can give.
export function PromQueryDocs(kind: 'range' | 'instant', method: 'GET' | 'POST'): MethodDecorator {
  return applyDecorators(
    PromParams(PROM_PARAMS[kind], method),
    ApiOkResponse({
      type: PromResponseDto,
      description: kind === 'range' ? 'resultType matrix.' : 'resultType vector.',
    }),
    ApiBadRequestResponse({ type: PromErrorDto, description: 'bad_data: a parameter or the PromQL is invalid.' }),
    ApiUnprocessableEntityResponse({ type: PromErrorDto, description: 'execution: too many series.' }),
    ApiServiceUnavailableResponse({
      type: PromErrorDto,
      description: 'timeout, or unavailable while the database is down (with Retry-After).',
    }),
  );
}

// A catalogue route (series, labels, label values, metadata, rules, alerts): its answer and its errors.
export function PromCatalogDocs(example: unknown, params: PromParam[] = [], method: 'GET' | 'POST' = 'GET') {
  return applyDecorators(
    PromParams(params, method),
    ApiOkResponse({ schema: { type: 'object', example: { status: 'success', data: example } } }),
    ApiBadRequestResponse({ type: PromErrorDto, description: 'bad_data: a parameter is invalid.' }),
    ApiServiceUnavailableResponse({
      type: PromErrorDto,
      description: 'unavailable: the database is down (Retry-After).',
    }),
  );
}

// What the catalogue routes answer in `data`, for their Swagger examples.
export const PROM_EXAMPLES = {
  series: [{ __name__: 'cpu_usage_percent', host: 'server01', region: 'us-east-1' }],
  labels: ['__name__', 'host', 'region'],
  labelValues: ['server01', 'server02'],
  metadata: { cpu_usage_percent: [{ type: 'gauge', help: 'CPU usage percentage', unit: 'percent' }] },
  rules: {
    groups: [
      {
        name: 'High CPU Alert',
        file: 'rtpm',
        interval: 60,
        rules: [
          {
            type: 'alerting',
            name: 'High CPU Alert',
            query: 'cpu_usage_percent > 80',
            duration: 300,
            labels: { severity: 'high' },
            annotations: { description: 'CPU usage is above 80% for 5 minutes' },
            alerts: [],
            health: 'ok',
            state: 'inactive',
          },
        ],
      },
    ],
  },
  alerts: {
    alerts: [
      {
        labels: { alertname: 'High CPU Alert', severity: 'high', host: 'server01' },
        annotations: { description: 'CPU usage is above 80% for 5 minutes' },
        state: 'firing',
        activeAt: '2024-01-01T12:00:00.000Z',
        value: '92.5',
      },
    ],
  },
};
