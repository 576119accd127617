import type { Step } from './schema.ts';

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
    if (heldDelta !== 0) this.count('inventory held', heldDelta);
    const before = this.standing.get(tripId) ?? 'in flight';
    const after = standingOf(steps);
    if (after === before) return;
    this.standing.set(tripId, after);
    this.count(before, -1);
    this.count(after, 1);
  }

  escalated(): void {
    this.count('escalated', 1);
  }

  messageSent(): void {
    this.messages += 1;
    this.count('messages', 1);
    this.updatePerTrip();
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
