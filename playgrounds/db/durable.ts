/**
 * A PGlite that survives its worker: it keeps its data directory in the browser's storage, so a
 * killed worker or a reloaded page opens it again with every acknowledged commit in place.
 *
 * - OPFS (`opfs-ahp://`, Chromium and Firefox) where the browser allows it, IndexedDB
 *   (`idb://`, Safari) otherwise. Both keep what PGlite 0.5.16 flushes, and no more.
 * - PGlite does not flush a commit made through `transaction()` (upstream issue #1065), so
 *   every transaction here ends with `syncToFs()`: a transaction resolves only once it is stored.
 *   `relaxedDurability` is never set: on IndexedDB it lost rows, even tables.
 * - A killed worker's OPFS access handles stay locked for a second or two, so opening waits for
 *   them, with back-off, before PGlite tries (its own open can hang on a locked pool file).
 */
import { PGlite } from '@electric-sql/pglite';
import type { Database } from './types.ts';

/** Where a durable database lives. */
export type StorageKind = 'opfs' | 'idb';

/** Real time, injected by the worker (code under playgrounds/ never reads the clock itself). */
export interface WaitClock {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
}

export interface DurableOpenOptions {
  /** Names the database in the browser's storage: lower-case letters, digits and dashes. */
  name: string;
  engine: { wasmModule: WebAssembly.Module; fsBundle: Blob };
  /** A data directory to start a new database from (skips initdb); fetched only when none is stored. */
  snapshot: () => Promise<Blob>;
  /** `idb` uses IndexedDB even where OPFS works (how Safari's path is tried elsewhere). */
  prefer?: StorageKind;
  clock: WaitClock;
  /** Hears what opening is doing: the slow steps a reader may want named. */
  onStep?: (step: OpenStep) => void;
}

/**
 * `creating`: the first open, loading the snapshot into storage (seconds on OPFS: one file
 * handle per file); `opening`: opening what is stored; `waiting`: the storage is still held,
 * by a killed worker whose handles are not released yet, or by another tab.
 */
export type OpenStep = { step: 'creating' | 'opening' } | { step: 'waiting'; attempt: number };

/** An open durable database, with how it was opened. */
export interface DurableDatabase {
  readonly db: Database & { close(): Promise<void> };
  readonly storage: { kind: StorageKind; url: string };
  /** The successful `PGlite.create()` alone, in ms. */
  readonly openMs: number;
  /** Time spent waiting for the storage to be released before that, in ms. */
  readonly waitedMs: number;
  readonly attempts: number;
  /** True when this open created the database (from the snapshot); false when it found one. */
  readonly created: boolean;
}

/** The browser refuses durable storage (private browsing, storage disabled): said in words. */
class StorageUnavailable extends Error {
  constructor(reason: string) {
    super(`This browser does not let the page keep a database: ${reason}`);
    this.name = 'StorageUnavailable';
  }
}

/** How long to wait for storage a killed worker still holds (1-2 s measured) before giving up. */
const PATIENCE_MS = 15_000;
const FIRST_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 800;
/** IndexedDB database holding one marker per complete durable database. */
const MARKERS_DB = 'faultline-durable';

/** Where a database called `name` would be kept here, and whether one is (without opening it). */
export async function findDurableDatabase(name: string, prefer?: StorageKind): Promise<{ kind: StorageKind; stored: boolean }> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad durable database name "${name}"`);
  const kind = prefer === 'idb' || !(await opfsWorks()) ? 'idb' : 'opfs';
  if (kind === 'idb' && typeof indexedDB === 'undefined') throw new StorageUnavailable('neither OPFS nor IndexedDB is available');
  return { kind, stored: await readMarker(`${kind}:${name}`) };
}

/** Opens (or, the first time, creates from the snapshot) the durable database called `name`. */
export async function openDurableDatabase(options: DurableOpenOptions): Promise<DurableDatabase> {
  const { kind, stored: exists } = await findDurableDatabase(options.name, options.prefer);
  const url = `${kind === 'opfs' ? 'opfs-ahp' : 'idb'}://faultline-${options.name}`;
  const markerKey = `${kind}:${options.name}`;
  // No marker: nothing was stored, or a first open died half-way through loading. Start clean.
  if (!exists) await removeStorage(kind, options.name, options);
  const snapshot = exists ? undefined : await options.snapshot();
  const { pg, attempts, openMs, waitedMs } = await createWhenReleased(kind, url, options, snapshot);
  if (snapshot) {
    await pg.syncToFs();
    await writeMarker(markerKey);
  }
  return {
    storage: { kind, url },
    openMs,
    waitedMs,
    attempts,
    created: !exists,
    db: {
      query: (sql, params) => pg.query(sql, params),
      exec: (sql) => pg.exec(sql),
      transaction: async (fn) => {
        const result = await pg.transaction((tx) => fn(tx));
        await pg.syncToFs();
        return result;
      },
      close: () => pg.close(),
    },
  };
}

