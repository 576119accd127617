import type { ServiceHandler } from '../kernel/simulation.ts';
import type { Totals } from './batch-worker.ts';

export interface PostTotals {
  jobId: string;
  itemsDone: number;
  totals: Totals;
}

/**
 * The accounting ledger that receives the job's final per-account totals. It keeps the first
 * posting per job and counts repeats, so a retried or duplicated call changes nothing.
 */
export const ledger: ServiceHandler = async (ctx, request) => {
  const { jobId, itemsDone, totals } = request.payload as PostTotals;
  return ctx.tx(
    `post totals of ${jobId}`,
    async (q) => {
      await q.query(
        `INSERT INTO job_results (job_id, totals, items_done, posted_vt, attempts) VALUES ($1, $2::jsonb, $3, $4, 1)
         ON CONFLICT (job_id) DO UPDATE SET attempts = job_results.attempts + 1`,
        [jobId, JSON.stringify(totals), itemsDone, ctx.now()],
      );
      return { posted: true };
    },
    [`job:${jobId}`],
  );
};
