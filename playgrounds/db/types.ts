/**
 * The query interface that pattern code, invariant checks and the SQL inspector use.
 *
 * It is deliberately a small slice of PGlite's own interface, so pattern code never depends
 * on the concrete engine: the browser worker, vitest and the command-line simulator all hand
 * in the same PGlite, but a test could hand in anything that speaks this.
 */

/** The outcome of one statement. */
export interface QueryResult<Row> {
  rows: Row[];
  /** Rows written by INSERT/UPDATE/DELETE, when the engine reports it. */
  affectedRows?: number;
  fields?: ReadonlyArray<{ name: string }>;
}

/** Runs statements. Parameters are numbered ($1, $2); cast them where arithmetic needs a type. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>>;
  /** Runs a script of several statements without parameters (migrations, resets). */
  exec(sql: string): Promise<unknown>;
}

/** A database that can also run a transaction: committed when `fn` resolves, rolled back when it throws. */
export interface Database extends Queryable {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}
