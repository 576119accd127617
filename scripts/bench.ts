/**
 * `npm run bench`: performance figures for the built site, measured in one headless Chromium
 * session, each as a ratio against a baseline taken in the same run (machines here are noisy;
 * ratios travel better than milliseconds). Figures, not pass/fail: tests never assert on time.
 *
 * Needs `npm run build` first. `--quick` skips the 200-seed CLI sweep (about three minutes).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { openDatabase } from '../playgrounds/db/pglite.ts';
import { defaultParams } from '../playgrounds/kernel/pattern.ts';
import { PatternRun } from '../playgrounds/kernel/run.ts';
import { outboxPattern } from '../playgrounds/outbox/index.ts';
import { launchChromium } from '../tests/support/browser.ts';
import { serveStatic } from '../tests/support/static-server.ts';
import { instrument, statusTime } from './bench/page-clock.ts';
import { recording } from './bench/recorder.ts';
import { benchRealCrash } from './bench/real-crash.ts';
import { benchSweep } from './bench/sweep.ts';
import { benchWorkflows } from './bench/workflows.ts';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');
const benchDist = join(root, '.cache', 'bench-dist');
const quick = process.argv.includes('--quick');
const ARTICLE = '/patterns/transactional-outbox/';
const MEASURED = outboxPattern.playgrounds.find((p) => p.id === 'outbox-relay')!;

const figures: Array<{ figure: string; value: string; goal: string }> = [];
const report = (figure: string, value: string, goal = '') => {
  figures.push({ figure, value, goal });
  console.log(`  ${figure}: ${value}${goal ? `   (goal ${goal})` : ''}`);
};

/** Records every statement of the measured preset's run, for the raw-PGlite replay. */
async function recordStatements(): Promise<number> {
  const db = await openDatabase();
  const recorder = recording(db);
  const run = await PatternRun.create(outboxPattern, recorder.db, 'p1m', {
    seed: MEASURED.seed,
    variant: MEASURED.variant,
    plan: MEASURED.plan,
    params: { ...defaultParams(outboxPattern), ...MEASURED.params },
    safetyChecks: 'every-commit',
  });
  await run.runToEnd();
  await db.close();
  mkdirSync(benchDist, { recursive: true });
  writeFileSync(join(benchDist, 'statements.json'), JSON.stringify(recorder.units));
  return recorder.units.filter((u) => u.kind === 'tx').length;
}

async function buildBarePage(): Promise<void> {
  await build({
    root: join(root, 'scripts', 'bench'),
    base: './',
    logLevel: 'error',
    build: { outDir: benchDist, emptyOutDir: false, rollupOptions: { input: join(root, 'scripts', 'bench', 'bare.html') } },
    worker: { format: 'es' },
    optimizeDeps: { exclude: ['@electric-sql/pglite'] },
  });
}

/** Resident memory of this bench's Chromium renderer processes (the page and its worker live there). */
function rendererRssBytes(): number {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length >= 4)
    .map(([pid, ppid, rss, ...args]) => ({ pid: Number(pid), ppid: Number(ppid), rss: Number(rss), args: args.join(' ') }));
  // Only descendants of this process: other Chromiums on the machine are not ours to count.
  const ours = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const row of rows) {
      if (ours.has(row.ppid) && !ours.has(row.pid)) {
        ours.add(row.pid);
        grew = true;
      }
    }
  }
  return rows.filter((row) => ours.has(row.pid) && row.args.includes('--type=renderer')).reduce((sum, row) => sum + row.rss * 1024, 0);
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
const kb = (bytes: number) => `${(bytes / 1e3).toFixed(1)} KB`;

