import { BoundedCache, parseTimestamp, seriesKey, type IngestLimits, type SampleInput } from '@rtpm/metrics';
import secureJson from 'secure-json-parse';
import { TimeToken, type ScannedItems } from './batch-scanner.js';
import { acceptValidSample } from './sample-fast-path.js';

// Skeletons remembered per API process: each is about 0.5 KB with its template, so at most ~25 MB.
const SKELETON_CAPACITY = 50_000;
const STRICT_JSON = { protoAction: 'error', constructorAction: 'error' } as const;

// What every sample of one skeleton (an item's text but its value and timestamp tokens) shares.
type Template = Omit<SampleInput, 'value' | 'timeMs'> & { seriesKey: string };

interface Skeleton {
  bytes: Uint8Array;
  template: Template;
}

// Turns a scanned batch (batch-scanner.ts) into samples. The first item of each skeleton is parsed and checked as
// any other item is (acceptValidSample); the samples that share its skeleton take its name, type, labels and
// metadata, and only their value and timestamp are checked here. Anything not certainly valid answers undefined,
// and the caller then parses and checks the whole body the usual way, which names the problems in its 400.
export class ScannedBatchReader {
  private readonly skeletons = new BoundedCache<number, Skeleton>(SKELETON_CAPACITY);

  constructor(private readonly limits: IngestLimits) {}

  read(items: ScannedItems, receivedAtMs: number): SampleInput[] | undefined {
    const samples = new Array<SampleInput>(items.count);
    const body = items.body;
    // Samples of one request mostly share a timestamp: a string one is parsed once per run of equal texts.
    let textStart = 0;
    let textEnd = 0;
    let textMs: number | undefined;
    for (let i = 0; i < items.count; i++) {
      let skeleton = this.skeletons.get(items.hashes[i]);
      if (skeleton === undefined || !items.sameSkeleton(i, skeleton.bytes)) {
        skeleton = this.learn(items, i, receivedAtMs);
        if (skeleton === undefined) return undefined;
      }
      const value = items.values[i];
      if (!Number.isFinite(value)) return undefined;
      let timeMs: number | undefined = receivedAtMs;
      const token = items.timeToken[i];
      if (token === TimeToken.Number) {
        timeMs = parseTimestamp(items.times[i]);
      } else if (token === TimeToken.String) {
        const start = items.timeStart[i];
        const end = items.timeEnd[i];
        if (body.compare(body, textStart, textEnd, start, end) !== 0) {
          textStart = start;
          textEnd = end;
          textMs = parseTimestamp(body.toString('latin1', start + 1, end - 1));
        }
        timeMs = textMs;
      }
      if (timeMs === undefined) return undefined;
      const template = skeleton.template;
      samples[i] = {
        name: template.name,
        type: template.type,
        value,
        labels: template.labels,
        timeMs,
        helpText: template.helpText,
        unit: template.unit,
        seriesKey: template.seriesKey,
      };
    }
    return samples;
  }

  // Parses and checks item i; remembers its skeleton if it is a valid sample.
  private learn(items: ScannedItems, i: number, receivedAtMs: number): Skeleton | undefined {
    let item: Record<string, unknown>;
    try {
      item = secureJson.parse(
        items.body.toString('latin1', items.itemStart[i], items.itemEnd[i]),
        undefined,
        STRICT_JSON,
      );
    } catch {
      return undefined;
    }
    const sample = acceptValidSample(item, receivedAtMs, this.limits);
    if (sample === undefined) return undefined;
    // Shared by every sample of the series from now on: nothing may change it.
    const labels = Object.freeze(sample.labels);
    const skeleton: Skeleton = {
      bytes: items.skeleton(i),
      template: {
        name: sample.name,
        type: sample.type,
        labels,
        helpText: sample.helpText,
        unit: sample.unit,
        seriesKey: seriesKey(sample.name, labels),
      },
    };
    this.skeletons.set(items.hashes[i], skeleton);
    return skeleton;
  }
}
