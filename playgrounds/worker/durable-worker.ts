/**
 * The durable worker's entry point: the same playground host as the page's shared worker, over
 * a PGlite kept in OPFS (or IndexedDB). It exists to be killed: the page terminates it mid-job,
 * starts another, and the new one opens the same storage and carries on from what was committed.
 */
import * as Comlink from 'comlink';
import {
  findDurableDatabase,
  openDurableDatabase,
  wipeDurableDatabase,
  type DurableDatabase,
  type OpenStep,
  type WaitClock,
} from '../db/durable.ts';
import type { BootProgress } from './api.ts';
import type { DurableBootRequest, DurableWorkerApi, StorageReport } from './durable-api.ts';
import { downloadEngine } from './engine.ts';
import { PlaygroundHost } from './host.ts';
import { messageYield } from './yield-to-events.ts';

const clock: WaitClock = {
  nowMs: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

let boot: { request: DurableBootRequest; onStep: ((step: OpenStep) => void) | undefined } | undefined;
let opened: DurableDatabase | undefined;

const host = new PlaygroundHost({
  nowMs: () => clock.nowMs(),
  yieldToEvents: messageYield(),
  async openDatabase(snapshotUrl, onProgress) {
    const { request, onStep } = boot!;
    const { engine } = await downloadEngine(__FAULTLINE_DOWNLOAD_BYTES__, onProgress);
    opened = await openDurableDatabase({
      name: request.name,
      engine,
      clock,
      ...(request.prefer ? { prefer: request.prefer } : {}),
      ...(onStep ? { onStep } : {}),
      snapshot: async () => {
        const response = await fetch(snapshotUrl!);
        if (!response.ok) throw new Error(`could not download ${snapshotUrl}: HTTP ${response.status}`);
        return response.blob();
      },
    });
    return { db: opened.db, fromSnapshot: opened.created };
  },
});

const api: DurableWorkerApi = {
  async boot(request, onProgress?: (progress: BootProgress) => void, onStep?: (step: OpenStep) => void): Promise<StorageReport> {
    boot = { request, onStep };
    const { bootMs } = await host.boot(request.snapshotUrl, (p) => onProgress?.(p));
    const { storage, openMs, waitedMs, attempts, created } = opened!;
    return { ...storage, openMs: Math.round(openMs), waitedMs: Math.round(waitedMs), attempts, created, bootMs };
  },
  find: ({ name, prefer }) => findDurableDatabase(name, prefer),
  wipe: (name) => wipeDurableDatabase(name, clock),
  open: (request) => host.open(request),
  play: (instanceId) => host.play(instanceId),
  setSpeed: (instanceId, speed) => host.setSpeed(instanceId, speed),
  poll: (instanceId, cursors) => host.poll(instanceId, cursors),
  query: (instanceId, side, sql) => host.query(instanceId, side, sql),
};

Comlink.expose(api);
