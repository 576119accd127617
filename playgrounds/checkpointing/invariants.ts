import { sqlInvariant, type Invariant } from '../kernel/invariants.ts';

const itemRefs = (row: Record<string, string | number | boolean | null>) =>
  row.source_id === null ? [] : [`item:${String(row.source_id)}`];

/**
 * What the invoice run promises, checked in SQL over its database. These checkers are written
 * apart from the implementation and know nothing of its variants or its checkpoint format.
 */
export const checkpointingInvariants: readonly Invariant[] = [
  sqlInvariant({
    name: 'exactly-once-output',
    title: 'Exactly-once output',
    description: 'However often the job crashes and restarts, no source item is ever billed twice.',
    kind: 'safety',
    sql: (s) => `
      SELECT source_id, count(*) AS copies
        FROM ${s.batch}.invoices GROUP BY job_id, source_id HAVING count(*) > 1
        ORDER BY source_id`,
    message: (row) => `item ${row.source_id} was billed ${row.copies} times`,
    refs: itemRefs,
  }),
  sqlInvariant({
    name: 'no-gaps',
    title: 'No gaps',
    description: 'Once the job has finished, every source item has its invoice.',
    kind: 'liveness',
    sql: (s) => `
      SELECT i.id AS source_id
        FROM ${s.batch}.src_items i
        WHERE NOT EXISTS (SELECT 1 FROM ${s.batch}.invoices v WHERE v.source_id = i.id)
        ORDER BY i.id`,
    message: (row) => `item ${row.source_id} was never billed`,
    refs: itemRefs,
  }),
  sqlInvariant({
    name: 'correct-totals',
    title: 'Correct totals',
    description: 'Once the job has finished, the per-account totals it posted equal a fresh sum over the source items.',
    kind: 'liveness',
    sql: (s) => `
      WITH fresh AS (
        SELECT account_id, sum(amount_cents)::bigint AS expected FROM ${s.batch}.src_items GROUP BY account_id
      ), posted AS (
        SELECT t.key::int AS account_id, t.value::bigint AS posted
          FROM ${s.batch}.job_results r, jsonb_each_text(r.totals) t
      )
      SELECT coalesce(f.account_id, p.account_id) AS account_id, f.expected, p.posted,
             EXISTS (SELECT 1 FROM ${s.batch}.job_results) AS job_finished, NULL::bigint AS source_id
        FROM fresh f FULL JOIN posted p ON p.account_id = f.account_id
        WHERE p.posted IS DISTINCT FROM f.expected
        ORDER BY 1`,
    message: (row) =>
      row.job_finished
        ? `account ${row.account_id}: posted ${row.posted ?? 'nothing'}, but its items sum to ${row.expected ?? 0} cents`
        : `account ${row.account_id}: the job never posted its totals`,
    refs: (row) => [`account:${String(row.account_id)}`],
  }),
  sqlInvariant({
    name: 'monotonic-progress',
    title: 'Monotonic progress',
    description: "The job's checkpoint never moves backwards: each position written is past the one before.",
    kind: 'safety',
    sql: (s) => `
      SELECT seq, last_id AS source_id, previous
        FROM (SELECT seq, last_id, lag(last_id) OVER (PARTITION BY job_id, part ORDER BY seq) AS previous
                FROM ${s.batch}.checkpoint_history) h
        WHERE last_id <= previous
        ORDER BY seq`,
    message: (row) =>
      row.source_id === row.previous
        ? `checkpoint #${row.seq} wrote item ${row.source_id} again instead of moving past it`
        : `checkpoint #${row.seq} moved back to item ${row.source_id} from item ${row.previous}`,
    refs: itemRefs,
  }),
  sqlInvariant({
    name: 'no-zombie-writes',
    title: 'Zombie writes rejected',
    description: 'Once a worker has taken over the job with a newer epoch, no write from an older epoch ever lands.',
    kind: 'safety',
    sql: (s) => `
      SELECT seq, epoch, newest, last_id AS source_id
        FROM (SELECT seq, epoch, last_id, max(epoch) OVER (PARTITION BY job_id, part ORDER BY seq) AS newest
                FROM ${s.batch}.checkpoint_history) h
        WHERE epoch < newest
        ORDER BY seq`,
    message: (row) =>
      `checkpoint #${row.seq} (item ${row.source_id}) was written by epoch ${row.epoch} after epoch ${row.newest} took over`,
    refs: itemRefs,
  }),
  sqlInvariant({
    name: 'checkpoint-matches-output',
    title: 'Checkpoint matches output',
    description:
      'Once the job has finished, the number of items its checkpoint says are done equals the invoices written up to its position.',
    kind: 'liveness',
    sql: (s) => `
      SELECT c.part, c.last_id AS source_id, c.items_done,
             (SELECT count(*) FROM ${s.batch}.invoices v WHERE v.job_id = c.job_id AND v.source_id <= c.last_id) AS invoiced
        FROM ${s.batch}.job_checkpoints c
        WHERE c.items_done <> (SELECT count(*) FROM ${s.batch}.invoices v WHERE v.job_id = c.job_id AND v.source_id <= c.last_id)
        ORDER BY c.job_id, c.part`,
    message: (row) =>
      `the checkpoint at item ${row.source_id} counts ${row.items_done} items done, but ${row.invoiced} invoices were written up to it`,
    refs: itemRefs,
  }),
];
