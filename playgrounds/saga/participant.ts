import type { Queryable } from '../db/types.ts';
import type { ProcessContext } from '../kernel/process.ts';
import { isCompensation, tripRef, type Answer, type ServiceRequest } from './messages.ts';
import type { Bookable, Step } from './schema.ts';
import type { Scoreboard, StepState } from './scoreboard.ts';

/** How a service behaves. The correct variants are careful; the naive one is not. */
export interface ParticipantSettings {
  /**
   * An inbox that answers a repeated request with its first answer, tombstones that make a
   * late booking after its cancel a no-op, and a deadline past which nothing is booked: what
   * makes a service safe to retry, to duplicate and to overtake.
   */
  careful: boolean;
  /** Whether the service's back office refuses this attempt to undo something (it is down). */
  refusesUndo: (service: Step, nowMs: number) => boolean;
  board: Scoreboard;
}

/**
 * Whether the fault plan makes the service say no at a decision point (`book`, `charge`): a
 * business failure on demand, answered exactly as a sold-out offer or a declined card is.
 */
type Refusal = (point: 'book' | 'charge') => boolean;

/** What one request did, for the scoreboard: the step's new state and the inventory it moved. */
interface Effect {
  answer: Answer;
  state?: StepState;
  heldDelta?: number;
}

const REASONS: Readonly<Record<Step, string>> = {
  flight: 'no seats left',
  hotel: 'no rooms left',
  car: 'no cars left',
  payment: 'card declined',
};

/**
 * Holds a seat, room or car for the trip as a pending booking: a semantic lock that keeps it
 * from anyone else until the trip is confirmed or undone. When careful, a booking that finds a
 * tombstone (its cancel got here first) or arrives after the deadline books nothing.
 */
async function book(
  q: Queryable,
  service: Bookable,
  { trip }: ServiceRequest,
  nowMs: number,
  careful: boolean,
  refuses: Refusal,
): Promise<Effect> {
  if (careful) {
    const { rows } = await q.query<{ status: string }>(
      `SELECT status FROM ${service}_bookings WHERE trip_id = $1 ORDER BY seq FOR UPDATE`,
      [trip.id],
    );
    const existing = rows[0];
    if (existing?.status === 'cancelled') return { answer: { outcome: 'refused', reason: 'cancelled before it arrived' } };
    if (existing) return { answer: { outcome: 'booked' } };
    if (nowMs > trip.deadlineMs) return { answer: { outcome: 'refused', reason: 'too late' }, state: 'refused' };
  }
  const { rows } = refuses('book')
    ? { rows: [] }
    : await q.query(`UPDATE ${service}_inventory SET held = held + 1 WHERE item = $1 AND held < capacity RETURNING item`, [trip[service]]);
  if (rows.length === 0) return { answer: { outcome: 'refused', reason: REASONS[service] }, state: 'refused' };
  await q.query(`INSERT INTO ${service}_bookings (trip_id, item, status, booked_vt) VALUES ($1, $2, 'pending', $3)`, [
    trip.id,
    trip[service],
    nowMs,
  ]);
  return { answer: { outcome: 'booked' }, state: 'pending', heldDelta: 1 };
}

/** Turns the pending booking into a sale: past the pivot, the lock is released by keeping it. */
async function confirm(q: Queryable, service: Bookable, { trip }: ServiceRequest, nowMs: number): Promise<Effect> {
  await q.query(`UPDATE ${service}_bookings SET status = 'confirmed', confirmed_vt = $2 WHERE trip_id = $1 AND status = 'pending'`, [
    trip.id,
    nowMs,
  ]);
  const { rows } = await q.query(`SELECT 1 FROM ${service}_bookings WHERE trip_id = $1 AND status = 'confirmed'`, [trip.id]);
  if (rows.length === 0) return { answer: { outcome: 'refused', reason: 'nothing to confirm' } };
  return { answer: { outcome: 'confirmed' }, state: 'confirmed' };
}

/**
 * Cancels whatever the trip holds here. Idempotent (a second cancel finds nothing live) and,
 * when careful, commutative: a cancel that finds no booking at all leaves a tombstone, so the
 * booking it overtook does nothing when it arrives.
 */
