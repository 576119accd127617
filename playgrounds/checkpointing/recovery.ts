import { JOB_ID } from './schema.ts';

/** What a restarted machine finds of tonight's invoice run in its (durable) database. */
export interface StoredJob {
  sourceItems: number;
  /** The committed checkpoint, or null when the job never started. */
  checkpoint: { lastId: number; epoch: number; itemsDone: number } | null;
  invoices: number;
  /** Invoices beyond the first for the same item. */
  duplicates: number;
  /** Items at or before the checkpoint with no invoice. */
  gaps: number;
  /** Items past the checkpoint that have an invoice: output the checkpoint does not cover. */
  pastCheckpoint: number;
  /** Accounts whose running total in the checkpoint differs from a fresh sum up to it. */
  totalsOff: number;
  finished: boolean;
}

/**
 * One read-only statement over the job's tables (unqualified: run it with the run's schema on
 * the search path, as the SQL inspector does). It re-derives everything from the rows, knowing
 * nothing of how the worker wrote them, so it is as good a witness after a real crash as the
 * invariants are after a simulated one.
 */
export const STORED_JOB_SQL = `
WITH checkpoint AS (
  SELECT last_id, epoch, items_done, state FROM job_checkpoints WHERE job_id = '${JOB_ID}' ORDER BY part LIMIT 1
), position AS (
  SELECT coalesce((SELECT last_id FROM checkpoint), 0) AS last_id
), copies AS (
  SELECT source_id, count(*) AS n FROM invoices WHERE job_id = '${JOB_ID}' GROUP BY source_id
), fresh AS (
  SELECT account_id::text AS account, sum(amount_cents) AS cents
    FROM src_items WHERE id <= (SELECT last_id FROM position) GROUP BY account_id
), carried AS (
  SELECT key AS account, value::bigint AS cents FROM checkpoint, jsonb_each_text(checkpoint.state)
)
SELECT
  (SELECT count(*) FROM src_items)::int AS source_items,
  (SELECT last_id FROM checkpoint)::int AS last_id,
  (SELECT epoch FROM checkpoint) AS epoch,
  (SELECT items_done FROM checkpoint)::int AS items_done,
  (SELECT coalesce(sum(n), 0) FROM copies)::int AS invoices,
  (SELECT coalesce(sum(n - 1), 0) FROM copies)::int AS duplicates,
  (SELECT count(*) FROM src_items i
     WHERE i.id <= (SELECT last_id FROM position) AND NOT EXISTS (SELECT 1 FROM copies c WHERE c.source_id = i.id))::int AS gaps,
  (SELECT count(*) FROM copies WHERE source_id > (SELECT last_id FROM position))::int AS past_checkpoint,
  (SELECT count(*) FROM fresh f FULL JOIN carried c ON c.account = f.account WHERE c.cents IS DISTINCT FROM f.cents)::int AS totals_off,
  EXISTS (SELECT 1 FROM job_results WHERE job_id = '${JOB_ID}') AS finished`;

/** Reads the one row `STORED_JOB_SQL` returns. */
export function storedJobFromRow(row: Readonly<Record<string, unknown>>): StoredJob {
  const int = (name: string) => Number(row[name] ?? 0);
  return {
    sourceItems: int('source_items'),
    checkpoint:
      row.last_id === null || row.last_id === undefined
        ? null
        : { lastId: int('last_id'), epoch: int('epoch'), itemsDone: int('items_done') },
    invoices: int('invoices'),
    duplicates: int('duplicates'),
    gaps: int('gaps'),
    pastCheckpoint: int('past_checkpoint'),
    totalsOff: int('totals_off'),
    finished: row.finished === true,
  };
}
