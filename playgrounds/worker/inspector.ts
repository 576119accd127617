import type { Database } from '../db/types.ts';
import type { QueryAnswer } from './api.ts';

const MAX_SQL_LENGTH = 10_000;
const MAX_ROWS = 200;

type Cell = string | number | boolean | null;

function cell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array)
    return `\\x${[...value.slice(0, 32)].map((b) => b.toString(16).padStart(2, '0')).join('')}${value.length > 32 ? '…' : ''}`;
  return JSON.stringify(value);
}

/**
 * Runs a reader's statement against one side's schemas without any way to change them: one
 * statement only (the extended protocol refuses more), inside a READ ONLY transaction that is
 * always rolled back, so even SET or a function with side effects leaves nothing behind. A
 * query that never ends cannot be interrupted in here (PGlite ignores statement_timeout); the
 * page's watchdog replaces the worker and replays the runs instead.
 */
export async function readOnlyQuery(db: Database, schemas: string[], sql: string, nowMs: () => number): Promise<QueryAnswer> {
  const text = sql.trim().replace(/;\s*$/, '');
  if (text === '') return { ok: false, error: 'type a query first, e.g. SELECT * FROM outbox' };
  if (text.length > MAX_SQL_LENGTH) return { ok: false, error: `queries are limited to ${MAX_SQL_LENGTH} characters` };
  const started = nowMs();
  try {
    return await db.transaction(async (tx) => {
      await tx.query(`SET TRANSACTION READ ONLY`);
      await tx.query(`SELECT set_config('search_path', $1, true)`, [schemas.join(', ')]);
      const result = await tx.query<Record<string, unknown>>(text);
      const columns = (result.fields ?? []).map((f) => f.name);
      const rows = result.rows.slice(0, MAX_ROWS).map((row) => columns.map((c) => cell(row[c])));
      // Throwing rolls the transaction back, whatever the statement did.
      throw new Answer({ ok: true, columns, rows, truncated: result.rows.length > MAX_ROWS, ms: Math.round(nowMs() - started) });
    });
  } catch (error) {
    if (error instanceof Answer) return error.answer;
    const message = error instanceof Error ? error.message : String(error);
    const hint = /relation "(\w+)\.(\w+)" does not exist/.test(message)
      ? ' (tables are unqualified here: write outbox, not orders.outbox)'
      : '';
    return { ok: false, error: message + hint };
  }
}

class Answer extends Error {
  constructor(readonly answer: QueryAnswer) {
    super('answer');
  }
}
