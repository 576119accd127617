/**
 * Baselines for the real-crash figures, in the browser under test and on the site's origin:
 * a bare `PGlite.create()` of the OPFS database the real-crash section left behind (no waiting,
 * no markers, no run: just the open), and what one commit costs on each kind of storage, made
 * durable the way the section makes it (a transaction, then `syncToFs()`).
 */
import { PGlite } from '@electric-sql/pglite';
import wasmUrl from '@electric-sql/pglite/pglite.wasm?url';
import dataUrl from '@electric-sql/pglite/pglite.data?url';

const COMMITS = 100;
/** IndexedDB commits take about a fifth of a second each: fewer of them say as much. */
const IDB_COMMITS = 20;

/** Waits until the killed section's worker has released the database's OPFS state file. */
async function waitForRelease(directory: string): Promise<void> {
  const state = await (await (await navigator.storage.getDirectory()).getDirectoryHandle(directory)).getFileHandle('state.txt');
  for (;;) {
    try {
      (await state.createSyncAccessHandle()).close();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Mean ms per commit of `count` single-row transactions, each followed by `syncToFs()` when asked. */
async function commitMs(pg: PGlite, count: number, sync: boolean): Promise<number> {
  await pg.exec('CREATE TABLE IF NOT EXISTS bench_commits (id int PRIMARY KEY, note text)');
  await pg.exec('TRUNCATE bench_commits');
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    await pg.transaction(async (tx) => {
      await tx.query('INSERT INTO bench_commits VALUES ($1, $2)', [i, 'an invoice line']);
    });
    if (sync) await pg.syncToFs();
  }
  const ms = (performance.now() - started) / count;
  await pg.exec('DROP TABLE bench_commits');
  return ms;
}

function deleteIdb(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error(`could not delete ${name}`));
  });
}

self.onmessage = async (event: MessageEvent<{ directory: string; snapshot: string }>) => {
  try {
    const { directory } = event.data;
    const [wasm, fsBundle, snapshot] = await Promise.all([
      fetch(wasmUrl).then((r) => r.arrayBuffer()),
      fetch(dataUrl).then((r) => r.blob()),
      fetch(event.data.snapshot).then((r) => r.blob()),
    ]);
    const engine = { pgliteWasmModule: await WebAssembly.compile(wasm), fsBundle };
    await waitForRelease(directory);
    let started = performance.now();
    const stored = await PGlite.create({ dataDir: `opfs-ahp://${directory}`, ...engine });
    const openMs = performance.now() - started;
    const opfsSynced = await commitMs(stored, COMMITS, true);
    const opfsUnsynced = await commitMs(stored, COMMITS, false);
    await stored.close();

    const memory = await PGlite.create({ ...engine, loadDataDir: snapshot });
    const memoryMs = await commitMs(memory, COMMITS, false);
    await memory.close();

    await deleteIdb('/pglite/faultline-bench-commits');
    started = performance.now();
    const idb = await PGlite.create({ dataDir: 'idb://faultline-bench-commits', ...engine, loadDataDir: snapshot });
    const idbCreateMs = performance.now() - started;
    const idbSynced = await commitMs(idb, IDB_COMMITS, true);
    await idb.close();
    await deleteIdb('/pglite/faultline-bench-commits');

    self.postMessage({ openMs, idbCreateMs, commitMs: { opfsSynced, opfsUnsynced, memory: memoryMs, idbSynced } });
  } catch (error) {
    self.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
