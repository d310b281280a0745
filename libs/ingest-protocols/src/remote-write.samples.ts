import { MAX_TIME_MS } from '@rtpm/database';
import { checkSampleLimits, type FieldProblem, type IngestLimits, type Labels, type SampleInput } from '@rtpm/metrics';
import { METRIC_NAME_PATTERN } from '@rtpm/promql';
import { metadataByFamily, type MetadataEntry } from './remote-write.decoder.js';
import type { WriteRequest } from './remote-write.proto.js';

export interface MappedWrite {
  samples: SampleInput[];
  problems: FieldProblem[];
  nanDropped: number;
}

const STALE_HIGH_WORD = 0x7ff00000;
const STALE_LOW_WORD = 0x00000002;
const scratch = new DataView(new ArrayBuffer(8));

// Prometheus' staleness marker: the NaN with bit pattern 0x7ff0000000000002 ("this series ended"). protobufjs
// reads doubles through a Float64Array, which keeps the payload, but V8 may canonicalise it later (double arrays).
export function isStaleMarker(value: number): boolean {
  if (!Number.isNaN(value)) return false;
  scratch.setFloat64(0, value);
  return scratch.getUint32(0) === STALE_HIGH_WORD && scratch.getUint32(4) === STALE_LOW_WORD;
}

// Maps a decoded WriteRequest to RTPM samples: __name__ is the name, the other labels are labels, metadata gives
// type/help/unit. Without metadata a _total name is a counter, anything else a gauge. Every NaN is dropped:
// staleness markers mean "series ended" (RTPM has no stale state; its 5 m lookback ends the series anyway), and
// real NaN is routine in Prometheus (summary quantiles with no observations), so refusing it would make a sender
// drop whole batches. RTPM stores finite numbers only, so infinities are a problem (400), as in the JSON API.
export function mapWriteRequest(request: WriteRequest, limits: IngestLimits): MappedWrite {
  const metadata = metadataByFamily(request.metadata);
  const samples: SampleInput[] = [];
  const problems: FieldProblem[] = [];
  let nanDropped = 0;
  request.timeseries.forEach((series, index) => {
    const { name, labels, problems: labelProblems } = splitLabels(series.labels);
    const found = [...labelProblems, ...(name === undefined ? [] : checkSampleLimits(name, labels, limits))];
    if (found.length > 0) {
      problems.push(...found.map((problem) => ({ ...problem, index, field: `timeseries.${problem.field}` })));
      return;
    }
    const meta = lookupMetadata(metadata, name!);
    const type = meta?.type ?? (name!.endsWith('_total') ? 'counter' : 'gauge');
    for (const sample of series.samples) {
      if (Number.isNaN(sample.value)) {
        nanDropped++;
        continue;
      }
      if (!Number.isFinite(sample.value)) {
        problems.push({ index, field: 'timeseries.samples.value', message: 'must be a finite number' });
        continue;
      }
      if (!Number.isSafeInteger(sample.timestamp) || sample.timestamp < 0 || sample.timestamp > MAX_TIME_MS) {
        problems.push({ index, field: 'timeseries.samples.timestamp', message: 'must be milliseconds since 1970' });
        continue;
      }
      samples.push({
        name: name!,
        type,
        value: sample.value,
        labels,
        timeMs: sample.timestamp,
        helpText: meta?.helpText,
        unit: meta?.unit,
      });
    }
  });
  return { samples, problems, nanDropped };
}

function splitLabels(pairs: { name: string; value: string }[]): {
  name?: string;
  labels: Labels;
  problems: FieldProblem[];
} {
  const labels: Labels = {};
  const problems: FieldProblem[] = [];
  let name: string | undefined;
  for (const { name: key, value } of pairs) {
    if (key === '__name__') {
      name = value;
    } else if (key in labels) {
      problems.push({ field: `labels.${key}`, message: 'duplicate label name' });
    } else if (value !== '') {
      // An empty value means "label absent" in Prometheus' data model.
      labels[key] = value;
    }
  }
  if (name === undefined) problems.push({ field: 'labels.__name__', message: 'every series needs a __name__ label' });
  else if (!METRIC_NAME_PATTERN.test(name)) {
    problems.push({ field: 'labels.__name__', message: `metric name must match ${METRIC_NAME_PATTERN.source}` });
  }
  return { name, labels, problems };
}

function lookupMetadata(metadata: Map<string, MetadataEntry>, name: string): MetadataEntry | undefined {
  const exact = metadata.get(name);
  if (exact) return exact;
  const base = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
  return base === undefined ? undefined : metadata.get(base);
}
