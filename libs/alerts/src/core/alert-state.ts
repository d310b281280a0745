// The lifecycle of one alert instance (one rule, one series), after Prometheus' rules/alerting.go:
// inactive → pending when the condition first holds → firing once it has held for `for` → resolved when it stops
// holding. A pure function of the previous state, whether the condition holds now, the time and `for`: the
// caller reads the clock and the data, persists the result and publishes the events.

export const ALERT_STATES = ['pending', 'firing', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
export type OpenState = Exclude<AlertState, 'resolved'>;

// What the state machine needs to know about an open instance.
export interface OpenInstance {
  state: OpenState;
  activeAtMs: number;
  firedAtMs?: number;
}

export interface ResolvedInstance {
  state: 'resolved';
  activeAtMs: number;
  firedAtMs?: number;
  resolvedAtMs: number;
}

export type Instance = OpenInstance | ResolvedInstance;

export interface TransitionEvent {
  from: OpenState | 'inactive';
  to: AlertState;
  atMs: number;
}

export interface TransitionInput {
  holds: boolean;
  now: number;
  forMs: number;
}

// prev undefined means "no open instance". next undefined means "still none". A resolved prev is closed for
// good: a condition that holds again starts a new instance, exactly as when there was none.
export function transition(
  prev: Instance | undefined,
  { holds, now, forMs }: TransitionInput,
): { next: Instance | undefined; events: TransitionEvent[] } {
  const open = prev && prev.state !== 'resolved' ? prev : undefined;
  if (!open) {
    if (!holds) return { next: undefined, events: [] };
    if (forMs <= 0) {
      return {
        next: { state: 'firing', activeAtMs: now, firedAtMs: now },
        events: [{ from: 'inactive', to: 'firing', atMs: now }],
      };
    }
    return { next: { state: 'pending', activeAtMs: now }, events: [{ from: 'inactive', to: 'pending', atMs: now }] };
  }
  if (!holds) return resolve(open, now);
  if (open.state === 'pending' && now - open.activeAtMs >= forMs) {
    return {
      next: { state: 'firing', activeAtMs: open.activeAtMs, firedAtMs: now },
      events: [{ from: 'pending', to: 'firing', atMs: now }],
    };
  }
  return { next: open, events: [] };
}

// Closes an open instance: the condition stopped holding, or someone resolved it by hand.
export function resolve(open: OpenInstance, now: number): { next: ResolvedInstance; events: TransitionEvent[] } {
  return {
    next: { state: 'resolved', activeAtMs: open.activeAtMs, firedAtMs: open.firedAtMs, resolvedAtMs: now },
    events: [{ from: open.state, to: 'resolved', atMs: now }],
  };
}
