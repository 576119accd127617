import { beforeEach, describe, expect, it } from 'vitest';
import { InvariantBook, sqlInvariant, traceInvariant, type CheckContext, type Invariant } from '../../playgrounds/kernel/invariants.ts';
import { Trace } from '../../playgrounds/kernel/trace.ts';
import { sharedTestDatabase } from '../support/database.ts';
import { freshSchema } from './support/sim.ts';

const db = sharedTestDatabase();

beforeEach(async () => {
  await freshSchema(
    db,
    't_bank',
    "CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL, tags text[] NOT NULL DEFAULT '{}', settled boolean NOT NULL DEFAULT true)",
  );
});

const schemas = { bank: 't_bank' };

/** Safety: no balance ever goes below zero. */
const noOverdraft = sqlInvariant({
  name: 'no-overdraft',
  title: 'No overdraft',
  description: 'No account balance is ever negative.',
  kind: 'safety',
  sql: (s) => `SELECT id, balance, tags, settled FROM ${s.bank}.accounts WHERE balance < 0 ORDER BY id`,
  message: (row) => `account ${row.id} is overdrawn by ${-Number(row.balance)}`,
  refs: (row) => [`account:${row.id}`],
});

/** Liveness: every account settles eventually. */
const allSettled = sqlInvariant({
  name: 'all-settled',
  title: 'All settled',
  description: 'Every account is settled once the run has drained.',
  kind: 'liveness',
  sql: (s) => `SELECT id FROM ${s.bank}.accounts WHERE NOT settled ORDER BY id`,
  message: (row) => `account ${row.id} never settled`,
  refs: (row) => [`account:${row.id}`],
});

function context(trace: Trace): CheckContext {
  return { db, schemas, trace };
}

async function exec(sql: string): Promise<void> {
  await db.exec(`SET search_path TO t_bank; ${sql}; SET search_path TO public;`);
}

function record(trace: Trace, vt: number, label: string, refs?: string[]): number {
  return trace.record({ vt, actor: 'bank', kind: 'commit', label, ...(refs ? { refs } : {}) });
}

function resultOf(book: InvariantBook, name: string) {
  const result = book.results.find((r) => r.name === name);
  if (!result) throw new Error(`no result ${name}`);
  return result;
}

describe('sqlInvariant', () => {
  it('finds no violations when the query returns no rows', async () => {
    await exec('INSERT INTO accounts (id, balance) VALUES (1, 10), (2, 0)');
    expect(await noOverdraft.check(context(new Trace()))).toEqual([]);
  });

  it('turns each row the query returns into a violation, with a message, the row and its refs', async () => {
    await exec(`INSERT INTO accounts (id, balance, tags) VALUES (1, 10, '{}'), (2, -5, '{vip,new}'), (3, -7, '{}')`);
    const violations = await noOverdraft.check(context(new Trace()));
    expect(violations.map((v) => v.message)).toEqual(['account 2 is overdrawn by 5', 'account 3 is overdrawn by 7']);
    expect(violations.map((v) => v.refs)).toEqual([['account:2'], ['account:3']]);
    expect(violations[0]?.row).toMatchObject({ id: 2, balance: -5, settled: true });
  });

  it('keeps only plain values in a violation row, so it can be shown and sent anywhere', async () => {
    await exec(`INSERT INTO accounts (id, balance, tags) VALUES (2, -5, '{vip,new}')`);
    const [violation] = await noOverdraft.check(context(new Trace()));
    for (const value of Object.values(violation!.row)) expect(['string', 'number', 'boolean']).toContain(typeof value);
    expect(typeof violation!.row.tags).toBe('string');
    expect(JSON.parse(JSON.stringify(violation!.row))).toEqual(violation!.row);
  });

  it('reads the schemas of the run it checks', async () => {
    await freshSchema(
      db,
      't_other',
      "CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL, tags text[] NOT NULL DEFAULT '{}', settled boolean NOT NULL DEFAULT true)",
    );
    await db.exec('INSERT INTO t_other.accounts (id, balance) VALUES (9, -1)');
    expect(await noOverdraft.check({ db, schemas: { bank: 't_other' }, trace: new Trace() })).toHaveLength(1);
    expect(await noOverdraft.check(context(new Trace()))).toEqual([]);
  });
});

describe('traceInvariant', () => {
  it('checks the events of the trace', async () => {
    const noCrashes = traceInvariant({
      name: 'no-crashes',
      title: 'No crashes',
      description: 'Nothing crashes.',
      kind: 'safety',
      check: (events) =>
        events.filter((e) => e.kind === 'crash').map((e) => ({ message: `${e.actor} crashed`, row: { seq: e.seq }, refs: [] })),
    });
    const trace = new Trace();
    trace.record({ vt: 0, actor: 'relay-1', kind: 'start', label: 'started' });
    expect(await noCrashes.check(context(trace))).toEqual([]);
    trace.record({ vt: 5, actor: 'relay-1', kind: 'crash', label: 'crashed' });
    expect(await noCrashes.check(context(trace))).toEqual([{ message: 'relay-1 crashed', row: { seq: 1 }, refs: [] }]);
  });
});

