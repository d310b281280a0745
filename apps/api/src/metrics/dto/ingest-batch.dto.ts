import { ApiProperty } from '@nestjs/swagger';
import { IngestSampleDto } from './ingest-sample.dto.js';

export class IngestBatchDto {
  @ApiProperty({
    type: [IngestSampleDto],
    description: 'All-or-nothing: one invalid item rejects the whole batch with a 400 naming each bad item.',
  })
  metrics!: IngestSampleDto[];
}
