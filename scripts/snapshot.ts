/**
 * Builds the database snapshot the browser boots from: a PGlite data directory dumped right
 * after initdb, so a reader's first playground skips initdb (about 3 s in a browser worker).
 * Pattern schemas are not in it: each run creates its own in tens of milliseconds. The file
 * is generated (public/pgdata/ is ignored by git) and rebuilt only when missing or stale.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../playgrounds/db/pglite.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'public', 'pgdata', 'snapshot.tgz');
const stamp = join(root, '.cache', 'snapshot.version');
const engineVersion = (
  JSON.parse(readFileSync(join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string }
).version;

if (existsSync(target) && existsSync(stamp) && readFileSync(stamp, 'utf8') === engineVersion) {
  console.log(`snapshot for PGlite ${engineVersion} is up to date`);
} else {
  const started = performance.now();
  const db = await openDatabase();
  const blob = await db.dumpSnapshot();
  await db.close();
  // Prove the snapshot boots and takes writes before shipping it.
  const check = await openDatabase({ snapshot: blob });
  await check.exec(
    'CREATE SCHEMA snapshot_check; CREATE TABLE snapshot_check.t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v jsonb)',
  );
  await check.transaction((tx) => tx.query(`INSERT INTO snapshot_check.t (v) VALUES ('{}'::jsonb)`));
  await check.close();
  mkdirSync(dirname(target), { recursive: true });
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(target, Buffer.from(await blob.arrayBuffer()));
  writeFileSync(stamp, engineVersion);
  console.log(`wrote ${target} (${(blob.size / 1e6).toFixed(1)} MB) in ${Math.round(performance.now() - started)} ms`);
}
