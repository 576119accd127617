import type { FaultCatalog } from '../kernel/faults.ts';
import type { Params, Pattern, PatternWorld, VariantSpec } from '../kernel/pattern.ts';
import { batchWorker, type Strategy } from './batch-worker.ts';
import { intervalSweep } from './interval-sweep.ts';
import { checkpointingInvariants } from './invariants.ts';
import { ledger } from './ledger.ts';
import { checkpointingDdl, SCHEMAS } from './schema.ts';
import { checkpointingPlaygrounds } from './scenarios.ts';
import { sourceItems } from './workload.ts';

const VARIANTS: readonly VariantSpec[] = [
  {
    name: 'correct',
    label: 'Atomic chunk + checkpoint, fenced',
    naive: false,
    description:
      "Each chunk's invoices, position and running totals commit in one transaction, guarded by the epoch the worker took at start.",
  },
  {
    name: 'no-fencing',
    label: 'Atomic checkpoint, no fencing',
    naive: true,
    description:
      'Chunks and checkpoints commit together and a standby takes over a stalled job, but nothing stops a frozen worker that wakes up from writing.',
  },
  {
    name: 'no-checkpoint',
    label: 'No checkpoint',
    naive: true,
    description: 'The job remembers nothing: after a crash it starts again at item 1 and bills everything again.',
  },
  {
    name: 'separate-checkpoint',
    label: 'Checkpoint after output, separately',
    naive: true,
    description: 'Invoices commit first and the checkpoint in a later transaction: a crash in between re-bills the chunk.',
  },
  {
    name: 'checkpoint-before-output',
    label: 'Checkpoint before output',
    naive: true,
    description: 'The checkpoint moves first and the invoices follow: a crash in between skips the chunk for good.',
  },
  {
    name: 'position-only',
    label: 'Position without totals',
    naive: true,
    description: 'The checkpoint keeps the position but not the running totals, which restart from zero after a crash.',
  },
];

const WORKER = 'batch-worker';
const STANDBY = 'standby-worker';
/** How often, at least, a standby looks at the checkpoint's heartbeat. */
const MIN_WATCH_MS = 1_000;
/** The variants that run a standby worker beside the primary. */
const WITH_STANDBY = new Set(['correct', 'no-fencing']);

const CRASH_POINTS: Record<string, readonly string[]> = {
  correct: ['mid_chunk', 'after_chunk'],
  'no-fencing': ['mid_chunk', 'after_chunk'],
  'no-checkpoint': ['mid_chunk', 'after_chunk'],
  'separate-checkpoint': ['mid_chunk', 'after_output_before_checkpoint', 'after_chunk'],
  'checkpoint-before-output': ['after_checkpoint_before_output', 'mid_chunk', 'after_chunk'],
  'position-only': ['mid_chunk', 'after_chunk'],
};

/**
 * The fault catalog of one variant, or (with `*`) of all of them: a plan written for the naive
 * side of a comparison must also be valid on the correct side. The one channel is the call
 * that posts the final totals to the ledger.
 */
function faultCatalog(variant: string, params: Params): FaultCatalog {
  const points = variant === '*' ? [...new Set(Object.values(CRASH_POINTS).flat())] : [...(CRASH_POINTS[variant] ?? [])];
  const standby = params.standby === 1 && (variant === '*' || WITH_STANDBY.has(variant));
  const names = standby ? [WORKER, STANDBY] : [WORKER];
  return {
    processes: names.map((name) => ({ name, crashPoints: points })),
    channels: ['ledger'],
    nodes: [...names, 'ledger'],
  };
}

function setup({ sim, variant, params }: PatternWorld): void {
  if (!(variant in CRASH_POINTS)) throw new Error(`unknown variant ${variant}`);
  const items = sourceItems(sim.random.stream('workload'), params.items!);
  sim.service('ledger', 'batch', ledger);
  // The day's billable items are in the table before the nightly run starts.
  sim.spawn(
    'loader',
    async (ctx) => {
      await ctx.tx(`load ${items.length} source items`, { schema: 'batch' }, async (q) => {
        const values = items.map((item) => `(${item.id}, ${item.accountId}, ${item.amountCents})`).join(', ');
        await q.query(`INSERT INTO src_items (id, account_id, amount_cents) VALUES ${values} ON CONFLICT (id) DO NOTHING`);
      });
    },
    { restartDelayMs: 0 },
  );
  const chunkMs = params.chunkSize! * params.itemMs! + params.checkpointMs!;
  // Looking more often than a few times a chunk learns nothing: the checkpoint moves once a chunk.
  const watchMs = Math.max(MIN_WATCH_MS, Math.floor(chunkMs / 4));
  const settings = {
    chunkSize: params.chunkSize!,
    itemMs: params.itemMs!,
    // A lease shorter than one chunk's work would have the two workers take the job from each
    // other forever (safe, thanks to fencing, but never finished): the worker only proves it is
    // alive by committing chunks, so the lease is at least a chunk plus two looks.
    leaseMs: Math.max(params.leaseMs!, chunkMs + 2 * watchMs),
    watchMs,
    checkpointMs: params.checkpointMs!,
  };
  const restart = { restartDelayMs: params.restartDelayMs! };
  sim.spawn(WORKER, batchWorker(variant as Strategy, settings, 'primary'), restart, 100);
  if (WITH_STANDBY.has(variant) && params.standby === 1) {
    sim.spawn(STANDBY, batchWorker(variant as Strategy, settings, 'standby'), restart, 100);
  }
}

