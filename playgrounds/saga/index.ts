import type { FaultCatalog } from '../kernel/faults.ts';
import type { Params, Pattern, PatternWorld, VariantSpec } from '../kernel/pattern.ts';
import { choreographedService, tripService } from './choreography.ts';
import { commandedService } from './commanded-service.ts';
import { TripDesk } from './front-desk.ts';
import { inMemoryOrchestrator } from './in-memory-orchestrator.ts';
import { sagaInvariants } from './invariants.ts';
import { operator, sagaOrchestrator } from './orchestrator.ts';
import { sagaDdl, SCHEMAS, STEPS, type Step } from './schema.ts';
import { sagaPlaygrounds } from './scenarios.ts';
import { SAGA_COUNTERS, SAGA_STANDINGS, Scoreboard } from './scoreboard.ts';
import { SAGA_STATECHART } from './statechart.ts';
import { twoPhaseCoordinator } from './two-phase-commit.ts';
import { tripRequests, type Trip } from './workload.ts';

const VARIANTS: readonly VariantSpec[] = [
  {
    name: 'correct',
    label: 'Orchestration',
    naive: false,
    description:
      'An orchestrator keeps each saga as a state machine in Postgres, retries commands with the same id until they are answered, undoes newest first, and hands undos that keep failing to a human.',
  },
  {
    name: 'choreography',
    label: 'Choreography',
    naive: false,
    description:
      'No orchestrator: each service reacts to the previous one’s events and announces its own, and a refusal travels back down the chain as undos. The trip’s state is spread over four services.',
  },
  {
    name: 'in-memory',
    label: 'In-memory orchestrator, try/catch rollback',
    naive: true,
    description:
      'The steps run as calls in a try block and the catch undoes them. Progress lives in memory, a timed-out call is sent again as a new request, and services keep no inbox and no tombstones.',
  },
  {
    name: 'two-phase-commit',
    label: 'Two-phase commit (blocking)',
    naive: true,
    description:
      'Two coordinators, each running its trips one at a time: every service prepares (locking the offer’s row) and votes, the coordinator logs its decision, then all commit or abort. Atomic, but a prepared service must wait for the decision, and every trip that wants the same row waits behind it.',
  },
];

/** The two-phase-commit coordinators: a pool, as an application server runs several transactions at once. */
const COORDINATORS = ['coordinator-1', 'coordinator-2'] as const;

const RESTART = { restartDelayMs: 500 };
const PARTICIPANT_POINTS = ['before_commit', 'after_commit_before_reply'];
/** Where a `refuse` fault makes a service say no: a booking or charge (a business failure), an undo (its back office is down). */
const DECISIONS: Readonly<Record<Step, readonly string[]>> = {
  flight: ['book', 'cancel'],
  hotel: ['book', 'cancel'],
  car: ['book', 'cancel'],
  payment: ['charge', 'refund'],
};

/** The processes of each variant, with the crash points their code passes. */
const PROCESSES: Readonly<Record<string, ReadonlyArray<{ name: string; crashPoints: readonly string[] }>>> = {
  correct: [
    { name: 'orchestrator', crashPoints: ['after_accept', 'before_commit', 'between_steps'] },
    { name: 'operator', crashPoints: [] },
  ],
  choreography: [{ name: 'trip-service', crashPoints: ['after_accept'] }],
  'in-memory': [{ name: 'orchestrator', crashPoints: ['after_accept', 'between_steps'] }],
  'two-phase-commit': COORDINATORS.map((name) => ({ name, crashPoints: ['after_accept', 'before_decision', 'after_decision'] })),
};

/**
 * The fault catalog of one variant, or (with `*`) of all of them: a plan written for one side of
 * a comparison must also be valid on the other. Every message goes through the broker.
 */
