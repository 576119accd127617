import type { Params, SweepSpec } from '../kernel/pattern.ts';
import type { PatternRun } from '../kernel/run.ts';
import { JOB_ID } from './schema.ts';

/** The sweep's job: 1,080 items of ten seconds each, three hours of work without crashes. */
const ITEMS = 1_080;
const ITEM_MS = 10_000;
const MINUTE = 60_000;

/**
 * Young's first-order optimum: checkpoint every √(2·C·MTBF). Checkpointing more often pays C
 * too many times; less often, each crash throws away half an interval on average.
 */
export function youngOptimumMs(checkpointMs: number, mtbfMs: number): number {
  return Math.sqrt(2 * checkpointMs * mtbfMs);
}

/**
 * Total completion time against the checkpoint interval, measured: every point is real runs of
 * the correct job on Postgres, crashing at random with the chosen mean time between failures.
 */
export const intervalSweep: SweepSpec = {
  id: 'checkpointing-interval',
  title: 'How often to checkpoint',
  prompt:
    'Each dot is one real run of the three-hour job, crashing at random; the line joins their means. Checkpoint too often and the checkpoints themselves eat the night; too rarely and every crash throws away a long stretch of work. Move the sliders and run the sweep again.',
  variant: 'correct',
  // Chunk sizes giving intervals of 1 to 60 minutes of work.
  vary: { param: 'chunkSize', values: [6, 12, 18, 30, 45, 60, 90, 120, 180, 270, 360] },
  sliders: [
    { name: 'checkpointMs', label: 'Cost of one checkpoint, C (s)', min: 10_000, max: 300_000, step: 5_000, default: 30_000 },
    {
      name: 'mtbfMs',
      label: 'Mean time between crashes, MTBF (min)',
      min: 20 * MINUTE,
      max: 240 * MINUTE,
      step: 5 * MINUTE,
      default: 30 * MINUTE,
    },
  ],
  seeds: [1, 2, 3],
  configure: (settings: Params, chunkSize: number) => ({
    params: {
      items: ITEMS,
      itemMs: ITEM_MS,
      chunkSize,
      checkpointMs: settings.checkpointMs!,
      restartDelayMs: MINUTE,
      leaseMs: 5_000,
      standby: 0,
    },
    plan: `mtbf:batch-worker+${settings.mtbfMs! / 1_000}s`,
  }),
  // Crashes never stop before the job is done (a drain would let the slow points finish early).
  timing: (params: Params) => ({ workloadMs: params.items! * params.itemMs! * 60, drainMs: params.items! * params.itemMs! * 2 }),
  x: { label: 'Work between checkpoints', unit: 'ms', of: (params: Params) => params.chunkSize! * params.itemMs! },
  y: {
    label: 'Time to finish the job',
    unit: 'ms',
    async measure(run: PatternRun) {
      const { rows } = await run.db.query<{ posted_vt: number }>(
        `SELECT posted_vt::float8 AS posted_vt FROM ${run.schemas.batch}.job_results WHERE job_id = $1`,
        [JOB_ID],
      );
      return rows[0]?.posted_vt ?? null;
    },
  },
  optimum: (settings: Params) => ({
    x: youngOptimumMs(settings.checkpointMs!, settings.mtbfMs!),
    label: 'Young: √(2·C·MTBF)',
  }),
};
