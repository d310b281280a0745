import { expect } from 'vitest';

export type Labels = Record<string, string>;

export interface ScrapedSample {
  name: string;
  labels: Labels;
  value: number;
}

// Parses the Prometheus text format into samples (comments skipped); enough for what RTPM exposes.
export function parseExposition(text: string): ScrapedSample[] {
  const samples: ScrapedSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Labels = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]] = pair[2];
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

export async function scrape(
  baseUrl: string,
): Promise<{ text: string; samples: ScrapedSample[]; contentType: string }> {
  const response = await fetch(`${baseUrl}/metrics`);
  expect(response.status).toBe(200);
  const text = await response.text();
  return { text, samples: parseExposition(text), contentType: response.headers.get('content-type') ?? '' };
}

// The value of one series (0 when it does not exist yet); labels must match exactly the given subset.
export function valueOf(samples: ScrapedSample[], name: string, labels: Labels = {}): number {
  const found = samples.find(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  return found?.value ?? 0;
}