function faultCatalog(variant: string): FaultCatalog {
  const own = variant === '*' ? Object.values(PROCESSES).flat() : [...(PROCESSES[variant] ?? [])];
  const merged = new Map<string, Set<string>>();
  for (const p of own) merged.set(p.name, new Set([...(merged.get(p.name) ?? []), ...p.crashPoints]));
  const processes = [
    ...[...merged].map(([name, points]) => ({ name, crashPoints: [...points] })),
    ...STEPS.map((name) => ({ name, crashPoints: PARTICIPANT_POINTS, refusalPoints: DECISIONS[name] })),
  ];
  return { processes, channels: ['publish', 'deliver', 'ack'], nodes: [...processes.map((p) => p.name), 'broker'] };
}

function setup({ sim, variant, params }: PatternWorld): void {
  if (!(variant in PROCESSES)) throw new Error(`unknown variant ${variant}`);
  const trips = tripRequests(sim.random.stream('workload'), {
    trips: params.trips!,
    tripGapMs: params.tripGapMs!,
    failurePercent: params.failurePercent!,
    deadlineMs: params.deadlineMs!,
  });
  const desk = new TripDesk(trips);
  const board = new Scoreboard((counter, delta) => sim.count(counter, delta));
  // Undos refused by a service's back office are a fault: drawn from the fault streams, and
  // only while faults are on, so the drain lets every undo through in the end.
  const refusesUndo = (service: Step, nowMs: number) =>
    nowMs < sim.faultWindowEndMs && sim.random.stream(`faults:undo-refused:${service}`).int(0, 99) < params.undoRefusalPercent!;
  const participant = { careful: variant !== 'in-memory', refusesUndo, board };
  const retry = { retryMs: params.stepTimeoutMs!, maxAttempts: params.maxUndoAttempts!, humanDelayMs: params.humanDelayMs! };
  if (variant === 'correct') {
    const settings = { stepTimeoutMs: params.stepTimeoutMs!, maxUndoAttempts: params.maxUndoAttempts!, board };
    sim.spawn('orchestrator', sagaOrchestrator(desk, settings), RESTART);
    sim.spawn('operator', operator(params.humanDelayMs!, settings), RESTART);
  } else if (variant === 'two-phase-commit') {
    // coordinator-1 takes trips 1, 3, 5…, coordinator-2 trips 2, 4, 6…: a customer waits at one desk only.
    COORDINATORS.forEach((name, i) => {
      const own = (trip: Trip) => (trip.id - 1) % COORDINATORS.length === i;
      sim.spawn(name, twoPhaseCoordinator(new TripDesk(trips.filter(own)), { stepTimeoutMs: params.stepTimeoutMs!, board }), RESTART);
    });
  } else if (variant === 'choreography') {
    sim.spawn('trip-service', tripService(desk, board), RESTART);
  } else {
    sim.spawn('orchestrator', inMemoryOrchestrator(desk, params.stepTimeoutMs!, board), RESTART);
  }
  for (const service of STEPS) {
    sim.spawn(
      service,
      variant === 'choreography' ? choreographedService(service, { ...participant, ...retry }) : commandedService(service, participant),
      RESTART,
    );
  }
}

/** Faults fall while trips come in and for one deadline after; the drain lets every undo finish. */
function timing(params: Params) {
  return { workloadMs: params.trips! * params.tripGapMs! + params.deadlineMs!, drainMs: 6_000 + 2 * params.humanDelayMs! };
}

