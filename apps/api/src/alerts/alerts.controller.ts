import { applyDecorators, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { AlertService, toAlertEvent, type AlertPage } from '@rtpm/alerts';
import { Roles } from '@rtpm/auth';
import { ApiAuth } from '../auth/api-auth.decorator.js';
import { ErrorResponseDto } from '../http/error-response.dto.js';
import { parseAlertFilter } from './alert-request.parser.js';
import { AlertListDto, AlertResponseDto } from './dto/alert.dto.js';

const FILTER_QUERIES = [
  { name: 'state', description: 'Comma-separated: pending, firing, resolved.' },
  { name: 'severity', description: 'low, medium, high or critical.' },
  { name: 'rule_id', description: 'Alerts of one rule.' },
  { name: 'since', description: 'Started at or after (RFC 3339 or epoch ms).' },
  { name: 'until', description: 'Started before (RFC 3339 or epoch ms).' },
  { name: 'limit', description: '1-1000, default 100.' },
  { name: 'offset', description: 'Default 0.' },
];
const FilterQueries = () => applyDecorators(...FILTER_QUERIES.map((query) => ApiQuery({ ...query, required: false })));

@ApiTags('alerts')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Unknown or invalid filter.' })
@ApiAuth()
@Controller('api/v1/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertService) {}

  @Roles('reader')
  @Get('active')
  @FilterQueries()
  @ApiOkResponse({ type: AlertListDto, description: 'Pending and firing alerts, newest first.' })
  async active(@Query() query: Record<string, unknown>): Promise<AlertListDto> {
    return toList(await this.alerts.active(parseAlertFilter(query)));
  }

  @Roles('reader')
  @Get()
  @FilterQueries()
  @ApiOkResponse({ type: AlertListDto, description: 'Every alert instance (history), newest first.' })
  async history(@Query() query: Record<string, unknown>): Promise<AlertListDto> {
    return toList(await this.alerts.history(parseAlertFilter(query)));
  }

  @Roles('admin')
  @Post('resolve/:alert_id')
  @HttpCode(200)
  @ApiOkResponse({ type: AlertResponseDto, description: 'Resolved now.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The alert is already resolved.' })
  async resolve(@Param('alert_id') alertId: string): Promise<AlertResponseDto> {
    return toAlertEvent(await this.alerts.resolve(alertId));
  }
}

function toList(page: AlertPage): AlertListDto {
  return { alerts: page.alerts.map(toAlertEvent), total: page.total };
}