describe('InvariantBook', () => {
  it('leaves every invariant unchecked until a check runs', () => {
    const book = new InvariantBook([noOverdraft, allSettled]);
    expect(book.results.map((r) => [r.name, r.kind, r.ok])).toEqual([
      ['no-overdraft', 'safety', undefined],
      ['all-settled', 'liveness', undefined],
    ]);
  });

  it('checks only safety invariants during the run', async () => {
    await exec('INSERT INTO accounts (id, balance, settled) VALUES (1, 10, false)');
    const book = new InvariantBook([noOverdraft, allSettled]);
    await book.checkSafety(context(new Trace()));
    expect(resultOf(book, 'no-overdraft').ok).toBe(true);
    expect(resultOf(book, 'all-settled').ok).toBeUndefined();
  });

  it('marks a safety invariant broken at the last event of the trace when it breaks', async () => {
    const trace = new Trace();
    const book = new InvariantBook([noOverdraft]);
    record(trace, 0, 'open account 1', ['account:1']);
    await exec('INSERT INTO accounts (id, balance) VALUES (1, 10)');
    await book.checkSafety(context(trace));
    expect(resultOf(book, 'no-overdraft')).toMatchObject({ ok: true, violationCount: 0 });
    expect(resultOf(book, 'no-overdraft').firstBroken).toBeUndefined();

    const breaking = record(trace, 40, 'withdraw 15 from account 1', ['account:1']);
    await exec('UPDATE accounts SET balance = -5 WHERE id = 1');
    await book.checkSafety(context(trace));
    expect(resultOf(book, 'no-overdraft')).toMatchObject({ ok: false, violationCount: 1, firstBroken: { seq: breaking, vt: 40 } });
    expect(resultOf(book, 'no-overdraft').violations[0]?.message).toBe('account 1 is overdrawn by 5');
  });

  it('keeps a safety invariant broken, at its first break, after the bad rows are gone', async () => {
    const trace = new Trace();
    const book = new InvariantBook([noOverdraft]);
    const breaking = record(trace, 40, 'withdraw 15 from account 1');
    await exec('INSERT INTO accounts (id, balance) VALUES (1, -5)');
    await book.checkSafety(context(trace));

    record(trace, 50, 'overdraw account 2');
    await exec('INSERT INTO accounts (id, balance) VALUES (2, -1)');
    await book.checkSafety(context(trace));
    expect(resultOf(book, 'no-overdraft')).toMatchObject({ ok: false, violationCount: 2, firstBroken: { seq: breaking, vt: 40 } });

    record(trace, 60, 'deposit');
    await exec('UPDATE accounts SET balance = 100');
    await book.checkSafety(context(trace));
    await book.checkAll(context(trace));
    // The harm happened: healing the rows does not heal the report.
    expect(resultOf(book, 'no-overdraft')).toMatchObject({ ok: false, firstBroken: { seq: breaking, vt: 40 } });
    expect(resultOf(book, 'no-overdraft').violations.length).toBeGreaterThan(0);
  });

  it('recomputes a liveness invariant at each full check, pointing at the first event about what is wrong', async () => {
    const trace = new Trace();
    const book = new InvariantBook([allSettled]);
    record(trace, 0, 'open account 1', ['account:1']);
    const firstAboutTwo = record(trace, 10, 'open account 2', ['account:2']);
    record(trace, 20, 'touch account 2', ['account:2']);
    await exec('INSERT INTO accounts (id, balance, settled) VALUES (1, 0, true), (2, 0, false)');
    await book.checkAll(context(trace));
    expect(resultOf(book, 'all-settled')).toMatchObject({ ok: false, violationCount: 1, firstBroken: { seq: firstAboutTwo, vt: 10 } });

    record(trace, 30, 'settle account 2', ['account:2']);
    await exec('UPDATE accounts SET settled = true');
    await book.checkAll(context(trace));
    expect(resultOf(book, 'all-settled')).toMatchObject({ ok: true, violations: [], violationCount: 0 });
    expect(resultOf(book, 'all-settled').firstBroken).toBeUndefined();
  });

  it('shows the first 20 violations but counts them all', async () => {
    const values = Array.from({ length: 25 }, (_, i) => `(${i + 1}, -1)`).join(', ');
    await exec(`INSERT INTO accounts (id, balance) VALUES ${values}`);
    const book = new InvariantBook([noOverdraft]);
    await book.checkAll(context(new Trace()));
    expect(resultOf(book, 'no-overdraft').violationCount).toBe(25);
    expect(resultOf(book, 'no-overdraft').violations.map((v) => v.row.id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('checks invariants independently of one another', async () => {
    const trace = new Trace();
    record(trace, 5, 'something');
    await exec('INSERT INTO accounts (id, balance, settled) VALUES (1, -1, true)');
    const book = new InvariantBook([noOverdraft, allSettled] satisfies Invariant[]);
    await book.checkAll(context(trace));
    expect(book.results.map((r) => [r.name, r.ok])).toEqual([
      ['no-overdraft', false],
      ['all-settled', true],
    ]);
  });
});
