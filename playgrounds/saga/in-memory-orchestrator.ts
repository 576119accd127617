import type { Consumer } from '../kernel/broker.ts';
import { Crash, Timeout, type ProcessContext } from '../kernel/process.ts';
import { awaitReply, sendCommand } from './bus.ts';
import { acceptTrip, type TripDesk } from './front-desk.ts';
import { commandId, REPLIES_TOPIC, tripRef, type Action } from './messages.ts';
import { BOOKABLE, STEPS, type Step } from './schema.ts';
import type { Scoreboard } from './scoreboard.ts';
import type { Trip } from './workload.ts';

/** Tries of one call before the naive orchestrator gives up on it. */
const TRIES = 2;

const FORWARD: Readonly<Record<Step, Action>> = { flight: 'book', hotel: 'book', car: 'book', payment: 'charge' };
const UNDO: Readonly<Record<Step, Action>> = { flight: 'cancel', hotel: 'cancel', car: 'cancel', payment: 'refund' };

class StepRefused extends Error {}

/**
 * A synchronous call as the naive code sees it: send, wait, and on a timeout send again. Each
 * try is a new request with no idempotency key, so a service that did the first one does the
 * second one too.
 */
async function call(ctx: ProcessContext, replies: Consumer, trip: Trip, step: Step, action: Action, timeoutMs: number, board: Scoreboard) {
  for (let attempt = 1; attempt <= TRIES; attempt++) {
    const requestId = `${commandId(trip.id, step, action)}#${attempt}`;
    await sendCommand(ctx, board, { requestId, service: step, action, trip });
    const answer = await awaitReply(ctx, replies, requestId, timeoutMs);
    if (answer) return answer;
  }
  throw new Timeout(`${action} ${step} for trip ${trip.id}`);
}

/**
 * "Distributed ACID by hand": the steps in a try block, the rollback in the catch. What it has
 * done lives only in this function's memory, so a crash forgets it; it undoes what it asked for
 * without waiting to hear that the undo worked; and a step that timed out is undone at once,
 * even if its request is merely late and will land after the undo.
 */
async function bookTrip(ctx: ProcessContext, replies: Consumer, trip: Trip, timeoutMs: number, board: Scoreboard) {
  const asked: Step[] = [];
  try {
    for (const step of STEPS) {
      asked.push(step);
      const answer = await call(ctx, replies, trip, step, FORWARD[step], timeoutMs, board);
      if (answer.outcome === 'refused' || answer.outcome === 'declined') {
        asked.pop();
        throw new StepRefused(`${step} refused for trip ${trip.id}`);
      }
      ctx.crashPoint('between_steps');
    }
    for (const service of BOOKABLE) await call(ctx, replies, trip, service, 'confirm', timeoutMs, board);
  } catch (error) {
    // A simulated crash is the process dying, not an error this code gets to handle.
    if (error instanceof Crash || !(error instanceof StepRefused || error instanceof Timeout)) throw error;
    ctx.note('effect', `trip ${trip.id}: rolling back (${error.message})`, [tripRef(trip.id)]);
    for (const step of asked.reverse()) {
      await sendCommand(ctx, board, { requestId: `${commandId(trip.id, step, UNDO[step])}#1`, service: step, action: UNDO[step], trip });
    }
  }
}

/**
 * The naive orchestrator: one trip at a time, its progress in memory. It records the trip (so
 * the customer gets an answer) and then runs the saga as a sequence of calls.
 */
export function inMemoryOrchestrator(desk: TripDesk, timeoutMs: number, board: Scoreboard) {
  return async (ctx: ProcessContext): Promise<void> => {
    const replies = ctx.subscribe(REPLIES_TOPIC, 'orchestrator');
    for (let trip = desk.peek(); trip; trip = desk.peek()) {
      await acceptTrip(ctx, trip, board);
      desk.answer(trip);
      await bookTrip(ctx, replies, trip, timeoutMs, board);
    }
  };
}
