import { describe, expect, it } from 'vitest';
import { defaultParams, type Params } from '../../playgrounds/kernel/pattern.ts';
import { tallyMoves, transitionKey } from '../../playgrounds/kernel/state-moves.ts';
import { PatternRun } from '../../playgrounds/kernel/run.ts';
import { sagaPattern } from '../../playgrounds/saga/index.ts';
import { SAGA_STATECHART } from '../../playgrounds/saga/statechart.ts';
import { tripStateQuery } from '../../playgrounds/saga/trip-state.ts';
import { runOnce } from '../../playgrounds/sweep.ts';
import { sharedTestDatabase } from '../support/database.ts';

const db = sharedTestDatabase();

const params = defaultParams(sagaPattern);
const broken = (outcome: Awaited<ReturnType<typeof runOnce>>) => outcome.invariants.filter((i) => !i.ok).map((i) => i.name);

/** Runs a variant to the end and keeps the run, for a look at its trace, counters and tables. */
async function play(variant: string, seed: number, plan: string, overrides: Params = {}) {
  const run = await PatternRun.create(sagaPattern, db, 'sim', {
    seed,
    variant,
    plan,
    params: { ...params, ...overrides },
    safetyChecks: 'every-commit',
  });
  const results = await run.runToEnd();
  const violations = (name: string) => results.find((r) => r.name === name)!.violations.map((v) => v.message);
  return {
    run,
    broken: results.filter((r) => !r.ok).map((r) => r.name),
    violations,
    counter: (name: string) => run.sim.counters.get(name) ?? 0,
    labels: (ref: string) =>
      run.sim.trace
        .all()
        .filter((e) => e.refs?.includes(ref))
        .map((e) => `${e.actor} ${e.kind} ${e.label}`),
    query: async <T>(sql: string) => {
      const schemas = Object.values(run.schemas).join(', ');
      return db.transaction(async (tx) => {
        await tx.query(`SELECT set_config('search_path', $1, true)`, [schemas]);
        return (await tx.query<T>(sql)).rows;
      });
    },
  };
}

describe('every naive variant is broken by one named seed and fault plan', () => {
  for (const proof of sagaPattern.breakingRuns) {
    it(`${proof.variant} with ${proof.plan} (seed ${proof.seed}) breaks ${proof.breaks.join(', ')}`, async () => {
      const naive = await runOnce(sagaPattern, db, { seed: proof.seed, variant: proof.variant, plan: proof.plan, params });
      expect(broken(naive)).toEqual(expect.arrayContaining([...proof.breaks]));
      // The same world with the correct implementations holds: the fault, not the workload, did it.
      for (const variant of ['correct', 'choreography']) {
        const correct = await runOnce(sagaPattern, db, { seed: proof.seed, variant, plan: proof.plan, params });
        expect({ variant, broken: broken(correct) }).toEqual({ variant, broken: [] });
      }
    });
  }

  it('every variant holds every invariant when nothing goes wrong', async () => {
    for (const { name } of sagaPattern.variants) {
      const outcome = await runOnce(sagaPattern, db, { seed: 5, variant: name, plan: '', params: { ...params, undoRefusalPercent: 0 } });
      expect({ name, broken: broken(outcome) }).toEqual({ name, broken: [] });
    }
  });

  it('the naive rollback forgets an undo its service refused, leaving the trip half booked', async () => {
    const naive = await play('in-memory', 12, '', { undoRefusalPercent: 50 });
    expect(naive.broken).toContain('every-trip-settles');
    const correct = await play('correct', 12, '', { undoRefusalPercent: 50 });
    expect(correct.broken).toEqual([]);
  });
});

