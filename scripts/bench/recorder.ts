import type { Database, Queryable } from '../../playgrounds/db/types.ts';

/** One thing the simulation asked of the database, in order. */
export type RecordedUnit =
  | { kind: 'exec'; sql: string }
  | { kind: 'query'; sql: string; params: unknown[] }
  | { kind: 'tx'; statements: Array<{ sql: string; params: unknown[] }>; rolledBack: boolean };

/** Wraps a database so every statement the simulation sends is kept for a raw replay. */
export function recording(db: Database): { db: Database; units: RecordedUnit[] } {
  const units: RecordedUnit[] = [];
  return {
    units,
    db: {
      exec: (sql) => {
        units.push({ kind: 'exec', sql });
        return db.exec(sql);
      },
      query: (sql, params = []) => {
        units.push({ kind: 'query', sql, params });
        return db.query(sql, params);
      },
      transaction: (fn) => {
        const unit: Extract<RecordedUnit, { kind: 'tx' }> = { kind: 'tx', statements: [], rolledBack: false };
        units.push(unit);
        const result = db.transaction((tx) =>
          fn({
            exec: (sql) => tx.exec(sql),
            query: (sql, params = []) => {
              unit.statements.push({ sql, params });
              return tx.query(sql, params);
            },
          } satisfies Queryable),
        );
        result.catch(() => (unit.rolledBack = true));
        return result;
      },
    },
  };
}
