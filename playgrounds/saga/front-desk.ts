import type { Queryable } from '../db/types.ts';
import type { ProcessContext } from '../kernel/process.ts';
import { tripRef } from './messages.ts';
import type { Scoreboard } from './scoreboard.ts';
import type { Trip } from './workload.ts';

/**
 * The customers at the travel agency's door. A customer asks again until the agency answers,
 * so a trip the agency was taking when it crashed comes back after the restart. This state
 * lives outside the agency's processes and survives their crashes.
 */
export class TripDesk {
  private readonly waiting: Trip[];

  constructor(trips: readonly Trip[]) {
    this.waiting = [...trips].sort((a, b) => a.requestedMs - b.requestedMs || a.id - b.id);
  }

  /** The oldest unanswered trip, whether or not its customer has arrived yet. */
  peek(): Trip | undefined {
    return this.waiting[0];
  }

  /** Marks a trip answered: its customer stops asking. */
  answer(trip: Trip): void {
    if (this.waiting[0] !== trip) throw new Error(`answered trip ${trip.id} out of turn`);
    this.waiting.shift();
  }
}

/**
 * Records a customer's trip in the agency's database. A customer who asks again (the agency
 * crashed before answering) finds the trip already there: returns false then.
 */
export async function recordTrip(q: Queryable, trip: Trip): Promise<boolean> {
  const { rows } = await q.query(
    `INSERT INTO trips (id, customer_id, flight, hotel, car, card, price_cents, requested_vt, deadline_vt)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING RETURNING id`,
    [trip.id, trip.customerId, trip.flight, trip.hotel, trip.car, trip.card, trip.priceCents, trip.requestedMs, trip.deadlineMs],
  );
  return rows.length > 0;
}

/**
 * Waits for the trip's customer to ask, then records the trip, with whatever else the agency
 * writes in the same transaction, and passes the `after_accept` crash point. A repeated request
 * (the agency crashed before answering) records nothing and counts nothing.
 */
export async function acceptTrip(
  ctx: ProcessContext,
  trip: Trip,
  board: Scoreboard,
  alsoWrite?: (q: Queryable) => Promise<unknown>,
): Promise<void> {
  if (trip.requestedMs > ctx.now()) await ctx.sleep(trip.requestedMs - ctx.now());
  await ctx.tx(`accept trip ${trip.id}`, { schema: 'trips', refs: [tripRef(trip.id)] }, async (q) => {
    if (await recordTrip(q, trip)) board.tripRequested(trip.id);
    await alsoWrite?.(q);
  });
  ctx.crashPoint('after_accept');
}

export interface TripRow {
  id: number;
  customer_id: number;
  flight: string;
  hotel: string;
  car: string;
  card: string;
  price_cents: number;
  requested_vt: number;
  deadline_vt: number;
}

/** The trip columns, with the bigints read as numbers (they are virtual milliseconds and cents). */
export const TRIP_COLUMNS = `t.id, t.customer_id, t.flight, t.hotel, t.car, t.card, t.price_cents::float8 AS price_cents,
  t.requested_vt::float8 AS requested_vt, t.deadline_vt::float8 AS deadline_vt`;

export function tripOf(row: TripRow): Trip {
  return {
    id: row.id,
    customerId: row.customer_id,
    flight: row.flight,
    hotel: row.hotel,
    car: row.car,
    card: row.card,
    priceCents: row.price_cents,
    requestedMs: row.requested_vt,
    deadlineMs: row.deadline_vt,
  };
}
