import { Injectable } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import {
  checkSampleLimits,
  parseTimestamp,
  type FieldProblem,
  type IngestLimits,
  type SampleInput,
} from '@rtpm/metrics';
import { validateSync } from 'class-validator';
import { badRequest, fieldProblem } from '../http/bad-request.js';
import { IngestSampleDto } from './dto/ingest-sample.dto.js';
import { BatchBody } from './batch-scanner.js';
import { acceptValidSample } from './sample-fast-path.js';
import { ScannedBatchReader } from './scanned-batch.reader.js';

// Turns request bodies into validated samples. Every problem of every item is collected, so that one 400 names
// them all; nothing is returned (and so nothing stored) unless the whole body is valid. Valid items take the
// fast path (sample-fast-path.ts); the others are checked, and described, by validateSample below.
@Injectable()
export class SampleParser {
  private readonly limits: IngestLimits;
  private readonly maxBatchSize: number;
  private readonly scanned: ScannedBatchReader;

  constructor(config: AppConfig) {
    this.limits = config.ingest;
    this.maxBatchSize = config.ingest.maxBatchSize;
    this.scanned = new ScannedBatchReader(config.ingest);
  }

  parseOne(body: unknown, receivedAtMs: number): SampleInput {
    const checked = this.check(body, receivedAtMs);
    if (Array.isArray(checked)) throw badRequest('The metric is invalid; nothing was stored.', checked);
    return checked;
  }

  parseBatch(body: unknown, receivedAtMs: number): SampleInput[] {
    if (body instanceof BatchBody) {
      const samples = this.scanned.read(body.bytes, receivedAtMs, this.maxBatchSize);
      if (samples) return samples;
      body = body.parse();
    }
    const items = isRecord(body) ? body.metrics : undefined;
    if (!Array.isArray(items)) {
      throw badRequest('The body must be {"metrics": [...]}.', [{ field: 'metrics', message: 'must be an array' }]);
    }
    if (items.length === 0) {
      throw badRequest('The batch is empty.', [{ field: 'metrics', message: 'must contain at least one metric' }]);
    }
    if (items.length > this.maxBatchSize) {
      throw badRequest(
        `The batch has ${items.length} metrics; at most ${this.maxBatchSize} are accepted per request.`,
        [{ field: 'metrics', message: `must contain at most ${this.maxBatchSize} metrics; split the batch` }],
      );
    }
    if (isRecord(body) && Object.keys(body).length > 1) {
      const extra = Object.keys(body).find((key) => key !== 'metrics')!;
      throw badRequest('The body has an unknown field.', [{ field: extra, message: 'is not a known field' }]);
    }
    const samples: SampleInput[] = new Array(items.length);
    let problems: FieldProblem[] | undefined;
    let invalidItems = 0;
    for (let index = 0; index < items.length; index++) {
      const checked = this.check(items[index], receivedAtMs);
      if (!Array.isArray(checked)) {
        samples[index] = checked;
        continue;
      }
      invalidItems++;
      problems ??= [];
      for (const problem of checked) problems.push({ index, ...problem });
    }
    if (invalidItems > 0) {
      throw badRequest(`${invalidItems} of ${items.length} metrics are invalid; nothing was stored.`, problems!);
    }
    return samples;
  }

  // The sample, or what is wrong with it.
  private check(item: unknown, receivedAtMs: number): SampleInput | FieldProblem[] {
    const sample = isRecord(item) ? acceptValidSample(item, receivedAtMs, this.limits) : undefined;
    if (sample) return sample;
    const checked = validateSample(item, receivedAtMs, this.limits);
    return checked.sample ?? checked.problems;
  }
}

// The reference check of one item, with IngestSampleDto's decorators and the configured limits: it writes the
// messages of every 400, and decides whatever acceptValidSample leaves to it.
export function validateSample(
  item: unknown,
  receivedAtMs: number,
  limits: IngestLimits,
): { sample?: SampleInput; problems: FieldProblem[] } {
  if (!isRecord(item)) return { problems: [{ field: '', message: 'must be a JSON object' }] };
  // The DTO has no transforms, so a shallow copy with the DTO's prototype is all class-validator needs;
  // plainToInstance cost a third of the per-item time. The spread keeps a "__proto__" key an own property.
  const dto = Object.setPrototypeOf({ ...item }, IngestSampleDto.prototype) as IngestSampleDto;
  const problems: FieldProblem[] = validateSync(dto, {
    whitelist: true,
    forbidNonWhitelisted: true,
    validationError: { target: false, value: false },
  }).map(fieldProblem);
  // Limits and label rules too, whenever the shape allows checking them, so that one 400 names every problem.
  const labels = dto.labels ?? {};
  if (typeof dto.name === 'string' && isRecord(labels)) {
    problems.push(...checkSampleLimits(dto.name, labels, limits));
  }
  if (problems.length > 0) return { problems };
  return {
    problems,
    sample: {
      name: dto.name,
      type: dto.type,
      value: dto.value,
      labels: dto.labels ?? {},
      timeMs: dto.timestamp == null ? receivedAtMs : parseTimestamp(dto.timestamp)!,
      helpText: dto.help_text ?? undefined,
      unit: dto.unit ?? undefined,
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
