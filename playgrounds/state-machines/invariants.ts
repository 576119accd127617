import { sqlInvariant, type Invariant } from '../kernel/invariants.ts';
import { orderRef } from './book.ts';

const orderRefs = (row: Record<string, unknown>) => [orderRef(String(row.order_id))];

/**
 * What the order workflow promises, checked in SQL. The first two read the shop's history of
 * state changes (a design that keeps none, like the naive flags, has nothing for them to
 * check); the third reads every order as flags, the view every design shares. The rest read the
 * outside world's records, which no bug in the shop can tidy up: the provider's charges and
 * refunds, and the carrier's shipments. These checkers know nothing of the variants.
 */
export const stateMachinesInvariants: readonly Invariant[] = [
  sqlInvariant({
    name: 'legal-transitions',
    title: 'Every transition is allowed and chains',
    description:
      "Each change in an order's history is an edge of the workflow, and starts from the state the change before it ended in (the first from created).",
    kind: 'safety',
    sql: (s) => `
      SELECT order_id, seq, from_state, event, to_state, previous, allowed FROM (
        SELECT t.order_id, t.seq, t.from_state, t.event, t.to_state,
               lag(t.to_state) OVER (PARTITION BY t.order_id ORDER BY t.seq) AS previous,
               EXISTS (SELECT 1 FROM ${s.shop}.allowed_transitions a
                        WHERE a.from_state = t.from_state AND a.event = t.event AND a.to_state = t.to_state) AS allowed
          FROM ${s.shop}.order_transitions t) h
       WHERE NOT allowed OR from_state <> coalesce(previous, 'created')
       ORDER BY order_id, seq`,
    message: (row) =>
      row.allowed
        ? `order ${row.order_id}: change #${row.seq} starts from ${row.from_state}, but the order was ${row.previous ?? 'created'}`
        : `order ${row.order_id}: change #${row.seq} went ${row.from_state} → ${row.to_state} on ${row.event}, which the workflow does not allow`,
    refs: orderRefs,
  }),
  sqlInvariant({
    name: 'state-is-last-transition',
    title: 'The state is where the history ends',
    description: 'Every order with a recorded history is in the state its last recorded change went to.',
    kind: 'safety',
    sql: (s) => `
      SELECT o.id AS order_id, o.state, last.to_state AS recorded
        FROM ${s.shop}.orders o
        JOIN LATERAL (SELECT t.to_state FROM ${s.shop}.order_transitions t
                       WHERE t.order_id = o.id ORDER BY t.seq DESC LIMIT 1) last ON true
       WHERE o.state <> last.to_state
       ORDER BY o.id`,
    message: (row) => `order ${row.order_id} is ${row.state}, but its history ends in ${row.recorded}`,
    refs: orderRefs,
  }),
  sqlInvariant({
    name: 'no-impossible-states',
    title: 'No impossible states',
    description:
      'No order is ever paid and failed, shipped and cancelled, shipped and refunded, shipped without being paid, or refunded without being paid.',
    kind: 'safety',
    sql: (s) => `
      SELECT order_id, state, problem FROM (
        SELECT f.id AS order_id, f.state,
               concat_ws(', ',
                 CASE WHEN f.paid AND f.failed THEN 'paid and failed' END,
                 CASE WHEN f.shipped AND f.cancelled THEN 'shipped and cancelled' END,
                 CASE WHEN f.shipped AND f.refunded THEN 'shipped and refunded' END,
                 CASE WHEN f.shipped AND NOT f.paid THEN 'shipped but never paid' END,
                 CASE WHEN f.refunded AND NOT f.paid THEN 'refunded but never paid' END) AS problem
          FROM ${s.shop}.order_flags f) cells
       WHERE problem <> ''
       ORDER BY order_id`,
    message: (row) => `order ${row.order_id} is ${row.problem} (its status says ${row.state})`,
    refs: orderRefs,
  }),
  sqlInvariant({
    name: 'shipped-implies-paid',
    title: 'Shipped implies paid',
    description: 'Every parcel the carrier took is for an order whose payment the provider captured and has not given back.',
    kind: 'safety',
    sql: (s) => `
      SELECT sh.order_id, c.outcome, r.order_id IS NOT NULL AS refunded
        FROM ${s.carrier}.shipments sh
        LEFT JOIN ${s.payments}.charges c ON c.order_id = sh.order_id
        LEFT JOIN ${s.payments}.refunds r ON r.order_id = sh.order_id
       WHERE c.outcome IS DISTINCT FROM 'succeeded' OR r.order_id IS NOT NULL
       ORDER BY sh.order_id`,
    message: (row) =>
      row.refunded
        ? `order ${row.order_id} was shipped and its payment refunded: the customer has both`
        : `order ${row.order_id} was shipped, but its payment ${row.outcome === null ? 'never went through' : 'failed'}`,
    refs: orderRefs,
  }),
  sqlInvariant({
    name: 'no-money-kept',
    title: 'No money kept for nothing',
    description: 'Once things settle, the provider holds money only for orders that shipped: every other captured payment was refunded.',
    kind: 'liveness',
    sql: (s) => `
      SELECT c.order_id, c.amount_cents
        FROM ${s.payments}.charges c
       WHERE c.outcome = 'succeeded'
         AND NOT EXISTS (SELECT 1 FROM ${s.carrier}.shipments sh WHERE sh.order_id = c.order_id)
         AND NOT EXISTS (SELECT 1 FROM ${s.payments}.refunds r WHERE r.order_id = c.order_id)
       ORDER BY c.order_id`,
    message: (row) =>
      `order ${row.order_id}: ${row.amount_cents} cents were taken, and the customer got neither the goods nor the money back`,
    refs: orderRefs,
  }),
  sqlInvariant({
    name: 'no-stuck-orders',
    title: 'No stuck orders',
    description:
      'Once things settle, every order is at rest (shipped, refunded, cancelled or failed): none waits on the shop past its deadline plus the sweep interval.',
    kind: 'liveness',
    sql: (s) => `
      SELECT id AS order_id, state, state_entered_vt,
             CASE WHEN state IN ('payment_pending', 'reserved', 'cancel_requested') THEN deadline_vt END AS deadline_vt
        FROM ${s.shop}.orders
       WHERE state IN ('created', 'payment_pending', 'paid', 'reserved', 'cancel_requested', 'refund_pending')
       ORDER BY id`,
    message: (row) =>
      `order ${row.order_id} is stuck in ${row.state} since ${row.state_entered_vt} ms${row.deadline_vt === null ? '' : `, past its deadline at ${row.deadline_vt} ms`}`,
    refs: orderRefs,
  }),
];
