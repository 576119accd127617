/**
 * The page's handle on a durable worker. Unlike the shared playground worker, each handle owns
 * its worker outright, so the page can really kill it (`terminate()`) and start another.
 */
import * as Comlink from 'comlink';
import type { DurableWorkerApi } from './durable-api.ts';

export interface DurableWorkerHandle {
  api: Comlink.Remote<DurableWorkerApi>;
  /** Kills the worker at once, mid-transaction if it is in one: no cleanup runs in it. */
  terminate(): void;
}

/** Starts a new durable worker. */
export function startDurableWorker(): DurableWorkerHandle {
  const worker = new Worker(new URL('./durable-worker.ts', import.meta.url), { type: 'module', name: 'faultline-durable' });
  return { api: Comlink.wrap<DurableWorkerApi>(worker), terminate: () => worker.terminate() };
}
