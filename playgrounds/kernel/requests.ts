import type { ProcessContext } from './process.ts';

/** A request from outside the system (a customer's click), due at a virtual time. */
export interface ClientRequest<T> {
  /** A stable id, the same in every variant of a comparison. */
  id: string;
  atMs: number;
  body: T;
}

/**
 * The requests clients send to one process. Clients retry until they get an answer, so a
 * request the process was handling when it crashed comes back after the restart: the process
 * must cope with seeing it twice. Client state lives here, outside the process, and survives
 * its crashes.
 */
export class RequestQueue<T> {
  private readonly waiting: ClientRequest<T>[];

  constructor(requests: ReadonlyArray<ClientRequest<T>>) {
    this.waiting = [...requests].sort((a, b) => a.atMs - b.atMs || (a.id < b.id ? -1 : 1));
  }

  /** The oldest unanswered request, waiting for it to arrive; null when every request is answered. */
  async next(ctx: ProcessContext): Promise<ClientRequest<T> | null> {
    const request = this.waiting[0];
    if (!request) return null;
    if (request.atMs > ctx.now()) await ctx.sleep(request.atMs - ctx.now());
    return request;
  }

  /** Marks a request answered: the client stops retrying it. */
  answer(request: ClientRequest<T>): void {
    if (this.waiting[0] !== request) throw new Error(`answered ${request.id} out of turn`);
    this.waiting.shift();
  }
}