async function main(): Promise<void> {
  if (!existsSync(join(dist, 'index.html'))) throw new Error('no build: run `npm run build` first');
  console.log('recording the measured run and building the baseline page…');
  const simTransactions = await recordStatements();
  await buildBarePage();
  const site = await serveStatic(dist);
  const bench = await serveStatic(benchDist);
  const browser = await launchChromium();
  try {
    console.log(`\nFaultline bench (Chromium ${browser.version()}, ${new Date().toISOString().slice(0, 10)})`);

    // Cold visit: bytes before the playground nears the viewport, and until it is ready.
    const cold = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await cold.newPage();
    await instrument(page);
    const transferred: Array<{ url: string; bytes: number; at: number }> = [];
    const started = Date.now();
    page.on('requestfinished', (request) => {
      void request
        .sizes()
        .then((sizes) =>
          transferred.push({ url: request.url(), bytes: sizes.responseBodySize + sizes.responseHeadersSize, at: Date.now() - started }),
        );
    });
    await page.goto(site.origin + ARTICLE, { waitUntil: 'networkidle' });
    await page.waitForTimeout(1_000);
    // Every fetch so far must be counted before summing (sizes arrive asynchronously).
    await page.waitForTimeout(200);
    const jsBefore = transferred.filter((t) => /\.m?js(\?|$)/.test(t.url)).reduce((s, t) => s + t.bytes, 0);
    report('JavaScript fetched before a playground nears the viewport', kb(jsBefore) + ' (gzip)', '< 30 KB');
    const scrolledAt = Date.now() - started;
    await page.locator('[data-playground="outbox-dual-write"]').scrollIntoViewIfNeeded();
    await page.waitForSelector('[data-playground="outbox-dual-write"][data-status="ready"]', { timeout: 120_000 });
    const readyAt = Date.now() - started;
    const bytesUntilReady = transferred.reduce((s, t) => s + t.bytes, 0);
    report('bytes fetched until the first playground is ready (cold cache)', mb(bytesUntilReady) + ' (gzip, snapshot included)', '< 7 MB');
    report('cold first playground: scroll to ready', `${readyAt - scrolledAt} ms`);

    // Warm visit in the same context: ready time against a bare PGlite.create() in this browser.
    const warm = await cold.newPage();
    await instrument(warm);
    await warm.goto(site.origin + ARTICLE, { waitUntil: 'networkidle' });
    const scroll = await warm.evaluate(() => performance.now());
    await warm.locator('[data-playground="outbox-dual-write"]').scrollIntoViewIfNeeded();
    await warm.waitForSelector('[data-playground="outbox-dual-write"][data-status="ready"]', { timeout: 120_000 });
    const warmReady = (await statusTime(warm, 'outbox-dual-write', 'ready'))! - scroll;
    const barePage = await cold.newPage();
    await barePage.goto(bench.origin + '/bare.html');
    await barePage.evaluate(() => (window as unknown as { benchResult: Promise<unknown> }).benchResult); // warm its cache
    await barePage.reload();
    const bare = await barePage.evaluate(
      () => (window as unknown as { benchResult: Promise<{ createMs: number; replayMs: number; transactions: number }> }).benchResult,
    );
    report(
      'playground ready time / bare PGlite.create()',
      `${(warmReady / bare.createMs).toFixed(2)} (${Math.round(warmReady)} ms / ${Math.round(bare.createMs)} ms)`,
      '<= 0.3',
    );

    // A full-speed run of the measured preset: throughput against the raw replay, long tasks, memory.
    await Promise.all([page.close(), warm.close(), barePage.close()]);
    const runPage = await cold.newPage();
    await instrument(runPage);
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rendererRssBytes())), 200);
    await runPage.goto(`${site.origin}${ARTICLE}?play=${MEASURED.id}&run=1`);
    await runPage.locator(`[data-playground="${MEASURED.id}"]`).scrollIntoViewIfNeeded();
    await runPage.waitForSelector(`[data-playground="${MEASURED.id}"][data-status="finished"]`, { timeout: 180_000 });
    clearInterval(sampler);
    const rawRate = bare.transactions / (bare.replayMs / 1000);
    const rate = async () =>
      simTransactions /
      (((await statusTime(runPage, MEASURED.id, 'finished'))! - (await statusTime(runPage, MEASURED.id, 'running'))!) / 1000);
    const firstRate = await rate();
    report(
      'simulated transactions/s / raw PGlite transactions/s (same statements), first run',
      `${(firstRate / rawRate).toFixed(2)} (${Math.round(firstRate)} / ${Math.round(rawRate)} per s)`,
      '>= 0.8',
    );
    const runningAt = (await statusTime(runPage, MEASURED.id, 'running'))!;
    const allTasks = await runPage.evaluate(() => (window as unknown as { longTasks: Array<[number, number]> }).longTasks);
    const longTasks = allTasks.filter(([start]) => start >= runningAt).map(([, duration]) => duration);
    report(
      'main-thread long tasks during a max-speed run',
      `${longTasks.length}${longTasks.length ? ` (longest ${Math.round(Math.max(...longTasks))} ms)` : ''}`,
      '0',
    );
    report('main-thread long tasks while the page loads and the playground boots', String(allTasks.length - longTasks.length));
    report('renderer + worker memory during a run (peak RSS of renderer processes)', mb(peakRss));

    // Again, as a reader who presses Reset and Run: caches warm, the steady state.
    const root = runPage.locator(`[data-playground="${MEASURED.id}"]`);
    await root.getByRole('button', { name: 'Reset', exact: true }).click();
    await runPage.waitForSelector(`[data-playground="${MEASURED.id}"][data-status="ready"]`);
    await root.getByLabel('Speed').selectOption('0');
    await root.getByRole('button', { name: 'Run', exact: true }).first().click();
    await runPage.waitForSelector(`[data-playground="${MEASURED.id}"][data-status="finished"]`, { timeout: 180_000 });
    const secondRate = await rate();
    report(
      'the same, run again after Reset (caches warm)',
      `${(secondRate / rawRate).toFixed(2)} (${Math.round(secondRate)} / ${Math.round(rawRate)} per s)`,
      '>= 0.8',
    );

    // One database however many playgrounds: hydrate all of them and count workers.
    for (const preset of outboxPattern.playgrounds) {
      await runPage.locator(`[data-playground="${preset.id}"]`).scrollIntoViewIfNeeded();
      await runPage.waitForSelector(`[data-playground="${preset.id}"]:not([data-status="booting"])`, { timeout: 60_000 });
    }
    report(
      `workers (PGlite instances) on a page with ${outboxPattern.playgrounds.length} playgrounds`,
      String(runPage.workers().length),
      '1',
    );

    await benchSweep(cold, site.origin, report);
    await benchWorkflows(cold, site.origin, report);
    await benchRealCrash(browser, dist, report);
  } finally {
    await browser.close();
    await site.close();
    await bench.close();
  }

  if (quick) {
    report('CLI peak RSS over a 200-seed sweep', 'skipped (--quick)');
  } else {
    console.log('  (running the 200-seed sweep for the CLI figure…)');
    const sweep = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'playgrounds/cli.ts', 'outbox', '--seeds', '1..200', '--json'],
      {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      },
    );
    const summary = (JSON.parse(sweep.stdout) as { summary: { peakRssBytes: number; runs: number } }).summary;
    report('CLI peak RSS over a 200-seed sweep', mb(summary.peakRssBytes));
  }
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  writeFileSync(join(root, 'bench-results', 'latest.json'), JSON.stringify(figures, null, 2));
}

await main();