describe('the orchestrator under faults', () => {
  it('retries a refused undo, hands it to a human after three tries, and the re-driven undo settles the trip', async () => {
    const { broken: bad, counter, run } = await play('correct', 2, '', { failurePercent: 30, undoRefusalPercent: 100 });
    expect(bad).toEqual([]);
    expect(counter('escalated')).toBeGreaterThan(0);
    const labels = run.sim.trace.all().map((e) => e.label);
    expect(labels.some((l) => /compensating\.\w+ → failed_needs_human on compensation.escalated/.test(l))).toBe(true);
    expect(labels.some((l) => /failed_needs_human → compensating\.\w+ on compensation.redriven/.test(l))).toBe(true);
  });

  it('planned refusals: a sold-out car, then the hotel refuses its first three cancels; escalated and settled, while the naive side stays stuck', async () => {
    const plan = 'refuse:car@book,refuse:hotel@cancel,refuse:hotel@cancel*2,refuse:hotel@cancel*3';
    const correct = await play('correct', 1, plan, { undoRefusalPercent: 0 });
    expect(correct.broken).toEqual([]);
    expect(correct.counter('escalated')).toBe(1);
    const trip1 = correct.labels('trip:1');
    expect(trip1).toContainEqual(expect.stringMatching(/car (commit|read) trip 1: book car → refused/));
    expect(trip1.filter((l) => /trip 1: cancel hotel → unavailable/.test(l))).toHaveLength(3);
    const labels = correct.run.sim.trace.all().map((e) => e.label);
    expect(labels).toContainEqual(expect.stringMatching(/trip 1: compensating\.hotel → failed_needs_human on compensation.escalated/));
    expect(labels).toContainEqual(expect.stringMatching(/trip 1: failed_needs_human → compensating\.hotel on compensation.redriven/));
    const naive = await play('in-memory', 1, plan, { undoRefusalPercent: 0 });
    expect(naive.violations('every-trip-settles')).toEqual(['trip 1: neither completed nor compensated (holds hotel pending)']);
  });

  it('in choreography, a service that retries an undo in line stalls every trip behind it; the orchestrator does not', async () => {
    const plan = 'refuse:car@book,refuse:hotel@cancel,refuse:hotel@cancel*2,refuse:hotel@cancel*3';
    const choreography = await play('choreography', 1, plan);
    expect(choreography.broken).toEqual([]);
    const hotel = choreography.run.sim.trace.all().filter((e) => e.actor === 'hotel' && e.kind !== 'send');
    expect(hotel.filter((e) => /trip 1: cancel hotel → unavailable/.test(e.label)).map((e) => e.vt)).toEqual([453, 755, 1_357]);
    expect(hotel.find((e) => /trip 1: cancel hotel → cancelled/.test(e.label))?.vt).toBe(3_359);
    expect([2, 3, 4, 5].map((id) => hotel.some((e) => e.label === `trip ${id}: book hotel → refused (too late)`))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect([choreography.counter('completed'), choreography.counter('compensated')]).toEqual([1, 5]);
    const orchestration = await play('correct', 1, plan);
    expect(orchestration.broken).toEqual([]);
    expect([orchestration.counter('completed'), orchestration.counter('compensated')]).toEqual([5, 1]);
  });

  it('in choreography, the service itself retries a refused undo and calls a human after three refusals', async () => {
    const { broken: bad, counter, run } = await play('choreography', 2, '', { failurePercent: 30, undoRefusalPercent: 100 });
    expect(bad).toEqual([]);
    expect(counter('escalated')).toBeGreaterThan(0);
    expect(run.sim.trace.all().some((e) => /refused 3 times, handed to a human/.test(e.label))).toBe(true);
  });

  it('a service frozen past the deadline: the orchestrator undoes the step in doubt, and the late booking is refused', async () => {
    const { broken: bad, labels } = await play('correct', 1, 'pause:hotel@400ms+3s');
    expect(bad).toEqual([]);
    const trip1 = labels('trip:1');
    expect(trip1).toContainEqual(expect.stringMatching(/running\.hotel → compensating\.hotel on deadline.passed/));
    expect(trip1).toContainEqual(expect.stringMatching(/hotel (commit|read) trip 1: book hotel → refused/));
    expect(trip1).toContainEqual(expect.stringMatching(/compensating\.flight → compensated on flight.cancelled/));
  });

  it('a restarted orchestrator resumes from its saga rows and skips the reply it had already applied', async () => {
    const { broken: bad, labels, counter } = await play('correct', 1, 'crash:orchestrator@between_steps*2');
    expect(bad).toEqual([]);
    expect(counter('completed')).toBe(params.trips);
    const trip1 = labels('trip:1');
    expect(trip1).toContainEqual(expect.stringMatching(/^orchestrator \w+ trip 1: hotel.booked ignored in running\.car$/));
    expect(trip1.filter((l) => /car commit trip 1: book car → booked/.test(l))).toHaveLength(1);
  });
});

describe('the article presets show what their prompts claim', () => {
  const preset = (id: string) => {
    const found = sagaPattern.playgrounds.find((p) => p.id === id)!;
    return (variant = found.variant) => play(variant, found.seed, found.plan, found.params ?? {});
  };

  it('saga-crash: the in-memory side leaves trip 1 holding a seat and a room; the persisted side completes every trip', async () => {
    const naive = await preset('saga-crash')();
    expect(naive.violations('every-trip-settles')).toEqual([
      'trip 1: neither completed nor compensated (holds flight pending, hotel pending)',
    ]);
    expect(naive.counter('in flight')).toBe(1);
    const correct = await preset('saga-crash')('correct');
    expect(correct.broken).toEqual([]);
    expect(correct.run.sim.trace.all().filter((e) => e.kind === 'crash' && e.actor === 'orchestrator')).toHaveLength(1);
    expect(correct.counter('completed')).toBe(params.trips);
    expect(naive.counter('inventory held')).toBe(correct.counter('inventory held') - 3 + 2);
  });

  it('saga-late-booking: the cancel overtakes the booking; naive holds a room for an undone trip, the tombstone refuses it', async () => {
    const naive = await preset('saga-late-booking')();
    expect(naive.violations('every-trip-settles')).toEqual(['trip 1: neither completed nor compensated (holds hotel pending)']);
    const naiveTrip1 = naive.labels('trip:1');
    const cancelled = naiveTrip1.findIndex((l) => /hotel \w+ trip 1: cancel hotel → cancelled/.test(l));
    const booked = naiveTrip1.findIndex((l) => /hotel commit trip 1: book hotel → booked/.test(l));
    expect(cancelled).toBeGreaterThan(-1);
    expect(booked).toBeGreaterThan(cancelled);

    const correct = await preset('saga-late-booking')('correct');
    expect(correct.broken).toEqual([]);
    const trip1 = correct.labels('trip:1');
    const tombstone = trip1.findIndex((l) => /hotel commit trip 1: cancel hotel → cancelled/.test(l));
    const refused = trip1.findIndex((l) => /hotel commit trip 1: book hotel → refused \(cancelled before it arrived\)/.test(l));
    expect(tombstone).toBeGreaterThan(-1);
    expect(refused).toBeGreaterThan(tombstone);
    const rows = await correct.query<{ item: string | null; status: string }>(`SELECT item, status FROM hotel_bookings WHERE trip_id = 1`);
    expect(rows).toEqual([{ item: null, status: 'cancelled' }]);
  });

  it('saga-choreography: both settle the same trips; choreography sends far fewer messages; its state takes four tables', async () => {
    const choreography = await preset('saga-choreography')();
    const orchestration = await preset('saga-choreography')('correct');
    for (const side of [choreography, orchestration]) {
      expect(side.broken).toEqual([]);
      expect(side.run.sim.trace.all().filter((e) => e.kind === 'fault').length).toBeGreaterThanOrEqual(2);
    }
    expect(choreography.counter('completed')).toBe(orchestration.counter('completed'));
    expect(choreography.counter('compensated')).toBe(orchestration.counter('compensated'));
    expect(choreography.counter('compensated')).toBeGreaterThan(0);
    expect(choreography.counter('messages per trip') * 2).toBeLessThan(orchestration.counter('messages per trip'));

    expect(await orchestration.query(tripStateQuery('correct', 2))).toEqual([{ trip_id: 2, state: 'compensated', step: null }]);
    expect(await choreography.query(tripStateQuery('choreography', 2))).toEqual([
      { trip_id: 2, flight: 'cancelled', hotel: 'cancelled', car: 'cancelled', payment: null },
    ]);
  });

  it('saga-two-phase-commit: with a slow hotel, trips wait on each other’s locks; one completes, late, against the saga’s three', async () => {
    const tpc = await preset('saga-two-phase-commit')();
    const saga = await preset('saga-two-phase-commit')('correct');
    expect(tpc.broken).toEqual(['nothing-after-deadline']);
    expect(tpc.violations('nothing-after-deadline')).toEqual(['trip 1: payment charged at 2598 ms, after its deadline at 2387 ms']);
    expect(tpc.labels('trip:2')).toContainEqual(
      expect.stringMatching(/car read trip 2: prepare car → unavailable \(locked by trip 1, in doubt\)/),
    );
    expect(tpc.counter('completed')).toBe(1);
    expect(saga.broken).toEqual([]);
    expect(saga.counter('completed')).toBe(3);
  });
});

describe('two-phase commit', () => {
  it('a frozen coordinator’s locks stop the other coordinator’s trips, and nobody else may release them', async () => {
    const { broken: bad, counter, labels } = await play('two-phase-commit', 1, 'pause:coordinator-1@500ms+3s');
    expect(bad).toEqual([]);
    expect(counter('compensated')).toBe(6);
    const waits = labels('trip:2').filter((l) => /prepare car → unavailable \(locked by trip 1, in doubt\)/.test(l));
    expect(waits.length).toBe(7);
    // Trip 1's room stays prepared (pending) through the freeze: released only after the coordinator's decision.
    expect(labels('trip:1')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^coordinator-1 commit trip 1: decide abort$/),
        expect.stringMatching(/^hotel commit trip 1: abort hotel → cancelled$/),
      ]),
    );
  });

  it('a coordinator that crashes before deciding aborts on restart (presumed abort) and releases what was prepared', async () => {
    const { broken: bad, labels } = await play('two-phase-commit', 1, 'crash:coordinator-1@before_decision');
    expect(bad).toEqual([]);
    const trip1 = labels('trip:1');
    expect(trip1).toContainEqual(expect.stringMatching(/^coordinator-1 commit trip 1: decide abort$/));
    expect(trip1).toContainEqual(expect.stringMatching(/^flight commit trip 1: abort flight → cancelled$/));
  });
});

