import type { Step } from './schema.ts';
import type { Trip } from './workload.ts';

/**
 * What a service is asked to do: a forward action, a confirmation after the pivot, or an undo;
 * under two-phase commit, to prepare (vote), then to commit or abort what it prepared.
 */
export type Action = 'book' | 'charge' | 'confirm' | 'cancel' | 'refund' | 'prepare' | 'commit' | 'abort';

/** How a service answers. `unavailable` means "not now, ask again": nothing changed. */
export type Outcome = 'booked' | 'refused' | 'charged' | 'declined' | 'confirmed' | 'cancelled' | 'refunded' | 'unavailable' | 'prepared';

/** A service's answer to one request, as stored in its inbox and sent back. */
export interface Answer {
  outcome: Outcome;
  /** Why a request was refused, for the reader (sold out, declined, too late). */
  reason?: string;
}

/** A request to a service, whoever sends it: the orchestrator, or an event the service reacts to. */
export interface ServiceRequest {
  /** The id the service deduplicates on: a command id, or the id of the event it reacts to. */
  requestId: string;
  action: Action;
  trip: Trip;
}

/** A command from the orchestrator. Retries carry the same id, so the service can recognise them. */
export interface Command extends ServiceRequest {
  service: Step;
}

/** A service's reply to a command. */
export interface Reply {
  commandId: string;
  tripId: number;
  service: Step;
  action: Action;
  answer: Answer;
}

/** Where the orchestrator sends a service's commands. */
export function commandTopic(service: Step): string {
  return `${service}-commands`;
}
/** Where every service's replies go back to the orchestrator. */
export const REPLIES_TOPIC = 'saga-replies';

/** In choreography every service announces what it did here, and reacts to what the others did. */
export const TRIP_EVENTS_TOPIC = 'trip-events';

/** What the services announce in choreography. */
export type TripEventType =
  | 'TripRequested'
  | 'FlightBooked'
  | 'FlightRefused'
  | 'FlightCancelled'
  | 'HotelBooked'
  | 'HotelRefused'
  | 'HotelCancelled'
  | 'CarBooked'
  | 'CarRefused'
  | 'CarCancelled'
  | 'PaymentCharged'
  | 'PaymentDeclined';

/** A choreography event: what happened, and the whole trip, so the next service needs no lookup. */
export interface TripEvent {
  type: TripEventType;
  trip: Trip;
}

/** The one id of an event: republishing it after a crash gives the same id, so consumers skip it. */
export function eventId(event: TripEvent): string {
  return `${event.trip.id}/${event.type}`;
}

/** A command's id: one per trip, service and action, the same on every retry. */
export function commandId(tripId: number, service: Step, action: Action): string {
  return `${tripId}/${service}/${action}`;
}

/** How the trace names a trip, to link every event about it. */
export function tripRef(tripId: number | string): string {
  return `trip:${tripId}`;
}

/** Undoing actions: the ones whose failure is retried and, in the end, escalated to a human. */
export function isCompensation(action: Action): boolean {
  return action === 'cancel' || action === 'refund';
}
