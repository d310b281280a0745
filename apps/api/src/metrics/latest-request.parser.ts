import { BadRequestException } from '@nestjs/common';
import { METRIC_NAME_PATTERN } from '@rtpm/promql';
import { parseLabelFilter } from '../http/label-filter.js';

const NO_OWN_PARAMETERS: ReadonlySet<string> = new Set();

// GET /api/v1/metrics/latest/:metric_name?<label>=<value>…: the metric name and the label filter.
export function parseLatestRequest(
  name: string,
  query: Record<string, unknown>,
): { metricName: string; labels: Record<string, string> } {
  if (!METRIC_NAME_PATTERN.test(name)) {
    throw badRequest('metric_name', 'Invalid metric_name.', `must match ${METRIC_NAME_PATTERN.source}`);
  }
  const labels = parseLabelFilter(query, NO_OWN_PARAMETERS, (field, message) =>
    badRequest(field, `Invalid label filter "${field}".`, message),
  );
  return { metricName: name, labels };
}

function badRequest(field: string, summary: string, message: string): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: summary,
    details: [{ field, message }],
  });
}
