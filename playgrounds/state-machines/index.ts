import type { FaultCatalog } from '../kernel/faults.ts';
import {
  flagCombination,
  type FlagGridSpec,
  type Params,
  type Pattern,
  type PatternWorld,
  type StatechartSpec,
  type VariantSpec,
} from '../kernel/pattern.ts';
import { RequestQueue } from '../kernel/requests.ts';
import { orderApi, sweeper, warehouse, webhookHandler } from './actors.ts';
import type { OrderBook } from './book.ts';
import { carrierApi } from './carrier.ts';
import { FLAGS, flagsBook } from './flags-book.ts';
import { stateMachinesInvariants } from './invariants.ts';
import { machineBook } from './machine-book.ts';
import { DEFAULT_DEADLINES_MS, machineFor, orderMachine, statechartOf } from './machine.ts';
import { paymentGateway, paymentsApi } from './payment-provider.ts';
import { SCHEMAS, stateMachinesDdl } from './schema.ts';
import { stateMachinesPlaygrounds } from './scenarios.ts';
import { shopTraffic } from './workload.ts';

const VARIANTS: readonly VariantSpec[] = [
  {
    name: 'correct',
    label: 'State machine + compare-and-set + sweeper',
    naive: false,
    description:
      'One machine decides every move; the database applies it only if the order is still in the state and version it was read in, with its history and its effects in the same commit; a sweeper times out what stalls.',
  },
  {
    name: 'flags',
    label: 'Flags and a status string',
    naive: true,
    description:
      'Paid, failed, cancelled, shipped and refunded are five booleans, each set by its own handler beside a status string; nothing forbids a combination.',
  },
  {
    name: 'no-compare-and-set',
    label: 'State machine, saved without compare-and-set',
    naive: true,
    description:
      'The same machine, asked about the order as it was read, but the save overwrites the row whatever happened since: a lost update when a cancel races the warehouse.',
  },
  {
    name: 'no-sweeper',
    label: 'State machine without a sweeper',
    naive: true,
    description:
      'The correct machine, but nothing watches the deadlines or re-drives forgotten effects: a crash leaves orders waiting forever.',
  },
];

/** The machine as the page draws it, for the variants that have one (the flags have no machine). */
const ORDER_STATECHART: StatechartSpec = { title: 'Order workflow', entities: 'orders', ...statechartOf(orderMachine) };

/** The naive design's state space: the five flags, and the combinations some state of the machine has. */
const FLAG_GRID: FlagGridSpec = {
  title: 'Flag combinations',
  entities: 'orders',
  flags: FLAGS,
  rowFlags: 2,
  possible: [...new Set(statechartOf(orderMachine).states.map((state) => flagCombination({ ...state.flags }, FLAGS)))],
};

/** The shop's processes and the payment provider's webhook sender, each with the crash points its code passes. */
const PROCESSES = {
  'order-api': ['after_state_change'],
  'payment-gateway': ['after_send_before_mark'],
  'webhook-handler': ['after_state_change'],
  warehouse: ['after_reserve', 'after_state_change'],
  sweeper: ['after_state_change'],
} as const;

const RESTART = { restartDelayMs: 500 };
/** The provider re-posts a webhook nobody acknowledged after this long. */
const WEBHOOK_RETRY_MS = 300;
/** With no charge about to settle, the provider still looks for new ones this often. */
const GATEWAY_IDLE_MS = 500;
/** The warehouse looks for paid orders this often, backing off while there are none. */
const WAREHOUSE_POLL_MS = 300;

/** The fault catalog of one variant, or with `*` of all: a plan for one side of a comparison must fit the other. */
function faultCatalog(variant: string): FaultCatalog {
  const names = Object.keys(PROCESSES).filter((name) => !(name === 'sweeper' && variant === 'no-sweeper')) as Array<keyof typeof PROCESSES>;
  return {
    processes: names.map((name) => ({ name, crashPoints: [...PROCESSES[name]] })),
    channels: ['publish', 'deliver', 'ack', 'payments', 'carrier'],
    nodes: [...names, 'broker', 'payments', 'carrier'],
  };
}

function bookFor(variant: string, params: Params): OrderBook {
  const machine = machineFor({ paymentTimeout: params.paymentTimeoutMs!, warehouseTimeout: params.warehouseTimeoutMs! });
  const sweepIntervalMs = params.sweepIntervalMs!;
  switch (variant) {
    case 'correct':
    case 'no-sweeper':
      return machineBook(machine, { save: 'compare-and-set', sweepIntervalMs });
    case 'no-compare-and-set':
      return machineBook(machine, { save: 'blind', sweepIntervalMs });
    case 'flags':
      return flagsBook({ paymentTimeoutMs: params.paymentTimeoutMs! });
    default:
      throw new Error(`unknown variant ${variant}`);
  }
}

