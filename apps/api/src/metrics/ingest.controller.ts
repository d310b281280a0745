import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { IngestRateLimit, Roles } from '@rtpm/auth';
import { IngestService } from '@rtpm/metrics';
import { ApiAuth } from '../auth/api-auth.decorator.js';
import { ErrorResponseDto } from '../http/error-response.dto.js';
import { IngestBatchDto } from './dto/ingest-batch.dto.js';
import { IngestSampleDto } from './dto/ingest-sample.dto.js';
import { IngestResponseDto } from './dto/metric-responses.dto.js';
import { SampleParser } from './sample.parser.js';
import { seedExample } from '../http/seed-examples.js';

@ApiTags('ingestion')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid input; nothing was stored.' })
@ApiServiceUnavailableResponse({
  type: ErrorResponseDto,
  description: 'Database unavailable; retry after Retry-After.',
})
@ApiAuth()
@Roles('writer')
@IngestRateLimit()
@Controller('api/v1/metrics')
export class IngestController {
  constructor(
    private readonly parser: SampleParser,
    private readonly ingest: IngestService,
  ) {}

  @Post('ingest')
  @HttpCode(201)
  @ApiBody({ type: IngestSampleDto, ...seedExample('ingest') })
  @ApiCreatedResponse({ type: IngestResponseDto, description: 'The sample is committed.' })
  async ingestOne(@Body() body: unknown): Promise<IngestResponseDto> {
    const sample = this.parser.parseOne(body, Date.now());
    return { ingested: await this.ingest.ingest([sample]) };
  }

  @Post('batch')
  @HttpCode(201)
  @ApiBody({ type: IngestBatchDto, ...seedExample('batch') })
  @ApiCreatedResponse({ type: IngestResponseDto, description: 'Every sample of the batch is committed.' })
  async ingestBatch(@Body() body: unknown): Promise<IngestResponseDto> {
    const samples = this.parser.parseBatch(body, Date.now());
    return { ingested: await this.ingest.ingest(samples) };
  }
}
