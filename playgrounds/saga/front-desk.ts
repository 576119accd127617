import type { Queryable } from '../db/types.ts';
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
