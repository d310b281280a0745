// The comparison of an alert rule: "> 80" and its threshold. Pure: no I/O, no clock.

export const OPERATORS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type Operator = (typeof OPERATORS)[number];

export interface Condition {
  operator: Operator;
  threshold: number;
}

export type ConditionResult = { ok: true; condition: Condition } | { ok: false; field: string; message: string };

// Longest operators first, so that ">=" is not read as ">" followed by "=...".
const CONDITION_PATTERN = /^\s*(>=|<=|==|!=|>|<)\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)?\s*$/;
export const CONDITION_HINT = `must be one of ${OPERATORS.join(' ')} optionally followed by a number, such as "> 80"`;

// Reads a condition string. The number is optional ("> " alone takes the threshold field).
export function parseCondition(text: string): { operator: Operator; number?: number } | undefined {
  const match = CONDITION_PATTERN.exec(text);
  if (!match) return undefined;
  const number = match[2] === undefined ? undefined : Number(match[2]);
  if (number !== undefined && !Number.isFinite(number)) return undefined;
  return { operator: match[1] as Operator, number };
}

// Combines what a request says about the comparison with what the rule had before (for partial updates):
// a number inside the condition and the threshold must agree; either one alone is enough.
export function resolveCondition(
  input: { condition?: string; threshold?: number },
  current?: Condition,
): ConditionResult {
  if (input.threshold !== undefined && !Number.isFinite(input.threshold)) {
    return { ok: false, field: 'threshold', message: 'must be a finite number' };
  }
  let operator = current?.operator;
  let fromCondition: number | undefined;
  if (input.condition !== undefined) {
    const parsed = parseCondition(input.condition);
    if (!parsed) return { ok: false, field: 'condition', message: CONDITION_HINT };
    operator = parsed.operator;
    fromCondition = parsed.number;
  }
  if (operator === undefined) return { ok: false, field: 'condition', message: 'is required' };
  if (fromCondition !== undefined && input.threshold !== undefined && fromCondition !== input.threshold) {
    return {
      ok: false,
      field: 'threshold',
      message: `must agree with the number in condition (${fromCondition}); got ${input.threshold}`,
    };
  }
  const threshold = input.threshold ?? fromCondition ?? current?.threshold;
  if (threshold === undefined) {
    return { ok: false, field: 'threshold', message: 'is required when condition has no number' };
  }
  return { ok: true, condition: { operator, threshold } };
}

export function holds(condition: Condition, value: number): boolean {
  const { operator, threshold } = condition;
  switch (operator) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

export function formatCondition(condition: Condition): string {
  return `${condition.operator} ${condition.threshold}`;
}