describe('the statechart view of the orchestrator', () => {
  it('ends with every trip in completed or compensated, and lights only arrows the chart draws', async () => {
    const { run, counter } = await play('correct', 2, 'pause:hotel@1s+2500ms,crash:orchestrator@between_steps*5', {
      failurePercent: 30,
      undoRefusalPercent: 60,
    });
    const tally = tallyMoves(run.sim.trace.all());
    expect(tally.occupancy).toEqual({ completed: counter('completed'), compensated: counter('compensated') });
    const arrows = new Set(SAGA_STATECHART.transitions.map((t) => transitionKey(t.from, t.event, t.to)));
    expect(Object.keys(tally.fired).filter((key) => !arrows.has(key))).toEqual([]);
    expect(Object.keys(tally.fired).length).toBeGreaterThan(10);
    // Late and repeated answers bounce off the machine, and the view lists them.
    expect(tally.refused.length).toBeGreaterThan(0);
  });
});

describe('a saga run is a pure function of its seed and fault plan', () => {
  it('replays each variant to the same trace', async () => {
    const plan = 'crash:orchestrator@between_steps*3,dup:deliver*4,pause:car@1s+1500ms,delay:publish*9+700ms';
    for (const { name } of sagaPattern.variants) {
      const first = await runOnce(sagaPattern, db, { seed: 9, variant: name, plan, params });
      const again = await runOnce(sagaPattern, db, { seed: 9, variant: name, plan, params });
      expect({ name, hash: again.traceHash }).toEqual({ name, hash: first.traceHash });
    }
  });
});

describe('the checkers catch what the correct variants never do', () => {
  it('held-matches-bookings flags a room held with no booking behind it', async () => {
    const { run } = await play('correct', 5, '');
    await db.query(`UPDATE ${run.schemas.hotel}.hotel_inventory SET held = held + 1 WHERE item = 'old-town'`);
    const checker = sagaPattern.invariants.find((i) => i.name === 'held-matches-bookings')!;
    const found = await checker.check({ db, schemas: run.schemas, trace: run.sim.trace });
    expect(found.map((v) => v.message)).toEqual([expect.stringMatching(/^hotel old-town: \d+ held of 60, but \d+ live bookings$/)]);
  });
});