async function cancel(q: Queryable, service: Bookable, { trip }: ServiceRequest, nowMs: number, careful: boolean): Promise<Effect> {
  const { rows } = await q.query<{ item: string }>(
    `UPDATE ${service}_bookings SET status = 'cancelled', cancelled_vt = $2 WHERE trip_id = $1 AND status <> 'cancelled' RETURNING item`,
    [trip.id, nowMs],
  );
  for (const row of rows) await q.query(`UPDATE ${service}_inventory SET held = held - 1 WHERE item = $1`, [row.item]);
  if (careful && rows.length === 0) {
    await q.query(
      `INSERT INTO ${service}_bookings (trip_id, status, cancelled_vt)
       SELECT $1, 'cancelled', $2 WHERE NOT EXISTS (SELECT 1 FROM ${service}_bookings WHERE trip_id = $1)`,
      [trip.id, nowMs],
    );
  }
  return { answer: { outcome: 'cancelled' }, state: 'cancelled', heldDelta: -rows.length };
}

/** Whether the bank refuses the trip's card (or the fault plan makes it refuse this one). */
async function cardDeclined(q: Queryable, trip: ServiceRequest['trip'], refuses: Refusal): Promise<boolean> {
  const { rows } = await q.query<{ declined: boolean }>(`SELECT declined FROM cards WHERE id = $1`, [trip.card]);
  return rows[0]?.declined !== false || refuses('charge');
}

/** Takes the trip's price from its card. */
async function takeMoney(q: Queryable, trip: ServiceRequest['trip'], nowMs: number): Promise<Effect> {
  await q.query(`INSERT INTO charges (trip_id, card, amount_cents, status, charged_vt) VALUES ($1, $2, $3, 'charged', $4)`, [
    trip.id,
    trip.card,
    trip.priceCents,
    nowMs,
  ]);
  return { answer: { outcome: 'charged' }, state: 'charged' };
}

/** Charges the card: the pivot. When careful, not twice, not after a refund got here first, not past the deadline. */
async function charge(q: Queryable, { trip }: ServiceRequest, nowMs: number, careful: boolean, refuses: Refusal): Promise<Effect> {
  if (careful) {
    const { rows } = await q.query<{ status: string }>(`SELECT status FROM charges WHERE trip_id = $1 ORDER BY seq FOR UPDATE`, [trip.id]);
    const existing = rows[0];
    if (existing && existing.status !== 'charged') return { answer: { outcome: 'declined', reason: 'refunded before it arrived' } };
    if (existing) return { answer: { outcome: 'charged' } };
    if (nowMs > trip.deadlineMs) return { answer: { outcome: 'declined', reason: 'too late' }, state: 'declined' };
  }
  if (await cardDeclined(q, trip, refuses)) return { answer: { outcome: 'declined', reason: REASONS.payment }, state: 'declined' };
  return takeMoney(q, trip, nowMs);
}

/** Refunds the trip's charge; like `cancel`, a refund that finds no charge leaves a tombstone. */
async function refund(q: Queryable, { trip }: ServiceRequest, nowMs: number, careful: boolean): Promise<Effect> {
  const { rows } = await q.query(
    `UPDATE charges SET status = 'refunded', refunded_vt = $2 WHERE trip_id = $1 AND status = 'charged' RETURNING seq`,
    [trip.id, nowMs],
  );
  if (careful && rows.length === 0) {
    await q.query(
      `INSERT INTO charges (trip_id, status, refunded_vt)
       SELECT $1, 'voided', $2 WHERE NOT EXISTS (SELECT 1 FROM charges WHERE trip_id = $1)`,
      [trip.id, nowMs],
    );
  }
  return { answer: { outcome: 'refunded' }, state: 'refunded' };
}

/**
 * Two-phase commit's vote. A seat, room or car is prepared by booking it, and the booking
 * keeps the offer's inventory row locked until the coordinator's decision arrives: another
 * trip that wants the same offer meanwhile is told to wait (a database would queue it on the
 * row lock). The card is only checked; the money moves at commit.
 */
