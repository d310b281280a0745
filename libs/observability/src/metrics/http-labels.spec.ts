import { describe, expect, it } from 'vitest';
import { methodLabel, routeLabel, UNMATCHED_ROUTE } from './http-labels.js';

describe(routeLabel.name, () => {
  it.each([
    { template: '/api/v1/metrics/latest/:metric_name', is404: false, expected: '/api/v1/metrics/latest/:metric_name' },
    { template: '/health', is404: false, expected: '/health' },
    { template: undefined, is404: true, expected: UNMATCHED_ROUTE },
    { template: undefined, is404: false, expected: UNMATCHED_ROUTE },
    // Nest answers unmatched routes from a catch-all handler: the 404 flag wins over whatever template it has.
    { template: '/*', is404: true, expected: UNMATCHED_ROUTE },
    { template: '', is404: false, expected: UNMATCHED_ROUTE },
  ])('$template (404: $is404) -> $expected', ({ template, is404, expected }) => {
    expect(routeLabel(template, is404)).toBe(expected);
  });
});

describe(methodLabel.name, () => {
  it.each([
    { method: 'GET', expected: 'GET' },
    { method: 'POST', expected: 'POST' },
    { method: 'DELETE', expected: 'DELETE' },
    { method: 'PROPFIND', expected: 'OTHER' },
    { method: 'get', expected: 'OTHER' },
  ])('$method -> $expected', ({ method, expected }) => {
    expect(methodLabel(method)).toBe(expected);
  });
});
