import { METRIC_NAME_PATTERN } from '@rtpm/promql';
import { badRequest } from '../http/bad-request.js';
import { parseLabelFilter } from '../http/label-filter.js';

const NO_OWN_PARAMETERS: ReadonlySet<string> = new Set();

// GET /api/v1/metrics/latest/:metric_name?<label>=<value>…: the metric name and the label filter.
export function parseLatestRequest(
  name: string,
  query: Record<string, unknown>,
): { metricName: string; labels: Record<string, string> } {
  if (!METRIC_NAME_PATTERN.test(name)) {
    throw badRequest('Invalid metric_name.', [
      { field: 'metric_name', message: `must match ${METRIC_NAME_PATTERN.source}` },
    ]);
  }
  const labels = parseLabelFilter(query, NO_OWN_PARAMETERS, (field, message) =>
    badRequest(`Invalid label filter "${field}".`, [{ field, message }]),
  );
  return { metricName: name, labels };
}
