import type { BrowserContext } from 'playwright-core';
import { openDatabase } from '../../playgrounds/db/pglite.ts';
import { defaultParams, type Pattern } from '../../playgrounds/kernel/pattern.ts';
import { PatternRun } from '../../playgrounds/kernel/run.ts';
import { sagaPattern } from '../../playgrounds/saga/index.ts';
import { stateMachinesPattern } from '../../playgrounds/state-machines/index.ts';
import { instrument, statusTime } from './page-clock.ts';

type Report = (figure: string, value: string, goal?: string) => void;
type Db = Awaited<ReturnType<typeof openDatabase>>;

/** One run straight through in Node, as the page's worker runs it (checks after every commit). */
async function nodeRun(db: Db, pattern: Pattern, variant: string, seed: number, plan: string, params: Record<string, number> = {}) {
  const started = performance.now();
  const run = await PatternRun.create(pattern, db, 'bench', {
    seed,
    variant,
    plan,
    params: { ...defaultParams(pattern), ...params },
    safetyChecks: 'every-commit',
  });
  await run.runToEnd();
  const trace = run.sim.trace.all();
  return {
    ms: performance.now() - started,
    commits: trace.filter((e) => e.kind === 'commit').length,
    counter: (name: string) => run.sim.counters.get(name) ?? 0,
  };
}

/**
 * The state-machine and saga playgrounds. Each preset runs at full speed in the page (worker,
 * real Postgres, and the statechart, per-trip lanes and standings redrawn as it goes) against
 * the same runs straight through in Node in this process; and what the careful designs cost
 * against their naive and alternative twins on the same seed.
 */
export async function benchWorkflows(context: BrowserContext, origin: string, report: Report): Promise<void> {
  const db = await openDatabase();
  try {
    for (const pattern of [stateMachinesPattern, sagaPattern]) {
      for (const preset of pattern.playgrounds) {
        const variants = preset.compare && preset.variant !== 'correct' ? [preset.variant, 'correct'] : [preset.variant];
        let nodeMs = 0;
        for (const variant of variants) nodeMs += (await nodeRun(db, pattern, variant, preset.seed, preset.plan, preset.params)).ms;

        const page = await context.newPage();
        await instrument(page);
        await page.goto(`${origin}/patterns/${pattern.articleSlug}/?play=${preset.id}`);
        const root = page.locator(`[data-playground="${preset.id}"]`);
        await root.scrollIntoViewIfNeeded();
        await page.waitForSelector(`[data-playground="${preset.id}"][data-status="ready"]`, { timeout: 120_000 });
        await root.getByLabel('Speed').selectOption('0');
        await root.getByRole('button', { name: 'Run', exact: true }).first().click();
        await page.waitForSelector(`[data-playground="${preset.id}"][data-status="finished"]`, { timeout: 300_000 });
        const runningAt = (await statusTime(page, preset.id, 'running'))!;
        const pageMs = (await statusTime(page, preset.id, 'finished'))! - runningAt;
        const longTasks = (await page.evaluate(() => (window as unknown as { longTasks: Array<[number, number]> }).longTasks))
          .filter(([start]) => start >= runningAt)
          .map(([, duration]) => duration);
        await page.close();
        report(
          `${preset.id}: max-speed run in the page / in Node (${variants.join(' + ')})`,
          `${(pageMs / nodeMs).toFixed(2)} (${Math.round(pageMs)} ms / ${Math.round(nodeMs)} ms), ${longTasks.length} long tasks${
            longTasks.length ? ` (longest ${Math.round(Math.max(...longTasks))} ms)` : ''
          }`,
        );
      }
    }

    // Fault-free runs on the same seeds, summed: what one design costs against another.
    const seeds = [1, 2, 3];
    const total = async (pattern: Pattern, variant: string) => {
      const sum = { ms: 0, commits: 0, messages: 0 };
      for (const seed of seeds) {
        const run = await nodeRun(db, pattern, variant, seed, '');
        sum.ms += run.ms;
        sum.commits += run.commits;
        sum.messages += run.counter('messages');
      }
      return sum;
    };
    const ratio = (a: { ms: number }, b: { ms: number }) => `${(a.ms / b.ms).toFixed(2)} (${Math.round(a.ms)} ms / ${Math.round(b.ms)} ms)`;

    // What the guard costs: the machine-checked order book against the flags on the same orders.
    const guarded = await total(stateMachinesPattern, 'correct');
    const flags = await total(stateMachinesPattern, 'flags');
    report(
      'state machines: a fault-free run with compare-and-set transitions / with flags (Node, seeds 1-3)',
      `${ratio(guarded, flags)}; ${guarded.commits} / ${flags.commits} commits`,
    );

    // Orchestration against choreography on the same trips: time, commits and messages per trip.
    const trips = defaultParams(sagaPattern).trips! * seeds.length;
    const perTrip = (n: number) => (n / trips).toFixed(1);
    const orchestrated = await total(sagaPattern, 'correct');
    const choreographed = await total(sagaPattern, 'choreography');
    report(
      'saga: a fault-free run orchestrated / choreographed (Node, seeds 1-3)',
      `${ratio(orchestrated, choreographed)}; ${perTrip(orchestrated.commits)} / ${perTrip(choreographed.commits)} commits and ` +
        `${perTrip(orchestrated.messages)} / ${perTrip(choreographed.messages)} messages per trip`,
    );
  } finally {
    await db.close();
  }
}
