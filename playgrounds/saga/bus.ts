import type { Consumer } from '../kernel/broker.ts';
import { Timeout, type ProcessContext } from '../kernel/process.ts';
import {
  commandTopic,
  eventId,
  REPLIES_TOPIC,
  TRIP_EVENTS_TOPIC,
  tripRef,
  type Answer,
  type Command,
  type Reply,
  type TripEvent,
} from './messages.ts';
import type { Scoreboard } from './scoreboard.ts';

/** How long a publisher that must get its message out waits before it tries again. */
const REPUBLISH_MS = 100;

/**
 * Sends a command to its service. When the broker does not acknowledge it, the sender cannot
 * tell whether it was stored; whoever owns the command's retry sends it again.
 */
export async function sendCommand(ctx: ProcessContext, board: Scoreboard, command: Command): Promise<void> {
  board.messageSent();
  try {
    await ctx.publish(commandTopic(command.service), {
      key: String(command.trip.id),
      id: command.requestId,
      type: `${command.action} ${command.service}`,
      payload: command,
      refs: [tripRef(command.trip.id)],
    });
  } catch (error) {
    if (!(error instanceof Timeout)) throw error;
  }
}

/** Sends a service's reply to the orchestrator; a lost one is made good by the command's retry. */
export async function sendReply(ctx: ProcessContext, board: Scoreboard, reply: Reply): Promise<void> {
  board.messageSent();
  try {
    await ctx.publish(REPLIES_TOPIC, {
      key: String(reply.tripId),
      id: `${reply.commandId}/reply`,
      type: `${reply.service} ${reply.answer.outcome}`,
      payload: reply,
      refs: [tripRef(reply.tripId)],
    });
  } catch (error) {
    if (!(error instanceof Timeout)) throw error;
  }
}

/**
 * Announces a choreography event, until the broker acknowledges it. Nobody else would ever
 * send it again: in choreography there is no orchestrator to notice that a trip went quiet.
 */
export async function announce(ctx: ProcessContext, board: Scoreboard, event: TripEvent): Promise<void> {
  for (;;) {
    board.messageSent();
    try {
      await ctx.publish(TRIP_EVENTS_TOPIC, {
        key: String(event.trip.id),
        id: eventId(event),
        type: event.type,
        payload: event,
        refs: [tripRef(event.trip.id)],
      });
      return;
    } catch (error) {
      if (!(error instanceof Timeout)) throw error;
      await ctx.sleep(REPUBLISH_MS);
    }
  }
}

/**
 * Waits for the reply to one request, throwing away every other reply that comes meanwhile
 * (late answers to earlier requests included).
 */
export async function awaitReply(ctx: ProcessContext, replies: Consumer, requestId: string, timeoutMs: number): Promise<Answer | null> {
  const deadline = ctx.now() + timeoutMs;
  while (ctx.now() < deadline) {
    const delivery = await replies.next(deadline - ctx.now());
    if (!delivery) return null;
    await replies.commit(delivery);
    const reply = delivery.record.payload as Reply;
    if (reply.commandId === requestId) return reply.answer;
  }
  return null;
}
