import type { BrowserContext } from 'playwright-core';
import { checkpointingPattern } from '../../playgrounds/checkpointing/index.ts';
import { openDatabase } from '../../playgrounds/db/pglite.ts';
import { findSweep, measureSweep, resolveSweepSettings } from '../../playgrounds/parameter-sweep.ts';

const ARTICLE = '/patterns/checkpointing/';
const SWEEP = 'checkpointing-interval';

/**
 * The interval sweep's cost per point: the whole sweep measured in the page (worker, real
 * Postgres, the page polling and drawing) against the same points run straight through in Node
 * in this process, the baseline.
 */
export async function benchSweep(context: BrowserContext, origin: string, report: (figure: string, value: string, goal?: string) => void) {
  const spec = findSweep(checkpointingPattern, SWEEP)!;
  const settings = resolveSweepSettings(spec, {});
  if (!settings.ok) throw new Error(settings.error);
  const db = await openDatabase();
  const started = performance.now();
  let points = 0;
  for await (const point of measureSweep(checkpointingPattern, spec, db, 'bench', settings.value)) points += point.y === null ? 0 : 1;
  const nodeMs = (performance.now() - started) / points;
  await db.close();

  const page = await context.newPage();
  await page.goto(origin + ARTICLE);
  const root = page.locator(`[data-sweep="${SWEEP}"]`);
  await root.scrollIntoViewIfNeeded();
  await page.waitForSelector(`[data-sweep="${SWEEP}"][data-status="idle"]`, { timeout: 120_000 });
  await root.getByRole('button', { name: /measure/i }).click();
  await page.waitForSelector(`[data-sweep="${SWEEP}"][data-status="finished"]`, { timeout: 600_000 });
  const measured = Number(await root.getAttribute('data-points'));
  const elapsed = Number(await root.getAttribute('data-elapsed-ms'));
  if (!(elapsed > 0)) throw new Error('the sweep island reported no elapsed time (data-elapsed-ms)');
  await page.close();
  const pageMs = elapsed / measured;
  report(
    `interval sweep: cost per point in the page / in Node (${measured} runs)`,
    `${(pageMs / nodeMs).toFixed(2)} (${Math.round(pageMs)} ms / ${Math.round(nodeMs)} ms per point)`,
  );
}
