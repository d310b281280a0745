import { MAX_TIME_MS } from '@rtpm/database';

const DAY_MS = 86_400_000;

// Date#toISOString for runs of epoch milliseconds (bucket starts, one per point): the date part is formatted once
// per day and the time of day by hand, several times faster on long series.
export class IsoTimeFormatter {
  private day = Number.NaN;
  private date = '';

  format(ms: number): string {
    if (!Number.isInteger(ms) || ms < 0 || ms > MAX_TIME_MS) return new Date(ms).toISOString();
    const day = Math.floor(ms / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.date = new Date(day * DAY_MS).toISOString().slice(0, 11);
    }
    let rest = ms - day * DAY_MS;
    const hours = Math.floor(rest / 3_600_000);
    rest -= hours * 3_600_000;
    const minutes = Math.floor(rest / 60_000);
    rest -= minutes * 60_000;
    const seconds = Math.floor(rest / 1000);
    const millis = rest - seconds * 1000;
    return `${this.date}${two(hours)}:${two(minutes)}:${two(seconds)}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
  }
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
