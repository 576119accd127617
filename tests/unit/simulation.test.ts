import { describe, expect, it } from 'vitest';
import { Crash, type ProcessContext } from '../../playgrounds/kernel/process.ts';
import type { Simulation } from '../../playgrounds/kernel/simulation.ts';
import { sharedTestDatabase } from '../support/database.ts';
import { eventsOf, freshSchema, runUntil, testSimulation, type TestSimOptions } from './support/sim.ts';

const db = sharedTestDatabase();

const RESTART = { restartDelayMs: 300 };

function sim(options: TestSimOptions = {}): Simulation {
  return testSimulation(db, options);
}

async function rowsTable(): Promise<void> {
  await freshSchema(db, 't_x', 'CREATE TABLE rows (id serial PRIMARY KEY, note text NOT NULL)');
}

async function notes(): Promise<string[]> {
  const { rows } = await db.query<{ note: string }>('SELECT note FROM t_x.rows ORDER BY id');
  return rows.map((row) => row.note);
}

/** A process that wakes every `everyMs` and writes down who woke when. */
function ticker(log: string[], everyMs: number) {
  return async (ctx: ProcessContext): Promise<void> => {
    for (;;) {
      await ctx.sleep(everyMs);
      log.push(`${ctx.incarnation}@${ctx.now()}`);
    }
  };
}

describe('virtual time', () => {
  it('advances by exactly the time a process sleeps, from its start time', async () => {
    const s = sim();
    const seen: number[] = [];
    s.spawn(
      'sleeper',
      async (ctx) => {
        seen.push(ctx.now());
        await ctx.sleep(37);
        seen.push(ctx.now());
        await ctx.sleep(0);
        seen.push(ctx.now());
        await ctx.sleep(1_000);
        seen.push(ctx.now());
      },
      RESTART,
      10,
    );
    await runUntil(s, 5_000);
    expect(seen).toEqual([10, 47, 47, 1_047]);
    expect(s.isAlive('sleeper')).toBe(false);
    expect(s.nextAt()).toBeUndefined();
  });

  it.each([-1, 1.5])('refuses to sleep %s ms', async (ms) => {
    const s = sim();
    let error: unknown;
    s.spawn(
      'sleeper',
      async (ctx) => {
        try {
          await ctx.sleep(ms);
        } catch (e) {
          error = e;
        }
      },
      RESTART,
    );
    await runUntil(s, 100);
    expect(error).toBeInstanceOf(RangeError);
  });

  it('runs processes due at the same instant in an order that depends on the seed, and repeats for a seed', async () => {
    async function order(seed: number): Promise<string> {
      const s = sim({ seed });
      const woke: string[] = [];
      for (const name of ['a', 'b', 'c']) {
        s.spawn(
          name,
          async (ctx) => {
            await ctx.sleep(100);
            woke.push(ctx.name);
          },
          RESTART,
        );
      }
      await runUntil(s, 1_000);
      return woke.join('');
    }
    const orders: string[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const first = await order(seed);
      expect(await order(seed)).toBe(first);
      orders.push(first);
    }
    expect(new Set(orders).size).toBeGreaterThan(1);
  });

  it('stops the run loudly when pattern code throws something other than a crash', async () => {
    const s = sim();
    s.spawn(
      'buggy',
      async (ctx) => {
        await ctx.sleep(5);
        throw new Error('a bug in pattern code');
      },
      RESTART,
    );
    await expect(runUntil(s, 100)).rejects.toThrow('a bug in pattern code');
    expect(eventsOf(s, 'crash')).toEqual([]);
  });
});

