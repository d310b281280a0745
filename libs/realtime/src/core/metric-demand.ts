// Which metric names some replica's subscriber wants, as the publishers see it. A replica wants a metric when one
// of its clients watches it or its latest-value cache holds it; a selection without a name wants them all.
// Publishers send only wanted names, each on its own channel, so that an ingest nobody watches costs no
// serialisation and no Redis traffic (it was about a quarter of the API's CPU under bench:ingest).
export class MetricDemand {
  static readonly NONE = new MetricDemand(false, []);
  // What a publisher that knows no better sends: every name, on its channel and on the all-metrics one.
  static readonly EVERYTHING = new MetricDemand(true, []);

  readonly names: ReadonlySet<string>;

  constructor(
    readonly all: boolean,
    names: Iterable<string>,
  ) {
    this.names = new Set(names);
  }

  get empty(): boolean {
    return !this.all && this.names.size === 0;
  }

  // Whether anyone wants `name` (on its channel or through the all-metrics channel).
  wants(name: string): boolean {
    return this.all || this.names.has(name);
  }

  // Whether `name` goes on its own channel: someone subscribed to it, or nobody can say (EVERYTHING).
  wantsChannel(name: string): boolean {
    return this === MetricDemand.EVERYTHING || this.names.has(name);
  }

  union(all: boolean, names: Iterable<string>): MetricDemand {
    if (this === MetricDemand.EVERYTHING) return this;
    return new MetricDemand(this.all || all, [...this.names, ...names]);
  }

  // The demand Redis reports: the channels that have a subscriber (PUBSUB CHANNELS <prefix>realtime:metrics*).
  static fromChannels(channels: readonly string[], allChannel: string): MetricDemand {
    const namePrefix = `${allChannel}:`;
    let all = false;
    const names: string[] = [];
    for (const channel of channels) {
      if (channel === allChannel) all = true;
      else if (channel.startsWith(namePrefix)) names.push(channel.slice(namePrefix.length));
    }
    return new MetricDemand(all, names);
  }
}

// The channels a replica subscribes to for what its rooms and readers want: the all-metrics channel alone when
// something wants every name (per-name channels would deliver twice), else one channel per name.
export function demandChannels(all: boolean, names: Iterable<string>, allChannel: string): Set<string> {
  if (all) return new Set([allChannel]);
  return new Set([...names].map((name) => metricChannelOf(allChannel, name)));
}

export function metricChannelOf(allChannel: string, name: string): string {
  return `${allChannel}:${name}`;
}

// A glob pattern that matches `text` literally (PUBSUB CHANNELS takes glob patterns; a key prefix may hold * ? [ ]).
export function globLiteral(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
