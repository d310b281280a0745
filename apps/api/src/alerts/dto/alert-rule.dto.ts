import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONDITION_HINT, RULE_LIMITS, SEVERITIES, type Severity } from '@rtpm/alerts';
import { isStorableText, LABEL_NAME_PATTERN, METRIC_NAME_PATTERN } from '@rtpm/promql';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import { IsStorableText } from '../../http/storable-text.js';

const MAX_MAP_ENTRIES = 64;
const MAX_MAP_VALUE = 4096;

// A JSON object of string values, names and values storable (isStorableText); label maps also check the names the
// way ingestion does.
function StringMap(kind: 'labels' | 'annotations'): PropertyDecorator {
  const message =
    kind === 'labels'
      ? `must be an object of label names (${LABEL_NAME_PATTERN.source}, not starting with __) to non-empty strings ` +
        'of UTF-8 text without NUL characters'
      : `must be an object of at most ${MAX_MAP_ENTRIES} names to strings of at most ${MAX_MAP_VALUE} characters, ` +
        'all UTF-8 text without NUL characters';
  return ValidateBy(
    {
      name: `is${kind}`,
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          if (entries.length > MAX_MAP_ENTRIES) return false;
          return entries.every(
            ([name, text]) =>
              typeof text === 'string' &&
              isStorableText(text) &&
              (kind === 'labels'
                ? LABEL_NAME_PATTERN.test(name) && !name.startsWith('__') && text !== ''
                : name !== '' && isStorableText(name) && text.length <= MAX_MAP_VALUE),
          );
        },
      },
    },
    { message },
  );
}

function Seconds(min: number, max: number): PropertyDecorator {
  const message = `must be an integer number of seconds from ${min} to ${max}`;
  return applyDecorators(IsInt({ message }), Min(min, { message }), Max(max, { message }));
}

// The wire shape of a rule (POST, PUT; PATCH takes any subset). condition and threshold are checked together
// by the rule service: a number inside condition must equal threshold.
export class AlertRuleDto {
  @ApiProperty({ example: 'High CPU Alert', maxLength: 200 })
  @IsString({ message: 'must be a string' })
  @Matches(/\S/, { message: 'must not be empty' })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  @IsStorableText()
  name!: string;

  @ApiProperty({ example: 'cpu_usage_percent', pattern: METRIC_NAME_PATTERN.source })
  @IsString({ message: 'must be a string' })
  @Matches(METRIC_NAME_PATTERN, { message: `must match ${METRIC_NAME_PATTERN.source}` })
  metric_name!: string;

  @ApiPropertyOptional({
    example: { host: 'server01' },
    description: 'Equality matchers: the rule watches the series of metric_name that carry all of these labels.',
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  @IsOptional()
  @StringMap('labels')
  labels?: Record<string, string>;

  @ApiProperty({ example: '> 80', description: 'One of > >= < <= == !=, optionally followed by the threshold.' })
  @IsString({ message: 'must be a string' })
  @Matches(/^\s*(>=|<=|==|!=|>|<)/, { message: CONDITION_HINT })
  condition!: string;

  @ApiPropertyOptional({ example: 80.0, description: 'Required unless condition has a number; must agree with it.' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a finite number' })
  threshold?: number;

  @ApiProperty({ enum: SEVERITIES, example: 'high' })
  @IsIn(SEVERITIES, { message: `must be one of ${SEVERITIES.join(', ')}` })
  severity!: Severity;

  @ApiPropertyOptional({ example: 60, description: 'Seconds between evaluations.', default: 60 })
  @IsOptional()
  @Seconds(1, RULE_LIMITS.maxEvaluationIntervalSeconds)
  evaluation_interval?: number;

  @ApiPropertyOptional({
    example: 300,
    description: 'Seconds the condition must hold before the alert fires; 0 fires at once.',
    default: 0,
  })
  @IsOptional()
  @Seconds(0, RULE_LIMITS.maxForDurationSeconds)
  for_duration?: number;

  @ApiPropertyOptional({
    example: { description: 'CPU usage is above 80% for 5 minutes' },
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  @IsOptional()
  @StringMap('annotations')
  annotations?: Record<string, string>;

  @ApiPropertyOptional({ example: true, default: true })
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  enabled?: boolean;
}

export class AlertRuleResponseDto {
  @ApiProperty({ example: '3f1c2a9e-2a51-4c55-9b1e-6f1f0d4a8c11', format: 'uuid' })
  id!: string;
  @ApiProperty({ example: 'High CPU Alert' })
  name!: string;
  @ApiProperty({ example: 'cpu_usage_percent' })
  metric_name!: string;
  @ApiProperty({ example: { host: 'server01' }, type: 'object', additionalProperties: { type: 'string' } })
  labels!: Record<string, string>;
  @ApiProperty({ example: '> 80' })
  condition!: string;
  @ApiProperty({ example: 80 })
  threshold!: number;
  @ApiProperty({ enum: SEVERITIES, example: 'high' })
  severity!: string;
  @ApiProperty({ example: 60 })
  evaluation_interval!: number;
  @ApiProperty({ example: 300 })
  for_duration!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  annotations!: Record<string, string>;
  @ApiProperty({ example: true })
  enabled!: boolean;
  @ApiProperty({ example: '2024-01-01T12:00:00.000Z' })
  created_at!: string;
  @ApiProperty({ example: '2024-01-01T12:00:00.000Z' })
  updated_at!: string;
}

export class AlertRuleListDto {
  @ApiProperty({ type: [AlertRuleResponseDto] })
  rules!: AlertRuleResponseDto[];
}
