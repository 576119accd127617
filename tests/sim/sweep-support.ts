import { expect, it } from 'vitest';
import { defaultParams, type Pattern } from '../../playgrounds/kernel/pattern.ts';
import { runOnce, sweepPlan } from '../../playgrounds/sweep.ts';
import { sharedTestDatabase } from '../support/database.ts';

/**
 * Declares a test that a non-naive variant of `pattern` (by default `correct`) holds every
 * invariant over the random fault schedules of seeds `first..last`. Sweeps are split across
 * files so both cores share them.
 */
export function correctVariantHolds(pattern: Pattern, first: number, last: number, variant = 'correct'): void {
  const db = sharedTestDatabase();

  it(`the ${variant} ${pattern.id} holds every invariant over random fault schedules, seeds ${first}..${last}`, async () => {
    expect(pattern.variants.find((v) => v.name === variant)?.naive).toBe(false);
    const params = defaultParams(pattern);
    const failures: string[] = [];
    let faultsFired = 0;
    for (let seed = first; seed <= last; seed++) {
      const plan = sweepPlan(pattern, variant, params, seed);
      const outcome = await runOnce(pattern, db, { seed, variant, plan, params });
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
