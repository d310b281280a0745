import { parseTimestamp } from '@rtpm/metrics';
import { parseDuration } from '@rtpm/promql';
import type { StructuredQuery } from '@rtpm/query';
import { validateSync } from 'class-validator';
import { badRequest, fieldProblem, type FieldProblem } from '../http/bad-request.js';
import { passesStructuredQueryDto, StructuredQueryDto } from './dto/structured-query.dto.js';

// Validates the body of POST /api/v1/metrics/query; one 400 names every bad field. A body the DTO's checks accept
// goes without class-validator, which then only writes the 400s.
export function parseStructuredQuery(body: unknown): StructuredQuery {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid([{ field: '', message: 'must be a JSON object' }]);
  }
  const dto = Object.setPrototypeOf({ ...body }, StructuredQueryDto.prototype) as StructuredQueryDto;
  if (!passesStructuredQueryDto(dto)) validate(dto);
  return {
    metricName: dto.metric_name,
    labels: dto.labels ?? {},
    startMs: parseTimestamp(dto.start_time)!,
    endMs: parseTimestamp(dto.end_time)!,
    stepMs: dto.step == null ? undefined : parseDuration(dto.step),
    aggregation: dto.aggregation ?? 'avg',
    groupBy: dto.group_by ?? undefined,
  };
}

function validate(dto: StructuredQueryDto): void {
  const errors = validateSync(dto, {
    whitelist: true,
    forbidNonWhitelisted: true,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) throw invalid(errors.map(fieldProblem));
}

// One 400 naming every bad field, in its message too.
function invalid(details: FieldProblem[]) {
  return badRequest(details.map((d) => `${d.field || 'body'} ${d.message}`).join('; '), details);
}
