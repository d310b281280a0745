import { ApiProperty } from '@nestjs/swagger';
import { AGGREGATIONS, RESOLUTIONS } from '@rtpm/rollups';

export class AggregatedPointDto {
  @ApiProperty({ example: '2024-01-01T12:00:00.000Z', description: 'Start of the bucket.' })
  timestamp!: string;

  @ApiProperty({ example: 45.2, description: 'The requested aggregation over the bucket.' })
  value!: number;

  @ApiProperty({ example: 6 })
  count!: number;

  @ApiProperty({ example: 271.2 })
  sum!: number;

  @ApiProperty({ example: 40.1 })
  min!: number;

  @ApiProperty({ example: 51.7 })
  max!: number;
}

export class AggregatedSeriesDto {
  @ApiProperty({ example: { host: 'server01' }, type: 'object', additionalProperties: { type: 'string' } })
  labels!: Record<string, string>;

  @ApiProperty({ type: [AggregatedPointDto] })
  points!: AggregatedPointDto[];
}

export class AggregatedResponseDto {
  @ApiProperty({ example: 'cpu_usage_percent' })
  metric_name!: string;

  @ApiProperty({ enum: RESOLUTIONS, example: '1m' })
  resolution!: string;

  @ApiProperty({ enum: AGGREGATIONS, example: 'avg' })
  aggregation!: string;

  @ApiProperty({ type: [AggregatedSeriesDto] })
  series!: AggregatedSeriesDto[];
}
