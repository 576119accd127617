import { mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { serveStatic } from '../../tests/support/static-server.ts';

const ARTICLE = '/patterns/checkpointing/';
const CACHE = join(import.meta.dirname, '..', '..', '.cache');
const KILL_AFTER_ITEM = 100;

type Report = (figure: string, value: string, goal?: string) => void;

interface Baseline {
  openMs: number;
  idbCreateMs: number;
  commitMs: { opfsSynced: number; opfsUnsynced: number; memory: number; idbSynced: number };
}

/**
 * The build with the baseline page beside it under `/bench/`: OPFS belongs to an origin, so the
 * bare open must be served from the same one as the article to see the section's database.
 * Symlinks, so the build itself is left as it is.
 */
async function siteWithBaseline(dist: string): Promise<string> {
  const baseline = join(CACHE, 'bench-durable');
  await build({
    root: import.meta.dirname,
    base: './',
    logLevel: 'error',
    build: { outDir: baseline, emptyOutDir: true, rollupOptions: { input: join(import.meta.dirname, 'durable-open.html') } },
    worker: { format: 'es' },
    optimizeDeps: { exclude: ['@electric-sql/pglite'] },
  });
  const site = join(CACHE, 'bench-durable-site');
  rmSync(site, { recursive: true, force: true });
  mkdirSync(site, { recursive: true });
  for (const entry of readdirSync(dist)) symlinkSync(join(dist, entry), join(site, entry));
  symlinkSync(baseline, join(site, 'bench'));
  return site;
}

const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
const ratio = (value: number, base: number) => `${(value / base).toFixed(2)} (${ms(value)} / ${ms(base)})`;

/**
 * The real-crash section's figures, in one browser context: the time from `terminate()` to the
 * job running again in a new worker, against a bare `PGlite.create()` of the same OPFS database
 * in the same session; and what a durable commit costs on each kind of storage.
 */
export async function benchRealCrash(browser: Browser, dist: string, report: Report): Promise<void> {
  const site = await serveStatic(await siteWithBaseline(dist));
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(site.origin + ARTICLE);
    const root = page.locator('[data-real-crash]');
    await root.scrollIntoViewIfNeeded();
    await page.waitForSelector('[data-real-crash][data-phase="empty"]', { timeout: 60_000 });
    // Nothing is stored until the job starts: the first start creates the database.
    await root.getByRole('button', { name: 'Start the job' }).click();
    await page.waitForSelector('[data-real-crash][data-phase="running"]', { timeout: 180_000 });
    const createMs = Number(await root.getAttribute('data-open-ms'));
    const directory = (await root.locator('.fl-crash__storage code').innerText()).replace(/^opfs-ahp:\/\//, '');
    await page.waitForFunction(
      (item) => Number(document.querySelector('[data-real-crash]')?.getAttribute('data-checkpoint')) >= item,
      KILL_AFTER_ITEM,
      { timeout: 60_000 },
    );
    await root.getByRole('button', { name: 'Kill the worker' }).click();
    const recovery = root.locator('.fl-crash__recovery[data-running-again-ms]');
    await recovery.waitFor({ timeout: 120_000 });
    const measured = async (name: string) => Number(await recovery.getAttribute(`data-${name}`));
    const runningAgainMs = await measured('running-again-ms');
    const reopenMs = await measured('open-ms');
    const waitedMs = await measured('waited-ms');
    const engineMs = (await measured('boot-ms')) - reopenMs - waitedMs;
    await page.waitForSelector('[data-real-crash][data-phase="finished"]', { timeout: 180_000 });
    // Closing the tab kills the section's worker; the baseline waits for its handles, untimed.
    await page.close();
    const bare = await context.newPage();
    await bare.goto(`${site.origin}/bench/durable-open.html?directory=${encodeURIComponent(directory)}`);
    const baseline = await bare.evaluate(() => (window as unknown as { benchResult: Promise<Baseline> }).benchResult);
    const { commitMs } = baseline;

    report('real kill: terminate() to the job running again / bare open of the same OPFS database', ratio(runningAgainMs, baseline.openMs));
    report('  of which PGlite.create() in the new worker (crash recovery included) / bare open', ratio(reopenMs, baseline.openMs));
    report(
      "  of which waiting for the killed worker's OPFS handles / the new worker's engine download and compile",
      `${ms(waitedMs)} / ${ms(engineMs)}`,
    );
    report(
      'first visit: creating the durable database (snapshot into OPFS / into IndexedDB)',
      `${ms(createMs)} / ${ms(baseline.idbCreateMs)}`,
    );
    report('durable commit (transaction + syncToFs) on OPFS / a commit in memory', ratio(commitMs.opfsSynced, commitMs.memory));
    report('  the same commit on OPFS without syncToFs / on IndexedDB with it', `${ms(commitMs.opfsUnsynced)} / ${ms(commitMs.idbSynced)}`);
  } finally {
    await context.close();
    await site.close();
  }
}
