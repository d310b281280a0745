import { Body, Controller, Headers, HttpCode, HttpException, HttpStatus, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiNoContentResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { IngestRateLimit, Roles } from '@rtpm/auth';
import { AppConfig } from '@rtpm/config';
import {
  RemoteWriteError,
  decodeWriteRequest,
  isRemoteWriteV1ContentType,
  mapWriteRequest,
} from '@rtpm/ingest-protocols';
import { IngestService, MetricsError, type IngestLimits } from '@rtpm/metrics';
import { ApiAuth, BASIC_SCHEME } from '../auth/api-auth.decorator.js';
import { ErrorResponseDto } from '../http/error-response.dto.js';

// A snappy block can expand ~6x at most in practice; this bounds memory for a hostile body.
const DECOMPRESSION_FACTOR = 8;

// Prometheus remote write 1.0 receiver. 204 only after the samples are committed; 400 (nothing stored) for
// bad snappy/protobuf/labels/values, which senders do not retry; 503 when the database is down, which they do.
@ApiTags('ingestion')
@ApiAuth(BASIC_SCHEME)
@Roles('writer')
@IngestRateLimit()
@Controller()
export class RemoteWriteController {
  private readonly limits: IngestLimits;
  private readonly maxDecompressedBytes: number;

  constructor(
    private readonly ingest: IngestService,
    config: AppConfig,
  ) {
    this.limits = config.ingest;
    this.maxDecompressedBytes = config.http.bodyLimitBytes * DECOMPRESSION_FACTOR;
  }

  @Post(['api/v1/write', 'prometheus/api/v1/write'])
  @HttpCode(204)
  @ApiConsumes('application/x-protobuf')
  @ApiBody({
    description: 'A snappy-compressed (block format) protobuf WriteRequest of remote write 1.0.',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiHeader({ name: 'Content-Encoding', required: true, example: 'snappy' })
  @ApiHeader({ name: 'X-Prometheus-Remote-Write-Version', required: false, example: '0.1.0' })
  @ApiNoContentResponse({ description: 'Every sample of the WriteRequest is committed.' })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'Bad snappy, protobuf, labels or values; nothing stored.',
  })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorResponseDto, description: 'Remote write 2.0 is not supported.' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Database unavailable; retry.' })
  async write(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Headers('content-encoding') contentEncoding: string | undefined,
  ): Promise<void> {
    if (!isRemoteWriteV1ContentType(contentType)) {
      throw new HttpException(
        `Content-Type must be application/x-protobuf (remote write 1.0); got ${contentType ?? 'none'}`,
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      );
    }
    if (contentEncoding?.trim().toLowerCase() !== 'snappy') {
      throw invalid('Content-Encoding must be snappy', 'Content-Encoding');
    }
    if (!Buffer.isBuffer(body) || body.length === 0) throw invalid('the body is empty', 'body');
    let request;
    try {
      request = decodeWriteRequest(body, this.maxDecompressedBytes);
    } catch (error) {
      if (error instanceof RemoteWriteError) throw invalid(error.message, 'body');
      throw error;
    }
    const { samples, problems } = mapWriteRequest(request, this.limits);
    if (problems.length > 0) {
      throw new MetricsError(
        'invalid_sample',
        `The WriteRequest has ${problems.length} problem(s); nothing was stored.`,
        problems.slice(0, 100),
      );
    }
    if (samples.length > 0) await this.ingest.ingest(samples);
  }
}

function invalid(message: string, field: string): MetricsError {
  return new MetricsError('invalid_sample', `Invalid remote write request: ${message}`, [{ field, message }]);
}
