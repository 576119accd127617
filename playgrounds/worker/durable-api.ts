/**
 * The boundary between a page and the durable worker: the playground host's run controls, over
 * a database kept in the browser's storage instead of memory. One durable database per page
 * section that asks for one; killing its worker never touches the page's other playgrounds.
 */
import type { OpenStep, StorageKind } from '../db/durable.ts';
import type { BootProgress, PlaygroundWorkerApi } from './api.ts';

export type { OpenStep, StorageKind };

export interface DurableBootRequest {
  /** The site's data-directory snapshot: a new database starts from it instead of running initdb. */
  snapshotUrl: string;
  /** Names the database in the browser's storage (lower-case letters, digits, dashes). */
  name: string;
  /** `idb` tries IndexedDB (Safari's path) where OPFS would work. */
  prefer?: StorageKind;
}

/** Where the database is kept and what opening it cost. */
export interface StorageReport {
  kind: StorageKind;
  url: string;
  /** `PGlite.create()` of the stored database alone, in ms. */
  openMs: number;
  /** Time spent waiting for storage still held by a killed worker, in ms. */
  waitedMs: number;
  attempts: number;
  /** True when this boot created the database; false when it found one. */
  created: boolean;
  /** The whole boot: engine download and compile, waiting, opening. */
  bootMs: number;
}

/** What the durable worker answers: the host's run controls, and a boot that opens storage. */
export type DurableWorkerApi = Pick<PlaygroundWorkerApi, 'open' | 'play' | 'setSpeed' | 'poll' | 'query'> & {
  /** Where the database would be kept, and whether one is, without booting anything. */
  find(request: Pick<DurableBootRequest, 'name' | 'prefer'>): Promise<{ kind: StorageKind; stored: boolean }>;
  /** Deletes the stored database (wherever it is): start over. Call it before `boot`, never after. */
  wipe(name: string): Promise<void>;
  boot(
    request: DurableBootRequest,
    onProgress?: (progress: BootProgress) => void,
    onStep?: (step: OpenStep) => void,
  ): Promise<StorageReport>;
};
