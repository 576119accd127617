import type { Queryable } from '../db/types.ts';
import { Timeout, type ProcessContext } from '../kernel/process.ts';
import { JOB_ID } from './schema.ts';

/**
 * How the worker remembers its progress:
 * - `correct`: each chunk's invoices, its position and its running totals commit in ONE
 *   transaction, guarded by the fencing epoch the worker took when it started.
 * - `no-checkpoint`: no memory at all; a restart begins again at item 1 and re-bills everything.
 * - `separate-checkpoint`: invoices commit, then the checkpoint commits in a later transaction.
 *   A crash in between re-bills the chunk after the restart.
 * - `checkpoint-before-output`: the checkpoint moves first, the invoices follow in a later
 *   transaction. A crash in between skips the chunk: its items are never billed.
 * - `position-only`: invoices and position commit together, but the running totals stay in
 *   memory; after a restart the totals start again from zero.
 * - `no-fencing`: like `correct`, with a standby that takes over a stalled job, but the chunk
 *   commit does not check the epoch: a frozen worker that wakes up writes its chunk anyway.
 */
export type Strategy = 'correct' | 'no-fencing' | 'no-checkpoint' | 'separate-checkpoint' | 'checkpoint-before-output' | 'position-only';

export interface BatchSettings {
  chunkSize: number;
  /** Virtual milliseconds of work per item. */
  itemMs: number;
  /** A standby takes the job over when the checkpoint has not moved for this long. */
  leaseMs: number;
  /** How often a standby looks at the checkpoint. */
  watchMs: number;
  /** Virtual milliseconds it takes to write one checkpoint (flushing state somewhere durable). */
  checkpointMs: number;
}

/** Running per-account totals in cents, keyed by account id. */
export type Totals = Record<string, number>;

interface Item {
  id: number;
  account_id: number;
  amount_cents: number;
}

interface Position {
  lastId: number;
  itemsDone: number;
  totals: Totals;
}

/** The single partition this job runs as. */
const PART = 0;

/** Thrown inside the chunk transaction when the checkpoint guard finds a newer epoch. */
class Fenced extends Error {
  constructor(readonly epoch: number) {
    super(`fenced: epoch ${epoch} is no longer current`);
    this.name = 'Fenced';
  }
}

const itemRefs = (items: readonly Item[]) => items.map((item) => `item:${item.id}`);
const chunkLabel = (items: readonly Item[]) => `items ${items[0]!.id}..${items[items.length - 1]!.id}`;

function addToTotals(totals: Totals, items: readonly Item[]): Totals {
  const next = { ...totals };
  for (const item of items) next[String(item.account_id)] = (next[String(item.account_id)] ?? 0) + item.amount_cents;
  return next;
}

async function writeInvoices(q: Queryable, items: readonly Item[], nowMs: number): Promise<void> {
  const values = items.map((item) => `('${JOB_ID}', ${item.id}, ${item.account_id}, ${item.amount_cents}, ${nowMs})`).join(', ');
  await q.query(`INSERT INTO invoices (job_id, source_id, account_id, total_cents, written_vt) VALUES ${values}`);
}

/** The naive checkpoint write: no epoch, no guard, last writer wins. */
async function upsertCheckpoint(q: Queryable, position: Position, storeTotals: boolean, nowMs: number): Promise<void> {
  await q.query(
    `INSERT INTO job_checkpoints (job_id, part, epoch, last_id, items_done, state, updated_vt) VALUES ($1, $2, 1, $3, $4, $5::jsonb, $6)
     ON CONFLICT (job_id, part) DO UPDATE
       SET last_id = EXCLUDED.last_id, items_done = EXCLUDED.items_done, state = EXCLUDED.state, updated_vt = EXCLUDED.updated_vt`,
    [JOB_ID, PART, position.lastId, position.itemsDone, JSON.stringify(storeTotals ? position.totals : {}), nowMs],
  );
  await recordHistory(q, 1, position.lastId, nowMs);
}

async function recordHistory(q: Queryable, epoch: number, lastId: number, nowMs: number): Promise<void> {
  await q.query(`INSERT INTO checkpoint_history (job_id, part, epoch, last_id, written_vt) VALUES ($1, $2, $3, $4, $5)`, [
    JOB_ID,
    PART,
    epoch,
    lastId,
    nowMs,
  ]);
}