describe('crashes and restarts', () => {
  it('rolls back the transaction a crash point interrupts, and restarts the process after its delay with a fresh memory', async () => {
    await rowsTable();
    const s = sim({ plan: 'crash:writer@mid_insert' });
    const lives: Array<{ incarnation: number; at: number; memory: string[] }> = [];
    s.spawn(
      'writer',
      async (ctx) => {
        const memory: string[] = [];
        memory.push(`woke in life ${ctx.incarnation}`);
        lives.push({ incarnation: ctx.incarnation, at: ctx.now(), memory: [...memory] });
        await ctx.sleep(20);
        await ctx.tx('insert row', { schema: 'x' }, async (q) => {
          await q.query('INSERT INTO rows (note) VALUES ($1)', [memory.join('; ')]);
          ctx.crashPoint('mid_insert');
        });
      },
      RESTART,
    );

    await runUntil(s, 20 + RESTART.restartDelayMs - 1);
    expect(await notes()).toEqual([]);
    expect(s.isAlive('writer')).toBe(false);
    expect(eventsOf(s, 'rollback').map((e) => [e.vt, e.label])).toEqual([[20, 'insert row: crashed before COMMIT']]);
    const [crash] = eventsOf(s, 'crash', 'writer');
    expect(crash).toMatchObject({ vt: 20, label: 'crashed at mid_insert' });

    await runUntil(s, 2_000);
    const restart = eventsOf(s, 'start', 'writer')[1];
    expect(restart).toMatchObject({ vt: 20 + RESTART.restartDelayMs, label: 'restarted', cause: crash!.seq });
    expect(lives).toEqual([
      { incarnation: 1, at: 0, memory: ['woke in life 1'] },
      { incarnation: 2, at: 320, memory: ['woke in life 2'] },
    ]);
    expect(await notes()).toEqual(['woke in life 2']);
    expect(eventsOf(s, 'commit', 'writer')).toHaveLength(1);
  });

  it('fires a timed crash after everything due up to its time and before anything later', async () => {
    const s = sim({ plan: 'crash:ticker@100ms' });
    const ticks: string[] = [];
    s.spawn('ticker', ticker(ticks, 50), { restartDelayMs: 1_000 });
    s.spawn(
      'witness',
      async (ctx) => {
        await ctx.sleep(100);
        ctx.note('effect', 'witness at 100');
        await ctx.sleep(1);
        ctx.note('effect', 'witness at 101');
      },
      RESTART,
    );
    await runUntil(s, 1_200);

    // The old life's wake-up at 150 never comes: its wait died with it.
    expect(ticks).toEqual(['1@50', '1@100', '2@1150', '2@1200']);
    const labels = s.trace
      .all()
      .filter((e) => e.kind === 'effect' || e.kind === 'fault' || e.kind === 'crash')
      .map((e) => `${e.vt} ${e.kind} ${e.label}`);
    expect(labels).toEqual(['100 effect witness at 100', '100 fault crash:ticker@100ms', '100 crash crashed', '101 effect witness at 101']);
    const [fault] = eventsOf(s, 'fault');
    expect(eventsOf(s, 'crash')[0]?.cause).toBe(fault!.seq);
  });

  it('ignores a timed crash at or after the end of the fault window', async () => {
    const s = sim({ plan: 'crash:ticker@1s', faultWindowEndMs: 1_000 });
    const ticks: string[] = [];
    s.spawn('ticker', ticker(ticks, 400), RESTART);
    await runUntil(s, 2_000);
    expect(ticks).toEqual(['1@400', '1@800', '1@1200', '1@1600', '1@2000']);
    expect(eventsOf(s, 'crash')).toEqual([]);
    expect(eventsOf(s, 'phase').map((e) => [e.vt, e.label])).toEqual([[1_000, 'faults stop: draining']]);
  });

  it('kills a dead incarnation for good: a swallowed crash does not let it keep working', async () => {
    await rowsTable();
    const s = sim({ plan: 'crash:stubborn@here' });
    s.spawn(
      'stubborn',
      async (ctx) => {
        if (ctx.incarnation > 1) return;
        try {
          ctx.crashPoint('here');
        } catch {
          // Pattern code must not do this; the kernel makes sure it gains nothing.
        }
        await ctx.tx('after death', { schema: 'x' }, (q) => q.query(`INSERT INTO rows (note) VALUES ('zombie')`));
      },
      RESTART,
    );
    await runUntil(s, 1_000);
    expect(await notes()).toEqual([]);
    expect(eventsOf(s, 'crash', 'stubborn').map((e) => e.label)).toEqual(['crashed at after-death']);
    expect(eventsOf(s, 'start', 'stubborn')).toHaveLength(2);
  });

  it('freezes a paused process until the pause ends, and nobody else', async () => {
    const s = sim({ plan: 'pause:ticker@100ms+500ms' });
    const ticks: string[] = [];
    const witness: number[] = [];
    s.spawn('ticker', ticker(ticks, 50), RESTART);
    s.spawn(
      'witness',
      async (ctx) => {
        await ctx.sleep(300);
        witness.push(ctx.now());
      },
      RESTART,
    );
    await runUntil(s, 300);
    const pausedAt300 = s.isPaused('ticker');
    await runUntil(s, 700);

    expect(ticks).toEqual(['1@50', '1@100', '1@600', '1@650', '1@700']);
    expect(witness).toEqual([300]);
    expect(pausedAt300).toBe(true);
    expect(s.isPaused('ticker')).toBe(false);
    expect(eventsOf(s, 'pause', 'ticker').map((e) => [e.vt, e.label])).toEqual([[100, 'frozen until 600 ms']]);
    expect(eventsOf(s, 'crash')).toEqual([]);
  });
});

