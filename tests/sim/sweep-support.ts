import { expect, it } from 'vitest';
import { defaultParams, type Pattern } from '../../playgrounds/kernel/pattern.ts';
import { runOnce, sweepPlan } from '../../playgrounds/sweep.ts';
import { sharedTestDatabase } from '../support/database.ts';

/**
 * Declares a test that the correct variant of `pattern` holds every invariant over the random
 * fault schedules of seeds `first..last`. Sweeps are split across files so both cores share them.
 */
export function correctVariantHolds(pattern: Pattern, first: number, last: number): void {
  const db = sharedTestDatabase();

  it(`the correct ${pattern.id} holds every invariant over random fault schedules, seeds ${first}..${last}`, async () => {
    const params = defaultParams(pattern);
    const failures: string[] = [];
    let faultsFired = 0;
    for (let seed = first; seed <= last; seed++) {
      const plan = sweepPlan(pattern, 'correct', params, seed);
      const outcome = await runOnce(pattern, db, { seed, variant: 'correct', plan, params });
      faultsFired += outcome.faultsInjected.length;
      if (!outcome.ok) {
        const broken = outcome.invariants.filter((i) => !i.ok).map((i) => `${i.name}: ${i.first}`);
        failures.push(`seed ${seed} [${plan}]: ${broken.join('; ')} — ${outcome.link}`);
      }
    }
    expect(failures).toEqual([]);
    // A sweep whose faults never fire proves nothing.
    expect(faultsFired).toBeGreaterThan(last - first);
  });
}
