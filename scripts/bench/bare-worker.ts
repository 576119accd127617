/**
 * Baselines measured in the browser under test: a bare `PGlite.create()` (what a playground
 * would cost with no snapshot), and the statements of a recorded simulation replayed straight
 * into PGlite with no kernel in between.
 */
import { PGlite } from '@electric-sql/pglite';
import wasmUrl from '@electric-sql/pglite/pglite.wasm?url';
import dataUrl from '@electric-sql/pglite/pglite.data?url';
import type { RecordedUnit } from './recorder.ts';

self.onmessage = async (event: MessageEvent<{ statements: string }>) => {
  // Measured the way the site boots, minus the snapshot: fetch, compile, create (with initdb).
  let started = performance.now();
  const [wasm, fsBundle] = await Promise.all([fetch(wasmUrl).then((r) => r.arrayBuffer()), fetch(dataUrl).then((r) => r.blob())]);
  const db = await PGlite.create({ pgliteWasmModule: await WebAssembly.compile(wasm), fsBundle });
  const createMs = performance.now() - started;
  const units = (await (await fetch(event.data.statements)).json()) as RecordedUnit[];
  started = performance.now();
  let transactions = 0;
  for (const unit of units) {
    if (unit.kind === 'exec') await db.exec(unit.sql);
    else if (unit.kind === 'query') await db.query(unit.sql, unit.params);
    else {
      transactions++;
      // Replay rollbacks as rollbacks (the simulation crashed or a constraint refused the row).
      await db
        .transaction(async (tx) => {
          for (const statement of unit.statements) await tx.query(statement.sql, statement.params);
          if (unit.rolledBack) throw new Error('rolled back');
        })
        .catch(() => undefined);
    }
  }
  const replayMs = performance.now() - started;
  self.postMessage({ createMs, replayMs, transactions, units: units.length });
};