/** Reads where a naive worker left off (nothing stored means the start). */
async function readCheckpoint(ctx: ProcessContext): Promise<Position> {
  return ctx.tx('read checkpoint', { schema: 'batch', refs: [`job:${JOB_ID}`] }, async (q) => {
    const { rows } = await q.query<{ last_id: number; items_done: number; state: Totals }>(
      `SELECT last_id::int AS last_id, items_done::int AS items_done, state FROM job_checkpoints WHERE job_id = $1 AND part = $2`,
      [JOB_ID, PART],
    );
    const row = rows[0];
    return row ? { lastId: row.last_id, itemsDone: row.items_done, totals: row.state } : { lastId: 0, itemsDone: 0, totals: {} };
  });
}

/** On (re)start, the correct worker takes a new fencing epoch and the position that goes with it. */
async function takeEpoch(ctx: ProcessContext): Promise<Position & { epoch: number }> {
  return ctx.tx(
    'take fencing epoch',
    { schema: 'batch', refs: [`job:${JOB_ID}`], describe: (r) => `take fencing epoch ${(r as { epoch: number }).epoch}` },
    async (q) => {
      const { rows } = await q.query<{ epoch: number; last_id: number; items_done: number; state: Totals }>(
        `INSERT INTO job_checkpoints (job_id, part, epoch, last_id, items_done, state, updated_vt) VALUES ($1, $2, 1, 0, 0, '{}'::jsonb, $3)
         ON CONFLICT (job_id, part) DO UPDATE SET epoch = job_checkpoints.epoch + 1, updated_vt = EXCLUDED.updated_vt
         RETURNING epoch, last_id::int AS last_id, items_done::int AS items_done, state`,
        [JOB_ID, PART, ctx.now()],
      );
      const row = rows[0]!;
      return { epoch: row.epoch, lastId: row.last_id, itemsDone: row.items_done, totals: row.state };
    },
  );
}

async function readChunk(ctx: ProcessContext, lastId: number, chunkSize: number): Promise<Item[]> {
  return ctx.tx(`read items after ${lastId}`, { schema: 'batch' }, async (q) => {
    const { rows } = await q.query<Item>(
      `SELECT id::int AS id, account_id, amount_cents::int AS amount_cents FROM src_items WHERE id > $1 ORDER BY id LIMIT $2`,
      [lastId, chunkSize],
    );
    return rows;
  });
}

/** The correct chunk commit: invoices + position + totals, all or nothing, only for the current epoch. */
async function commitChunk(ctx: ProcessContext, epoch: number, items: readonly Item[], next: Position, fenced: boolean): Promise<void> {
  await ctx.tx(`bill ${chunkLabel(items)} + checkpoint`, { schema: 'batch', refs: itemRefs(items) }, async (q) => {
    await writeInvoices(q, items, ctx.now());
    ctx.crashPoint('mid_chunk');
    // The guard is the whole point: only the current epoch may move the checkpoint, and only forward.
    const guard = fenced ? 'AND epoch = $7 AND last_id < $1' : '';
    const { rows } = await q.query(
      `UPDATE job_checkpoints SET last_id = $1, items_done = $2, state = $3::jsonb, updated_vt = $4
        WHERE job_id = $5 AND part = $6 ${guard}
        RETURNING 1`,
      [next.lastId, next.itemsDone, JSON.stringify(next.totals), ctx.now(), JOB_ID, PART, ...(fenced ? [epoch] : [])],
    );
    // No row: a newer incarnation owns the job (or already moved past this chunk). Roll back.
    if (rows.length === 0) throw new Fenced(epoch);
    await recordHistory(q, epoch, next.lastId, ctx.now());
  });
}

/** Hands the final totals to the ledger, retrying until it answers (the ledger dedupes by job). */
async function postTotals(ctx: ProcessContext, position: Position): Promise<void> {
  for (;;) {
    try {
      await ctx.call('ledger', { op: 'post totals', payload: { jobId: JOB_ID, ...position }, refs: [`job:${JOB_ID}`] });
      return;
    } catch (error) {
      if (!(error instanceof Timeout)) throw error;
    }
  }
}

/**
 * A standby's watch: it looks at the checkpoint every `watchMs` and returns `take-over` once the
 * checkpoint has not moved for `leaseMs` (the worker looks dead or frozen), or `done` once the
 * job's totals are posted.
 */
async function watch(ctx: ProcessContext, settings: BatchSettings): Promise<'take-over' | 'done'> {
  for (;;) {
    await ctx.sleep(settings.watchMs);
    const { updatedVt, done } = await ctx.tx('watch checkpoint', { schema: 'batch', refs: [`job:${JOB_ID}`] }, async (q) => {
      const { rows } = await q.query<{ updated_vt: number | null; done: boolean }>(
        `SELECT (SELECT updated_vt::int FROM job_checkpoints WHERE job_id = $1 AND part = $2) AS updated_vt,
                EXISTS (SELECT 1 FROM job_results WHERE job_id = $1) AS done`,
        [JOB_ID, PART],
      );
      return { updatedVt: rows[0]!.updated_vt ?? 0, done: rows[0]!.done };
    });
    if (done) return 'done';
    if (ctx.now() - updatedVt > settings.leaseMs) return 'take-over';
  }
}

