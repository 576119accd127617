import { setup, transition, type SnapshotFrom, type StateNode, type StateValue } from 'xstate';
import type { Action, Outcome } from './messages.ts';
import type { Step } from './schema.ts';

/** A command the saga owes a service while it is in a state (the state's `meta`). */
export interface StepCommand {
  service: Step;
  action: Action;
}

/**
 * What moves a saga: a service's answer (`hotel.booked`), the deadline, or the escalation of a
 * compensation that keeps failing and its re-drive by a human.
 */
export type SagaEvent =
  | { type: `${Step}.${Exclude<Outcome, 'unavailable'>}` }
  | { type: 'deadline.passed' }
  | { type: 'compensation.escalated' }
  | { type: 'compensation.redriven' };

const command = (service: Step, action: Action) => ({ command: { service, action } satisfies StepCommand });

/**
 * An undo step: retried by the orchestrator until it succeeds, handed to a human when it keeps
 * failing, and re-driven by that human. Either way the next undo waits for this one.
 */
const undo = (service: Step, action: 'cancel' | 'refund') => ({
  initial: 'retrying' as const,
  states: {
    retrying: { meta: command(service, action), on: { 'compensation.escalated': 'escalated' } },
    escalated: { tags: ['needs-human'], on: { 'compensation.redriven': 'retrying' } },
  },
});

/** After the pivot a confirmation cannot fail for business reasons: it is only retried. */
const confirmation = (service: Step) => ({
  initial: 'confirming' as const,
  states: { confirming: { meta: command(service, 'confirm') }, confirmed: { type: 'final' as const } },
});

/**
 * The trip saga as a statechart. Forward steps run in order; a refusal undoes what was done,
 * newest first; a deadline undoes everything including the step whose answer is still unknown,
 * since it may have happened. Charging the card is the pivot: past it the saga only goes forward.
 * The machine is used as a pure transition function over states persisted in Postgres: no
 * actors, no timers (time is the simulation's, and the deadline comes in as an event).
 */
export const sagaMachine = setup({
  types: { events: {} as SagaEvent },
}).createMachine({
  id: 'trip',
  initial: 'running',
  states: {
    running: {
      initial: 'flight',
      states: {
        flight: {
          meta: command('flight', 'book'),
          on: { 'flight.booked': 'hotel', 'flight.refused': '#trip.compensated', 'deadline.passed': '#trip.compensating.flight' },
        },
        hotel: {
          meta: command('hotel', 'book'),
          on: { 'hotel.booked': 'car', 'hotel.refused': '#trip.compensating.flight', 'deadline.passed': '#trip.compensating.hotel' },
        },
        car: {
          meta: command('car', 'book'),
          on: { 'car.booked': 'payment', 'car.refused': '#trip.compensating.hotel', 'deadline.passed': '#trip.compensating.car' },
        },
        payment: {
          meta: command('payment', 'charge'),
          on: {
            'payment.charged': '#trip.confirming',
            'payment.declined': '#trip.compensating.car',
            'deadline.passed': '#trip.compensating.payment',
          },
        },
      },
    },
    confirming: {
      type: 'parallel',
      states: {
        flight: { ...confirmation('flight'), on: { 'flight.confirmed': '.confirmed' } },
        hotel: { ...confirmation('hotel'), on: { 'hotel.confirmed': '.confirmed' } },
        car: { ...confirmation('car'), on: { 'car.confirmed': '.confirmed' } },
      },
      onDone: 'completed',
    },
    compensating: {
      // Always entered at the newest step to undo; XState asks for an initial child regardless.
      initial: 'payment',
      states: {
        payment: { ...undo('payment', 'refund'), on: { 'payment.refunded': 'car' } },
        car: { ...undo('car', 'cancel'), on: { 'car.cancelled': 'hotel' } },
        hotel: { ...undo('hotel', 'cancel'), on: { 'hotel.cancelled': 'flight' } },
        flight: { ...undo('flight', 'cancel'), on: { 'flight.cancelled': '#trip.compensated' } },
      },
    },
    completed: { type: 'final' },
    compensated: { type: 'final' },
  },
});

/** A saga's state as XState holds it; only its `value` is stored. */
export type SagaSnapshot = SnapshotFrom<typeof sagaMachine>;

