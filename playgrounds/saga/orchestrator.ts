import type { Queryable } from '../db/types.ts';
import type { ProcessContext } from '../kernel/process.ts';
import type { StateMove } from '../kernel/trace.ts';
import { sendCommand } from './bus.ts';
import { recordTrip, type TripDesk } from './front-desk.ts';
import type { SagaEvent } from './machine.ts';
import { REPLIES_TOPIC, tripRef, type Command, type Reply } from './messages.ts';
import { advanceTripSaga, claimOverdueCommands, nextTimerVt, startTripSaga, type SagaChange } from './saga-store.ts';
import type { Scoreboard } from './scoreboard.ts';
import { sagaMove } from './statechart.ts';
import type { Trip } from './workload.ts';

/** The orchestrator's timers, shared with the human on call. */
export interface OrchestratorSettings {
  /** How long to wait for a service's reply before sending the command again. */
  stepTimeoutMs: number;
  /** Sends of an undo before it goes to a human. */
  maxUndoAttempts: number;
  board: Scoreboard;
}

/** The longest the orchestrator goes without looking at its timers, even when none is due. */
const IDLE_LOOK_MS = 5_000;

/** What a transaction did to the sagas it touched: commands to send, and moves for the statechart view. */
interface Outcome {
  commands: Command[];
  moves: StateMove[];
  /** A line per saga, for the trace. */
  changes: string[];
}

function outcomeOf(tripId: number, event: string, change: SagaChange): Outcome {
  const move = sagaMove(tripRef(tripId), change.from, event, change.to);
  const line =
    change.to === null ? `trip ${tripId}: ${event} ignored in ${change.from}` : `trip ${tripId}: ${change.from} → ${change.to} on ${event}`;
  return { commands: change.commands, moves: move ? [move] : [], changes: [line] };
}

function merge(outcomes: readonly Outcome[]): Outcome {
  return {
    commands: outcomes.flatMap((o) => o.commands),
    moves: outcomes.flatMap((o) => o.moves),
    changes: outcomes.flatMap((o) => o.changes),
  };
}

/** The moves a committed transaction made, for `ctx.tx` to record in the same step as its commit. */
const movesOf = (result: unknown) => (result as Outcome).moves;

async function sendAll(ctx: ProcessContext, board: Scoreboard, outcome: Outcome): Promise<void> {
  // A send the broker does not acknowledge is sent again when the command's timer is due.
  for (const command of outcome.commands) await sendCommand(ctx, board, command);
}

/** Records the trip and starts its saga, in one transaction; a repeated request starts nothing. */
async function accept(ctx: ProcessContext, trip: Trip, settings: OrchestratorSettings): Promise<Outcome> {
  const outcome = await ctx.tx(
    `accept trip ${trip.id}`,
    { schema: 'trips', refs: [tripRef(trip.id)], moves: movesOf },
    async (q): Promise<Outcome> => {
      if (!(await recordTrip(q, trip))) return merge([]);
      const started = await startTripSaga(q, trip, ctx.now(), settings.stepTimeoutMs);
      settings.board.tripRequested(trip.id);
      return {
        commands: started.commands,
        moves: [{ entity: tripRef(trip.id), from: null, event: 'requested', to: started.to }],
        changes: [`trip ${trip.id}: requested → ${started.to}`],
      };
    },
  );
  return outcome;
}

/**
 * Applies a service's reply: its command stops being retried, and the saga machine decides
 * whether the answer moves the saga (a repeated or late answer does not). A refused undo stays
 * pending; its timer sends it again after a backoff.
 */
async function applyReply(ctx: ProcessContext, reply: Reply, settings: OrchestratorSettings): Promise<Outcome> {
  const event = `${reply.service}.${reply.answer.outcome}`;
  const outcome = await ctx.tx(
    `reply ${event} for trip ${reply.tripId}`,
    { schema: 'trips', refs: [tripRef(reply.tripId)], describe: (r) => (r as Outcome).changes.join('; '), moves: movesOf },
    async (q) => {
      if (reply.answer.outcome === 'unavailable') {
        return { ...merge([]), changes: [`trip ${reply.tripId}: ${reply.action} ${reply.service} refused for now`] };
      }
      await q.query(`UPDATE saga_commands SET status = 'done', outcome = $2 WHERE command_id = $1 AND status = 'pending'`, [
        reply.commandId,
        reply.answer.outcome,
      ]);
      const change = await advanceTripSaga(q, reply.tripId, { type: event } as SagaEvent, ctx.now(), settings.stepTimeoutMs);
      ctx.crashPoint('before_commit');
      return outcomeOf(reply.tripId, event, change);
    },
  );
  return outcome;
}

/** Feeds each saga its event, in the caller's transaction. */
async function advanceEach(
  q: Queryable,
  fired: ReadonlyArray<{ trip_id: number; event: SagaEvent['type'] }>,
  nowMs: number,
  settings: OrchestratorSettings,
): Promise<Outcome> {
  const outcomes: Outcome[] = [];
  for (const { trip_id, event } of fired) {
    const change = await advanceTripSaga(q, trip_id, { type: event } as SagaEvent, nowMs, settings.stepTimeoutMs);
    if (event === 'compensation.escalated') settings.board.escalated();
    outcomes.push(outcomeOf(trip_id, event, change));
  }
  return merge(outcomes);
}