describe('slow processes and refusals', () => {
  /** Writes a row every `everyMs` and notes when each transaction committed. */
  function writer(committed: number[], everyMs: number) {
    return async (ctx: ProcessContext): Promise<void> => {
      for (;;) {
        await ctx.sleep(everyMs);
        await ctx.tx('write', { schema: 'x' }, (q) => q.query(`INSERT INTO rows (note) VALUES ('w')`));
        committed.push(ctx.now());
      }
    };
  }

  it('starts each transaction of a slowed process late, until a later fault restores it or the fault window ends', async () => {
    await rowsTable();
    const s = sim({ plan: 'slow:writer@250ms+100ms,slow:writer@700ms+0ms,slow:writer@1s+40ms', faultWindowEndMs: 1_300 });
    const committed: number[] = [];
    const bystander: number[] = [];
    s.spawn('writer', writer(committed, 200), RESTART);
    s.spawn('bystander', writer(bystander, 200), RESTART);
    await runUntil(s, 1_800);
    // Every commit is followed by 2 ms of database latency; slowness adds its delay before the next one.
    expect(committed).toEqual([202, 504, 706, 908, 1_150, 1_352, 1_554, 1_756]);
    expect(bystander).toEqual([202, 404, 606, 808, 1_010, 1_212, 1_414, 1_616]);
    expect(eventsOf(s, 'fault', 'writer').map((e) => [e.vt, e.label])).toEqual([
      [250, 'slow:writer@250ms+100ms'],
      [700, 'slow:writer@700ms+0s'],
      [1_000, 'slow:writer@1s+40ms'],
    ]);
  });

  it('makes a process refuse at the Nth pass through a decision point, and only while faults are on', async () => {
    const s = sim({ plan: 'refuse:clerk@approve*2,refuse:clerk@approve*4', faultWindowEndMs: 350 });
    const answers: string[] = [];
    s.spawn(
      'clerk',
      async (ctx) => {
        for (let i = 0; i < 5; i++) {
          await ctx.sleep(100);
          answers.push(ctx.refusalPoint('approve') ? 'no' : 'yes');
        }
      },
      RESTART,
    );
    await runUntil(s, 1_000);
    expect(answers).toEqual(['yes', 'no', 'yes', 'yes', 'yes']);
    expect(eventsOf(s, 'fault', 'clerk').map((e) => [e.vt, e.label])).toEqual([[200, 'refuse:clerk@approve*2']]);
  });
});

