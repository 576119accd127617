/**
 * The outbox pattern's databases, one schema per service: the order service owns `orders`
 * (orders and their outbox), the inventory service owns `inventory` (its inbox, reservations
 * and stock), and the email provider, an outside company, owns `email`.
 */
export const SCHEMAS = ['orders', 'inventory', 'email'] as const;

/** Orders above this total are refused by the database (a CHECK constraint), as a bank would. */
export const ORDER_LIMIT_CENTS = 50_000;

export const SKUS = ['lamp', 'desk', 'chair', 'shelf'] as const;

export function outboxDdl(s: Readonly<Record<string, string>>): string {
  return `
CREATE TABLE ${s.orders}.orders (
  id bigint PRIMARY KEY,
  customer_id int NOT NULL,
  sku text NOT NULL,
  qty int NOT NULL CHECK (qty > 0),
  total_cents bigint NOT NULL CHECK (total_cents BETWEEN 1 AND ${ORDER_LIMIT_CENTS}),
  status text NOT NULL DEFAULT 'placed' CHECK (status IN ('placed', 'cancelled')),
  created_vt bigint NOT NULL
);
-- The columns Debezium's outbox event router expects, plus what a polling relay needs.
CREATE TABLE ${s.orders}.outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL,
  created_vt bigint NOT NULL,
  published_vt bigint,
  claimed_by text,
  lease_until bigint,
  attempts int NOT NULL DEFAULT 0
);
CREATE INDEX outbox_unpublished ON ${s.orders}.outbox (id) WHERE published_vt IS NULL;
CREATE INDEX outbox_by_aggregate ON ${s.orders}.outbox (aggregate_id, id) WHERE published_vt IS NULL;

CREATE TABLE ${s.inventory}.inbox (
  consumer text NOT NULL,
  message_id text NOT NULL,
  received_vt bigint NOT NULL,
  PRIMARY KEY (consumer, message_id)
);
-- No unique key on order_id on purpose: the invariant checker, not a constraint, must be what
-- catches a double reservation, so the naive consumer can be seen doing it.
CREATE TABLE ${s.inventory}.reservations (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id bigint NOT NULL,
  message_id text NOT NULL,
  sku text NOT NULL,
  qty int NOT NULL,
  status text NOT NULL CHECK (status IN ('held', 'released')),
  reserved_vt bigint NOT NULL,
  released_vt bigint
);
CREATE TABLE ${s.inventory}.stock (sku text PRIMARY KEY, held int NOT NULL DEFAULT 0);
INSERT INTO ${s.inventory}.stock (sku) VALUES ${SKUS.map((sku) => `('${sku}')`).join(', ')};
-- Every event the consumer acted on, in the order it acted: the ordering check reads this.
CREATE TABLE ${s.inventory}.applied (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id bigint NOT NULL,
  message_id text NOT NULL,
  event_type text NOT NULL,
  version int NOT NULL,
  applied_vt bigint NOT NULL
);

CREATE TABLE ${s.email}.idempotency_keys (key text PRIMARY KEY, first_vt bigint NOT NULL, attempts int NOT NULL);
CREATE TABLE ${s.email}.delivered (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id bigint NOT NULL,
  idempotency_key text,
  delivered_vt bigint NOT NULL
);
`;
}
