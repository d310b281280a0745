import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AlertRuleService } from '@rtpm/alerts';
import { Roles } from '@rtpm/auth';
import { ApiAuth } from '../auth/api-auth.decorator.js';
import { ErrorResponseDto } from '../http/error-response.dto.js';
import { parseRule, parseRulePatch, toRuleResponse } from './alert-request.parser.js';
import { AlertRuleDto, AlertRuleListDto, AlertRuleResponseDto } from './dto/alert-rule.dto.js';
import { seedExample } from '../http/seed-examples.js';

@ApiTags('alerts')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid rule; details name each field.' })
@ApiAuth()
@Controller('api/v1/alerts/rules')
export class AlertRulesController {
  constructor(private readonly rules: AlertRuleService) {}

  @Roles('admin')
  @Post()
  @HttpCode(201)
  @ApiBody({ type: AlertRuleDto, ...seedExample('alertRule') })
  @ApiCreatedResponse({ type: AlertRuleResponseDto })
  async create(@Body() body: unknown): Promise<AlertRuleResponseDto> {
    return toRuleResponse(await this.rules.create(parseRule(body)));
  }

  @Roles('reader')
  @Get()
  @ApiOkResponse({ type: AlertRuleListDto })
  async list(): Promise<AlertRuleListDto> {
    return { rules: (await this.rules.list()).map(toRuleResponse) };
  }

  @Roles('reader')
  @Get(':id')
  @ApiOkResponse({ type: AlertRuleResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async get(@Param('id') id: string): Promise<AlertRuleResponseDto> {
    return toRuleResponse(await this.rules.get(id));
  }

  @Roles('admin')
  @Put(':id')
  @ApiBody({ type: AlertRuleDto, ...seedExample('alertRule') })
  @ApiOkResponse({ type: AlertRuleResponseDto, description: 'Replaced; applies from the next evaluation.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async replace(@Param('id') id: string, @Body() body: unknown): Promise<AlertRuleResponseDto> {
    return toRuleResponse(await this.rules.replace(id, parseRule(body)));
  }

  @Roles('admin')
  @Patch(':id')
  @ApiBody({ type: AlertRuleDto, description: 'Any subset of the rule fields.' })
  @ApiOkResponse({ type: AlertRuleResponseDto, description: 'Updated; enabled=false resolves its open alerts.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async patch(@Param('id') id: string, @Body() body: unknown): Promise<AlertRuleResponseDto> {
    return toRuleResponse(await this.rules.patch(id, parseRulePatch(body)));
  }

  @Roles('admin')
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted; its open alerts are resolved.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async delete(@Param('id') id: string): Promise<void> {
    await this.rules.delete(id);
  }
}
