import type { StateValue } from 'xstate';
import type { Queryable } from '../db/types.ts';
import {
  advanceSaga,
  pendingCommands,
  restoreSaga,
  sagaStatus,
  sagaStep,
  sameState,
  startSaga,
  type SagaEvent,
  type SagaSnapshot,
} from './machine.ts';
import { commandId, type Action, type Command } from './messages.ts';
import type { Step } from './schema.ts';
import { sagaBox } from './statechart.ts';
import type { Trip } from './workload.ts';
import { TRIP_COLUMNS, tripOf, type TripRow } from './front-desk.ts';

/**
 * The orchestrator's saga state in Postgres. Every change happens in the caller's transaction:
 * the saga's new state, the commands it now owes, and the ones it no longer owes commit
 * together, so a crash leaves either the old state with its commands or the new one with its.
 */

/**
 * What an event did to a saga: the statechart boxes it went from and to (`to` is null when the
 * machine ignored the event), and the commands of the states just entered, to send.
 */
export interface SagaChange {
  from: string;
  to: string | null;
  commands: Command[];
}

/**
 * Makes the command table match the state: commands of states just left stop being retried,
 * commands of states just entered are created due at the first timeout (the caller sends them
 * right after commit; the timer only matters if that send is lost). A command superseded
 * earlier comes back when a human re-drives its state. Returns the commands to send now.
 */
async function reconcileCommands(
  q: Queryable,
  trip: Trip,
  snapshot: SagaSnapshot,
  nowMs: number,
  stepTimeoutMs: number,
): Promise<Command[]> {
  const owed = pendingCommands(snapshot).map((c) => ({ ...c, requestId: commandId(trip.id, c.service, c.action) }));
  const ids = owed.map((c) => c.requestId);
  await q.query(
    `UPDATE saga_commands SET status = 'superseded' WHERE trip_id = $1 AND status = 'pending' AND NOT (command_id = ANY($2::text[]))`,
    [trip.id, ids],
  );
  const { rows } = await q.query<{ command_id: string }>(
    `INSERT INTO saga_commands (command_id, trip_id, service, action, status, attempts, next_attempt_vt)
     SELECT owed.id, $1, owed.service, owed.action, 'pending', 1, $5
       FROM unnest($2::text[], $3::text[], $4::text[]) AS owed (id, service, action)
     ON CONFLICT (command_id) DO UPDATE SET status = 'pending', attempts = 1, next_attempt_vt = EXCLUDED.next_attempt_vt
       WHERE saga_commands.status = 'superseded'
     RETURNING command_id`,
    [trip.id, ids, owed.map((c) => c.service), owed.map((c) => c.action), nowMs + stepTimeoutMs],
  );
  const fresh = new Set(rows.map((r) => r.command_id));
  return owed.filter((c) => fresh.has(c.requestId)).map((c) => ({ ...c, trip }));
}

/** Starts the saga of a freshly recorded trip. */
export async function startTripSaga(
  q: Queryable,
  trip: Trip,
  nowMs: number,
  stepTimeoutMs: number,
): Promise<{ to: string; commands: Command[] }> {
  const snapshot = startSaga();
  await q.query(`INSERT INTO sagas (trip_id, state, step, machine, version, deadline_vt, updated_vt) VALUES ($1, $2, $3, $4, 1, $5, $6)`, [
    trip.id,
    sagaStatus(snapshot),
    sagaStep(snapshot),
    JSON.stringify(snapshot.value),
    trip.deadlineMs,
    nowMs,
  ]);
  return { to: sagaBox(snapshot), commands: await reconcileCommands(q, trip, snapshot, nowMs, stepTimeoutMs) };
}

/**
 * Feeds an event to a saga through the state machine, which is the only judge of whether it
 * applies: a late or repeated answer to a step the saga has moved past changes nothing.
 */
export async function advanceTripSaga(
  q: Queryable,
  tripId: number,
  event: SagaEvent,
  nowMs: number,
  stepTimeoutMs: number,
): Promise<SagaChange> {
  const { rows } = await q.query<TripRow & { machine: StateValue }>(
    `SELECT s.machine, ${TRIP_COLUMNS} FROM sagas s JOIN trips t ON t.id = s.trip_id WHERE s.trip_id = $1 FOR UPDATE OF s`,
    [tripId],
  );
  if (!rows[0]) throw new Error(`no saga for trip ${tripId}`);
  const before = restoreSaga(rows[0].machine);
  const after = advanceSaga(before, event);
  if (sameState(before, after)) return { from: sagaBox(before), to: null, commands: [] };
  await q.query(`UPDATE sagas SET state = $2, step = $3, machine = $4, version = version + 1, updated_vt = $5 WHERE trip_id = $1`, [
    tripId,
    sagaStatus(after),
    sagaStep(after),
    JSON.stringify(after.value),
    nowMs,
  ]);
  const commands = await reconcileCommands(q, tripOf(rows[0]), after, nowMs, stepTimeoutMs);
  return { from: sagaBox(before), to: sagaBox(after), commands };
}

/**
 * Every command whose reply is overdue, counted as sent once more and given its next timer:
 * the wait doubles with each attempt, up to eight timeouts. Its outcome is unknown, so it goes
 * again with the same id, and the service's inbox says whether it was done already.
 */
export async function claimOverdueCommands(q: Queryable, nowMs: number, stepTimeoutMs: number): Promise<Command[]> {
  const { rows } = await q.query<TripRow & { command_id: string; service: Step; action: Action }>(
    `WITH due AS (
       UPDATE saga_commands SET attempts = attempts + 1, next_attempt_vt = $1 + $2 * power(2, least(attempts, 3))::bigint
        WHERE status = 'pending' AND next_attempt_vt <= $1
        RETURNING command_id, trip_id, service, action)
     SELECT due.command_id, due.service, due.action, ${TRIP_COLUMNS} FROM due JOIN trips t ON t.id = due.trip_id
      ORDER BY due.command_id`,
    [nowMs, stepTimeoutMs],
  );
  return rows.map((row) => ({ requestId: row.command_id, service: row.service, action: row.action, trip: tripOf(row) }));
}

/** When the orchestrator's next timer is due: a command's retry or a running saga's deadline. */
export async function nextTimerVt(q: Queryable): Promise<number | null> {
  const { rows } = await q.query<{ next_vt: number | null }>(
    `SELECT least((SELECT min(next_attempt_vt) FROM saga_commands WHERE status = 'pending'),
                  (SELECT min(deadline_vt) FROM sagas WHERE state = 'running'))::float8 AS next_vt`,
  );
  return rows[0]?.next_vt ?? null;
}
