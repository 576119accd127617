import type { Queryable } from '../db/types.ts';
import type { ProcessContext } from '../kernel/process.ts';
import { sendCommand } from './bus.ts';
import { recordTrip, type TripDesk } from './front-desk.ts';
import type { SagaEvent } from './machine.ts';
import { REPLIES_TOPIC, tripRef, type Command, type Reply } from './messages.ts';
import { advanceTripSaga, claimOverdueCommands, nextTimerVt, startTripSaga, type SagaChange } from './saga-store.ts';
import type { Scoreboard } from './scoreboard.ts';
import type { Trip } from './workload.ts';

export interface OrchestratorSettings {
  /** How long to wait for a service's reply before sending the command again. */
  stepTimeoutMs: number;
  /** Sends of an undo before it goes to a human. */
  maxUndoAttempts: number;
  board: Scoreboard;
}

/** The longest the orchestrator goes without looking at its timers, even when none is due. */
const IDLE_LOOK_MS = 5_000;

const label = (tripId: number, change: SagaChange | null, event: string) =>
  change ? `trip ${tripId}: ${change.from} → ${change.to} on ${event}` : `trip ${tripId}: ${event} ignored`;

async function sendAll(ctx: ProcessContext, board: Scoreboard, commands: readonly Command[]): Promise<void> {
  // A send the broker does not acknowledge is sent again when the command's timer is due.
  for (const command of commands) await sendCommand(ctx, board, command);
}

/** Records the trip and starts its saga, in one transaction; a repeated request starts nothing. */
async function accept(ctx: ProcessContext, trip: Trip, settings: OrchestratorSettings): Promise<Command[]> {
  return ctx.tx(`accept trip ${trip.id}`, { schema: 'trips', refs: [tripRef(trip.id)] }, async (q) => {
    if (!(await recordTrip(q, trip))) return [];
    const change = await startTripSaga(q, trip, ctx.now(), settings.stepTimeoutMs);
    settings.board.tripRequested(trip.id);
    return change.commands;
  });
}

/**
 * Applies a service's reply: the command is answered (a repeated or late reply finds it
 * answered or superseded and changes nothing), and the saga moves on. A refused undo stays
 * pending; its timer sends it again after a backoff.
 */
async function applyReply(ctx: ProcessContext, reply: Reply, settings: OrchestratorSettings): Promise<Command[]> {
  const event = `${reply.service}.${reply.answer.outcome}`;
  return ctx
    .tx(
      `reply ${event} for trip ${reply.tripId}`,
      { schema: 'trips', refs: [tripRef(reply.tripId)], describe: (r) => (r as { text: string }).text },
      async (q) => {
        if (reply.answer.outcome === 'unavailable')
          return { text: `trip ${reply.tripId}: ${reply.action} ${reply.service} refused for now`, commands: [] };
        const { rows } = await q.query(
          `UPDATE saga_commands SET status = 'done', outcome = $2 WHERE command_id = $1 AND status = 'pending' RETURNING 1`,
          [reply.commandId, reply.answer.outcome],
        );
        if (rows.length === 0) return { text: `trip ${reply.tripId}: ${event} already handled`, commands: [] };
        const change = await advanceTripSaga(q, reply.tripId, { type: event } as SagaEvent, ctx.now(), settings.stepTimeoutMs);
        ctx.crashPoint('before_commit');
        return { text: label(reply.tripId, change, event), commands: change?.commands ?? [] };
      },
    )
    .then((r) => r.commands);
}

/** Feeds each saga its event, in the caller's transaction: the commands to send, and a line each for the trace. */
async function advanceEach(
  q: Queryable,
  fired: ReadonlyArray<{ trip_id: number; event: SagaEvent['type'] }>,
  nowMs: number,
  settings: OrchestratorSettings,
): Promise<{ commands: Command[]; changes: string[] }> {
  const commands: Command[] = [];
  const changes: string[] = [];
  for (const { trip_id, event } of fired) {
    const change = await advanceTripSaga(q, trip_id, { type: event } as SagaEvent, nowMs, settings.stepTimeoutMs);
    if (event === 'compensation.escalated') settings.board.escalated();
    commands.push(...(change?.commands ?? []));
    changes.push(label(trip_id, change, event));
  }
  return { commands, changes };
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
async function lookAtTimers(ctx: ProcessContext, settings: OrchestratorSettings): Promise<{ commands: Command[]; nextVt: number }> {
  return ctx.tx(
    'look at deadlines and retries',
    {
      schema: 'trips',
      refs: (r) => [...new Set((r as { commands: Command[] }).commands.map((c) => tripRef(c.trip.id)))],
      describe: (r) => {
        const { changes, commands } = r as { changes: string[]; commands: Command[] };
        return [...changes, `${commands.length} commands to send`].join('; ');
      },
    },
    async (q) => {
      const now = ctx.now();
      const fired = await advanceEach(q, await dueEvents(q, now, settings.maxUndoAttempts), now, settings);
      const commands = [...fired.commands, ...(await claimOverdueCommands(q, now, settings.stepTimeoutMs))];
      return { commands, changes: fired.changes, nextVt: Math.min((await nextTimerVt(q)) ?? Infinity, now + IDLE_LOOK_MS) };
    },
  );
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
        const commands = await accept(ctx, trip, settings);
        ctx.crashPoint('after_accept');
        await sendAll(ctx, settings.board, commands);
        desk.answer(trip);
        lookAtVt = Math.min(lookAtVt, ctx.now() + settings.stepTimeoutMs, trip.deadlineMs);
      } else if (ctx.now() >= lookAtVt) {
        const timers = await lookAtTimers(ctx, settings);
        await sendAll(ctx, settings.board, timers.commands);
        lookAtVt = timers.nextVt;
      } else {
        const delivery = await replies.next(Math.min(lookAtVt, trip?.requestedMs ?? Infinity) - ctx.now());
        if (!delivery) continue;
        const commands = await applyReply(ctx, delivery.record.payload as Reply, settings);
        ctx.crashPoint('between_steps');
        await sendAll(ctx, settings.board, commands);
        if (commands.length > 0) lookAtVt = Math.min(lookAtVt, ctx.now() + settings.stepTimeoutMs);
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
      const { commands } = await ctx.tx(
        'look at escalated trips',
        { schema: 'trips', describe: (r) => (r as { changes: string[] }).changes.join('; ') || 'no escalated trips' },
        async (q) => {
          const { rows } = await q.query<{ trip_id: number; event: 'compensation.redriven' }>(
            `SELECT trip_id, 'compensation.redriven' AS event FROM sagas
              WHERE state = 'failed_needs_human' AND updated_vt + $2 <= $1 ORDER BY trip_id`,
            [ctx.now(), humanDelayMs],
          );
          return advanceEach(q, rows, ctx.now(), settings);
        },
      );
      await sendAll(ctx, settings.board, commands);
    }
  };
}