/** One stint of the job: to the end (`finished`), or until a newer epoch fences it off (`fenced`). */
async function runJob(ctx: ProcessContext, strategy: Strategy, settings: BatchSettings): Promise<'finished' | 'fenced'> {
  let epoch = 0;
  let position: Position;
  if (strategy === 'correct' || strategy === 'no-fencing') ({ epoch, ...position } = await takeEpoch(ctx));
  else if (strategy === 'no-checkpoint') position = { lastId: 0, itemsDone: 0, totals: {} };
  else position = await readCheckpoint(ctx);
  // The position-only checkpoint has no totals: memory starts from zero.
  if (strategy === 'position-only') position = { ...position, totals: {} };
  ctx.progress('worked', position.lastId, position.lastId === 0 ? 'starts at item 1' : `resumes after item ${position.lastId}`);
  const saved = (lastId: number) => ctx.progress('saved', lastId, `checkpoint saved at item ${lastId}`);
  // Free checkpoints take no step at all, so runs without a cost schedule exactly as before.
  const payForCheckpoint = async () => {
    if (settings.checkpointMs > 0) await ctx.sleep(settings.checkpointMs);
  };

  for (;;) {
    const items = await readChunk(ctx, position.lastId, settings.chunkSize);
    if (items.length === 0) break;
    // The work itself: rendering and pricing each invoice takes time, and a crash loses it.
    await ctx.sleep(items.length * settings.itemMs);
    ctx.count('items processed', items.length);
    ctx.progress('worked', items[items.length - 1]!.id, `worked through ${chunkLabel(items)} (in memory)`);
    const next: Position = {
      lastId: items[items.length - 1]!.id,
      itemsDone: position.itemsDone + items.length,
      totals: addToTotals(position.totals, items),
    };
    const output = (label: string) =>
      ctx.tx(label, { schema: 'batch', refs: itemRefs(items) }, async (q) => {
        await writeInvoices(q, items, ctx.now());
        ctx.crashPoint('mid_chunk');
        if (strategy === 'position-only') await upsertCheckpoint(q, next, false, ctx.now());
      });
    const checkpoint = () =>
      ctx.tx(`checkpoint at item ${next.lastId}`, { schema: 'batch', refs: [`job:${JOB_ID}`] }, (q) =>
        upsertCheckpoint(q, next, true, ctx.now()),
      );
    switch (strategy) {
      case 'correct':
      case 'no-fencing':
        await payForCheckpoint();
        try {
          await commitChunk(ctx, epoch, items, next, strategy === 'correct');
        } catch (error) {
          if (!(error instanceof Fenced)) throw error;
          ctx.count('zombie writes rejected');
          return 'fenced';
        }
        saved(next.lastId);
        break;
      case 'no-checkpoint':
        await output(`bill ${chunkLabel(items)}`);
        break;
      case 'position-only':
        await payForCheckpoint();
        await output(`bill ${chunkLabel(items)} + position`);
        saved(next.lastId);
        break;
      case 'separate-checkpoint':
        await output(`bill ${chunkLabel(items)}`);
        ctx.crashPoint('after_output_before_checkpoint');
        await payForCheckpoint();
        await checkpoint();
        saved(next.lastId);
        break;
      case 'checkpoint-before-output':
        await payForCheckpoint();
        await checkpoint();
        saved(next.lastId);
        ctx.crashPoint('after_checkpoint_before_output');
        await output(`bill ${chunkLabel(items)}`);
        break;
    }
    ctx.count('chunks committed');
    position = next;
    ctx.crashPoint('after_chunk');
  }
  await postTotals(ctx, position);
  return 'finished';
}

/**
 * The batch job: bills every source item once, in chunks, and posts the per-account totals.
 * The `primary` starts working at once (and again after every restart); a `standby` watches the
 * checkpoint and takes over when it stalls. A worker fenced off by a newer epoch becomes a
 * standby itself.
 */
export function batchWorker(strategy: Strategy, settings: BatchSettings, role: 'primary' | 'standby' = 'primary') {
  return async (ctx: ProcessContext): Promise<void> => {
    let active = role === 'primary';
    for (;;) {
      if (!active && (await watch(ctx, settings)) === 'done') return;
      if ((await runJob(ctx, strategy, settings)) === 'finished') return;
      active = false;
    }
  };
}
