import type { FaultCatalog } from '../kernel/faults.ts';
import type { Params, Pattern, PatternWorld, VariantSpec } from '../kernel/pattern.ts';
import { batchWorker, type Strategy } from './batch-worker.ts';
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
/** How often a standby looks at the checkpoint's heartbeat. */
const WATCH_MS = 1_000;
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
function faultCatalog(variant: string): FaultCatalog {
  const points = variant === '*' ? [...new Set(Object.values(CRASH_POINTS).flat())] : [...(CRASH_POINTS[variant] ?? [])];
  const names = variant === '*' || WITH_STANDBY.has(variant) ? [WORKER, STANDBY] : [WORKER];
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
  const settings = {
    chunkSize: params.chunkSize!,
    itemMs: params.itemMs!,
    // A lease shorter than one chunk's work would have the two workers take the job from each
    // other forever (safe, thanks to fencing, but never finished): the worker only proves it is
    // alive by committing chunks, so the lease is at least a chunk plus two looks.
    leaseMs: Math.max(params.leaseMs!, params.chunkSize! * params.itemMs! + 2 * WATCH_MS),
    watchMs: WATCH_MS,
  };
  const restart = { restartDelayMs: params.restartDelayMs! };
  sim.spawn(WORKER, batchWorker(variant as Strategy, settings, 'primary'), restart, 100);
  if (WITH_STANDBY.has(variant)) sim.spawn(STANDBY, batchWorker(variant as Strategy, settings, 'standby'), restart, 100);
}

/** Faults fall while the job would take half again its crash-free time; the drain lets it finish. */
function timing(params: Params) {
  const workMs = params.items! * params.itemMs!;
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
  params: [
    { name: 'items', label: 'Source items', min: 60, max: 2_000, step: 20, default: 600 },
    { name: 'chunkSize', label: 'Chunk size (items per checkpoint)', min: 5, max: 200, step: 5, default: 20 },
    { name: 'itemMs', label: 'Work per item (ms)', min: 5, max: 200, step: 5, default: 50 },
    { name: 'restartDelayMs', label: 'Restart delay (ms)', min: 0, max: 10_000, step: 500, default: 2_000 },
    { name: 'leaseMs', label: 'Standby takes over after (ms)', min: 2_000, max: 30_000, step: 500, default: 5_000 },
  ],
  timing,
  faultCatalog: (variant) => faultCatalog(variant),
  setup,
  invariants: checkpointingInvariants,
  counters: [
    { name: 'items processed', label: 'items processed (with repeats)' },
    { name: 'chunks committed', label: 'chunks committed' },
    { name: 'zombie writes rejected', label: 'zombie writes rejected' },
  ],
  playgrounds: checkpointingPlaygrounds,
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
