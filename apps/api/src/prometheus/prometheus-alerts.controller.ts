import { Controller, Get, UseFilters } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '@rtpm/auth';
import { AlertRuleService, AlertService, formatCondition, type Alert, type AlertRule } from '@rtpm/alerts';
import { formatPromValue } from '@rtpm/query';
import { ApiAuth } from '../auth/api-auth.decorator.js';
import { PROM_EXAMPLES, PromCatalogDocs } from '../query/prom-api.docs.js';
import { PromApiExceptionFilter } from '../query/prom-api-exception.filter.js';

// Prometheus caps nothing here; RTPM lists at most this many active alerts.
const MAX_ALERTS = 10_000;

// RTPM's alert rules and active alerts in Prometheus' /api/v1/rules and /api/v1/alerts shapes (Grafana's
// data-source-managed alert view). One group per rule, since each rule has its own evaluation interval.
@ApiTags('prometheus')
@UseFilters(PromApiExceptionFilter)
@ApiAuth()
@Roles('reader')
@Controller('prometheus/api/v1')
export class PrometheusAlertsController {
  constructor(
    private readonly rules: AlertRuleService,
    private readonly alerts: AlertService,
  ) {}

  @Get('rules')
  @PromCatalogDocs(PROM_EXAMPLES.rules)
  async listRules() {
    const [rules, page] = await Promise.all([this.rules.list(), this.alerts.active({ limit: MAX_ALERTS, offset: 0 })]);
    const groups = rules.map((rule) => {
      const active = page.alerts.filter((alert) => alert.ruleId === rule.id).map(promAlert);
      return {
        name: rule.name,
        file: 'rtpm',
        interval: rule.evaluationIntervalSeconds,
        rules: [
          {
            type: 'alerting',
            name: rule.name,
            query: ruleQuery(rule),
            duration: rule.forDurationSeconds,
            labels: { severity: rule.severity },
            annotations: rule.annotations,
            alerts: active,
            health: rule.enabled ? 'ok' : 'unknown',
            state: active.some((a) => a.state === 'firing') ? 'firing' : active.length > 0 ? 'pending' : 'inactive',
          },
        ],
      };
    });
    return { status: 'success', data: { groups } };
  }

  @Get('alerts')
  @PromCatalogDocs(PROM_EXAMPLES.alerts)
  async listAlerts() {
    const page = await this.alerts.active({ limit: MAX_ALERTS, offset: 0 });
    return { status: 'success', data: { alerts: page.alerts.map(promAlert) } };
  }
}

function ruleQuery(rule: AlertRule): string {
  const matchers = Object.entries(rule.labels).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  return `${rule.metricName}${matchers.length > 0 ? `{${matchers.join(',')}}` : ''} ${formatCondition(rule.condition)}`;
}

function promAlert(alert: Alert) {
  return {
    labels: { alertname: alert.ruleName, severity: alert.severity, ...alert.labels },
    annotations: alert.annotations,
    state: alert.state,
    activeAt: new Date(alert.startsAtMs).toISOString(),
    value: formatPromValue(alert.value),
  };
}
