// The request bodies of the seed README's curl examples, as OpenAPI examples: Swagger UI pre-fills them and
// generated clients' docs show them. The OpenAPI e2e test sends each one to the API.
export const SEED_EXAMPLES = {
  ingest: {
    name: 'cpu_usage_percent',
    type: 'gauge',
    value: 45.2,
    labels: { host: 'server01', region: 'us-east-1' },
    help_text: 'CPU usage percentage',
    unit: 'percent',
  },
  batch: {
    metrics: [
      { name: 'cpu_usage_percent', type: 'gauge', value: 45.2, labels: { host: 'server01' } },
      { name: 'memory_usage_percent', type: 'gauge', value: 78.5, labels: { host: 'server01' } },
    ],
  },
  query: {
    metric_name: 'cpu_usage_percent',
    start_time: '2024-01-01T00:00:00Z',
    end_time: '2024-01-01T01:00:00Z',
    step: '5m',
    aggregation: 'avg',
  },
  alertRule: {
    name: 'High CPU Alert',
    metric_name: 'cpu_usage_percent',
    condition: '> 80',
    threshold: 80.0,
    severity: 'high',
    evaluation_interval: 60,
    for_duration: 300,
    annotations: { description: 'CPU usage is above 80% for 5 minutes' },
  },
} as const;

// ApiBody's `examples` for one of them.
export function seedExample(name: keyof typeof SEED_EXAMPLES): {
  examples: Record<string, { summary: string; value: unknown }>;
} {
  return { examples: { 'seed README': { summary: 'From the README', value: SEED_EXAMPLES[name] } } };
}
