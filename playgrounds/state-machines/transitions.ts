import type { Queryable } from '../db/types.ts';
import type { Effect } from './book.ts';
import { deadlineMsOf, nextStep, type OrderEventType, type OrderMachine, type OrderState, type Step } from './machine.ts';

/**
 * The SQL of one state transition. The machine decides (a pure `transition()` on the state
 * read from the row); the database applies the decision only if the row is still exactly as
 * read (same state, same version) and the edge is in `allowed_transitions`. The history row
 * and the command rows for the new state's effects commit in the same transaction.
 */

/** An event aimed at one order, with an id that makes a second delivery recognisable. */
export interface TransitionRequest {
  orderId: number;
  event: OrderEventType;
  eventId: string;
}

/** The order as a handler read it. */
export interface Reading {
  state: OrderState;
  version: number;
  amountCents: number;
  card: string;
}

export type Outcome =
  | { kind: 'applied'; orderId: number; event: OrderEventType; from: OrderState; to: OrderState; version: number; effects: Effect[] }
  | { kind: 'rejected'; orderId: number; event: OrderEventType; state: OrderState; reason: 'not allowed' | 'stale' }
  | { kind: 'duplicate'; orderId: number; event: OrderEventType };

/** What the machine made of an event, before anything is written. */
export type Decision = { kind: 'duplicate' } | { kind: 'refused'; reading: Reading } | { kind: 'step'; reading: Reading; step: Step };

/**
 * Has this event been handled before (applied or refused)? Webhooks arrive more than once;
 * the second copy must change nothing and count as nothing.
 */
const SEEN = `EXISTS (SELECT 1 FROM order_transitions WHERE order_id = $1 AND event_id = $2)
           OR EXISTS (SELECT 1 FROM rejected_transitions WHERE order_id = $1 AND event_id = $2)`;

/** Asks the machine what the event does to an order as read. */
export function decideFrom(machine: OrderMachine, reading: Reading, event: OrderEventType): Decision {
  const step = nextStep(machine, reading.state, event);
  return step ? { kind: 'step', reading, step } : { kind: 'refused', reading };
}

/** Asks the machine what the event does to the order as read now (or as the caller read it earlier). */
export async function decide(q: Queryable, machine: OrderMachine, request: TransitionRequest, earlier?: Reading): Promise<Decision> {
  const { rows } = await q.query<Reading & { seen: boolean }>(
    `SELECT state, version, amount_cents::int AS "amountCents", card, ${SEEN} AS seen FROM orders WHERE id = $1 FOR UPDATE`,
    [request.orderId, request.eventId],
  );
  const row = rows[0];
  if (!row) throw new Error(`order ${request.orderId} does not exist`);
  if (row.seen) return { kind: 'duplicate' };
  const { seen: _seen, ...current } = row;
  return decideFrom(machine, earlier ?? current, request.event);
}

/** Records an event the order could not take in the state it was in. */
async function reject(
  q: Queryable,
  request: TransitionRequest,
  state: OrderState,
  reason: 'not allowed' | 'stale',
  nowMs: number,
): Promise<Outcome> {
  await q.query(
    `INSERT INTO rejected_transitions (order_id, state, event, event_id, reason, vt) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (order_id, event_id) DO NOTHING`,
    [request.orderId, state, request.event, request.eventId, reason, nowMs],
  );
  return { kind: 'rejected', orderId: request.orderId, event: request.event, state, reason };
}

/** Writes the history row and one command per effect of the new state. */
async function record(
  q: Queryable,
  request: TransitionRequest,
  reading: Reading,
  step: Step,
  seq: number,
  nowMs: number,
  conflict: '' | 'ON CONFLICT DO NOTHING',
): Promise<Outcome> {
  await q.query(
    `INSERT INTO order_transitions (order_id, seq, from_state, to_state, event, event_id, vt) VALUES ($1, $2, $3, $4, $5, $6, $7) ${conflict}`,
    [request.orderId, seq, reading.state, step.to, request.event, request.eventId, nowMs],
  );
  const effects: Effect[] = [];
  for (const kind of step.effects) {
    const { rows } = await q.query<{ id: number }>(
      `INSERT INTO commands (order_id, kind, issued_in, created_vt) VALUES ($1, $2, $3, $4) RETURNING id::int AS id`,
      [request.orderId, kind, step.to, nowMs],
    );
    effects.push({ orderId: request.orderId, kind, amountCents: reading.amountCents, card: reading.card, commandId: rows[0]!.id });
  }
  return { kind: 'applied', orderId: request.orderId, event: request.event, from: reading.state, to: step.to, version: seq, effects };
}

