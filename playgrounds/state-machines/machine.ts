import { setup, transition, type StateValueFrom } from 'xstate';

/**
 * The order workflow, as one XState machine. Everything else is derived from this definition:
 * the database's `allowed_transitions` rows, the compare-and-set that moves an order, the
 * states the sweeper times out, the side effects each state asks for, and the statechart the
 * reader sees. XState is used as a pure function here (`transition()` on a snapshot): no actor
 * runs and no XState timer is ever armed, so time comes only from the simulation's clock.
 */

/** What a state says about an order, in the five flags a naive design would keep instead. */
export interface OrderFlags {
  paid: boolean;
  failed: boolean;
  cancelled: boolean;
  shipped: boolean;
  refunded: boolean;
}

/** The deadlines a state can have; their lengths are the machine's `delays`, set per run. */
export type DeadlineName = 'paymentTimeout' | 'warehouseTimeout';

interface StateMeta {
  label: string;
  flags: OrderFlags;
  /** Past this long in the state, the sweeper sends `timeout`. */
  deadline?: DeadlineName;
}

export type OrderEvent =
  | { type: 'checkout' }
  | { type: 'payment_succeeded' }
  | { type: 'payment_failed' }
  | { type: 'cancel' }
  | { type: 'reserve' }
  | { type: 'ship' }
  | { type: 'release' }
  | { type: 'timeout' }
  | { type: 'refund_issued' };

export type OrderEventType = OrderEvent['type'];

/** The side effects states ask for on entry: commands to the payment provider and the carrier. */
export type EffectKind = 'charge' | 'refund' | 'ship';

const flags = (set: Partial<OrderFlags> = {}): OrderFlags => ({
  paid: false,
  failed: false,
  cancelled: false,
  shipped: false,
  refunded: false,
  ...set,
});

/** Default deadline lengths; a run overrides them with its parameters (see `machineFor`). */
export const DEFAULT_DEADLINES_MS: Readonly<Record<DeadlineName, number>> = { paymentTimeout: 3_000, warehouseTimeout: 2_000 };

export const orderMachine = setup({
  types: { events: {} as OrderEvent, meta: {} as StateMeta },
  actions: {
    // Never executed: transition() returns entry actions as data, and the transaction that
    // moves the order writes them to its command outbox in the same commit.
    charge: () => undefined,
    refund: () => undefined,
    ship: () => undefined,
  },
  delays: { ...DEFAULT_DEADLINES_MS },
}).createMachine({
  id: 'order',
  initial: 'created',
  states: {
    created: {
      meta: { label: 'Created', flags: flags() },
      on: { checkout: 'payment_pending' },
    },
    payment_pending: {
      meta: { label: 'Payment pending', flags: flags(), deadline: 'paymentTimeout' },
      entry: 'charge',
      on: { payment_succeeded: 'paid', payment_failed: 'failed', cancel: 'cancelled', timeout: 'failed' },
    },
    paid: {
      meta: { label: 'Paid', flags: flags({ paid: true }) },
      on: { reserve: 'reserved', cancel: 'refund_pending' },
    },
    reserved: {
      // A warehouse that crashed while packing loses the parcel: the timeout hands it back.
      meta: { label: 'Reserved', flags: flags({ paid: true }), deadline: 'warehouseTimeout' },
      on: { ship: 'shipped', cancel: 'cancel_requested', timeout: 'paid' },
    },
    cancel_requested: {
      // The warehouse can no longer ship it (the compare-and-set sees to that); if it never
      // confirms that it put the parcel back, the timeout refunds anyway.
      meta: { label: 'Cancel requested', flags: flags({ paid: true, cancelled: true }), deadline: 'warehouseTimeout' },
      on: { release: 'refund_pending', timeout: 'refund_pending' },
    },
    shipped: {
      meta: { label: 'Shipped', flags: flags({ paid: true, shipped: true }) },
      entry: 'ship',
      type: 'final',
    },
    // Cancelled and failed orders are at rest but not final: a payment can still arrive late,
    // and then the money has to go back.
    cancelled: {
      meta: { label: 'Cancelled', flags: flags({ cancelled: true }) },
      on: { payment_succeeded: 'refund_pending' },
    },
    failed: {
      meta: { label: 'Failed', flags: flags({ failed: true }) },
      on: { payment_succeeded: 'refund_pending' },
    },
    refund_pending: {
      meta: { label: 'Refund pending', flags: flags({ paid: true, cancelled: true }) },
      entry: 'refund',
      on: { refund_issued: 'refunded' },
    },
    refunded: {
      meta: { label: 'Refunded', flags: flags({ paid: true, cancelled: true, refunded: true }) },
      type: 'final',
    },
  },
});