/** The saga's state as the `sagas.state` column names it. */
export type SagaStatus = 'running' | 'confirming' | 'compensating' | 'completed' | 'compensated' | 'failed_needs_human';

/** A new saga's snapshot: booking the flight. */
export function startSaga(): SagaSnapshot {
  return sagaMachine.resolveState({ value: 'running' });
}

/** Rebuilds a snapshot from the state value persisted in the `sagas.machine` column. */
export function restoreSaga(value: StateValue): SagaSnapshot {
  return sagaMachine.resolveState({ value });
}

/** The next snapshot after an event; the same snapshot when the saga's state ignores the event. */
export function advanceSaga(snapshot: SagaSnapshot, event: SagaEvent): SagaSnapshot {
  return transition(sagaMachine, snapshot, event)[0];
}

/** True when an event left the saga where it was (the machine ignored it). */
export function sameState(a: SagaSnapshot, b: SagaSnapshot): boolean {
  return JSON.stringify(a.value) === JSON.stringify(b.value);
}

/** The commands a saga owes in this state, in a stable order (one per active step). */
export function pendingCommands(snapshot: SagaSnapshot): StepCommand[] {
  const metas = snapshot.getMeta() as Record<string, { command?: StepCommand } | undefined>;
  return Object.keys(metas)
    .sort()
    .flatMap((id) => {
      const found = metas[id]?.command;
      return found ? [found] : [];
    });
}

/** The `sagas.state` column: the top-level state, or a human's queue when an undo was escalated. */
export function sagaStatus(snapshot: SagaSnapshot): SagaStatus {
  if (snapshot.hasTag('needs-human')) return 'failed_needs_human';
  return (typeof snapshot.value === 'string' ? snapshot.value : Object.keys(snapshot.value)[0]) as SagaStatus;
}

/** The `sagas.step` column: the step being done or undone, if the saga is in one. */
export function sagaStep(snapshot: SagaSnapshot): Step | null {
  const value = snapshot.value;
  if (typeof value === 'string' || 'confirming' in value) return null;
  const inner = 'running' in value ? value.running : value.compensating;
  return (typeof inner === 'string' ? inner : Object.keys(inner)[0]) as Step;
}

/** A state of the statechart, as plain data a page can lay out. */
export interface StatechartState {
  /** Dotted path, such as `trip.compensating.hotel.retrying`. */
  id: string;
  key: string;
  parent: string | null;
  kind: 'atomic' | 'compound' | 'parallel' | 'final';
  /** The child entered first, for compound states. */
  initial: string | null;
  /** The command the saga sends while in this state. */
  command: StepCommand | null;
  /** True where the saga waits for a human. */
  needsHuman: boolean;
}

/** A transition of the statechart: on `event`, from one state to another. */
export interface StatechartTransition {
  from: string;
  event: string;
  to: string;
}

type AnyNode = StateNode<never, never>;

/**
 * The saga machine as plain data (no functions), for a page to draw as a statechart and
 * highlight the state a saga is in. A parallel state's completion is the event `done`.
 */
export function sagaStatechart(): { states: StatechartState[]; transitions: StatechartTransition[] } {
  const states: StatechartState[] = [];
  const transitions: StatechartTransition[] = [];
  const visit = (node: AnyNode, parent: string | null) => {
    const meta = node.meta as { command?: StepCommand } | undefined;
    const initialTarget = node.type === 'compound' ? node.initial.target[0] : undefined;
    states.push({
      id: node.id,
      key: node.key,
      parent,
      kind: node.type as StatechartState['kind'],
      initial: initialTarget ? initialTarget.id : null,
      command: meta?.command ?? null,
      needsHuman: node.tags.includes('needs-human'),
    });
    for (const [event, definitions] of node.transitions) {
      for (const definition of definitions) {
        for (const target of definition.target ?? []) {
          transitions.push({ from: node.id, event: event.startsWith('xstate.done.state.') ? 'done' : event, to: target.id });
        }
      }
    }
    for (const child of Object.values(node.states)) visit(child, node.id);
  };
  visit(sagaMachine.root as unknown as AnyNode, null);
  return { states, transitions };
}
