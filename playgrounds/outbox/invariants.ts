import { sqlInvariant, type Invariant } from '../kernel/invariants.ts';
import { orderRef } from './events.ts';

const orderRefs = (row: Record<string, unknown>) => [orderRef(String(row.order_id))];

/**
 * What the outbox promises, checked in SQL across the services' databases. These checkers are
 * written apart from the implementation and know nothing of its variants.
 */
export const outboxInvariants: readonly Invariant[] = [
  sqlInvariant({
    name: 'no-lost-events',
    title: 'No lost events',
    description:
      'Once things settle, every order the shop accepted has its stock reserved and its confirmation email sent, and every cancelled order has its stock released.',
    kind: 'liveness',
    sql: (s) => `
      SELECT o.id AS order_id, 'accepted, but no stock was ever reserved' AS problem
        FROM ${s.orders}.orders o
        WHERE NOT EXISTS (SELECT 1 FROM ${s.inventory}.reservations r WHERE r.order_id = o.id)
      UNION ALL
      SELECT o.id, 'accepted, but the customer got no confirmation email'
        FROM ${s.orders}.orders o
        WHERE NOT EXISTS (SELECT 1 FROM ${s.email}.delivered d WHERE d.order_id = o.id)
      UNION ALL
      SELECT o.id, 'cancelled, but its stock is still held'
        FROM ${s.orders}.orders o JOIN ${s.inventory}.reservations r ON r.order_id = o.id
        WHERE o.status = 'cancelled' AND r.status = 'held'
      ORDER BY 1, 2`,
    message: (row) => `order ${row.order_id}: ${row.problem}`,
    refs: orderRefs,
  }),
  sqlInvariant({
    name: 'no-phantom-events',
    title: 'No phantom events',
    description:
      'No service ever acts on an order that does not exist (yet, or at all): no reservation, email or applied event without its order.',
    kind: 'safety',
    sql: (s) => `
      SELECT a.order_id, 'inventory acted on ' || a.event_type || ' for an order that does not exist' AS problem, a.seq AS n
        FROM ${s.inventory}.applied a
        WHERE NOT EXISTS (SELECT 1 FROM ${s.orders}.orders o WHERE o.id = a.order_id)
      UNION ALL
      SELECT d.order_id, 'a confirmation email went out for an order that does not exist', d.seq
        FROM ${s.email}.delivered d
        WHERE NOT EXISTS (SELECT 1 FROM ${s.orders}.orders o WHERE o.id = d.order_id)
      ORDER BY 1, 2, 3`,
    message: (row) => `order ${row.order_id}: ${row.problem}`,
    refs: orderRefs,
  }),
  sqlInvariant({
    name: 'exactly-once-effect',
    title: 'Exactly-once effect',
    description: 'However often an event is delivered, each order reserves stock once and sends one confirmation email.',
    kind: 'safety',
    sql: (s) => `
      SELECT order_id, 'stock reserved ' || count(*) || ' times' AS problem
        FROM ${s.inventory}.reservations GROUP BY order_id HAVING count(*) > 1
      UNION ALL
      SELECT order_id, count(*) || ' confirmation emails sent'
        FROM ${s.email}.delivered GROUP BY order_id HAVING count(*) > 1
      ORDER BY 1, 2`,
    message: (row) => `order ${row.order_id}: ${row.problem}`,
    refs: orderRefs,
  }),
  sqlInvariant({
    name: 'outbox-drains',
    title: 'Outbox drains',
    description: 'Once things settle, no outbox row is left unpublished.',
    kind: 'liveness',
    sql: (s) => `
      SELECT aggregate_id AS order_id, id AS outbox_id, type, attempts
        FROM ${s.orders}.outbox WHERE published_vt IS NULL ORDER BY id`,
    message: (row) => `outbox row ${row.outbox_id} (${row.type} for order ${row.order_id}) was never published (${row.attempts} attempts)`,
    refs: orderRefs,
  }),
  sqlInvariant({
    name: 'per-order-ordering',
    title: 'Per-order ordering',
    description: "The inventory applies each order's events in the order they happened: never a cancellation before its placement.",
    kind: 'safety',
    sql: (s) => `
      SELECT later.order_id, earlier.event_type AS applied_first, later.event_type AS applied_after, later.seq
        FROM ${s.inventory}.applied earlier
        JOIN ${s.inventory}.applied later ON later.order_id = earlier.order_id AND later.seq > earlier.seq
        WHERE later.version < earlier.version
        ORDER BY later.order_id, later.seq, earlier.seq`,
    message: (row) => `order ${row.order_id}: ${row.applied_after} was applied after ${row.applied_first}`,
    refs: orderRefs,
  }),
];
