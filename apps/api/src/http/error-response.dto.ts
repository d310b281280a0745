import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorDetailDto {
  @ApiPropertyOptional({ example: 3, description: 'Position of the item in a batch.' })
  index?: number;

  @ApiProperty({ example: 'labels.host' })
  field!: string;

  @ApiProperty({ example: 'label value must not be empty (omit the label instead)' })
  message!: string;
}

export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty({ example: '1 of 2 metrics are invalid; nothing was stored.' })
  message!: string;

  @ApiPropertyOptional({ type: [ErrorDetailDto] })
  details?: ErrorDetailDto[];
}
