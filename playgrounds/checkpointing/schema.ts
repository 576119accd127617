/** The batch job's database: one schema, shared by the loader, the worker and the ledger. */
export const SCHEMAS = ['batch'] as const;

/** The one job this run models: tonight's invoice run. */
export const JOB_ID = 'invoice-run';

/** Number of customer accounts the source items belong to. */
export const ACCOUNTS = 8;

/**
 * `invoices` deliberately has no unique key on (job_id, source_id). With one, a naive variant's
 * second write of an item would fail or be silently skipped, and the exactly-once checker could
 * never see the duplicate. So every variant writes into the same unconstrained table and the SAME
 * SQL finds duplicates and gaps in all of them. The correct variant needs no constraint: it
 * commits a chunk's invoices together with the checkpoint that moves past them (one
 * transaction), guarded by its fencing epoch, so an item is either written and checkpointed or
 * neither. A production table would add the primary key as a second line of defence.
 *
 * `checkpoint_history` is appended in the same transaction as every checkpoint write, so the
 * monotonic-progress checker can see the whole sequence of positions, not just the last one.
 * `job_results` holds what the ledger (the accounting system) received: the job's final
 * per-account totals, at most once per job.
 */
export function checkpointingDdl(s: Readonly<Record<string, string>>): string {
  return `
CREATE TABLE ${s.batch}.src_items (
  id bigint PRIMARY KEY,
  account_id int NOT NULL,
  amount_cents bigint NOT NULL
);
CREATE TABLE ${s.batch}.invoices (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id text NOT NULL,
  source_id bigint NOT NULL,
  account_id int NOT NULL,
  total_cents bigint NOT NULL,
  written_vt bigint NOT NULL
);
CREATE INDEX invoices_by_source ON ${s.batch}.invoices (job_id, source_id);
CREATE TABLE ${s.batch}.job_checkpoints (
  job_id text NOT NULL,
  part int NOT NULL,
  epoch int NOT NULL,
  last_id bigint NOT NULL,
  items_done bigint NOT NULL,
  state jsonb NOT NULL,
  updated_vt bigint,
  PRIMARY KEY (job_id, part)
);
CREATE TABLE ${s.batch}.checkpoint_history (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id text NOT NULL,
  part int NOT NULL,
  epoch int NOT NULL,
  last_id bigint NOT NULL,
  written_vt bigint NOT NULL
);
CREATE TABLE ${s.batch}.job_results (
  job_id text PRIMARY KEY,
  totals jsonb NOT NULL,
  items_done bigint NOT NULL,
  posted_vt bigint NOT NULL,
  attempts int NOT NULL
);
`;
}
