import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class IngestResponseDto {
  @ApiProperty({ example: 2 })
  ingested!: number;
}

export class LatestSeriesDto {
  @ApiProperty({ example: { host: 'server01' }, type: 'object', additionalProperties: { type: 'string' } })
  labels!: Record<string, string>;

  @ApiProperty({ example: 45.2 })
  value!: number;

  @ApiProperty({ example: '2024-01-01T12:00:00.000Z' })
  timestamp!: string;
}

export class LatestResponseDto {
  @ApiProperty({ example: 'cpu_usage_percent' })
  metric_name!: string;

  @ApiProperty({ type: [LatestSeriesDto] })
  series!: LatestSeriesDto[];
}

export class CatalogEntryDto {
  @ApiProperty({ example: 'cpu_usage_percent' })
  name!: string;

  @ApiProperty({ example: 'gauge' })
  type!: string;

  @ApiPropertyOptional({ example: 'CPU usage percentage', nullable: true })
  help_text!: string | null;

  @ApiPropertyOptional({ example: 'percent', nullable: true })
  unit!: string | null;

  @ApiProperty({ example: 3 })
  series_count!: number;
}

export class CatalogResponseDto {
  @ApiProperty({ type: [CatalogEntryDto] })
  metrics!: CatalogEntryDto[];
}
