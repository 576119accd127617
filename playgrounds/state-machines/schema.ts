import { allowedTransitions, flagsOf, orderMachine, statesOf, type OrderFlags } from './machine.ts';

/**
 * The databases, one schema per party: the shop's order service owns `shop`, the payment
 * provider (an outside company) owns `payments`, and the carrier owns `carrier`.
 */
export const SCHEMAS = ['shop', 'payments', 'carrier'] as const;

const FLAG_COLUMNS: ReadonlyArray<keyof OrderFlags> = ['paid', 'failed', 'cancelled', 'shipped', 'refunded'];

const quote = (text: string) => `'${text}'`;

/** The naive variant's column for each flag. */
const NAIVE_COLUMN: Readonly<Record<keyof OrderFlags, string>> = {
  paid: 'is_paid',
  failed: 'payment_failed',
  cancelled: 'is_cancelled',
  shipped: 'is_shipped',
  refunded: 'is_refunded',
};

/**
 * The shop's state vocabulary and transition table are generated from the machine, so the
 * database can only agree with it. `allowed_transitions` is what the compare-and-set joins
 * against; `state_flags` reads each state as the five flags a naive design would keep (the
 * legal cells of its flag grid).
 */
function machineTables(s: Readonly<Record<string, string>>): string {
  const states = statesOf(orderMachine);
  const edges = allowedTransitions(orderMachine)
    .map((t) => `(${quote(t.from)}, ${quote(t.event)}, ${quote(t.to)})`)
    .join(',\n  ');
  const cells = states
    .map((state) => {
      const flags = flagsOf(orderMachine, state);
      return `(${quote(state)}, ${FLAG_COLUMNS.map((flag) => String(flags[flag])).join(', ')})`;
    })
    .join(',\n  ');
  return `
CREATE TYPE ${s.shop}.order_state AS ENUM (${states.map(quote).join(', ')});
CREATE TABLE ${s.shop}.allowed_transitions (
  from_state ${s.shop}.order_state NOT NULL,
  event text NOT NULL,
  to_state ${s.shop}.order_state NOT NULL,
  PRIMARY KEY (from_state, event)
);
INSERT INTO ${s.shop}.allowed_transitions (from_state, event, to_state) VALUES
  ${edges};
CREATE TABLE ${s.shop}.state_flags (
  state ${s.shop}.order_state PRIMARY KEY,
  ${FLAG_COLUMNS.map((flag) => `${flag} boolean NOT NULL`).join(', ')}
);
INSERT INTO ${s.shop}.state_flags (state, ${FLAG_COLUMNS.join(', ')}) VALUES
  ${cells};`;
}

/**
 * One `orders` table serves every variant, so the same checkers read them all. The machine
 * variants keep `state` and `version` and leave the flag columns NULL; the naive variant sets
 * the flags, each from its own handler, and writes its status string into `state`. The view
 * `order_flags` reads every order as flags: the naive ones as they are, the others through
 * `state_flags`.
 *
 * `order_transitions` is the history of the machine variants: one row per state change,
 * numbered by the version it produced. Its (order_id, event_id) key is what makes a redelivered
 * webhook a no-op. `rejected_transitions` records every event the machine refused,
 * by the state it arrived in. `commands` is the outbox of side effects, written in the same
 * transaction as the state change that asks for them.
 */
export function stateMachinesDdl(s: Readonly<Record<string, string>>): string {
  return `${machineTables(s)}
CREATE TABLE ${s.shop}.orders (
  id bigint PRIMARY KEY,
  amount_cents bigint NOT NULL,
  card text NOT NULL,
  state ${s.shop}.order_state NOT NULL,
  version int NOT NULL DEFAULT 0,
  state_entered_vt bigint NOT NULL,
  deadline_vt bigint,
  is_paid boolean,
  payment_failed boolean,
  is_cancelled boolean,
  is_shipped boolean,
  is_refunded boolean
);
CREATE INDEX orders_by_deadline ON ${s.shop}.orders (deadline_vt, id) WHERE deadline_vt IS NOT NULL;
CREATE TABLE ${s.shop}.order_transitions (
  order_id bigint NOT NULL,
  seq int NOT NULL,
  from_state ${s.shop}.order_state NOT NULL,
  to_state ${s.shop}.order_state NOT NULL,
  event text NOT NULL,
  event_id text NOT NULL,
  vt bigint NOT NULL,
  PRIMARY KEY (order_id, seq),
  UNIQUE (order_id, event_id)
);
CREATE TABLE ${s.shop}.rejected_transitions (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id bigint NOT NULL,
  state ${s.shop}.order_state NOT NULL,
  event text NOT NULL,
  event_id text NOT NULL,
  reason text NOT NULL CHECK (reason IN ('not allowed', 'stale')),
  vt bigint NOT NULL,
  UNIQUE (order_id, event_id)
);
CREATE TABLE ${s.shop}.commands (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id bigint NOT NULL,
  kind text NOT NULL CHECK (kind IN ('charge', 'refund', 'ship')),
  issued_in ${s.shop}.order_state NOT NULL,
  created_vt bigint NOT NULL,
  done_vt bigint,
  attempts int NOT NULL DEFAULT 0
);
CREATE INDEX commands_pending ON ${s.shop}.commands (id) WHERE done_vt IS NULL;
CREATE VIEW ${s.shop}.order_flags AS
  SELECT o.id, o.state,
         ${FLAG_COLUMNS.map((flag) => `coalesce(o.${NAIVE_COLUMN[flag]}, f.${flag}) AS ${flag}`).join(',\n         ')}
    FROM ${s.shop}.orders o JOIN ${s.shop}.state_flags f ON f.state = o.state;

CREATE TABLE ${s.payments}.charges (
  key text PRIMARY KEY,
  order_id bigint NOT NULL UNIQUE,
  amount_cents bigint NOT NULL,
  card text NOT NULL,
  requested_vt bigint NOT NULL,
  attempts int NOT NULL DEFAULT 1,
  outcome text NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
  settle_vt bigint NOT NULL,
  webhook_acked_vt bigint
);
CREATE TABLE ${s.payments}.refunds (
  key text PRIMARY KEY,
  order_id bigint NOT NULL UNIQUE,
  amount_cents bigint NOT NULL,
  refunded_vt bigint NOT NULL,
  attempts int NOT NULL DEFAULT 1
);

CREATE TABLE ${s.carrier}.shipments (
  key text PRIMARY KEY,
  order_id bigint NOT NULL UNIQUE,
  shipped_vt bigint NOT NULL,
  attempts int NOT NULL DEFAULT 1
);
`;
}
