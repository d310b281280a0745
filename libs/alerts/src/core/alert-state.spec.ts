import { describe, expect, it } from 'vitest';
import { resolve, transition, type Instance, type TransitionEvent } from './alert-state.js';

interface Step {
  t: number; // seconds
  holds: boolean;
  state: Instance['state'] | 'none';
  events?: string[]; // "from->to"
}

interface Scenario {
  name: string;
  forSeconds: number;
  steps: Step[];
}

// Each row feeds (t, holds) into the machine in order and checks the state (and the emitted transitions) after it.
const SCENARIOS: Scenario[] = [
  {
    name: 'pending at 0s, still pending at 30s, firing at 60s with for = 1m',
    forSeconds: 60,
    steps: [
      { t: 0, holds: true, state: 'pending', events: ['inactive->pending'] },
      { t: 30, holds: true, state: 'pending', events: [] },
      { t: 60, holds: true, state: 'firing', events: ['pending->firing'] },
      { t: 90, holds: true, state: 'firing', events: [] },
    ],
  },
  {
    name: 'for = 0 fires at the first evaluation, in one transition',
    forSeconds: 0,
    steps: [
      { t: 0, holds: false, state: 'none', events: [] },
      { t: 10, holds: true, state: 'firing', events: ['inactive->firing'] },
      { t: 20, holds: true, state: 'firing', events: [] },
      { t: 30, holds: false, state: 'resolved', events: ['firing->resolved'] },
    ],
  },
  {
    name: 'a pending instance that recovers is resolved and never fires',
    forSeconds: 60,
    steps: [
      { t: 0, holds: true, state: 'pending', events: ['inactive->pending'] },
      { t: 30, holds: false, state: 'resolved', events: ['pending->resolved'] },
      { t: 61, holds: true, state: 'pending', events: ['inactive->pending'] },
      { t: 90, holds: true, state: 'pending', events: [] },
      { t: 121, holds: true, state: 'firing', events: ['pending->firing'] },
    ],
  },
  {
    name: 'firing resolves on recovery and a new breach starts a new pending instance',
    forSeconds: 10,
    steps: [
      { t: 0, holds: true, state: 'pending' },
      { t: 10, holds: true, state: 'firing', events: ['pending->firing'] },
      { t: 20, holds: false, state: 'resolved', events: ['firing->resolved'] },
      { t: 30, holds: false, state: 'none', events: [] },
      { t: 40, holds: true, state: 'pending', events: ['inactive->pending'] },
    ],
  },
  {
    name: 'the hold time is measured from the first breach, not from the last evaluation',
    forSeconds: 5,
    steps: [
      { t: 0, holds: true, state: 'pending' },
      { t: 4.999, holds: true, state: 'pending', events: [] },
      { t: 5, holds: true, state: 'firing', events: ['pending->firing'] },
    ],
  },
  {
    name: 'an evaluation gap longer than for fires at the next evaluation (state is not lost)',
    forSeconds: 60,
    steps: [
      { t: 0, holds: true, state: 'pending' },
      { t: 600, holds: true, state: 'firing', events: ['pending->firing'] },
    ],
  },
  {
    name: 'nothing happens while the condition does not hold',
    forSeconds: 30,
    steps: [
      { t: 0, holds: false, state: 'none', events: [] },
      { t: 30, holds: false, state: 'none', events: [] },
    ],
  },
];

describe(transition.name, () => {
  it.each(SCENARIOS)('$name', ({ forSeconds, steps }) => {
    let current: Instance | undefined;
    const seen: { t: number; state: string; events?: string[] }[] = [];
    for (const step of steps) {
      const { next, events } = transition(current, { holds: step.holds, now: step.t * 1000, forMs: forSeconds * 1000 });
      // Rows that leave out events check the state only.
      seen.push({ t: step.t, state: next?.state ?? 'none', ...(step.events ? { events: events.map(format) } : {}) });
      // A resolved instance is closed; the evaluator starts over with no open instance.
      current = next;
    }

    expect(seen).toEqual(steps.map(({ t, state, events }) => ({ t, state, ...(events ? { events } : {}) })));
  });

  it('keeps the original start time and records the firing time', () => {
    const pending = transition(undefined, { holds: true, now: 1_000, forMs: 5_000 }).next;
    const still = transition(pending, { holds: true, now: 3_000, forMs: 5_000 }).next;
    const firing = transition(still, { holds: true, now: 6_000, forMs: 5_000 });
    const resolved = transition(firing.next, { holds: false, now: 9_000, forMs: 5_000 });

    expect(still).toEqual({ state: 'pending', activeAtMs: 1_000 });
    expect(firing.next).toEqual({ state: 'firing', activeAtMs: 1_000, firedAtMs: 6_000 });
    expect(resolved.next).toEqual({ state: 'resolved', activeAtMs: 1_000, firedAtMs: 6_000, resolvedAtMs: 9_000 });
    expect(resolved.events).toEqual([{ from: 'firing', to: 'resolved', atMs: 9_000 }]);
  });

  it('uses the for duration of the moment: shortening for fires a pending instance early', () => {
    const pending = transition(undefined, { holds: true, now: 0, forMs: 60_000 }).next;

    expect(transition(pending, { holds: true, now: 10_000, forMs: 5_000 }).next?.state).toBe('firing');
  });
});

describe(resolve.name, () => {
  it.each([
    { from: 'pending' as const, firedAtMs: undefined },
    { from: 'firing' as const, firedAtMs: 2_000 },
  ])('closes a $from instance by hand', ({ from, firedAtMs }) => {
    const { next, events } = resolve({ state: from, activeAtMs: 1_000, firedAtMs }, 4_000);

    expect(next).toEqual({ state: 'resolved', activeAtMs: 1_000, firedAtMs, resolvedAtMs: 4_000 });
    expect(events).toEqual([{ from, to: 'resolved', atMs: 4_000 }]);
  });
});

function format(event: TransitionEvent): string {
  return `${event.from}->${event.to}`;
}