/** Crash-free length of the job: the work itself plus one checkpoint per chunk. */
function crashFreeMs(params: Params): number {
  return params.items! * params.itemMs! + Math.ceil(params.items! / params.chunkSize!) * params.checkpointMs!;
}

/** Faults fall while the job would take half again its crash-free time; the drain lets it finish. */
function timing(params: Params) {
  const workMs = crashFreeMs(params);
  return { workloadMs: Math.ceil(workMs * 1.5), drainMs: workMs + 20_000 };
}

/** Checkpointing a long batch job: a nightly invoice run that must survive crashes. */
export const checkpointingPattern: Pattern = {
  id: 'checkpointing',
  title: 'Checkpointing a long batch job',
  articleSlug: 'checkpointing',
  schemas: SCHEMAS,
  ddl: checkpointingDdl,
  variants: VARIANTS,
  headlineNaive: 'no-checkpoint',
  // Wide ranges on purpose: virtual time costs nothing, so a three-hour job with ten-minute
  // chunks is as cheap to run as a thirty-second one (the cost is the number of transactions).
  params: [
    { name: 'items', label: 'Source items', min: 20, max: 20_000, step: 20, default: 600 },
    { name: 'chunkSize', label: 'Chunk size (items per checkpoint)', min: 1, max: 5_000, step: 1, default: 20 },
    { name: 'itemMs', label: 'Work per item (ms)', min: 5, max: 60_000, step: 5, default: 50 },
    { name: 'checkpointMs', label: 'Cost of one checkpoint (ms)', min: 0, max: 3_600_000, step: 100, default: 0 },
    { name: 'restartDelayMs', label: 'Restart delay (ms)', min: 0, max: 3_600_000, step: 500, default: 2_000 },
    { name: 'leaseMs', label: 'Standby takes over after (ms)', min: 2_000, max: 7_200_000, step: 500, default: 5_000 },
    { name: 'standby', label: 'Run a standby worker (0 or 1)', min: 0, max: 1, step: 1, default: 1 },
  ],
  timing,
  faultCatalog,
  setup,
  invariants: checkpointingInvariants,
  inspectorTables: ['src_items', 'invoices', 'job_checkpoints', 'checkpoint_history', 'job_results'],
  counters: [
    { name: 'items processed', label: 'items processed (with repeats)' },
    { name: 'chunks committed', label: 'chunks committed' },
    { name: 'zombie writes rejected', label: 'zombie writes rejected' },
  ],
  playgrounds: checkpointingPlaygrounds,
  progress: {
    title: 'How far the job has got',
    unit: 'items',
    worked: 'worked',
    saved: 'saved',
    total: (params) => params.items!,
  },
  sweeps: [intervalSweep],
  breakingRuns: [
    {
      variant: 'no-fencing',
      seed: 1,
      plan: 'pause:batch-worker@10s+8s',
      breaks: ['exactly-once-output', 'monotonic-progress', 'no-zombie-writes'],
    },
    { variant: 'no-checkpoint', seed: 1, plan: 'crash:batch-worker@after_chunk*4', breaks: ['exactly-once-output'] },
    {
      variant: 'separate-checkpoint',
      seed: 1,
      plan: 'crash:batch-worker@after_output_before_checkpoint*3',
      breaks: ['exactly-once-output', 'checkpoint-matches-output'],
    },
    {
      variant: 'checkpoint-before-output',
      seed: 1,
      plan: 'crash:batch-worker@after_checkpoint_before_output*3',
      breaks: ['no-gaps', 'checkpoint-matches-output'],
    },
    { variant: 'position-only', seed: 1, plan: 'crash:batch-worker@after_chunk*3', breaks: ['correct-totals'] },
  ],
};
