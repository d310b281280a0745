import {
  ALERT_STATES,
  RULE_LIMITS,
  SEVERITIES,
  formatCondition,
  type AlertFilter,
  type AlertRule,
  type AlertState,
  type RuleInput,
  type RulePatch,
  type Severity,
} from '@rtpm/alerts';
import { parseTimestamp } from '@rtpm/metrics';
import { validateSync } from 'class-validator';
import { badRequest, fieldProblem, type FieldProblem } from '../http/bad-request.js';
import { AlertRuleDto, type AlertRuleResponseDto } from './dto/alert-rule.dto.js';

// Request bodies and query strings of the alert routes → domain inputs; one 400 names every bad field.

export function parseRule(body: unknown): RuleInput {
  const dto = validated(body, false);
  return {
    name: dto.name.trim(),
    metricName: dto.metric_name,
    labels: dto.labels ?? {},
    condition: dto.condition,
    threshold: dto.threshold,
    severity: dto.severity,
    evaluationIntervalSeconds: dto.evaluation_interval ?? RULE_LIMITS.defaultEvaluationIntervalSeconds,
    forDurationSeconds: dto.for_duration ?? 0,
    annotations: dto.annotations ?? {},
    enabled: dto.enabled ?? true,
  };
}

export function parseRulePatch(body: unknown): RulePatch {
  const dto = validated(body, true);
  return {
    name: dto.name?.trim(),
    metricName: dto.metric_name,
    labels: dto.labels,
    condition: dto.condition,
    threshold: dto.threshold,
    severity: dto.severity,
    evaluationIntervalSeconds: dto.evaluation_interval,
    forDurationSeconds: dto.for_duration,
    annotations: dto.annotations,
    enabled: dto.enabled,
  };
}

export function toRuleResponse(rule: AlertRule): AlertRuleResponseDto {
  return {
    id: rule.id,
    name: rule.name,
    metric_name: rule.metricName,
    labels: rule.labels,
    condition: formatCondition(rule.condition),
    threshold: rule.condition.threshold,
    severity: rule.severity,
    evaluation_interval: rule.evaluationIntervalSeconds,
    for_duration: rule.forDurationSeconds,
    annotations: rule.annotations,
    enabled: rule.enabled,
    created_at: rule.createdAt.toISOString(),
    updated_at: rule.updatedAt.toISOString(),
  };
}

const FILTERS = ['state', 'severity', 'rule_id', 'since', 'until', 'limit', 'offset'] as const;
const MAX_LIMIT = 1000;

// ?state=firing,pending&severity=high&rule_id=&since=&until=&limit=&offset= (times RFC 3339 or epoch ms).
export function parseAlertFilter(query: Record<string, unknown>): AlertFilter {
  const problems: FieldProblem[] = [];
  const one = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      problems.push({ field: name, message: 'may be given once' });
      return undefined;
    }
    return value;
  };
  for (const name of Object.keys(query)) {
    if (!(FILTERS as readonly string[]).includes(name)) {
      problems.push({ field: name, message: `is not a known filter (${FILTERS.join(', ')})` });
    }
  }
  const filter: AlertFilter = { limit: 100, offset: 0 };
  const states = one('state');
  if (states !== undefined) {
    const list = states.split(',').map((s) => s.trim());
    if (list.every((s): s is AlertState => (ALERT_STATES as readonly string[]).includes(s))) filter.states = list;
    else problems.push({ field: 'state', message: `must be one or more of ${ALERT_STATES.join(', ')}` });
  }
  const severity = one('severity');
  if (severity !== undefined) {
    if ((SEVERITIES as readonly string[]).includes(severity)) filter.severity = severity as Severity;
    else problems.push({ field: 'severity', message: `must be one of ${SEVERITIES.join(', ')}` });
  }
  const ruleId = one('rule_id');
  if (ruleId !== undefined) {
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ruleId)) filter.ruleId = ruleId;
    else problems.push({ field: 'rule_id', message: 'must be a rule id (UUID)' });
  }
  for (const [name, key] of [
    ['since', 'sinceMs'],
    ['until', 'untilMs'],
  ] as const) {
    const text = one(name);
    if (text === undefined) continue;
    const time = parseTimestamp(/^\d+$/.test(text) ? Number(text) : text);
    if (time === undefined)
      problems.push({ field: name, message: 'must be an RFC 3339 date-time or epoch milliseconds' });
    else filter[key] = time;
  }
  for (const [name, min, max] of [
    ['limit', 1, MAX_LIMIT],
    ['offset', 0, Number.MAX_SAFE_INTEGER],
  ] as const) {
    const text = one(name);
    if (text === undefined) continue;
    const number = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (number >= min && number <= max) filter[name] = number;
    else problems.push({ field: name, message: `must be an integer from ${min} to ${max === MAX_LIMIT ? max : 'up'}` });
  }
  if (problems.length > 0) throw badRequest('The alert filter is invalid.', problems);
  return filter;
}

function validated(body: unknown, partial: boolean): AlertRuleDto {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The body must be a JSON object.', [{ field: '', message: 'must be a JSON object' }]);
  }
  const dto = Object.setPrototypeOf({ ...body }, AlertRuleDto.prototype) as AlertRuleDto;
  const errors = validateSync(dto, {
    whitelist: true,
    forbidNonWhitelisted: true,
    skipMissingProperties: partial,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) throw badRequest('The rule is invalid.', errors.map(fieldProblem));
  return dto;
}