export type OrderMachine = typeof orderMachine;
export type OrderState = StateValueFrom<OrderMachine>;

/** The machine with a run's deadline lengths. */
export function machineFor(deadlinesMs: Readonly<Record<DeadlineName, number>>): OrderMachine {
  return orderMachine.provide({ delays: { ...deadlinesMs } });
}

/** Every state, in definition order. */
export function statesOf(machine: OrderMachine): OrderState[] {
  return Object.keys(machine.root.states) as OrderState[];
}

function metaOf(machine: OrderMachine, state: OrderState): StateMeta {
  const meta = machine.root.states[state]?.meta;
  if (!meta) throw new Error(`state ${state} has no meta`);
  return meta;
}

/** What the machine does with one event in one state: the next state and the effects it asks for. */
export interface Step {
  to: OrderState;
  effects: EffectKind[];
}

/** The machine's answer for `event` in `state`, or null when the state does not accept it. */
export function nextStep(machine: OrderMachine, state: OrderState, event: OrderEventType): Step | null {
  const snapshot = machine.resolveState({ value: state, context: {} });
  if (!snapshot.can({ type: event })) return null;
  const [next, actions] = transition(machine, snapshot, { type: event });
  return { to: next.value, effects: actions.map((action) => action.type as EffectKind) };
}

/** The flags that describe a state (the legal cells of the naive design's flag grid). */
export function flagsOf(machine: OrderMachine, state: OrderState): OrderFlags {
  return metaOf(machine, state).flags;
}

/** How long an order may stay in `state` before the sweeper times it out, if it has a deadline. */
export function deadlineMsOf(machine: OrderMachine, state: OrderState): number | undefined {
  const name = metaOf(machine, state).deadline;
  if (name === undefined) return undefined;
  const delay: unknown = machine.implementations.delays[name];
  if (typeof delay !== 'number') throw new Error(`deadline ${name} must be a number of milliseconds`);
  return delay;
}

/** One edge of the machine, as a row of `allowed_transitions`. */
export interface AllowedTransition {
  from: OrderState;
  event: OrderEventType;
  to: OrderState;
}

/** Every edge of the machine, in definition order of states, then of events. */
export function allowedTransitions(machine: OrderMachine): AllowedTransition[] {
  return statesOf(machine).flatMap((from) =>
    [...machine.root.states[from]!.transitions.values()].flatMap((definitions) =>
      definitions.flatMap((definition) =>
        (definition.target ?? []).map((target) => ({ from, event: definition.eventType as OrderEventType, to: target.key as OrderState })),
      ),
    ),
  );
}

/** The states in which the machine accepts `event`. */
export function statesAccepting(machine: OrderMachine, event: OrderEventType): OrderState[] {
  return allowedTransitions(machine)
    .filter((edge) => edge.event === event)
    .map((edge) => edge.from);
}

/** The states the sweeper watches: those with a deadline, each with its length. */
export function deadlineStates(machine: OrderMachine): Array<{ state: OrderState; deadlineMs: number }> {
  return statesOf(machine).flatMap((state) => {
    const deadlineMs = deadlineMsOf(machine, state);
    return deadlineMs === undefined ? [] : [{ state, deadlineMs }];
  });
}

/** The machine as plain data (no functions), for a page to lay out and draw. */
export interface Statechart {
  initial: OrderState;
  states: Array<{ id: OrderState; label: string; final: boolean; deadlineMs?: number; effects: EffectKind[]; flags: OrderFlags }>;
  transitions: AllowedTransition[];
}

export function statechartOf(machine: OrderMachine): Statechart {
  return {
    initial: machine.root.initial.target[0]!.key as OrderState,
    states: statesOf(machine).map((id) => {
      const node = machine.root.states[id]!;
      const deadlineMs = deadlineMsOf(machine, id);
      return {
        id,
        label: metaOf(machine, id).label,
        final: node.type === 'final',
        ...(deadlineMs === undefined ? {} : { deadlineMs }),
        effects: node.entry.map((action) => (typeof action === 'string' ? action : (action as { type: string }).type) as EffectKind),
        flags: { ...flagsOf(machine, id) },
      };
    }),
    transitions: allowedTransitions(machine),
  };
}
