import { Timeout, type ProcessContext } from '../kernel/process.ts';
import { ORDERS_TOPIC, orderRef, type OrderEvent } from './events.ts';

export interface RelaySettings {
  pollIntervalMs: number;
  leaseMs: number;
  batchSize: number;
}

interface OutboxRow {
  id: number;
  aggregate_id: string;
  type: string;
  payload: OrderEvent;
}

/**
 * Claims a batch with a lease, in one transaction. Only the oldest unpublished event of each
 * order is claimable, so an order's events reach the broker in the order they were written
 * even with several relays. FOR UPDATE SKIP LOCKED is what lets real relays share the table
 * without waiting on each other; in this single-connection database it never skips, and the
 * lease alone keeps two relays off the same row.
 */
const CLAIM = `
UPDATE outbox SET claimed_by = $1, lease_until = $2::bigint + $3::bigint, attempts = attempts + 1
WHERE id IN (
  SELECT o.id FROM outbox o
  WHERE o.published_vt IS NULL
    AND (o.lease_until IS NULL OR o.lease_until < $2::bigint)
    AND NOT EXISTS (SELECT 1 FROM outbox earlier
                    WHERE earlier.aggregate_id = o.aggregate_id AND earlier.id < o.id AND earlier.published_vt IS NULL)
  ORDER BY o.id
  LIMIT $4
  FOR UPDATE SKIP LOCKED)
RETURNING id::int AS id, aggregate_id, type, payload`;

/** Marks rows published, but only if this relay still holds their lease. */
const MARK = `
UPDATE outbox SET published_vt = $2::bigint
WHERE id = ANY($3::bigint[]) AND claimed_by = $1 AND lease_until = $4::bigint
RETURNING id`;

async function publishRow(ctx: ProcessContext, row: OutboxRow): Promise<boolean> {
  try {
    await ctx.publish(ORDERS_TOPIC, {
      key: row.aggregate_id,
      id: `outbox:${row.id}`,
      type: row.type,
      payload: row.payload,
      refs: [orderRef(row.aggregate_id)],
    });
    return true;
  } catch (error) {
    if (error instanceof Timeout) return false;
    throw error;
  }
}

/**
 * The outbox relay: claim with a lease, publish in order, mark. A crash anywhere only delays
 * events: unmarked rows are claimed again when the lease runs out, and published again (which
 * is why consumers must deduplicate).
 */
export function outboxRelay(settings: RelaySettings) {
  return async (ctx: ProcessContext): Promise<void> => {
    for (;;) {
      const leaseUntil = ctx.now() + settings.leaseMs;
      const claimed = await ctx.tx(
        'claim outbox rows',
        {
          schema: 'orders',
          refs: (rows) => (rows as OutboxRow[]).map((r) => orderRef(r.aggregate_id)),
          describe: (rows) => `claimed ${(rows as OutboxRow[]).length} rows`,
        },
        async (q) => (await q.query<OutboxRow>(CLAIM, [ctx.name, ctx.now(), settings.leaseMs, settings.batchSize])).rows,
      );
      if (claimed.length === 0) {
        await ctx.sleep(settings.pollIntervalMs);
        continue;
      }
      ctx.crashPoint('after_claim');
      // RETURNING gives no order guarantee: sort, so each order's events go out oldest first.
      claimed.sort((a, b) => a.id - b.id);
      const published: number[] = [];
      for (const row of claimed) {
        // Stop at the first failure: the rest keep their lease and go out after it, in order.
        if (!(await publishRow(ctx, row))) break;
        published.push(row.id);
      }
      ctx.crashPoint('after_publish_before_mark');
      if (published.length > 0) {
        await ctx.tx(
          'mark published',
          { schema: 'orders', refs: claimed.filter((r) => published.includes(r.id)).map((r) => orderRef(r.aggregate_id)) },
          (q) => q.query(MARK, [ctx.name, ctx.now(), published, leaseUntil]),
        );
      }
    }
  };
}

/**
 * The naive relay: read unpublished rows, publish, then mark them in a second transaction.
 * Two relays (or one retrying after a lost ack) publish the same rows twice.
 */
export function naiveRelay(settings: RelaySettings) {
  return async (ctx: ProcessContext): Promise<void> => {
    for (;;) {
      const rows = await ctx.tx(
        'read unpublished rows',
        {
          schema: 'orders',
          refs: (rows) => (rows as OutboxRow[]).map((r) => orderRef(r.aggregate_id)),
          describe: (rows) => `read ${(rows as OutboxRow[]).length} rows`,
        },
        async (q) =>
          (
            await q.query<OutboxRow>(
              `SELECT id::int AS id, aggregate_id, type, payload FROM outbox WHERE published_vt IS NULL ORDER BY id LIMIT $1`,
              [settings.batchSize],
            )
          ).rows,
      );
      if (rows.length === 0) {
        await ctx.sleep(settings.pollIntervalMs);
        continue;
      }
      const published: number[] = [];
      for (const row of rows) {
        if (!(await publishRow(ctx, row))) break;
        published.push(row.id);
      }
      ctx.crashPoint('after_publish_before_mark');
      if (published.length > 0) {
        await ctx.tx(
          'mark published',
          { schema: 'orders', refs: rows.filter((r) => published.includes(r.id)).map((r) => orderRef(r.aggregate_id)) },
          (q) => q.query(`UPDATE outbox SET published_vt = $1::bigint WHERE id = ANY($2::bigint[])`, [ctx.now(), published]),
        );
      }
    }
  };
}
