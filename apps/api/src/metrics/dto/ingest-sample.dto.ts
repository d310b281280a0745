import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateBy } from 'class-validator';
import { METRIC_TYPES, parseTimestamp, type MetricType } from '@rtpm/metrics';
import { METRIC_NAME_PATTERN } from '@rtpm/promql';
import { IsStorableText } from '../../http/storable-text.js';

export const MAX_HELP_TEXT_LENGTH = 4096;
export const MAX_UNIT_LENGTH = 128;

// The wire shape of one sample. Shape and format rules live here; the configurable limits (name length, label
// count and sizes) are checked by SampleParser through @rtpm/metrics, so both show up in one 400.
export class IngestSampleDto {
  @ApiProperty({ example: 'cpu_usage_percent', pattern: METRIC_NAME_PATTERN.source })
  @IsString({ message: 'must be a string' })
  @Matches(METRIC_NAME_PATTERN, { message: `must match ${METRIC_NAME_PATTERN.source}` })
  name!: string;

  @ApiProperty({ enum: METRIC_TYPES, example: 'gauge' })
  @IsIn(METRIC_TYPES, { message: `must be one of ${METRIC_TYPES.join(', ')}` })
  type!: MetricType;

  @ApiProperty({ example: 45.2, description: 'A finite number.' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a finite number' })
  value!: number;

  @ApiPropertyOptional({
    example: { host: 'server01', region: 'us-east-1' },
    description: 'Label names match ^[a-zA-Z_][a-zA-Z0-9_]*$ and do not start with __; values are non-empty strings.',
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  @IsOptional()
  @IsObject({ message: 'must be an object of label names to string values' })
  labels?: Record<string, string>;

  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', format: 'date-time', example: '2024-01-01T12:00:00Z' },
      { type: 'integer', example: 1704110400000, description: 'Unix epoch milliseconds' },
    ],
    description: 'RFC 3339 or Unix epoch milliseconds; defaults to the time the request is received.',
  })
  @IsOptional()
  @ValidateBy(
    { name: 'isTimestamp', validator: { validate: (value: unknown) => parseTimestamp(value) !== undefined } },
    { message: 'must be an RFC 3339 date-time or Unix epoch milliseconds between 1970 and 9999' },
  )
  timestamp?: string | number;

  @ApiPropertyOptional({ example: 'CPU usage percentage' })
  @IsOptional()
  @IsString({ message: 'must be a string' })
  @MaxLength(MAX_HELP_TEXT_LENGTH, { message: `must be at most ${MAX_HELP_TEXT_LENGTH} characters` })
  @IsStorableText()
  help_text?: string;

  @ApiPropertyOptional({ example: 'percent' })
  @IsOptional()
  @IsString({ message: 'must be a string' })
  @MaxLength(MAX_UNIT_LENGTH, { message: `must be at most ${MAX_UNIT_LENGTH} characters` })
  @IsStorableText()
  unit?: string;
}
