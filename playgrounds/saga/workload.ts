import type { Random } from '../kernel/random.ts';
import { CARDS, DECLINED_CARD, OFFERS, soldOutOffer, type Bookable } from './schema.ts';

/** A customer's trip: what to book, the card to charge, and by when it must be settled. */
export interface Trip {
  id: number;
  customerId: number;
  flight: string;
  hotel: string;
  car: string;
  card: string;
  priceCents: number;
  requestedMs: number;
  deadlineMs: number;
}

/** Settings of the customers' traffic. */
export interface Traffic {
  trips: number;
  /** Average time between two trip requests. */
  tripGapMs: number;
  /** Chance, per step, that the trip asks for something that will be refused (sold out, declined). */
  failurePercent: number;
  /** How long a trip may take to book before it must be given up. */
  deadlineMs: number;
}

function offer(random: Random, service: Bookable, fails: boolean): string {
  const open = OFFERS[service].filter((item) => item !== soldOutOffer(service));
  const pick = random.pick(open);
  return fails ? soldOutOffer(service) : pick;
}

/**
 * The trips customers ask for, drawn from the `workload` stream alone, so every variant of a
 * comparison faces the same trips at the same instants and the same business failures: a trip
 * that asks for a sold-out flight or pays with a declined card fails at that step everywhere.
 * Every draw happens whatever its outcome, so one trip's failure never shifts the next trip.
 */
export function tripRequests(random: Random, traffic: Traffic): Trip[] {
  const trips: Trip[] = [];
  let at = 0;
  for (let id = 1; id <= traffic.trips; id++) {
    at += random.int(Math.ceil(traffic.tripGapMs / 2), Math.floor((traffic.tripGapMs * 3) / 2));
    const fails = Array.from({ length: 4 }, () => random.int(0, 99) < traffic.failurePercent);
    const card = random.pick(CARDS.filter((c) => c !== DECLINED_CARD));
    trips.push({
      id,
      customerId: random.int(100, 999),
      flight: offer(random, 'flight', fails[0]!),
      hotel: offer(random, 'hotel', fails[1]!),
      car: offer(random, 'car', fails[2]!),
      card: fails[3] ? DECLINED_CARD : card,
      priceCents: random.int(40, 400) * 500,
      requestedMs: at,
      deadlineMs: at + traffic.deadlineMs,
    });
  }
  return trips;
}
