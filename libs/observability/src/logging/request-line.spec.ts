import { describe, expect, it } from 'vitest';
import { requestLine, requestLogLevel } from './request-line.js';

describe(requestLine.name, () => {
  it.each([
    {
      request: {
        method: 'POST',
        url: '/api/v1/metrics/ingest',
        route: '/api/v1/metrics/ingest',
        statusCode: 201,
        elapsedMs: 45.234,
      },
      expected: {
        method: 'POST',
        path: '/api/v1/metrics/ingest',
        route: '/api/v1/metrics/ingest',
        status_code: 201,
        duration_ms: 45.2,
      },
    },
    {
      request: {
        method: 'GET',
        url: '/api/v1/metrics/latest/cpu?host=a&token=s3cret',
        route: '/api/v1/metrics/latest/:metric_name',
        statusCode: 200,
        elapsedMs: 0.04,
      },
      expected: {
        method: 'GET',
        path: '/api/v1/metrics/latest/cpu',
        route: '/api/v1/metrics/latest/:metric_name',
        status_code: 200,
        duration_ms: 0,
      },
    },
    {
      request: { method: 'GET', url: '/nope?x=1', route: undefined, statusCode: 404, elapsedMs: 1.25 },
      expected: { method: 'GET', path: '/nope', status_code: 404, duration_ms: 1.3 },
    },
  ])('$request.url -> $expected.path', ({ request, expected }) => {
    expect(requestLine(request)).toEqual(expected);
  });
});

describe(requestLogLevel.name, () => {
  it.each([
    { route: '/api/v1/metrics/ingest', status: 201, expected: 'info' },
    { route: '/api/v1/metrics/ingest', status: 400, expected: 'info' },
    { route: '/api/v1/metrics/ingest', status: 503, expected: 'error' },
    { route: undefined, status: 404, expected: 'info' },
    { route: '/health/ready', status: 200, expected: 'debug' },
    { route: '/health/ready', status: 503, expected: 'error' },
    { route: '/health/detailed', status: 200, expected: 'info' },
    { route: '/metrics', status: 200, expected: 'debug' },
  ])('$route $status -> $expected', ({ route, status, expected }) => {
    expect(requestLogLevel(route, status)).toBe(expected);
  });
});
