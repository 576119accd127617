import { openDatabase, type OwnedDatabase } from '../../playgrounds/db/pglite.ts';

/** One PGlite per test file: booting costs seconds, a schema reset tens of milliseconds. */
export async function testDatabase(): Promise<OwnedDatabase> {
  return openDatabase();
}
