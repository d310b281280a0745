import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALERT_STATES, SEVERITIES } from '@rtpm/alerts';

// An alert instance, the same object the realtime `alert` event carries.
export class AlertResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  rule_id!: string;
  @ApiProperty({ example: 'High CPU Alert' })
  rule_name!: string;
  @ApiProperty({ enum: ALERT_STATES, example: 'firing' })
  state!: string;
  @ApiProperty({ enum: SEVERITIES, example: 'high' })
  severity!: string;
  @ApiProperty({ example: { host: 'server01' }, type: 'object', additionalProperties: { type: 'string' } })
  labels!: Record<string, string>;
  @ApiProperty({ example: 91.5, description: 'The last value the rule saw for the series.' })
  value!: number;
  @ApiProperty({ example: '2024-01-01T12:00:00.000Z', description: 'When the condition started to hold (pending).' })
  starts_at!: string;
  @ApiPropertyOptional({ example: '2024-01-01T12:10:00.000Z', description: 'Present once resolved.' })
  resolved_at?: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  annotations!: Record<string, string>;
}

export class AlertListDto {
  @ApiProperty({ type: [AlertResponseDto] })
  alerts!: AlertResponseDto[];
  @ApiProperty({ example: 1, description: 'All matching alerts, regardless of limit and offset.' })
  total!: number;
}