describe('determinism', () => {
  /** Three writers racing with random think times, a crash point and a timed crash. */
  async function traceHash(seed: number, plan: string): Promise<{ hash: string; events: number; crashes: number }> {
    await rowsTable();
    const s = sim({ seed, plan });
    for (const name of ['w1', 'w2', 'w3']) {
      s.spawn(
        name,
        async (ctx) => {
          for (let i = 0; i < 10; i++) {
            await ctx.sleep(ctx.random().int(1, 50));
            await ctx.tx(
              'insert',
              { schema: 'x', describe: (id) => `inserted row ${String(id)}` },
              async (q) => (await q.query<{ id: number }>('INSERT INTO rows (note) VALUES ($1) RETURNING id', [ctx.name])).rows[0]!.id,
            );
            ctx.crashPoint('after_insert');
          }
        },
        { restartDelayMs: 100 },
      );
    }
    await runUntil(s, 5_000);
    return { hash: s.trace.hash(), events: s.trace.length, crashes: eventsOf(s, 'crash').length };
  }

  it('gives the same trace hash for the same seed and plan', async () => {
    const plan = 'crash:w2@after_insert*2,crash:w1@150ms';
    const first = await traceHash(4, plan);
    expect(first.events).toBeGreaterThan(40);
    expect(first.crashes).toBe(2);
    expect(await traceHash(4, plan)).toEqual(first);
  });

  it('gives a different trace hash for a different seed or plan', async () => {
    const plan = 'crash:w2@after_insert*2,crash:w1@150ms';
    const base = await traceHash(4, plan);
    expect((await traceHash(5, plan)).hash).not.toBe(base.hash);
    expect((await traceHash(4, 'crash:w2@after_insert*3,crash:w1@150ms')).hash).not.toBe(base.hash);
  });
});

describe('process context', () => {
  it('keeps a process on the same random stream across restarts', async () => {
    const s = sim({ plan: 'crash:dice@rolled' });
    const rolls: number[] = [];
    s.spawn(
      'dice',
      async (ctx) => {
        await ctx.sleep(1);
        rolls.push(ctx.random().int(1, 1_000_000));
        ctx.crashPoint('rolled');
      },
      RESTART,
    );
    await runUntil(s, 1_000);
    const fresh = testSimulation(db, {}).random.stream('actor:dice');
    expect(rolls).toEqual([fresh.int(1, 1_000_000), fresh.int(1, 1_000_000)]);
  });

  it('rethrows a database error from a transaction after the rollback, without crashing the process', async () => {
    await rowsTable();
    const s = sim();
    let caught: unknown;
    s.spawn(
      'writer',
      async (ctx) => {
        try {
          await ctx.tx('bad insert', { schema: 'x' }, async (q) => {
            await q.query(`INSERT INTO rows (note) VALUES ('half')`);
            await q.query('INSERT INTO rows (note) VALUES (NULL)');
          });
        } catch (error) {
          caught = error;
        }
      },
      RESTART,
    );
    await runUntil(s, 1_000);
    expect(caught).toBeInstanceOf(Error);
    expect(caught).not.toBeInstanceOf(Crash);
    expect(await notes()).toEqual([]);
    expect(eventsOf(s, 'rollback')[0]?.label).toMatch(/^bad insert: .*null/);
    expect(eventsOf(s, 'crash')).toEqual([]);
  });

  it('records a transaction that wrote rows as a commit and one that wrote nothing as a read; only a commit calls for safety checks', async () => {
    await rowsTable();
    const s = sim();
    s.spawn(
      'worker',
      async (ctx) => {
        await ctx.tx('poll', { schema: 'x' }, (q) => q.query('SELECT * FROM rows'));
        await ctx.tx('update nothing', { schema: 'x' }, (q) => q.query(`UPDATE rows SET note = 'x' WHERE false`));
        await ctx.tx('insert', { schema: 'x' }, (q) => q.query(`INSERT INTO rows (note) VALUES ('one')`));
      },
      RESTART,
    );
    const stepsThatCommitted: string[] = [];
    while (s.nextAt() !== undefined) {
      await s.step();
      if (s.committedInStep) stepsThatCommitted.push(s.trace.all().at(-1)?.label ?? '');
    }
    expect(eventsOf(s, 'read').map((e) => e.label)).toEqual(['poll', 'update nothing']);
    expect(eventsOf(s, 'commit').map((e) => e.label)).toEqual(['insert']);
    expect(stepsThatCommitted).toEqual(['insert']);
  });

  it('adds up counters', () => {
    const s = sim();
    s.count('placed', 1);
    s.count('placed', 2);
    expect(s.counters.get('placed')).toBe(3);
  });
});
