import { sqlInvariant, type Invariant } from '../kernel/invariants.ts';
import { tripRef } from './messages.ts';
import { BOOKABLE } from './schema.ts';

type Schemas = Readonly<Record<string, string>>;
type Row = Record<string, string | number | boolean | null>;

const tripRefs = (row: Row) => (row.trip_id === null ? [] : [tripRef(String(row.trip_id))]);

/** One row per real booking or charge (tombstones left out), across the four services. */
const holdings = (s: Schemas) => `
  ${BOOKABLE.map((b) => `SELECT trip_id, '${b}' AS service, status, seq FROM ${s[b]}.${b}_bookings WHERE item IS NOT NULL`).join(' UNION ALL ')}
  UNION ALL SELECT trip_id, 'payment', status, seq FROM ${s.payment}.charges WHERE card IS NOT NULL`;

/**
 * What the trip saga promises, checked in SQL across the five services' databases. These
 * checkers are written apart from the implementation and know nothing of its variants: they
 * read the services' own tables, and the orchestrator's table only where it has rows.
 */
export const sagaInvariants: readonly Invariant[] = [
  sqlInvariant({
    name: 'every-trip-settles',
    title: 'Every trip settles',
    description:
      'Once things settle, every trip is either completed (flight, hotel and car confirmed, card charged, once each) or fully compensated (nothing held, nothing charged).',
    kind: 'liveness',
    sql: (s) => `
      WITH h AS (${holdings(s)}),
      per_trip AS (
        SELECT t.id AS trip_id,
               count(h.seq) FILTER (WHERE h.status IN ('pending', 'confirmed', 'charged')) AS live,
               count(DISTINCT h.service) FILTER (WHERE h.status IN ('confirmed', 'charged')) AS done,
               string_agg(h.service || ' ' || h.status, ', ' ORDER BY h.service, h.seq) FILTER (WHERE h.status IN ('pending', 'confirmed', 'charged')) AS held
          FROM ${s.trips}.trips t LEFT JOIN h ON h.trip_id = t.id
         GROUP BY t.id
      )
      SELECT trip_id, held, 'neither completed nor compensated' AS problem
        FROM per_trip WHERE live > 0 AND NOT (live = 4 AND done = 4)
      UNION ALL
      SELECT s.trip_id, p.held, 'the orchestrator left it ' || s.state
        FROM ${s.trips}.sagas s JOIN per_trip p USING (trip_id) WHERE s.state NOT IN ('completed', 'compensated')
      UNION ALL
      SELECT s.trip_id, p.held, 'the orchestrator says ' || s.state || ', the services disagree'
        FROM ${s.trips}.sagas s JOIN per_trip p USING (trip_id)
       WHERE (s.state = 'completed' AND NOT (p.live = 4 AND p.done = 4)) OR (s.state = 'compensated' AND p.live > 0)
      ORDER BY 1, 3`,
    message: (row) => `trip ${row.trip_id}: ${row.problem}${row.held ? ` (holds ${row.held})` : ''}`,
    refs: tripRefs,
  }),
  sqlInvariant({
    name: 'held-matches-bookings',
    title: 'Held inventory matches bookings',
    description: "Every offer's held count equals its live (pending or confirmed) bookings, and never exceeds its capacity.",
    kind: 'safety',
    sql: (s) =>
      BOOKABLE.map(
        (b) => `
      SELECT '${b}' AS service, i.item, i.held, i.capacity, count(x.seq)::int AS live
        FROM ${s[b]}.${b}_inventory i LEFT JOIN ${s[b]}.${b}_bookings x ON x.item = i.item AND x.status <> 'cancelled'
       GROUP BY i.item HAVING i.held <> count(x.seq) OR i.held > i.capacity`,
      ).join(' UNION ALL ') + ' ORDER BY service, item',
    message: (row) => `${row.service} ${row.item}: ${row.held} held of ${row.capacity}, but ${row.live} live bookings`,
    refs: () => [],
  }),
  sqlInvariant({
    name: 'one-booking-per-trip',
    title: 'One booking per trip',
    description:
      'However often a request is retried or delivered, each trip books at most one seat, one room and one car, and is charged at most once.',
    kind: 'safety',
    sql: (s) => `
      SELECT trip_id, service, count(*)::int AS n FROM (${holdings(s)}) h
       GROUP BY trip_id, service HAVING count(*) > 1
       ORDER BY trip_id, service`,
    message: (row) => `trip ${row.trip_id}: ${row.service} ${row.service === 'payment' ? 'charged' : 'booked'} ${row.n} times`,
    refs: tripRefs,
  }),
  sqlInvariant({
    name: 'ledger-balances',
    title: 'The ledger balances',
    description: "Once things settle, each trip's charges minus refunds equal its price if it completed, and zero if it did not.",
    kind: 'liveness',
    sql: (s) => `
      WITH net AS (
        SELECT trip_id, coalesce(sum(amount_cents) FILTER (WHERE status = 'charged'), 0)::int AS net FROM ${s.payment}.charges GROUP BY trip_id
      ), trip AS (
        SELECT t.id AS trip_id, t.price_cents::int AS price_cents,
               ${BOOKABLE.map((b) => `EXISTS (SELECT 1 FROM ${s[b]}.${b}_bookings x WHERE x.trip_id = t.id AND x.status = 'confirmed')`).join(' AND ')} AS completed
          FROM ${s.trips}.trips t
      )
      SELECT trip.trip_id, trip.price_cents, coalesce(net.net, 0) AS net, trip.completed
        FROM trip LEFT JOIN net USING (trip_id)
       WHERE coalesce(net.net, 0) <> CASE WHEN trip.completed THEN trip.price_cents ELSE 0 END
       ORDER BY trip.trip_id`,
    message: (row) =>
      row.completed
        ? `trip ${row.trip_id}: completed for ${row.price_cents} cents, but ${row.net} were kept`
        : `trip ${row.trip_id}: not completed, but ${row.net} cents were kept`,
    refs: tripRefs,
  }),
  sqlInvariant({
    name: 'undo-newest-first',
    title: 'Undone newest first',
    description: 'When a trip is undone, each step is undone only after every step done after it: compensations run in reverse order.',
    kind: 'safety',
    sql: (s) => `
      WITH undone AS (
        ${BOOKABLE.map(
          (b) => `SELECT trip_id, '${b}' AS step, seq, booked_vt AS done_vt, cancelled_vt AS undone_vt
             FROM ${s[b]}.${b}_bookings WHERE booked_vt IS NOT NULL AND cancelled_vt IS NOT NULL`,
        ).join(' UNION ALL ')}
        UNION ALL SELECT trip_id, 'payment', seq, charged_vt, refunded_vt FROM ${s.payment}.charges WHERE charged_vt IS NOT NULL AND refunded_vt IS NOT NULL
      )
      SELECT a.trip_id, a.step AS earlier, b.step AS later, a.undone_vt::float8 AS earlier_undone_vt, b.undone_vt::float8 AS later_undone_vt
        FROM undone a JOIN undone b ON b.trip_id = a.trip_id AND b.done_vt > a.done_vt
       WHERE a.undone_vt < b.undone_vt
       ORDER BY a.trip_id, a.step, a.seq, b.step, b.seq`,
    message: (row) =>
      `trip ${row.trip_id}: ${row.earlier} was undone at ${row.earlier_undone_vt} ms, before ${row.later} (done after it) at ${row.later_undone_vt} ms`,
    refs: tripRefs,
  }),
  sqlInvariant({
    name: 'nothing-after-deadline',
    title: 'Nothing after the deadline',
    description:
      "No seat, room or car is booked and no card is charged after the trip's deadline: a trip out of time is undone, not pushed on.",
    kind: 'safety',
    sql: (s) => `
      SELECT x.trip_id, x.step, x.at_vt::float8 AS at_vt, t.deadline_vt::float8 AS deadline_vt FROM (
        ${BOOKABLE.map((b) => `SELECT trip_id, '${b}' AS step, booked_vt AS at_vt, seq FROM ${s[b]}.${b}_bookings WHERE booked_vt IS NOT NULL`).join(' UNION ALL ')}
        UNION ALL SELECT trip_id, 'payment', charged_vt, seq FROM ${s.payment}.charges WHERE charged_vt IS NOT NULL
      ) x JOIN ${s.trips}.trips t ON t.id = x.trip_id
       WHERE x.at_vt > t.deadline_vt
       ORDER BY x.trip_id, x.step, x.seq`,
    message: (row) =>
      `trip ${row.trip_id}: ${row.step} ${row.step === 'payment' ? 'charged' : 'booked'} at ${row.at_vt} ms, after its deadline at ${row.deadline_vt} ms`,
    refs: tripRefs,
  }),
];
