import type { ProcessContext } from '../kernel/process.ts';
import { sendReply } from './bus.ts';
import { commandTopic, type Command } from './messages.ts';
import { handleRequest, type ParticipantSettings } from './participant.ts';
import type { Step } from './schema.ts';

/** How long a service waits on an empty command topic before it looks again. */
const IDLE_WAIT_MS = 1_000;

/**
 * A service under orchestration: it takes commands off its topic, does each in one transaction
 * and replies. It commits its position only after replying, so a crash in between brings the
 * command back, and the inbox answers it again without doing it twice.
 */
export function commandedService(service: Step, settings: ParticipantSettings) {
  return async (ctx: ProcessContext): Promise<void> => {
    const commands = ctx.subscribe(commandTopic(service), service);
    for (;;) {
      const delivery = await commands.next(IDLE_WAIT_MS);
      if (!delivery) continue;
      const command = delivery.record.payload as Command;
      const answer = await handleRequest(ctx, service, command, settings);
      ctx.crashPoint('after_commit_before_reply');
      await sendReply(ctx, settings.board, {
        commandId: command.requestId,
        tripId: command.trip.id,
        service,
        action: command.action,
        answer,
      });
      await commands.commit(delivery);
    }
  };
}