async function prepare(q: Queryable, service: Step, request: ServiceRequest, nowMs: number, refuses: Refusal): Promise<Effect> {
  const { trip } = request;
  if (service === 'payment') {
    if (await cardDeclined(q, trip, refuses)) return { answer: { outcome: 'declined', reason: REASONS.payment }, state: 'declined' };
    return { answer: { outcome: 'prepared' } };
  }
  const { rows } = await q.query<{ trip_id: number }>(
    `SELECT trip_id FROM ${service}_bookings WHERE item = $1 AND status = 'pending' AND trip_id <> $2 LIMIT 1`,
    [trip[service], trip.id],
  );
  if (rows[0]) return { answer: { outcome: 'unavailable', reason: `locked by trip ${rows[0].trip_id}, in doubt` } };
  const effect = await book(q, service, request, nowMs, true, refuses);
  return effect.answer.outcome === 'booked' ? { ...effect, answer: { outcome: 'prepared' } } : effect;
}

/** The decision was commit: the bookings are confirmed and the card charged, whatever the time now. */
async function commit(q: Queryable, service: Step, request: ServiceRequest, nowMs: number): Promise<Effect> {
  if (service !== 'payment') return confirm(q, service, request, nowMs);
  const { trip } = request;
  const { rows } = await q.query(`SELECT 1 FROM charges WHERE trip_id = $1`, [trip.id]);
  return rows.length === 0 ? takeMoney(q, trip, nowMs) : { answer: { outcome: 'charged' }, state: 'charged' };
}

async function apply(
  q: Queryable,
  service: Step,
  request: ServiceRequest,
  nowMs: number,
  careful: boolean,
  refuses: Refusal,
): Promise<Effect> {
  if (request.action === 'prepare') return prepare(q, service, request, nowMs, refuses);
  if (request.action === 'commit') return commit(q, service, request, nowMs);
  if (request.action === 'abort') return service === 'payment' ? refund(q, request, nowMs, true) : cancel(q, service, request, nowMs, true);
  if (service === 'payment') {
    if (request.action === 'charge') return charge(q, request, nowMs, careful, refuses);
    if (request.action === 'refund') return refund(q, request, nowMs, careful);
  } else if (request.action === 'book') return book(q, service, request, nowMs, careful, refuses);
  else if (request.action === 'confirm') return confirm(q, service, request, nowMs);
  else if (request.action === 'cancel') return cancel(q, service, request, nowMs, careful);
  throw new Error(`${service} cannot ${request.action}`);
}

/**
 * Handles one request in one transaction: the inbox check, the business effect and the
 * inbox entry commit together, so a repeated request gets the first answer and changes
 * nothing. A refused undo ("try again later") is not recorded, so its retry is tried afresh.
 */
export async function handleRequest(
  ctx: ProcessContext,
  service: Step,
  request: ServiceRequest,
  settings: ParticipantSettings,
): Promise<Answer> {
  const { trip, action } = request;
  const result = await ctx.tx(
    `${action} ${service} for trip ${trip.id}`,
    {
      schema: service,
      refs: [tripRef(trip.id)],
      describe: (r) => {
        const { answer, repeated } = r as { answer: Answer; repeated: boolean };
        const what = `trip ${trip.id}: ${action} ${service} → ${answer.outcome}${answer.reason ? ` (${answer.reason})` : ''}`;
        return repeated ? `${what}, answered from the inbox` : what;
      },
    },
    async (q) => {
      if (settings.careful) {
        const { rows } = await q.query<{ outcome: Answer }>(`SELECT outcome FROM ${service}_inbox WHERE message_id = $1`, [
          request.requestId,
        ]);
        if (rows[0]) return { answer: rows[0].outcome, repeated: true };
      }
      // A back office that is down: planned (`refuse:hotel@cancel`) or drawn at random.
      if (isCompensation(action) && (ctx.refusalPoint(action) || settings.refusesUndo(service, ctx.now()))) {
        return { answer: { outcome: 'unavailable', reason: 'back office down' } satisfies Answer, repeated: false };
      }
      const effect = await apply(q, service, request, ctx.now(), settings.careful, (point) => ctx.refusalPoint(point));
      // "Not now" is not an answer to remember: the request is asked again and tried afresh.
      if (settings.careful && effect.answer.outcome !== 'unavailable') {
        await q.query(`INSERT INTO ${service}_inbox (message_id, outcome, received_vt) VALUES ($1, $2, $3)`, [
          request.requestId,
          JSON.stringify(effect.answer),
          ctx.now(),
        ]);
      }
      ctx.crashPoint('before_commit');
      if (effect.state) settings.board.stepChanged(trip.id, service, effect.state, effect.heldDelta ?? 0);
      return { answer: effect.answer, repeated: false };
    },
  );
  return result.answer;
}
