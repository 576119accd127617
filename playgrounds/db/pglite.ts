import { PGlite } from '@electric-sql/pglite';
import type { Database } from './types.ts';

/** A PGlite instance behind the `Database` interface, plus what only the owner should call. */
export interface OwnedDatabase extends Database {
  close(): Promise<void>;
  /**
   * The data directory as a gzipped tarball: the snapshot that spares later boots an initdb.
   * It changes the database (drops the templates), so dump a fresh instance and close it after.
   */
  dumpSnapshot(): Promise<Blob>;
}

/**
 * Opens an in-memory PGlite. With a snapshot (a data directory dumped after initdb) it skips
 * initdb, which is most of a cold boot: about 0.9 s instead of 3 s in a browser worker.
 */
export async function openDatabase(
  options: { snapshot?: Blob; engine?: { wasmModule: WebAssembly.Module; fsBundle: Blob } } = {},
): Promise<OwnedDatabase> {
  const pg = await PGlite.create({
    ...(options.snapshot ? { loadDataDir: options.snapshot } : {}),
    ...(options.engine ? { pgliteWasmModule: options.engine.wasmModule, fsBundle: options.engine.fsBundle } : {}),
  });
  return {
    query: (sql, params) => pg.query(sql, params),
    exec: (sql) => pg.exec(sql),
    transaction: (fn) => pg.transaction((tx) => fn(tx)),
    close: () => pg.close(),
    dumpSnapshot: async () => {
      // Trim what a playground never needs, so readers download about 1 MB instead of 4.5:
      // the template databases (only CREATE DATABASE reads them) and the WAL that initdb wrote
      // (after a checkpoint, recovery starts from a fresh, all-zero segment).
      // One statement per call: DROP DATABASE refuses to run inside an implicit transaction.
      for (const statement of [
        `UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')`,
        'DROP DATABASE template0',
        'DROP DATABASE template1',
        'SET wal_recycle = off',
        'SELECT pg_switch_wal()',
        'CHECKPOINT',
        'SELECT pg_switch_wal()',
        'CHECKPOINT',
      ]) {
        await pg.exec(statement);
      }
      return pg.dumpDataDir('gzip');
    },
  };
}
