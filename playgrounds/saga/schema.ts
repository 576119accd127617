/**
 * The trip-booking saga's databases, one schema per service: the travel agency owns `trips`
 * (the customers' trips and, when it orchestrates, the saga state), and the airline, the hotel,
 * the car rental and the payment provider each own theirs. No service reads another's tables;
 * only the invariant checker looks across them.
 */
export const SCHEMAS = ['trips', 'flight', 'hotel', 'car', 'payment'] as const;

/** The services whose inventory a trip holds: a seat, a room, a car. */
export const BOOKABLE = ['flight', 'hotel', 'car'] as const;
export type Bookable = (typeof BOOKABLE)[number];

/** The forward steps in order. Charging the card is the pivot: once it succeeds, the trip goes through. */
export const STEPS = [...BOOKABLE, 'payment'] as const;
export type Step = (typeof STEPS)[number];

/** Seats, rooms and cars of each offer. Generous, so that only sold-out offers refuse a booking. */
const CAPACITY = 60;

/**
 * What each service sells. The last offer of each is sold out (capacity 0): a trip that asks
 * for it is refused at that step, which is how the workload's business failures happen.
 */
export const OFFERS: Readonly<Record<Bookable, readonly string[]>> = {
  flight: ['LH-400', 'BA-117', 'AF-22', 'UA-900'],
  hotel: ['harbour-inn', 'old-town', 'grand-plaza', 'seaview'],
  car: ['compact', 'estate', 'van', 'convertible'],
};

/** Customers' cards. The last one is declined by the bank. */
export const CARDS = ['card-4242', 'card-5555', 'card-3782', 'card-0002'] as const;

/** The offer of a service that refuses every booking. */
export function soldOutOffer(service: Bookable): string {
  return OFFERS[service][OFFERS[service].length - 1]!;
}

/** The card the bank refuses to charge. */
export const DECLINED_CARD = CARDS[CARDS.length - 1]!;

/**
 * Table names carry their service (`hotel_bookings`, not `bookings`): the SQL inspector puts
 * every service's schema on one search path, and there `bookings` would mean the first one.
 */
function bookingTables(schema: string, service: Bookable): string {
  const offers = OFFERS[service].map((offer) => `('${offer}', ${offer === soldOutOffer(service) ? 0 : CAPACITY})`).join(', ');
  return `
CREATE TABLE ${schema}.${service}_inventory (
  item text PRIMARY KEY,
  capacity int NOT NULL,
  held int NOT NULL DEFAULT 0,
  CHECK (held >= 0 AND held <= capacity)
);
INSERT INTO ${schema}.${service}_inventory (item, capacity) VALUES ${offers};
-- A 'pending' booking is a semantic lock: the seat is held for a trip that may still be undone.
-- A row with no item is a tombstone: a cancel that overtook its booking, so the late booking
-- finds it and does nothing. No unique key on trip_id on purpose: the checker, not a
-- constraint, must be what catches the naive variant's double bookings.
CREATE TABLE ${schema}.${service}_bookings (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  trip_id int NOT NULL,
  item text,
  status text NOT NULL CHECK (status IN ('pending', 'confirmed', 'cancelled')),
  booked_vt bigint,
  confirmed_vt bigint,
  cancelled_vt bigint
);
CREATE INDEX ${service}_bookings_by_trip ON ${schema}.${service}_bookings (trip_id);
CREATE TABLE ${schema}.${service}_inbox (message_id text PRIMARY KEY, outcome jsonb NOT NULL, received_vt bigint NOT NULL);`;
}

/** The DDL of all five schemas; `s` maps each logical schema to this run's physical one. */
export function sagaDdl(s: Readonly<Record<string, string>>): string {
  return `
CREATE TABLE ${s.trips}.trips (
  id int PRIMARY KEY,
  customer_id int NOT NULL,
  flight text NOT NULL,
  hotel text NOT NULL,
  car text NOT NULL,
  card text NOT NULL,
  price_cents bigint NOT NULL CHECK (price_cents > 0),
  requested_vt bigint NOT NULL,
  deadline_vt bigint NOT NULL
);
-- The orchestrator's saga state: the state machine's value as it stands, and columns derived
-- from it so that "what state is trip 7 in?" is one query.
CREATE TABLE ${s.trips}.sagas (
  trip_id int PRIMARY KEY,
  state text NOT NULL
    CHECK (state IN ('running', 'confirming', 'compensating', 'completed', 'compensated', 'failed_needs_human')),
  step text,
  machine jsonb NOT NULL,
  version int NOT NULL,
  deadline_vt bigint NOT NULL,
  updated_vt bigint NOT NULL
);
-- Every command the orchestrator owes a service, and whether it has its answer: the
-- orchestrator's outbox and its retry timers in one table.
CREATE TABLE ${s.trips}.saga_commands (
  command_id text PRIMARY KEY,
  trip_id int NOT NULL,
  service text NOT NULL,
  action text NOT NULL CHECK (action IN ('book', 'charge', 'confirm', 'cancel', 'refund')),
  status text NOT NULL CHECK (status IN ('pending', 'done', 'superseded')),
  attempts int NOT NULL,
  next_attempt_vt bigint NOT NULL,
  outcome text
);
CREATE INDEX saga_commands_due ON ${s.trips}.saga_commands (next_attempt_vt) WHERE status = 'pending';
-- A two-phase-commit coordinator's log: the trips it took, the decision once made (written
-- before anyone hears it), and when every participant had acknowledged it.
CREATE TABLE ${s.trips}.tpc_log (
  trip_id int PRIMARY KEY,
  coordinator text NOT NULL,
  decision text CHECK (decision IN ('commit', 'abort')),
  decided_vt bigint,
  finished_vt bigint
);
${bookingTables(s.flight!, 'flight')}
${bookingTables(s.hotel!, 'hotel')}
${bookingTables(s.car!, 'car')}
CREATE TABLE ${s.payment}.cards (id text PRIMARY KEY, declined boolean NOT NULL);
INSERT INTO ${s.payment}.cards (id, declined) VALUES ${CARDS.map((card) => `('${card}', ${card === DECLINED_CARD})`).join(', ')};
-- 'refunded' keeps the charge it undoes; 'voided' is the tombstone of a refund that overtook its charge.
CREATE TABLE ${s.payment}.charges (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  trip_id int NOT NULL,
  card text,
  amount_cents bigint,
  status text NOT NULL CHECK (status IN ('charged', 'refunded', 'voided')),
  charged_vt bigint,
  refunded_vt bigint
);
CREATE INDEX charges_by_trip ON ${s.payment}.charges (trip_id);
CREATE TABLE ${s.payment}.payment_inbox (message_id text PRIMARY KEY, outcome jsonb NOT NULL, received_vt bigint NOT NULL);
`;
}
