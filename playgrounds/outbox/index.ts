import type { FaultCatalog } from '../kernel/faults.ts';
import type { Params, Pattern, PatternWorld, VariantSpec } from '../kernel/pattern.ts';
import { RequestQueue } from '../kernel/requests.ts';
import { emailProvider } from './email-provider.ts';
import { inventoryConsumer } from './inventory-consumer.ts';
import { outboxInvariants } from './invariants.ts';
import { orderService, type WriteStrategy } from './order-service.ts';
import { naiveRelay, outboxRelay } from './relay.ts';
import { outboxDdl, SCHEMAS } from './schema.ts';
import { outboxPlaygrounds } from './scenarios.ts';
import { shopTraffic } from './workload.ts';

/** Each variant is a choice of parts; only `correct` gets every part right. */
const PARTS: Record<string, { write: WriteStrategy; relay: 'lease' | 'naive' | null; inbox: boolean }> = {
  correct: { write: 'outbox', relay: 'lease', inbox: true },
  'commit-then-publish': { write: 'commit-then-publish', relay: null, inbox: true },
  'publish-then-commit': { write: 'publish-then-commit', relay: null, inbox: true },
  'no-lease-no-inbox': { write: 'outbox', relay: 'naive', inbox: false },
};

const VARIANTS: readonly VariantSpec[] = [
  {
    name: 'correct',
    label: 'Outbox + leased relay + inbox',
    naive: false,
    description: 'The order and its event commit together; relays claim rows with a lease; the consumer skips duplicates.',
  },
  {
    name: 'commit-then-publish',
    label: 'Commit, then publish',
    naive: true,
    description: 'The service commits the order, then publishes the event itself. A crash in between loses the event.',
  },
  {
    name: 'publish-then-commit',
    label: 'Publish, then commit',
    naive: true,
    description: 'The service publishes first, then commits. A refused or crashed commit leaves an event about nothing.',
  },
  {
    name: 'no-lease-no-inbox',
    label: 'Relay without lease, consumer without inbox',
    naive: true,
    description: 'An outbox, but relays read and mark in separate transactions and the consumer trusts every delivery.',
  },
];

const RESTART = { restartDelayMs: 500 };

const CRASH_POINTS = {
  'order-service': ['before_commit', 'after_commit_before_publish', 'after_publish_before_commit'],
  relay: ['after_claim', 'after_publish_before_mark'],
  inventory: ['mid_apply', 'after_apply_before_email', 'after_effect_before_ack'],
} as const;

function relayNames(variant: string | undefined, params: Params): string[] {
  if (variant !== undefined && PARTS[variant]?.relay === null) return [];
  return Array.from({ length: params.relays ?? 2 }, (_, i) => `relay-${i + 1}`);
}

/**
 * The fault catalog of one variant, or (with no variant) of all of them: a plan written for
 * the naive side of a comparison must also be valid on the correct side.
 */
function faultCatalog(variant: string | undefined, params: Params): FaultCatalog {
  const relays = variant === undefined ? Array.from({ length: 3 }, (_, i) => `relay-${i + 1}`) : relayNames(variant, params);
  const processes = [
    { name: 'order-service', crashPoints: [...CRASH_POINTS['order-service']] },
    ...relays.map((name) => ({ name, crashPoints: [...CRASH_POINTS.relay] })),
    { name: 'inventory', crashPoints: [...CRASH_POINTS.inventory] },
  ];
  return { processes, channels: ['publish', 'deliver', 'ack', 'email'], nodes: [...processes.map((p) => p.name), 'broker', 'email'] };
}

function setup({ sim, variant, params }: PatternWorld): void {
  const parts = PARTS[variant];
  if (!parts) throw new Error(`unknown variant ${variant}`);
  const { workloadMs } = timing(params);
  const requests = new RequestQueue(
    shopTraffic(sim.random.stream('workload'), { orders: params.orders!, cancelPercent: params.cancelPercent!, workloadMs }),
  );
  sim.service('email', 'email', emailProvider);
  sim.spawn('order-service', orderService(parts.write, requests), RESTART);
  const relaySettings = { pollIntervalMs: params.pollIntervalMs!, leaseMs: params.leaseMs!, batchSize: params.batchSize! };
  for (const name of relayNames(variant, params)) {
    sim.spawn(name, parts.relay === 'lease' ? outboxRelay(relaySettings) : naiveRelay(relaySettings), RESTART);
  }
  sim.spawn('inventory', inventoryConsumer({ inbox: parts.inbox }), RESTART);
}

function timing(params: Params) {
  return { workloadMs: params.orders! * 500, drainMs: 6_000 };
}

/** The transactional outbox: an order service, relays, a broker, an inventory consumer and an email provider. */
export const outboxPattern: Pattern = {
  id: 'outbox',
  title: 'Transactional outbox',
  articleSlug: 'transactional-outbox',
  schemas: SCHEMAS,
  ddl: outboxDdl,
  variants: VARIANTS,
  headlineNaive: 'commit-then-publish',
  params: [
    { name: 'orders', label: 'Orders', min: 4, max: 60, step: 1, default: 16 },
    { name: 'cancelPercent', label: 'Cancelled orders (%)', min: 0, max: 100, step: 5, default: 25 },
    { name: 'relays', label: 'Relays', min: 1, max: 3, step: 1, default: 2 },
    { name: 'pollIntervalMs', label: 'Relay poll interval (ms)', min: 50, max: 2_000, step: 50, default: 200 },
    { name: 'leaseMs', label: 'Lease (ms)', min: 200, max: 5_000, step: 100, default: 1_000 },
    { name: 'batchSize', label: 'Relay batch size', min: 1, max: 20, step: 1, default: 5 },
  ],
  timing,
  faultCatalog: (variant, params) => faultCatalog(variant === '*' ? undefined : variant, params),
  setup,
  invariants: outboxInvariants,
  inspectorTables: ['orders', 'outbox', 'inbox', 'reservations', 'stock', 'applied', 'idempotency_keys', 'delivered'],
  counters: [
    { name: 'placed', label: 'orders placed' },
    { name: 'refused', label: 'orders refused' },
    { name: 'cancelled', label: 'orders cancelled' },
    { name: 'applied', label: 'events applied' },
    { name: 'duplicates skipped', label: 'duplicates skipped' },
  ],
  playgrounds: outboxPlaygrounds,
  breakingRuns: [
    { variant: 'commit-then-publish', seed: 1, plan: 'crash:order-service@after_commit_before_publish', breaks: ['no-lost-events'] },
    { variant: 'publish-then-commit', seed: 1, plan: 'crash:order-service@after_publish_before_commit', breaks: ['no-phantom-events'] },
    { variant: 'no-lease-no-inbox', seed: 1, plan: 'lose-ack:publish*2', breaks: ['exactly-once-effect'] },
  ],
};
