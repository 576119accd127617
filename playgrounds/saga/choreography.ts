import type { ProcessContext } from '../kernel/process.ts';
import { announce } from './bus.ts';
import { acceptTrip, type TripDesk } from './front-desk.ts';
import {
  eventId,
  TRIP_EVENTS_TOPIC,
  tripRef,
  type Action,
  type Answer,
  type Outcome,
  type TripEvent,
  type TripEventType,
} from './messages.ts';
import { handleRequest, type ParticipantSettings } from './participant.ts';
import type { Step } from './schema.ts';
import type { Scoreboard } from './scoreboard.ts';

/**
 * Who reacts to what. Nobody runs the saga: each service knows only the events that concern
 * it. The forward chain is flight → hotel → car → payment; a refusal travels back down it, each
 * service undoing its own step and announcing that it did, so undos run newest first.
 */
const REACTIONS: Readonly<Record<Step, Partial<Record<TripEventType, Action>>>> = {
  flight: { TripRequested: 'book', HotelRefused: 'cancel', HotelCancelled: 'cancel', PaymentCharged: 'confirm' },
  hotel: { FlightBooked: 'book', CarRefused: 'cancel', CarCancelled: 'cancel', PaymentCharged: 'confirm' },
  car: { HotelBooked: 'book', PaymentDeclined: 'cancel', PaymentCharged: 'confirm' },
  payment: { CarBooked: 'charge' },
};

/** What a service announces after each outcome; confirmations end the chain silently. */
const ANNOUNCEMENTS: Readonly<Record<Step, Partial<Record<Outcome, TripEventType>>>> = {
  flight: { booked: 'FlightBooked', refused: 'FlightRefused', cancelled: 'FlightCancelled' },
  hotel: { booked: 'HotelBooked', refused: 'HotelRefused', cancelled: 'HotelCancelled' },
  car: { booked: 'CarBooked', refused: 'CarRefused', cancelled: 'CarCancelled' },
  payment: { charged: 'PaymentCharged', declined: 'PaymentDeclined' },
};

/** How long a service waits on a quiet topic before it looks again. */
const IDLE_WAIT_MS = 1_000;

/** How a service in choreography keeps at an undo its back office refuses. */
export interface UndoRetry {
  /** Wait before the first retry of a refused undo; it doubles with each retry. */
  retryMs: number;
  /** Refusals in a row before the undo goes to a human. */
  maxAttempts: number;
  /** How long the human takes to look and re-drive it. */
  humanDelayMs: number;
}

/**
 * Does one reaction, retrying a refused undo until it goes through. With no orchestrator, the
 * service itself must keep at it, and its own queue of events waits meanwhile.
 */
async function react(ctx: ProcessContext, service: Step, event: TripEvent, action: Action, settings: ParticipantSettings & UndoRetry) {
  const request = { requestId: eventId(event), action, trip: event.trip };
  let answer: Answer = await handleRequest(ctx, service, request, settings);
  for (let attempt = 1; answer.outcome === 'unavailable'; attempt++) {
    if (attempt % settings.maxAttempts === 0) {
      settings.board.escalated();
      ctx.note('effect', `trip ${event.trip.id}: ${action} ${service} refused ${attempt} times, handed to a human`, [
        tripRef(event.trip.id),
      ]);
      await ctx.sleep(settings.humanDelayMs);
    } else {
      await ctx.sleep(settings.retryMs * 2 ** (attempt - 1));
    }
    answer = await handleRequest(ctx, service, request, settings);
  }
  return answer;
}

/**
 * A service in choreography: it reads every trip event, reacts to the ones that concern it in
 * one transaction (inbox, effect and the answer it will announce), announces the result, and
 * only then moves its position. A crash between the commit and the announcement brings the
 * event back; the inbox gives the stored answer, and the same announcement goes out again.
 */
export function choreographedService(service: Step, settings: ParticipantSettings & UndoRetry) {
  return async (ctx: ProcessContext): Promise<void> => {
    const events = ctx.subscribe(TRIP_EVENTS_TOPIC, service);
    for (;;) {
      const delivery = await events.next(IDLE_WAIT_MS);
      if (!delivery) continue;
      const event = delivery.record.payload as TripEvent;
      const action = REACTIONS[service][event.type];
      if (action) {
        const answer = await react(ctx, service, event, action, settings);
        ctx.crashPoint('after_commit_before_reply');
        const next = ANNOUNCEMENTS[service][answer.outcome];
        if (next) await announce(ctx, settings.board, { type: next, trip: event.trip });
      }
      await events.commit(delivery);
    }
  };
}

/**
 * The travel agency in choreography: it records the trip and announces it, and that is all it
 * knows. Whether the trip was booked is written in four other services' tables.
 */
export function tripService(desk: TripDesk, board: Scoreboard) {
  return async (ctx: ProcessContext): Promise<void> => {
    for (let trip = desk.peek(); trip; trip = desk.peek()) {
      await acceptTrip(ctx, trip, board);
      await announce(ctx, board, { type: 'TripRequested', trip });
      desk.answer(trip);
    }
  };
}
