/**
 * The page's handle on the playground worker. Every playground on a page shares one worker
 * (and so one database); the first to become visible starts it.
 */
import * as Comlink from 'comlink';
import type { BootProgress, PlaygroundWorkerApi } from './api.ts';
import { snapshotUrl } from './snapshot-url.ts';

export type WorkerHandle = Comlink.Remote<PlaygroundWorkerApi>;

interface Shared {
  worker: Worker;
  api: WorkerHandle;
  ready: Promise<{ bootMs: number; fromSnapshot: boolean }>;
}

let shared: Shared | undefined;
const listeners = new Set<(progress: BootProgress) => void>();
let lastProgress: BootProgress = { stage: 'download', loadedBytes: 0, totalBytes: 0 };

/** The shared worker, booting it on first use; `onProgress` hears the download progress. */
export function playgroundWorker(onProgress?: (progress: BootProgress) => void): Shared {
  if (onProgress) {
    listeners.add(onProgress);
    onProgress(lastProgress);
  }
  if (!shared) {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'faultline-playgrounds' });
    const api = Comlink.wrap<PlaygroundWorkerApi>(worker);
    const progress = Comlink.proxy((p: BootProgress) => {
      lastProgress = p;
      for (const listener of listeners) listener(p);
    });
    shared = { worker, api, ready: api.boot(snapshotUrl(), progress) };
  }
  return shared;
}

/** Stops listening to boot progress. */
export function stopListening(onProgress: (progress: BootProgress) => void): void {
  listeners.delete(onProgress);
}

/**
 * Throws the worker away and starts a new one: the way out of a query that never returns
 * (PGlite cannot interrupt one). Callers then replay their runs, which determinism makes exact.
 */
export function replaceWorker(): Shared {
  shared?.worker.terminate();
  shared = undefined;
  lastProgress = { stage: 'download', loadedBytes: 0, totalBytes: 0 };
  const next = playgroundWorker();
  for (const listener of replacedListeners) void listener();
  return next;
}

const replacedListeners = new Set<() => void | Promise<void>>();

/** Calls `listener` whenever the worker is replaced; returns the unsubscribe function. */
export function onWorkerReplaced(listener: () => void | Promise<void>): () => void {
  replacedListeners.add(listener);
  return () => replacedListeners.delete(listener);
}
