import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OwnedDatabase } from '../../playgrounds/db/pglite.ts';
import { defaultParams } from '../../playgrounds/kernel/pattern.ts';
import { outboxPattern } from '../../playgrounds/outbox/index.ts';
import { runOnce, sweepPlan } from '../../playgrounds/sweep.ts';
import { testDatabase } from '../support/database.ts';

// Half of the 200-seed sweep (the other half is in outbox-sweep-2.test.ts, so two workers share it).
const FIRST_SEED = 1;
const LAST_SEED = 100;

let db: OwnedDatabase;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(() => db.close());

it(`the correct outbox holds every invariant over random fault schedules, seeds ${FIRST_SEED}..${LAST_SEED}`, async () => {
  const params = defaultParams(outboxPattern);
  const failures: string[] = [];
  let faultsFired = 0;
  for (let seed = FIRST_SEED; seed <= LAST_SEED; seed++) {
    const plan = sweepPlan(outboxPattern, 'correct', params, seed);
    const outcome = await runOnce(outboxPattern, db, { seed, variant: 'correct', plan, params });
    faultsFired += outcome.faultsInjected.length;
    if (!outcome.ok)
      failures.push(
        `seed ${seed} [${plan}]: ${outcome.invariants
          .filter((i) => !i.ok)
          .map((i) => `${i.name}: ${i.first}`)
          .join('; ')} — ${outcome.link}`,
      );
  }
  expect(failures).toEqual([]);
  // A sweep whose faults never fire proves nothing.
  expect(faultsFired).toBeGreaterThan(LAST_SEED - FIRST_SEED);
});
