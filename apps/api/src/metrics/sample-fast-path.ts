import {
  METRIC_TYPES,
  checkSampleLimits,
  parseTimestamp,
  type IngestLimits,
  type MetricType,
  type SampleInput,
} from '@rtpm/metrics';
import { METRIC_NAME_PATTERN, isStorableText } from '@rtpm/promql';
import { MAX_HELP_TEXT_LENGTH, MAX_UNIT_LENGTH } from './dto/ingest-sample.dto.js';

const KNOWN_FIELDS = new Set(['name', 'type', 'value', 'labels', 'timestamp', 'help_text', 'unit']);
const TYPES: ReadonlySet<unknown> = new Set(METRIC_TYPES);

// The valid sample, accepted without class-validator, whose per-item metadata walk was a third of the API's CPU
// on large batches. Every check here is at least as strict as IngestSampleDto's decorators plus the configured
// limits, so whatever this accepts they accept too (sample-fast-path.spec.ts compares the two). Anything else,
// a bad item or one this path is unsure of, answers undefined and goes through class-validator, which writes
// the 400's messages: they stay word for word the same.
export function acceptValidSample(
  item: Record<string, unknown>,
  receivedAtMs: number,
  limits: IngestLimits,
): SampleInput | undefined {
  for (const key in item) if (!KNOWN_FIELDS.has(key)) return undefined;
  const { name, type, value, labels, timestamp, help_text: helpText, unit } = item;
  if (typeof name !== 'string' || !METRIC_NAME_PATTERN.test(name)) return undefined;
  if (!TYPES.has(type)) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  // Optional fields: null counts as absent, as @IsOptional has it.
  if (labels != null && (typeof labels !== 'object' || Array.isArray(labels))) return undefined;
  const timeMs = timestamp == null ? receivedAtMs : parseTimestamp(timestamp);
  if (timeMs === undefined) return undefined;
  if (!isOptionalText(helpText, MAX_HELP_TEXT_LENGTH) || !isOptionalText(unit, MAX_UNIT_LENGTH)) return undefined;
  const labelSet = (labels ?? {}) as Record<string, string>;
  if (checkSampleLimits(name, labelSet, limits).length > 0) return undefined;
  return {
    name,
    type: type as MetricType,
    value,
    labels: labelSet,
    timeMs,
    helpText: (helpText ?? undefined) as string | undefined,
    unit: (unit ?? undefined) as string | undefined,
  };
}

// UTF-16 length: never more than the length @MaxLength counts (which counts a surrogate pair once), so a text
// within it here is within it there. Storable as @IsStorableText has it.
function isOptionalText(value: unknown, maxLength: number): boolean {
  return value == null || (typeof value === 'string' && value.length <= maxLength && isStorableText(value));
}