/** Deletes the durable database called `name` wherever it is stored: the next open starts afresh. */
export async function wipeDurableDatabase(name: string, clock: WaitClock): Promise<void> {
  // The markers go first: a wipe cut short leaves no marker, and the next open finishes the job.
  await deleteMarker(`opfs:${name}`);
  await deleteMarker(`idb:${name}`);
  if (await opfsWorks()) await removeStorage('opfs', name, { clock });
  if (typeof indexedDB !== 'undefined') await removeStorage('idb', name, { clock });
}

/** Whether this context may use OPFS access handles (workers only; refused in some private modes). */
async function opfsWorks(): Promise<boolean> {
  if (typeof navigator === 'undefined' || !navigator.storage?.getDirectory) return false;
  if (typeof FileSystemFileHandle === 'undefined' || !('createSyncAccessHandle' in FileSystemFileHandle.prototype)) return false;
  try {
    await navigator.storage.getDirectory();
    return true;
  } catch {
    return false;
  }
}

/** A locked OPFS file: a killed worker's handle not yet released, or another tab using it. */
const isHeld = (error: unknown) =>
  error instanceof DOMException && (error.name === 'NoModificationAllowedError' || error.name === 'InvalidStateError');

async function withPatience<T>(
  what: string,
  attempt: (n: number) => Promise<T>,
  options: { clock: WaitClock; onStep?: (step: OpenStep) => void },
): Promise<T> {
  const deadline = options.clock.nowMs() + PATIENCE_MS;
  let backoffMs = FIRST_BACKOFF_MS;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!isHeld(error)) throw error;
      if (options.clock.nowMs() + backoffMs > deadline) {
        throw new Error(`${what}: it is still in use, by another tab or by a worker that has not let go of it`);
      }
      options.onStep?.({ step: 'waiting', attempt: n });
      await options.clock.sleep(backoffMs);
      backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    }
  }
}

/**
 * Creates the PGlite once the storage is free. PGlite opens every OPFS file of the database
 * and hangs if one of them is still locked, so a probe of its state file goes first: a killed
 * worker's handles are all released together, and that file is the first PGlite opens.
 */
async function createWhenReleased(kind: StorageKind, url: string, options: DurableOpenOptions, snapshot: Blob | undefined) {
  const firstTry = options.clock.nowMs();
  return withPatience(
    'Could not open the stored database',
    async (attempts) => {
      if (kind === 'opfs') await probeOpfsState(url.slice('opfs-ahp://'.length));
      options.onStep?.({ step: snapshot ? 'creating' : 'opening' });
      const started = options.clock.nowMs();
      const pg = await PGlite.create({
        dataDir: url,
        pgliteWasmModule: options.engine.wasmModule,
        fsBundle: options.engine.fsBundle,
        ...(snapshot ? { loadDataDir: snapshot } : {}),
      });
      return { pg, attempts, openMs: options.clock.nowMs() - started, waitedMs: started - firstTry };
    },
    options,
  );
}

async function probeOpfsState(directory: string): Promise<void> {
  const root = await navigator.storage.getDirectory();
  let state: FileSystemFileHandle;
  try {
    state = await (await root.getDirectoryHandle(directory)).getFileHandle('state.txt');
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotFoundError') return;
    throw error;
  }
  (await state.createSyncAccessHandle()).close();
}

/** Removes a database's files, waiting for a killed worker's OPFS handles or IndexedDB connection to go. */
async function removeStorage(kind: StorageKind, name: string, options: { clock: WaitClock }): Promise<void> {
  const directory = `faultline-${name}`;
  if (kind === 'idb') {
    // PGlite's IndexedDB file system names its database after its mount point.
    await request(indexedDB.deleteDatabase(`/pglite/${directory}`));
    return;
  }
  const root = await navigator.storage.getDirectory();
  await withPatience(
    'Could not delete the stored database',
    async () => {
      try {
        await root.removeEntry(directory, { recursive: true });
      } catch (error) {
        if (!(error instanceof DOMException && error.name === 'NotFoundError')) throw error;
      }
    },
    options,
  );
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

async function markers<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  if (typeof indexedDB === 'undefined') throw new StorageUnavailable('IndexedDB is not available');
  const open = indexedDB.open(MARKERS_DB, 1);
  open.onupgradeneeded = () => open.result.createObjectStore('markers');
  let db: IDBDatabase;
  try {
    db = await request(open);
  } catch (error) {
    throw new StorageUnavailable(error instanceof Error ? error.message : String(error));
  }
  try {
    const tx = db.transaction('markers', mode);
    const committed = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    });
    const result = await request(fn(tx.objectStore('markers')));
    await committed;
    return result;
  } finally {
    db.close();
  }
}

const readMarker = async (key: string) => (await markers('readonly', (store) => store.get(key))) !== undefined;
const writeMarker = (key: string) => markers('readwrite', (store) => store.put(true, key));
const deleteMarker = (key: string) => markers('readwrite', (store) => store.delete(key));
