import type { Consumer } from '../kernel/broker.ts';
import type { ProcessContext } from '../kernel/process.ts';
import { awaitReply, sendCommand } from './bus.ts';
import { acceptTrip, TRIP_COLUMNS, tripOf, type TripDesk, type TripRow } from './front-desk.ts';
import { commandId, REPLIES_TOPIC, tripRef, type Action, type Answer } from './messages.ts';
import { STEPS, type Step } from './schema.ts';
import type { Scoreboard } from './scoreboard.ts';
import type { Trip } from './workload.ts';

/**
 * The strawman the saga replaces: two-phase commit across the four services. A coordinator
 * enlists the services one by one (each prepares and votes: the flight, hotel and car by
 * booking and keeping their offer's row locked, the bank by checking the card), writes its
 * decision to its log, then tells every service to commit or abort. It is atomic, and it
 * blocks: a prepared service may neither commit nor abort alone, so whatever it locked stays
 * locked until the coordinator's decision reaches it, however long that takes.
 */

type Decision = 'commit' | 'abort';

/** Time kept before a trip's deadline for the commit round: a trip that gets this close is aborted. */
const COMMIT_ROUND_MS = 100;

export interface CoordinatorSettings {
  /** How long to wait for a vote or an acknowledgement before asking again (same id). */
  stepTimeoutMs: number;
  board: Scoreboard;
}

/**
 * Asks one service until it answers. A service that answers "wait" (a row lock another trip
 * holds) is asked again after a pause; with `until`, the asking stops at that time (null).
 */
async function ask(
  ctx: ProcessContext,
  replies: Consumer,
  trip: Trip,
  service: Step,
  action: Action,
  settings: CoordinatorSettings,
  until?: number,
): Promise<Answer | null> {
  const requestId = commandId(trip.id, service, action);
  for (;;) {
    await sendCommand(ctx, settings.board, { requestId, service, action, trip });
    const answer = await awaitReply(ctx, replies, requestId, settings.stepTimeoutMs);
    if (answer && answer.outcome !== 'unavailable') return answer;
    if (until !== undefined && ctx.now() >= until) return null;
    if (answer) await ctx.sleep(settings.stepTimeoutMs);
  }
}

/** Writes the decision before anyone hears it: after a crash, the log is what the coordinator knows. */
async function decide(ctx: ProcessContext, trip: Trip, decision: Decision): Promise<void> {
  await ctx.tx(`trip ${trip.id}: decide ${decision}`, { schema: 'trips', refs: [tripRef(trip.id)] }, async (q) => {
    await q.query(`UPDATE tpc_log SET decision = $2, decided_vt = $3 WHERE trip_id = $1 AND decision IS NULL`, [
      trip.id,
      decision,
      ctx.now(),
    ]);
  });
}

/** The second phase: every enlisted service hears the decision (aborts newest first), then the trip is done. */
async function complete(
  ctx: ProcessContext,
  replies: Consumer,
  trip: Trip,
  decision: Decision,
  enlisted: readonly Step[],
  settings: CoordinatorSettings,
): Promise<void> {
  const order = decision === 'commit' ? enlisted : [...enlisted].reverse();
  for (const service of order) await ask(ctx, replies, trip, service, decision, settings);
  await ctx.tx(`trip ${trip.id}: ${decision} acknowledged by all`, { schema: 'trips', refs: [tripRef(trip.id)] }, async (q) => {
    await q.query(`UPDATE tpc_log SET finished_vt = $2 WHERE trip_id = $1`, [trip.id, ctx.now()]);
  });
}

/** One trip: enlist and collect the votes, decide, complete. */
async function runTrip(ctx: ProcessContext, replies: Consumer, trip: Trip, settings: CoordinatorSettings): Promise<void> {
  const enlisted: Step[] = [];
  let decision: Decision = 'commit';
  for (const service of STEPS) {
    // Enlisted before the vote comes back: a service that never answered may still have prepared.
    enlisted.push(service);
    const vote = await ask(ctx, replies, trip, service, 'prepare', settings, trip.deadlineMs - COMMIT_ROUND_MS);
    if (vote?.outcome !== 'prepared') {
      decision = 'abort';
      break;
    }
  }
  if (ctx.now() > trip.deadlineMs - COMMIT_ROUND_MS) decision = 'abort';
  ctx.crashPoint('before_decision');
  await decide(ctx, trip, decision);
  ctx.crashPoint('after_decision');
  await complete(ctx, replies, trip, decision, enlisted, settings);
}

/** After a restart: finish every trip the log has open. No decision logged means abort (presumed abort). */
async function recover(ctx: ProcessContext, replies: Consumer, settings: CoordinatorSettings): Promise<void> {
  const open = await ctx.tx('read the coordinator log', { schema: 'trips' }, async (q) => {
    const { rows } = await q.query<TripRow & { decision: Decision | null }>(
      `SELECT l.decision, ${TRIP_COLUMNS} FROM tpc_log l JOIN trips t ON t.id = l.trip_id
        WHERE l.coordinator = $1 AND l.finished_vt IS NULL ORDER BY l.trip_id`,
      [ctx.name],
    );
    return rows;
  });
  for (const row of open) {
    const trip = tripOf(row);
    const decision = row.decision ?? 'abort';
    if (row.decision === null) await decide(ctx, trip, decision);
    await complete(ctx, replies, trip, decision, STEPS, settings);
  }
}

/**
 * One coordinator of a pool: the trips of its own desk, one at a time. Several coordinators run
 * side by side, as an application server's threads would, so their trips compete for the same
 * rows.
 */
export function twoPhaseCoordinator(desk: TripDesk, settings: CoordinatorSettings) {
  return async (ctx: ProcessContext): Promise<void> => {
    const replies = ctx.subscribe(REPLIES_TOPIC, ctx.name);
    await recover(ctx, replies, settings);
    for (let trip = desk.peek(); trip; trip = desk.peek()) {
      const taken = trip;
      await acceptTrip(ctx, taken, settings.board, (q) =>
        q.query(`INSERT INTO tpc_log (trip_id, coordinator) VALUES ($1, $2) ON CONFLICT (trip_id) DO NOTHING`, [taken.id, ctx.name]),
      );
      desk.answer(taken);
      await runTrip(ctx, replies, taken, settings);
    }
  };
}
