// Daily partitions of metric_samples are named metric_samples_pYYYYMMDD and cover [day 00:00 UTC, next day).
const DAY_MS = 86_400_000;
const NAME = /^metric_samples_p(\d{4})(\d{2})(\d{2})$/;

export function dayStart(timeMs: number): number {
  return Math.floor(timeMs / DAY_MS) * DAY_MS;
}

export function partitionName(dayMs: number): string {
  return `metric_samples_p${new Date(dayMs).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

// The day a partition name stands for, or undefined for tables that do not follow the scheme.
export function partitionDay(name: string): number | undefined {
  const match = NAME.exec(name);
  return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : undefined;
}

// Days that should have a partition at `nowMs`: yesterday (late samples) through `aheadDays` after today.
export function wantedDays(nowMs: number, aheadDays: number): number[] {
  const today = dayStart(nowMs);
  return Array.from({ length: aheadDays + 2 }, (_, i) => today + (i - 1) * DAY_MS);
}

// A partition can go once all of its day is older than the retention cutoff.
export function expired(dayMs: number, nowMs: number, retentionDays: number): boolean {
  return dayMs + DAY_MS <= nowMs - retentionDays * DAY_MS;
}

export { DAY_MS };
