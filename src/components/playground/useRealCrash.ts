import * as Comlink from 'comlink';
import { useCallback, useEffect, useRef, useState } from 'react';
import { STORED_JOB_SQL, storedJobFromRow, type StoredJob } from '../../../playgrounds/checkpointing/recovery.ts';
import type { BootProgress, InvariantResult, Params } from '../../../playgrounds/worker/api.ts';
import type { OpenStep, StorageKind, StorageReport } from '../../../playgrounds/worker/durable-api.ts';
import { startDurableWorker, type DurableWorkerHandle } from '../../../playgrounds/worker/durable-client.ts';
import { snapshotUrl } from '../../../playgrounds/worker/snapshot-url.ts';
import { pageClockMs, readJournal, writeJournal, type Acknowledged, type LeaveCause } from './real-crash-journal.ts';

export type CrashPhase = 'looking' | 'booting' | 'empty' | 'unfinished' | 'running' | 'recovering' | 'finished' | 'failed';

/** What came back after the worker died (or the page went away), held against what the page had seen. */
export interface Recovery {
  /** `return`: an unfinished job found on a later visit, with nothing of this tab's to compare. */
  cause: LeaveCause | 'return';
  found: StoredJob;
  acknowledged: Acknowledged | null;
  storage: StorageReport;
  /** From the kill (or the page leaving) to the stored state read back, in ms. */
  recoveredMs?: number;
  /** From the kill (or the page leaving) to the job running again, in ms. */
  runningAgainMs?: number;
}

export interface RealCrashView {
  phase: CrashPhase;
  boot: BootProgress;
  /** What opening the storage is doing, once the engine is loaded. */
  step?: OpenStep | undefined;
  /** Where the database is (or would be) kept, known before anything is opened. */
  kind?: StorageKind | undefined;
  storage?: StorageReport | undefined;
  stored?: StoredJob | undefined;
  recovery?: Recovery | undefined;
  invariants?: InvariantResult[] | undefined;
  error?: string | undefined;
}

type Api = DurableWorkerHandle['api'];

const INSTANCE = 'real-crash';
/** The durable database's name in the browser's storage. */
const STORAGE_NAME = 'real-crash';
const POLL_MS = 150;
/** Real time: one virtual second per second, so a reader has time to reach for the kill button. */
const REAL_TIME = 1_000;
/** A boot that takes longer has hung (PGlite can, on storage another tab holds): kill it and say so. */
const BOOT_TIMEOUT_MS = 60_000;
/** The cursor that asks `poll` for no trace events: this view draws positions, not the trace. */
const NO_EVENTS = Number.MAX_SAFE_INTEGER;

/** A new worker's boot, before it has reported anything. */
const RESTARTING = {
  boot: { stage: 'download', loadedBytes: 0, totalBytes: 0 },
  step: undefined,
} as const satisfies Partial<RealCrashView>;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hasJob = (job: StoredJob) => job.sourceItems > 0 || job.checkpoint !== null;

function acknowledgedOf(job: StoredJob): Acknowledged | null {
  return job.checkpoint && { lastId: job.checkpoint.lastId, epoch: job.checkpoint.epoch, invoices: job.invoices };
}

async function readStored(api: Api): Promise<StoredJob> {
  const answer = await api.query(INSTANCE, 0, STORED_JOB_SQL);
  if (!answer.ok) throw new Error(answer.error);
  return storedJobFromRow(Object.fromEntries(answer.columns.map((column, i) => [column, answer.rows[0]?.[i] ?? null])));
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    sleep(ms).then(() => {
      throw new Error(`${what} took more than ${ms / 1000} s`);
    }),
  ]);
}

/** How the job last left this tab, if it was running then: what a new page must recover from. */
function interrupted(): { cause: LeaveCause; acknowledged: Acknowledged | null; leftAtMs?: number } | null {
  const saved = readJournal();
  if (saved?.phase !== 'running') return null;
  return {
    cause: saved.cause ?? 'reload',
    acknowledged: saved.acknowledged,
    ...(saved.leftAtMs === undefined ? {} : { leftAtMs: saved.leftAtMs }),
  };
}

/** The storage a link asks for (`?storage=idb` tries Safari's path anywhere). */
function preferredStorage(): StorageKind | undefined {
  return new URLSearchParams(window.location.search).get('storage') === 'idb' ? 'idb' : undefined;
}

