import { afterAll, beforeAll } from 'vitest';
/**
 * Opens the PGlite a test file shares between its tests. When the site's snapshot (a data
 * directory dumped after initdb by `npm run snapshot`) is present and matches the installed
 * PGlite, it boots from it and skips initdb; otherwise it boots cold. Either way it is the
 * same `openDatabase` the worker and the CLI use.
 */
import { existsSync, openAsBlob, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type OwnedDatabase } from '../../playgrounds/db/pglite.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const snapshotFile = join(root, 'public', 'pgdata', 'snapshot.tgz');
const stampFile = join(root, '.cache', 'snapshot.version');

function snapshotIsCurrent(): boolean {
  if (!existsSync(snapshotFile) || !existsSync(stampFile)) return false;
  const pglite = JSON.parse(readFileSync(join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as {
    version: string;
  };
  return readFileSync(stampFile, 'utf8') === pglite.version;
}

/** One PGlite per test file: booting costs seconds, a schema reset tens of milliseconds. */
export async function testDatabase(): Promise<OwnedDatabase> {
  if (snapshotIsCurrent()) {
    try {
      return await openDatabase({ snapshot: await openAsBlob(snapshotFile) });
    } catch {
      // A snapshot that does not load is the site's problem (its own tests catch it); boot cold.
    }
  }
  return openDatabase();
}

/**
 * The test file's database: booted before its tests, closed after them. Returned at once (it
 * forwards to the instance booted in `beforeAll`), so a file declares it in one line.
 */
export function sharedTestDatabase(): OwnedDatabase {
  let current: OwnedDatabase | undefined;
  beforeAll(async () => {
    current = await testDatabase();
  }, 60_000);
  afterAll(() => current?.close());
  const live = (): OwnedDatabase => {
    if (!current) throw new Error('the test database is used before it has booted');
    return current;
  };
  return {
    query: (sql, params) => live().query(sql, params),
    exec: (sql) => live().exec(sql),
    transaction: (fn) => live().transaction(fn),
    close: () => live().close(),
    dumpSnapshot: () => live().dumpSnapshot(),
  };
}