/** Sagas: a trip booked across four services, by an orchestrator or by choreography. */
export const sagaPattern: Pattern = {
  id: 'saga',
  title: 'Saga: orchestration and choreography',
  articleSlug: 'saga',
  schemas: SCHEMAS,
  ddl: sagaDdl,
  variants: VARIANTS,
  headlineNaive: 'in-memory',
  params: [
    { name: 'trips', label: 'Trips', min: 2, max: 40, step: 1, default: 6 },
    { name: 'tripGapMs', label: 'Time between trips (ms)', min: 50, max: 5_000, step: 50, default: 400 },
    { name: 'failurePercent', label: 'Business failures per step (%)', min: 0, max: 100, step: 5, default: 10 },
    { name: 'deadlineMs', label: 'Deadline per trip (ms)', min: 500, max: 30_000, step: 100, default: 2_000 },
    { name: 'stepTimeoutMs', label: 'Reply timeout (ms)', min: 50, max: 5_000, step: 50, default: 300 },
    { name: 'undoRefusalPercent', label: 'Undos refused by a back office (%)', min: 0, max: 100, step: 5, default: 10 },
    { name: 'maxUndoAttempts', label: 'Undo attempts before a human is called', min: 1, max: 10, step: 1, default: 3 },
    { name: 'humanDelayMs', label: 'Time for the human to step in (ms)', min: 0, max: 30_000, step: 500, default: 2_000 },
  ],
  timing,
  faultCatalog,
  setup,
  invariants: sagaInvariants,
  inspectorTables: [
    'trips',
    'sagas',
    'saga_commands',
    'flight_bookings',
    'hotel_bookings',
    'car_bookings',
    'charges',
    'flight_inventory',
    'hotel_inventory',
    'car_inventory',
    'cards',
    'flight_inbox',
    'hotel_inbox',
    'car_inbox',
    'payment_inbox',
  ],
  counters: SAGA_COUNTERS,
  playgrounds: sagaPlaygrounds,
  // Only the orchestrator has a saga state to draw: in choreography nobody holds it, and the
  // in-memory orchestrator keeps it where a crash forgets it.
  statecharts: { correct: SAGA_STATECHART },
  standings: SAGA_STANDINGS,
  // Participants label every transaction `trip N: <action> <service> → <outcome>` in every variant.
  entityLanes: {
    title: 'Each trip, step by step',
    refPrefix: 'trip:',
    entity: 'Trip',
    steps: [
      {
        kind: 'refused',
        label: 'refused, failed or told to wait',
        pattern: ': (book|charge|cancel|refund|prepare) \\w+ → (refused|declined|unavailable)',
      },
      { kind: 'forward', label: 'booked, prepared or charged', pattern: ': ((book|charge|prepare) \\w+|commit payment) → ' },
      { kind: 'compensation', label: 'cancelled, refunded or aborted (compensation)', pattern: ': (cancel|refund|abort) \\w+ → ' },
    ],
    ignore: 'answered from the inbox$',
  },
  breakingRuns: [
    // Crashes between two steps: the trip's seat and room stay held, with nobody left to undo them.
    { variant: 'in-memory', seed: 1, plan: 'crash:orchestrator@between_steps*2', breaks: ['every-trip-settles'] },
    // The flight's reply is late; the retry is a new request, and the airline books a second seat.
    { variant: 'in-memory', seed: 1, plan: 'delay:publish*2+1s', breaks: ['one-booking-per-trip'] },
    // The hotel booking is late and its retry lost: the rollback's cancel overtakes it and finds nothing.
    { variant: 'in-memory', seed: 1, plan: 'delay:publish*3+2s,drop:publish*4', breaks: ['every-trip-settles', 'nothing-after-deadline'] },
    // A slow hotel answers after the reply timeout; each retry is a new request, so rooms are booked
    // twice, some past the deadline, and the rollback cancels the flight before the hotel.
    {
      variant: 'in-memory',
      seed: 1,
      plan: 'slow:hotel@0ms+400ms',
      breaks: ['one-booking-per-trip', 'undo-newest-first', 'nothing-after-deadline'],
    },
    // Two-phase commit with a slow hotel: rows stay locked across its round trips, trips queue
    // behind each other's locks, and the one trip that commits is charged after its deadline.
    { variant: 'two-phase-commit', seed: 1, plan: 'slow:hotel@0ms+400ms', breaks: ['nothing-after-deadline'] },
    // The charge's reply is late; the retried charge takes the money twice.
    { variant: 'in-memory', seed: 1, plan: 'delay:publish*8+1s', breaks: ['one-booking-per-trip', 'ledger-balances'] },
    // A fire-and-forget rollback: the car's cancel is held up, so the hotel and flight are undone first,
    // and the late charge lands after its refund.
    {
      variant: 'in-memory',
      seed: 1,
      plan: 'delay:publish*7+2s,drop:publish*8,delay:publish*10+1s',
      breaks: ['undo-newest-first', 'ledger-balances'],
    },
  ],
};