function setup({ sim, variant, params }: PatternWorld): void {
  const book = bookFor(variant, params);
  const { workloadMs } = timing(params);
  const requests = new RequestQueue(
    shopTraffic(sim.random.stream('workload'), {
      orders: params.orders!,
      cancelPercent: params.cancelPercent!,
      cancelAfterMs: params.cancelAfterMs!,
      workloadMs,
    }),
  );
  sim.service('payments', 'payments', paymentsApi);
  sim.service('carrier', 'carrier', carrierApi);
  sim.spawn('order-api', orderApi(book, requests), RESTART);
  sim.spawn('payment-gateway', paymentGateway({ retryMs: WEBHOOK_RETRY_MS, idleMs: GATEWAY_IDLE_MS }), RESTART);
  sim.spawn('webhook-handler', webhookHandler(book), RESTART);
  sim.spawn('warehouse', warehouse(book, { packMs: params.packMs!, pollIntervalMs: WAREHOUSE_POLL_MS }), RESTART);
  if (variant !== 'no-sweeper') sim.spawn('sweeper', sweeper(book, { sweepIntervalMs: params.sweepIntervalMs! }), RESTART);
}

/**
 * Orders arrive over the workload; the drain leaves room for the slowest recovery: a webhook
 * held back by a fault, then a payment deadline, a warehouse deadline and a sweep or two.
 */
function timing(params: Params) {
  const workloadMs = Math.max(4_000, params.orders! * 500);
  const drainMs = 2_000 + params.paymentTimeoutMs! + params.warehouseTimeoutMs! + 2 * params.sweepIntervalMs!;
  return { workloadMs, drainMs };
}

/** State machines for distributed workflows: an order workflow with webhooks, a warehouse and a sweeper. */
export const stateMachinesPattern: Pattern = {
  id: 'state-machines',
  title: 'State machines for distributed workflows',
  articleSlug: 'state-machines',
  schemas: SCHEMAS,
  ddl: stateMachinesDdl,
  variants: VARIANTS,
  headlineNaive: 'flags',
  params: [
    { name: 'orders', label: 'Orders', min: 4, max: 40, step: 1, default: 7 },
    { name: 'cancelPercent', label: 'Orders cancelled (%)', min: 0, max: 100, step: 5, default: 30 },
    { name: 'cancelAfterMs', label: 'Customers cancel after about (ms)', min: 100, max: 5_000, step: 100, default: 1_200 },
    {
      name: 'paymentTimeoutMs',
      label: 'Payment deadline (ms)',
      min: 500,
      max: 10_000,
      step: 100,
      default: DEFAULT_DEADLINES_MS.paymentTimeout,
    },
    {
      name: 'warehouseTimeoutMs',
      label: 'Warehouse deadline (ms)',
      min: 500,
      max: 10_000,
      step: 100,
      default: DEFAULT_DEADLINES_MS.warehouseTimeout,
    },
    { name: 'packMs', label: 'Time to pack a parcel (ms)', min: 50, max: 3_000, step: 50, default: 400 },
    { name: 'sweepIntervalMs', label: 'Sweep interval (ms)', min: 100, max: 5_000, step: 100, default: 500 },
  ],
  timing,
  faultCatalog: (variant) => faultCatalog(variant),
  setup,
  invariants: stateMachinesInvariants,
  inspectorTables: [
    'orders',
    'order_transitions',
    'rejected_transitions',
    'allowed_transitions',
    'commands',
    'order_flags',
    'state_flags',
    'charges',
    'refunds',
    'shipments',
  ],
  counters: [
    { name: 'orders placed', label: 'orders placed' },
    { name: 'transitions applied', label: 'state changes' },
    { name: 'transitions rejected', label: 'transitions rejected' },
    { name: 'duplicates skipped', label: 'duplicate events skipped' },
    { name: 'timeouts fired', label: 'deadlines fired' },
    { name: 'effects re-driven', label: 'effects re-driven' },
  ],
  playgrounds: stateMachinesPlaygrounds,
  statecharts: { correct: ORDER_STATECHART, 'no-compare-and-set': ORDER_STATECHART, 'no-sweeper': ORDER_STATECHART },
  flagGrids: { flags: FLAG_GRID },
  breakingRuns: [
    {
      variant: 'flags',
      seed: 1,
      plan: 'partition:payment-gateway~broker@1500ms+4s',
      breaks: ['no-impossible-states', 'shipped-implies-paid', 'no-money-kept'],
    },
    {
      // The order API stalls between reading order 2 and saving its cancel; the warehouse ships in between.
      variant: 'no-compare-and-set',
      seed: 1,
      plan: 'pause:order-api@2275ms+100ms',
      breaks: ['legal-transitions', 'state-is-last-transition', 'shipped-implies-paid'],
    },
    { variant: 'no-sweeper', seed: 1, plan: 'crash:warehouse@after_reserve', breaks: ['no-stuck-orders', 'no-money-kept'] },
  ],
};