function deadlineVt(machine: OrderMachine, state: OrderState, nowMs: number): number | null {
  const deadlineMs = deadlineMsOf(machine, state);
  return deadlineMs === undefined ? null : nowMs + deadlineMs;
}

/**
 * The compare-and-set: moves the order only if it is still in the state and version it was
 * read in, along an edge of the machine. Zero rows means someone else moved it first: the
 * event is recorded as rejected against the state the order is really in.
 */
export async function compareAndSet(
  q: Queryable,
  machine: OrderMachine,
  request: TransitionRequest,
  reading: Reading,
  step: Step,
  nowMs: number,
): Promise<Outcome> {
  const { rows } = await q.query<{ version: number }>(
    `UPDATE orders SET state = $3, version = version + 1, state_entered_vt = $5, deadline_vt = $6
      WHERE id = $1 AND state = $2 AND version = $4
        AND EXISTS (SELECT 1 FROM allowed_transitions a WHERE a.from_state = $2 AND a.event = $7 AND a.to_state = $3)
      RETURNING version`,
    [request.orderId, reading.state, step.to, reading.version, nowMs, deadlineVt(machine, step.to, nowMs), request.event],
  );
  const moved = rows[0];
  if (!moved) {
    const { rows: current } = await q.query<{ state: OrderState }>(`SELECT state FROM orders WHERE id = $1`, [request.orderId]);
    return reject(q, request, current[0]!.state, 'stale', nowMs);
  }
  return record(q, request, reading, step, moved.version, nowMs, '');
}

/**
 * The save of an entity read earlier, without a compare-and-set: whatever happened to the row
 * since the read is overwritten. Its history row is numbered from the version it read, and
 * skipped when that number is taken ("already logged"): exactly how a lost update hides.
 */
export async function blindSave(
  q: Queryable,
  machine: OrderMachine,
  request: TransitionRequest,
  reading: Reading,
  step: Step,
  nowMs: number,
): Promise<Outcome> {
  const version = reading.version + 1;
  await q.query(`UPDATE orders SET state = $2, version = $3, state_entered_vt = $4, deadline_vt = $5 WHERE id = $1`, [
    request.orderId,
    step.to,
    version,
    nowMs,
    deadlineVt(machine, step.to, nowMs),
  ]);
  return record(q, request, reading, step, version, nowMs, 'ON CONFLICT DO NOTHING');
}

/**
 * Turns a decision into an outcome: records a duplicate or a refusal, or saves the step with
 * compare-and-set (or, in the naive variant, blindly).
 */
export async function settle(
  q: Queryable,
  machine: OrderMachine,
  request: TransitionRequest,
  decision: Decision,
  nowMs: number,
  save: 'compare-and-set' | 'blind',
): Promise<Outcome> {
  if (decision.kind === 'duplicate') return { kind: 'duplicate', orderId: request.orderId, event: request.event };
  if (decision.kind === 'refused') return reject(q, request, decision.reading.state, 'not allowed', nowMs);
  return (save === 'compare-and-set' ? compareAndSet : blindSave)(q, machine, request, decision.reading, decision.step, nowMs);
}

/** A short account of an outcome for the trace. */
export function describeOutcome(outcome: Outcome): string {
  const order = `order ${outcome.orderId}`;
  if (outcome.kind === 'applied') return `${order}: ${outcome.from} → ${outcome.to} (${outcome.event})`;
  if (outcome.kind === 'rejected')
    return `${order}: ${outcome.event} rejected in ${outcome.state}${outcome.reason === 'stale' ? ' (moved on)' : ''}`;
  return `${order}: duplicate ${outcome.event} skipped`;
}
