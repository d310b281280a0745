import { BoundedCache, parseTimestamp, seriesKey, type IngestLimits, type SampleInput } from '@rtpm/metrics';
import secureJson from 'secure-json-parse';
import {
  BATCH_END,
  ItemTokens,
  TimeToken,
  firstItemAt,
  matchItem,
  nextItemAt,
  sameSkeleton,
  scanItem,
  skeletonHash,
  skeletonShape,
  type SkeletonShape,
} from './batch-scanner.js';
import { acceptValidSample } from './sample-fast-path.js';

// Skeletons remembered per API process: each is about 0.5 KB with its template, so at most ~25 MB.
const SKELETON_CAPACITY = 50_000;
const STRICT_JSON = { protoAction: 'error', constructorAction: 'error' } as const;

// What every sample of one skeleton (an item's text but its value and timestamp tokens) shares.
type Template = Omit<SampleInput, 'value' | 'timeMs'> & { seriesKey: string };

class Skeleton implements SkeletonShape {
  readonly bytes: Uint8Array;
  readonly words: DataView;
  readonly firstGap: number;
  readonly firstToken: SkeletonShape['firstToken'];
  readonly secondGap: number;
  readonly secondToken: SkeletonShape['secondToken'];
  // The skeleton of the item that followed this one last time: the guess for the next item (agents send their
  // series in the same order every time). Links are made between skeletons the cache holds (live) only, and undone
  // when it lets one go, so the skeletons kept are at most those cached and the ones they link to.
  next: Skeleton | undefined = undefined;
  live = true;

  constructor(
    shape: SkeletonShape,
    readonly template: Template,
  ) {
    // Copied field by field: every skeleton gets the one hidden class that matchItem's loads are specialised for.
    this.bytes = shape.bytes;
    this.words = shape.words;
    this.firstGap = shape.firstGap;
    this.firstToken = shape.firstToken;
    this.secondGap = shape.secondGap;
    this.secondToken = shape.secondToken;
  }
}

// Turns a batch body (batch-scanner.ts) into samples. The first item of each skeleton is parsed and checked as any
// other item is (acceptValidSample); the samples that share its skeleton take its name, type, labels and metadata,
// and only their value and timestamp are checked here. Each item is first read as the skeleton that followed the
// previous item's last time, and only when it is not that one scanned and looked up. Anything not certainly valid
// answers undefined, and the caller then parses and checks the whole body the usual way, which names the problems
// in its 400.
export class ScannedBatchReader {
  private readonly skeletons: BoundedCache<number, Skeleton>;
  // The skeleton that began the last body read.
  private first: Skeleton | undefined;
  private readonly tokens = new ItemTokens();

  constructor(
    private readonly limits: IngestLimits,
    capacity = SKELETON_CAPACITY,
  ) {
    this.skeletons = new BoundedCache(capacity, (evicted) => {
      evicted.live = false;
      evicted.next = undefined;
    });
  }

  // The samples of a body of at most maxItems items, or undefined.
  read(body: Buffer, receivedAtMs: number, maxItems: number): SampleInput[] | undefined {
    const samples: SampleInput[] = [];
    const tokens = this.tokens;
    // Samples of one request mostly share a timestamp: a string one is parsed once per run of equal texts.
    let textStart = 0;
    let textEnd = 0;
    let textMs: number | undefined;
    let previous: Skeleton | undefined;
    let guess = this.first;
    for (let at = firstItemAt(body); at !== BATCH_END; at = nextItemAt(body, tokens.end)) {
      if (at < 0 || samples.length === maxItems) return undefined;
      let skeleton = guess;
      if (skeleton === undefined || matchItem(body, at, skeleton, tokens) < 0) {
        skeleton = this.find(body, at, receivedAtMs);
        if (skeleton === undefined) return undefined;
      }
      if (previous === undefined) this.first = skeleton;
      else if (previous.live) previous.next = skeleton.live ? skeleton : undefined;
      previous = skeleton;
      guess = skeleton.next;

      const value = tokens.value;
      if (!Number.isFinite(value)) return undefined;
      let timeMs: number | undefined = receivedAtMs;
      if (tokens.timeToken === TimeToken.Number) {
        timeMs = parseTimestamp(tokens.time);
      } else if (tokens.timeToken === TimeToken.String) {
        const { timeStart: start, timeEnd: end } = tokens;
        if (body.compare(body, textStart, textEnd, start, end) !== 0) {
          textStart = start;
          textEnd = end;
          textMs = parseTimestamp(body.toString('latin1', start + 1, end - 1));
        }
        timeMs = textMs;
      }
      if (timeMs === undefined) return undefined;
      const template = skeleton.template;
      samples.push({
        name: template.name,
        type: template.type,
        value,
        labels: template.labels,
        timeMs,
        helpText: template.helpText,
        unit: template.unit,
        seriesKey: template.seriesKey,
      });
    }
    return samples;
  }

  // Scans the item at `at` and finds its skeleton among those seen, or learns it; undefined when the item is not
  // certainly a valid sample.
  private find(body: Buffer, at: number, receivedAtMs: number): Skeleton | undefined {
    const tokens = this.tokens;
    if (scanItem(body, at, tokens) < 0) return undefined;
    const hash = skeletonHash(body, at, tokens);
    const known = this.skeletons.get(hash);
    if (known !== undefined && sameSkeleton(body, at, tokens, known)) return known;
    return this.learn(body, at, hash, receivedAtMs);
  }

  // Parses and checks the item at `at`; remembers its skeleton if it is a valid sample.
  private learn(body: Buffer, at: number, hash: number, receivedAtMs: number): Skeleton | undefined {
    const tokens = this.tokens;
    let item: Record<string, unknown>;
    try {
      item = secureJson.parse(body.toString('latin1', at, tokens.end), undefined, STRICT_JSON);
    } catch {
      return undefined;
    }
    const sample = acceptValidSample(item, receivedAtMs, this.limits);
    if (sample === undefined) return undefined;
    // Shared by every sample of the series from now on: nothing may change it.
    const labels = Object.freeze(sample.labels);
    const skeleton = new Skeleton(skeletonShape(body, at, tokens), {
      name: sample.name,
      type: sample.type,
      labels,
      helpText: sample.helpText,
      unit: sample.unit,
      seriesKey: seriesKey(sample.name, labels),
    });
    this.skeletons.set(hash, skeleton);
    return skeleton;
  }
}