/**
 * Drives the real-crash job: a durable worker per life of the job, killed for real on request
 * and replaced by a new one that reopens the same storage. Everything shown about the job is
 * read back from the database after it committed; nothing comes from the worker's memory.
 */
export function useRealCrash(params: Params) {
  const [view, setView] = useState<RealCrashView>({ phase: 'looking', ...RESTARTING });
  const worker = useRef<DurableWorkerHandle | null>(null);
  /** Bumped whenever a worker is replaced: answers from an older one are ignored. */
  const generation = useRef(0);
  /** Whether the current worker has opened the database (a new one has not, until asked to). */
  const booted = useRef(false);
  const acknowledged = useRef<Acknowledged | null>(null);
  const phase = useRef<CrashPhase>('looking');

  const update = useCallback((changes: Partial<RealCrashView>) => {
    if (changes.phase) phase.current = changes.phase;
    setView((previous) => ({ ...previous, ...changes }));
  }, []);

  const fail = useCallback((error: unknown) => update({ phase: 'failed', error: message(error) }), [update]);

  /** Starts a new worker in place of the current one (killing it), without booting anything in it. */
  const spawn = useCallback(() => {
    worker.current?.terminate();
    const handle = startDurableWorker();
    worker.current = handle;
    booted.current = false;
    return { api: handle.api, gen: ++generation.current };
  }, []);

  /** Opens (or creates) the stored database in the current worker, and the run over it. */
  const boot = useCallback(
    async (api: Api, gen: number) => {
      const onBoot = Comlink.proxy((boot: BootProgress) => gen === generation.current && setView((v) => ({ ...v, boot })));
      const onStep = Comlink.proxy((step: OpenStep) => gen === generation.current && setView((v) => ({ ...v, step })));
      const prefer = preferredStorage();
      const booting = api.boot({ snapshotUrl: snapshotUrl(), name: STORAGE_NAME, ...(prefer ? { prefer } : {}) }, onBoot, onStep);
      try {
        const storage = await withTimeout(booting, BOOT_TIMEOUT_MS, 'Opening the stored database');
        await api.open({
          instanceId: INSTANCE,
          pattern: 'checkpointing',
          seed: 1,
          variant: 'correct',
          compare: false,
          plan: '',
          params,
          resume: true,
        });
        if (gen === generation.current) booted.current = true;
        return storage;
      } catch (error) {
        // A boot that failed or hung may hold the storage: never leave that worker behind.
        if (gen === generation.current) worker.current?.terminate();
        throw error;
      }
    },
    [params],
  );

  /** Polls the run and reads the stored position back until the job finishes or the worker is replaced. */
  const follow = useCallback(
    async (api: Api, gen: number) => {
      while (gen === generation.current) {
        const report = await api.poll(INSTANCE, [NO_EVENTS]);
        const stored = await readStored(api);
        if (gen !== generation.current) return;
        acknowledged.current = acknowledgedOf(stored);
        const side = report.sides[0];
        if (report.status === 'error') throw new Error(report.error ?? 'the job stopped with an error');
        if (report.status === 'finished') {
          writeJournal({ phase: 'finished', acknowledged: acknowledged.current });
          update({ phase: 'finished', stored, ...(side ? { invariants: side.invariants } : {}) });
          return;
        }
        writeJournal({ phase: 'running', acknowledged: acknowledged.current });
        update({ stored, ...(side ? { invariants: side.invariants } : {}) });
        await sleep(POLL_MS);
      }
    },
    [update],
  );

  const run = useCallback(
    async (api: Api, gen: number) => {
      await api.setSpeed(INSTANCE, REAL_TIME);
      await api.play(INSTANCE);
      if (gen !== generation.current) return;
      writeJournal({ phase: 'running', acknowledged: acknowledged.current });
      update({ phase: 'running' });
      void follow(api, gen).catch((error: unknown) => gen === generation.current && fail(error));
    },
    [fail, follow, update],
  );

  /**
   * Looks in storage with a new worker. A job this tab was running is recovered and carried on at
   * once; one left from an earlier visit is offered; with nothing stored, nothing is opened (the
   * database is created only when the reader starts the job).
   */
  const reopen = useCallback(
    async (after: { cause: LeaveCause; acknowledged: Acknowledged | null; leftAtMs?: number } | null) => {
      const { api, gen } = spawn();
      const prefer = preferredStorage();
      const { kind, stored } = await api.find({ name: STORAGE_NAME, ...(prefer ? { prefer } : {}) });
      if (gen !== generation.current) return;
      if (!stored && !after) {
        update({ phase: 'empty', kind });
        return;
      }
      if (phase.current === 'looking') update({ phase: 'booting', kind });
      const storage = await boot(api, gen);
      const found = await readStored(api);
      if (gen !== generation.current) return;
      acknowledged.current = acknowledgedOf(found);
      const since = (at?: number) => (at === undefined ? {} : { recoveredMs: Math.round(pageClockMs() - at) });
      if (found.finished) {
        update({ phase: 'finished', storage, stored: found });
      } else if (after) {
        const recovery: Recovery = { cause: after.cause, found, acknowledged: after.acknowledged, storage, ...since(after.leftAtMs) };
        update({ storage, stored: found, recovery });
        await run(api, gen);
        if (after.leftAtMs !== undefined && gen === generation.current) {
          update({ recovery: { ...recovery, runningAgainMs: Math.round(pageClockMs() - after.leftAtMs) } });
        }
      } else if (hasJob(found)) {
        update({ phase: 'unfinished', storage, stored: found, recovery: { cause: 'return', found, acknowledged: null, storage } });
      } else {
        update({ phase: 'empty', storage, stored: found });
      }
    },
    [boot, run, spawn, update],
  );

  useEffect(() => {
    reopen(interrupted()).catch(fail);
    // A reload from the browser's own button is a reload too: note when the page went.
    const leaving = () => {
      const entry = readJournal();
      if (phase.current === 'running' && entry && entry.cause === undefined)
        writeJournal({ ...entry, cause: 'reload', leftAtMs: pageClockMs() });
    };
    window.addEventListener('pagehide', leaving);
    return () => {
      window.removeEventListener('pagehide', leaving);
      generation.current++;
      worker.current?.terminate();
    };
    // Mount once: the job outlives re-renders.
  }, []);

  /** Starts the job (creating its database first if none is stored), or carries on with the unfinished one found. */
  const start = useCallback(() => {
    const handle = worker.current;
    if (!handle) return;
    const gen = generation.current;
    const go = async () => {
      if (!booted.current) {
        update({ phase: 'booting' });
        const storage = await boot(handle.api, gen);
        const stored = await readStored(handle.api);
        if (gen !== generation.current) return;
        update({ storage, stored });
      }
      await run(handle.api, gen);
    };
    go().catch(fail);
  }, [boot, fail, run, update]);

  /** Kills the worker for real, mid-transaction if it is in one, then recovers in a new one. */
  const kill = useCallback(() => {
    const entry = { phase: 'running' as const, acknowledged: acknowledged.current, leftAtMs: pageClockMs(), cause: 'kill' as const };
    writeJournal(entry);
    generation.current++;
    worker.current?.terminate();
    worker.current = null;
    update({ phase: 'recovering', ...RESTARTING, recovery: undefined, invariants: undefined, error: undefined });
    reopen(entry).catch(fail);
  }, [fail, reopen, update]);

  /** Reloads the page mid-job: the next page finds the job in storage and carries on. */
  const reload = useCallback(() => {
    writeJournal({ phase: 'running', acknowledged: acknowledged.current, leftAtMs: pageClockMs(), cause: 'reload' });
    window.location.reload();
  }, []);

  /** Deletes the stored database, in a new worker (the old one may hold it): the next start creates a new one. */
  const startOver = useCallback(() => {
    writeJournal(null);
    acknowledged.current = null;
    update({
      phase: 'booting',
      ...RESTARTING,
      recovery: undefined,
      invariants: undefined,
      stored: undefined,
      storage: undefined,
      error: undefined,
    });
    const { api, gen } = spawn();
    api
      .wipe(STORAGE_NAME)
      .then(() => gen === generation.current && update({ phase: 'empty' }))
      .catch(fail);
  }, [fail, spawn, update]);

  /** Tries to open the storage again after a failure, keeping what it holds. */
  const retry = useCallback(() => {
    update({ phase: 'looking', ...RESTARTING, error: undefined });
    reopen(interrupted()).catch(fail);
  }, [fail, reopen, update]);

  return { view, start, kill, reload, startOver, retry };
}
