import type { StandingsSpec } from '../kernel/pattern.ts';
import { BOOKABLE, type Bookable, type Step } from './schema.ts';

/** Where one step of a trip stands at its service. */
export type StepState = 'pending' | 'confirmed' | 'cancelled' | 'refused' | 'charged' | 'refunded' | 'declined';

type Standing = 'in flight' | 'completed' | 'compensated';

/** The counters the playground shows, in display order. */
export const SAGA_COUNTERS = [
  { name: 'trips requested', label: 'trips requested' },
  { name: 'completed', label: 'trips completed' },
  { name: 'compensated', label: 'trips compensated' },
  { name: 'in flight', label: 'trips in flight (stuck, once settled)' },
  { name: 'inventory held', label: 'seats, rooms and cars held' },
  { name: 'escalated', label: 'undos escalated to a human' },
  { name: 'messages', label: 'messages sent' },
  { name: 'messages per trip', label: 'messages per trip' },
] as const;

const UNITS: Readonly<Record<Bookable, string>> = { flight: 'Seats', hotel: 'Rooms', car: 'Cars' };
const keptCounter = (service: Bookable) => `${service} kept`;
const lockedCounter = (service: Bookable) => `${service} locked`;

/** The standings panel: the trips by outcome, and the inventory they hold by service. */
export const SAGA_STANDINGS: StandingsSpec = {
  title: 'Where the trips stand',
  entities: 'trips',
  total: 'trips requested',
  standings: [
    { counter: 'completed', label: 'completed', tone: 'done' },
    { counter: 'compensated', label: 'compensated', tone: 'undone' },
    { counter: 'in flight', label: 'in flight', tone: 'open' },
  ],
  stuckLabel: 'stuck',
  holdings: {
    title: 'Inventory held',
    rows: BOOKABLE.map((service) => ({ label: UNITS[service], kept: keptCounter(service), locked: lockedCounter(service) })),
    keptLabel: 'sold to completed trips',
    lockedLabel: 'held for trips still in flight',
    leakedLabel: 'held by stuck trips, never to be released',
  },
};

const LIVE: ReadonlySet<StepState> = new Set(['pending', 'confirmed', 'charged']);
const UNDONE_OR_REFUSED: ReadonlySet<StepState> = new Set(['cancelled', 'refused', 'refunded', 'declined']);

/**
 * The playground's counters, fed by the services as their transactions commit. It reads the
 * services' own effects, not any orchestrator's opinion, so it counts the same way in every
 * variant: a trip is completed when every booking is confirmed and the card charged, and
 * compensated once something was refused or undone and nothing is held any more. It is
 * instrumentation outside the simulated processes, so crashes do not reset it.
 */
export class Scoreboard {
  private readonly steps = new Map<number, Partial<Record<Step, StepState>>>();
  private readonly standing = new Map<number, Standing>();
  /** Seats, rooms and cars each trip holds, by service: a naive double booking holds two. */
  private readonly held = new Map<number, Record<Bookable, number>>();
  private readonly shown = new Map<string, number>();
  private requested = 0;
  private messages = 0;
  private perTrip = 0;

  constructor(private readonly count: (counter: string, delta: number) => void) {}

  tripRequested(tripId: number): void {
    this.requested += 1;
    this.standing.set(tripId, 'in flight');
    this.count('trips requested', 1);
    this.count('in flight', 1);
    this.updatePerTrip();
  }

  /** A service committed a change to one step of a trip; `heldDelta` is the inventory it took or gave back. */
  stepChanged(tripId: number, step: Step, state: StepState, heldDelta: number): void {
    const steps = { ...this.steps.get(tripId), [step]: state };
    this.steps.set(tripId, steps);
    if (heldDelta !== 0 && step !== 'payment') {
      this.count('inventory held', heldDelta);
      const held = this.held.get(tripId) ?? { flight: 0, hotel: 0, car: 0 };
      held[step] += heldDelta;
      this.held.set(tripId, held);
    }
    const before = this.standing.get(tripId) ?? 'in flight';
    const after = standingOf(steps);
    if (after !== before) {
      this.standing.set(tripId, after);
      this.count(before, -1);
      this.count(after, 1);
    }
    this.updateHoldings();
  }

  escalated(): void {
    this.count('escalated', 1);
  }

  messageSent(): void {
    this.messages += 1;
    this.count('messages', 1);
    this.updatePerTrip();
  }

  /** What completed trips keep and what the others only lock, by service: the gauges' counters. */
  private updateHoldings(): void {
    for (const service of BOOKABLE) {
      let kept = 0;
      let locked = 0;
      for (const [tripId, held] of this.held) {
        if (this.standing.get(tripId) === 'completed') kept += held[service];
        else locked += held[service];
      }
      this.show(keptCounter(service), kept);
      this.show(lockedCounter(service), locked);
    }
  }

  private show(counter: string, value: number): void {
    const delta = value - (this.shown.get(counter) ?? 0);
    if (delta !== 0) this.count(counter, delta);
    this.shown.set(counter, value);
  }

  private updatePerTrip(): void {
    const perTrip = this.requested === 0 ? 0 : Math.round(this.messages / this.requested);
    if (perTrip !== this.perTrip) this.count('messages per trip', perTrip - this.perTrip);
    this.perTrip = perTrip;
  }
}

function standingOf(steps: Partial<Record<Step, StepState>>): Standing {
  const states = Object.values(steps);
  if (steps.flight === 'confirmed' && steps.hotel === 'confirmed' && steps.car === 'confirmed' && steps.payment === 'charged') {
    return 'completed';
  }
  if (states.some((s) => UNDONE_OR_REFUSED.has(s)) && !states.some((s) => LIVE.has(s))) return 'compensated';
  return 'in flight';
}
