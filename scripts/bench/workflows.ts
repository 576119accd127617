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

    // What the guard costs: the machine-checked order book against the flags on the same orders.
    const seeds = [1, 2, 3];
    const total = async (pattern: Pattern, variant: string) => {
      let ms = 0;
      let commits = 0;
      for (const seed of seeds) {
        const run = await nodeRun(db, pattern, variant, seed, '');
        ms += run.ms;
        commits += run.commits;
      }
      return { ms, commits };
    };
    const guarded = await total(stateMachinesPattern, 'correct');
    const flags = await total(stateMachinesPattern, 'flags');
    report(
      'state machines: a fault-free run with compare-and-set transitions / with flags (Node, seeds 1-3)',
      `${(guarded.ms / flags.ms).toFixed(2)} (${Math.round(guarded.ms)} ms / ${Math.round(flags.ms)} ms; ${guarded.commits} / ${flags.commits} commits)`,
    );

    // Orchestration against choreography on the same trips: time, commits and messages per trip.
    const trips = defaultParams(sagaPattern).trips! * seeds.length;
    const perTrip = async (variant: string) => {
      let ms = 0;
      let commits = 0;
      let messages = 0;
      for (const seed of seeds) {
        const run = await nodeRun(db, sagaPattern, variant, seed, '');
        ms += run.ms;
        commits += run.commits;
        messages += run.counter('messages');
      }
      return { ms, commits: commits / trips, messages: messages / trips };
    };
    const orchestrated = await perTrip('correct');
    const choreographed = await perTrip('choreography');
    report(
      'saga: a fault-free run orchestrated / choreographed (Node, seeds 1-3)',
      `${(orchestrated.ms / choreographed.ms).toFixed(2)} (${Math.round(orchestrated.ms)} ms / ${Math.round(choreographed.ms)} ms); ` +
        `${orchestrated.commits.toFixed(1)} / ${choreographed.commits.toFixed(1)} commits and ` +
        `${orchestrated.messages.toFixed(1)} / ${choreographed.messages.toFixed(1)} messages per trip`,
    );
  } finally {
    await db.close();
  }
}