/** The sagas due an event now: past their deadline before the pivot, or an undo out of attempts. */
async function dueEvents(q: Queryable, nowMs: number, maxUndoAttempts: number) {
  const { rows } = await q.query<{ trip_id: number; event: 'deadline.passed' | 'compensation.escalated' }>(
    `SELECT trip_id, 'deadline.passed' AS event FROM sagas WHERE state = 'running' AND deadline_vt <= $1
     UNION ALL
     SELECT trip_id, 'compensation.escalated' FROM saga_commands
      WHERE status = 'pending' AND action IN ('cancel', 'refund') AND attempts >= $2 AND next_attempt_vt <= $1
     ORDER BY 2, 1`,
    [nowMs, maxUndoAttempts],
  );
  return rows;
}

/**
 * One look at the timers, in one transaction: deadlines and escalations first, then every
 * command whose reply is overdue goes again with the same id (its outcome is unknown: the
 * service may have done it, and its inbox will say so), with the wait doubling each time.
 * Returns the commands to send and when to look next.
 */
async function lookAtTimers(ctx: ProcessContext, settings: OrchestratorSettings): Promise<Outcome & { nextVt: number }> {
  const outcome = await ctx.tx(
    'look at deadlines and retries',
    {
      schema: 'trips',
      refs: (r) => [...new Set((r as Outcome).commands.map((c) => tripRef(c.trip.id)))],
      describe: (r) => [...(r as Outcome).changes, `${(r as Outcome).commands.length} commands to send`].join('; '),
      moves: movesOf,
    },
    async (q) => {
      const now = ctx.now();
      const fired = await advanceEach(q, await dueEvents(q, now, settings.maxUndoAttempts), now, settings);
      const overdue = await claimOverdueCommands(q, now, settings.stepTimeoutMs);
      const nextVt = Math.min((await nextTimerVt(q)) ?? Infinity, now + IDLE_LOOK_MS);
      return { ...fired, commands: [...fired.commands, ...overdue], nextVt };
    },
  );
  return outcome;
}

/**
 * The saga orchestrator: it takes customers' trips, sends each step's command, applies the
 * replies through the saga state machine, and keeps timers for replies that do not come. All
 * it knows is in its tables, so a restarted orchestrator carries on where the last one was:
 * its first act is to look at its timers.
 */
export function sagaOrchestrator(desk: TripDesk, settings: OrchestratorSettings) {
  return async (ctx: ProcessContext): Promise<void> => {
    const replies = ctx.subscribe(REPLIES_TOPIC, 'orchestrator');
    let lookAtVt = ctx.now();
    for (;;) {
      const trip = desk.peek();
      if (trip && trip.requestedMs <= ctx.now()) {
        const accepted = await accept(ctx, trip, settings);
        ctx.crashPoint('after_accept');
        await sendAll(ctx, settings.board, accepted);
        desk.answer(trip);
        lookAtVt = Math.min(lookAtVt, ctx.now() + settings.stepTimeoutMs, trip.deadlineMs);
      } else if (ctx.now() >= lookAtVt) {
        const timers = await lookAtTimers(ctx, settings);
        await sendAll(ctx, settings.board, timers);
        lookAtVt = timers.nextVt;
      } else {
        const delivery = await replies.next(Math.min(lookAtVt, trip?.requestedMs ?? Infinity) - ctx.now());
        if (!delivery) continue;
        const applied = await applyReply(ctx, delivery.record.payload as Reply, settings);
        ctx.crashPoint('between_steps');
        await sendAll(ctx, settings.board, applied);
        if (applied.commands.length > 0) lookAtVt = Math.min(lookAtVt, ctx.now() + settings.stepTimeoutMs);
        await replies.commit(delivery);
      }
    }
  };
}

/** How often the human on call looks at the queue of escalated trips. */
const OPERATOR_LOOK_MS = 2_000;

/**
 * The human on call: takes an escalated trip once it has waited `humanDelayMs` (time to see the
 * alert and fix what blocked the undo) and re-drives it, which sends its undo again.
 */
export function operator(humanDelayMs: number, settings: OrchestratorSettings) {
  return async (ctx: ProcessContext): Promise<void> => {
    for (;;) {
      await ctx.sleep(OPERATOR_LOOK_MS);
      const redriven = await ctx.tx(
        'look at escalated trips',
        { schema: 'trips', describe: (r) => (r as Outcome).changes.join('; ') || 'no escalated trips', moves: movesOf },
        async (q) => {
          const { rows } = await q.query<{ trip_id: number; event: 'compensation.redriven' }>(
            `SELECT trip_id, 'compensation.redriven' AS event FROM sagas
              WHERE state = 'failed_needs_human' AND updated_vt + $2 <= $1 ORDER BY trip_id`,
            [ctx.now(), humanDelayMs],
          );
          return advanceEach(q, rows, ctx.now(), settings);
        },
      );
      await sendAll(ctx, settings.board, redriven);
    }
  };
}
