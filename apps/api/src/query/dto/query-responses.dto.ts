import { ApiProperty } from '@nestjs/swagger';

export class QueryPointDto {
  @ApiProperty({ example: '2024-01-01T00:05:00.000Z', description: 'Start of the bucket.' })
  timestamp!: string;

  @ApiProperty({ example: 45.2 })
  value!: number;
}

export class QuerySeriesDto {
  @ApiProperty({ example: { host: 'server01' }, type: 'object', additionalProperties: { type: 'string' } })
  labels!: Record<string, string>;

  @ApiProperty({ type: [QueryPointDto] })
  points!: QueryPointDto[];
}

export class StructuredQueryResponseDto {
  @ApiProperty({ example: 'cpu_usage_percent' })
  metric_name!: string;

  @ApiProperty({ example: '2024-01-01T00:00:00.000Z' })
  start_time!: string;

  @ApiProperty({ example: '2024-01-01T01:00:00.000Z' })
  end_time!: string;

  @ApiProperty({ example: '5m' })
  step!: string;

  @ApiProperty({ example: 'avg' })
  aggregation!: string;

  @ApiProperty({ type: [QuerySeriesDto] })
  series!: QuerySeriesDto[];
}

export class PromResponseDto {
  @ApiProperty({ enum: ['success'], example: 'success' })
  status!: string;

  @ApiProperty({
    example: {
      resultType: 'matrix',
      result: [{ metric: { __name__: 'cpu_usage_percent', host: 'server01' }, values: [[1704067200, '45.2']] }],
    },
    description: 'resultType matrix | vector | scalar; values are [unix seconds, "value"] as in Prometheus.',
  })
  data!: object;
}

export class PromErrorDto {
  @ApiProperty({ enum: ['error'], example: 'error' })
  status!: string;

  @ApiProperty({ enum: ['bad_data', 'execution', 'timeout', 'unavailable', 'internal'], example: 'bad_data' })
  errorType!: string;

  @ApiProperty({ example: 'invalid parameter "start": cannot parse "abc" to a valid timestamp' })
  error!: string;
}
