import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../playgrounds/kernel/random.ts';
import { DECLINED_CARD, soldOutOffer } from '../../playgrounds/saga/schema.ts';
import { Scoreboard } from '../../playgrounds/saga/scoreboard.ts';
import { tripRequests, type Traffic } from '../../playgrounds/saga/workload.ts';

const traffic: Traffic = { trips: 30, tripGapMs: 400, failurePercent: 10, deadlineMs: 2_000 };
const trips = (seed: number, overrides: Partial<Traffic> = {}) =>
  tripRequests(new RandomStreams(seed).stream('workload'), { ...traffic, ...overrides });
const failures = (trip: ReturnType<typeof trips>[number]) => [
  trip.flight === soldOutOffer('flight'),
  trip.hotel === soldOutOffer('hotel'),
  trip.car === soldOutOffer('car'),
  trip.card === DECLINED_CARD,
];

describe('the trips customers ask for', () => {
  it('are the same for the same seed, and differ for another', () => {
    expect(trips(3)).toEqual(trips(3));
    expect(trips(3)).not.toEqual(trips(4));
  });

  it('fail at a step only by asking for a sold-out offer or paying with a declined card', () => {
    expect(trips(1, { failurePercent: 0 }).flatMap(failures)).not.toContain(true);
    expect(trips(1, { failurePercent: 100 }).every((t) => failures(t).every(Boolean))).toBe(true);
  });

  it('keep every trip’s time and deadline whatever the failure rate, so variants compare fairly', () => {
    const when = (list: ReturnType<typeof trips>) => list.map((t) => [t.requestedMs, t.deadlineMs]);
    expect(when(trips(7, { failurePercent: 0 }))).toEqual(when(trips(7, { failurePercent: 60 })));
    for (const trip of trips(7)) expect(trip.deadlineMs - trip.requestedMs).toBe(traffic.deadlineMs);
  });
});

describe('the scoreboard', () => {
  function board() {
    const counters = new Map<string, number>();
    const scoreboard = new Scoreboard((name, delta) => counters.set(name, (counters.get(name) ?? 0) + delta));
    return { scoreboard, counters };
  }

  it('counts a trip completed once every booking is confirmed and the card charged', () => {
    const { scoreboard, counters } = board();
    scoreboard.tripRequested(1);
    for (const step of ['flight', 'hotel', 'car'] as const) scoreboard.stepChanged(1, step, 'pending', 1);
    scoreboard.stepChanged(1, 'payment', 'charged', 0);
    expect(counters.get('completed') ?? 0).toBe(0);
    for (const step of ['flight', 'hotel', 'car'] as const) scoreboard.stepChanged(1, step, 'confirmed', 0);
    expect(Object.fromEntries(counters)).toMatchObject({ completed: 1, 'in flight': 0, 'inventory held': 3 });
  });

  it('counts a trip compensated only once nothing is held, and takes it back if a late booking lands', () => {
    const { scoreboard, counters } = board();
    scoreboard.tripRequested(1);
    scoreboard.stepChanged(1, 'flight', 'pending', 1);
    scoreboard.stepChanged(1, 'hotel', 'refused', 0);
    expect(counters.get('compensated') ?? 0).toBe(0);
    scoreboard.stepChanged(1, 'flight', 'cancelled', -1);
    expect(Object.fromEntries(counters)).toMatchObject({ compensated: 1, 'in flight': 0, 'inventory held': 0 });
    scoreboard.stepChanged(1, 'hotel', 'pending', 1);
    expect(Object.fromEntries(counters)).toMatchObject({ compensated: 0, 'in flight': 1, 'inventory held': 1 });
  });

  it('reports messages per trip as a whole number', () => {
    const { scoreboard, counters } = board();
    scoreboard.tripRequested(1);
    scoreboard.tripRequested(2);
    for (let i = 0; i < 29; i++) scoreboard.messageSent();
    expect(counters.get('messages per trip')).toBe(15);
  });
});
