import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Roles } from '@rtpm/auth';
import { StructuredQueryService } from '@rtpm/query';
import { CountQueryRequests } from '@rtpm/observability';
import type { FastifyReply } from 'fastify';
import { ApiAuth } from '../auth/api-auth.decorator.js';
import { ErrorResponseDto } from '../http/error-response.dto.js';
import { StructuredQueryResponseDto } from './dto/query-responses.dto.js';
import { StructuredQueryDto } from './dto/structured-query.dto.js';
import { sendQueryBody } from './query-body.js';
import { parseStructuredQuery } from './structured-query.parser.js';
import { seedExample } from '../http/seed-examples.js';

@ApiTags('query')
@ApiAuth()
@Roles('reader')
@Controller('api/v1/metrics')
export class StructuredQueryController {
  constructor(private readonly queries: StructuredQueryService) {}

  @Post('query')
  @CountQueryRequests('query')
  @HttpCode(200)
  @ApiBody({ type: StructuredQueryDto, ...seedExample('query') })
  @ApiOkResponse({ type: StructuredQueryResponseDto, description: 'Series with one point per non-empty bucket.' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A field is invalid, or too many buckets.' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'Too many series (QUERY_MAX_SERIES).' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Timed out, or the database is down.' })
  async query(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return sendQueryBody(reply, await this.queries.query(parseStructuredQuery(body), Date.now()));
  }
}
