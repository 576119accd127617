import { PGlite } from '@electric-sql/pglite';
import type { Database } from './types.ts';

/** A PGlite instance behind the `Database` interface, plus what only the owner should call. */
export interface OwnedDatabase extends Database {
  close(): Promise<void>;
  /** The data directory as a gzipped tarball: the snapshot that spares later boots an initdb. */
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
      await pg.exec('CHECKPOINT');
      return pg.dumpDataDir('gzip');
    },
  };
}
