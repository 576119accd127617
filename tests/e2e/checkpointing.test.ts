import AxeBuilder from '@axe-core/playwright';
import { describe, expect, it } from 'vitest';
import { checkpointingPattern } from '../../playgrounds/checkpointing/index.ts';
import { openDatabase } from '../../playgrounds/db/pglite.ts';
import { defaultParams } from '../../playgrounds/kernel/pattern.ts';
import { analyseProgress, totalLoss } from '../../playgrounds/kernel/progress.ts';
import { PatternRun } from '../../playgrounds/kernel/run.ts';
import { findSweep, measureSweep, resolveSweepSettings, type SweepPoint } from '../../playgrounds/parameter-sweep.ts';
import { playground, useSiteBrowser, waitForStatus } from '../support/site-browser.ts';

const ARTICLE = '/patterns/checkpointing/';
const { open } = useSiteBrowser();

/** The preset's run of one variant in Node: its trace hash and the work its crashes lost. */
async function nodeRun(presetId: string, variant: string) {
  const preset = checkpointingPattern.playgrounds.find((p) => p.id === presetId)!;
  const db = await openDatabase();
  try {
    const run = await PatternRun.create(checkpointingPattern, db, 'e2e', {
      seed: preset.seed,
      variant,
      plan: preset.plan,
      params: { ...defaultParams(checkpointingPattern), ...preset.params },
      safetyChecks: 'every-commit',
    });
    await run.runToEnd();
    return {
      hash: run.sim.trace.hash(),
      lostMs: totalLoss(analyseProgress(run.sim.trace.all(), checkpointingPattern.progress!).losses).lostMs,
    };
  } finally {
    await db.close();
  }
}

describe('the checkpointing article', () => {
  it('the crash at hour two runs in the page exactly as in Node, and the chart shows the work each side lost', async () => {
    const [naive, correct] = [await nodeRun('checkpointing-crash', 'no-checkpoint'), await nodeRun('checkpointing-crash', 'correct')];
    const { page, errors, close } = await open(`${ARTICLE}?play=checkpointing-crash&run=1`);
    const root = playground(page, 'checkpointing-crash');
    await root.scrollIntoViewIfNeeded();
    await waitForStatus(page, 'checkpointing-crash', 'finished');
    await expect(root.locator('[data-side-hash="main"]').innerText()).resolves.toBe(naive.hash);
    await expect(root.locator('[data-side-hash="correct"]').innerText()).resolves.toBe(correct.hash);
    const lost = await root.locator('.fl-pchart').evaluateAll((charts) => charts.map((c) => Number(c.getAttribute('data-lost-ms'))));
    expect(lost).toEqual([naive.lostMs, correct.lostMs]);
    // Two hours lost on the naive side, minutes on the correct one, and the page says so in words.
    expect(naive.lostMs).toBeGreaterThan(119 * 60_000);
    expect(correct.lostMs).toBeLessThan(11 * 60_000);
    const summaries = await root.locator('[data-progress-summary]').allInnerTexts();
    expect(summaries[0]).toMatch(/1 crash threw away 2 h of work/);
    await expect(root.locator('[data-side="main"] [data-invariant="exactly-once-output"]').getAttribute('data-ok')).resolves.toBe('false');
    expect(errors).toEqual([]);
    await close();
  });

  it('the interval sweep measures in the page what Node measures, point for point', async () => {
    const spec = findSweep(checkpointingPattern, 'checkpointing-interval')!;
    const settings = resolveSweepSettings(spec, {});
    if (!settings.ok) throw new Error(settings.error);
    const db = await openDatabase();
    const node: SweepPoint[] = [];
    for await (const point of measureSweep(checkpointingPattern, spec, db, 'e2e', settings.value)) {
      node.push(point);
      if (node.length === spec.vary.values.length) break;
    }
    await db.close();

    const { page, errors, close } = await open(ARTICLE);
    const root = page.locator('[data-sweep="checkpointing-interval"]');
    await root.scrollIntoViewIfNeeded();
    await page.waitForSelector('[data-sweep="checkpointing-interval"][data-status="idle"]', { timeout: 90_000 });
    await root.getByRole('button', { name: /measure/i }).click();
    await page.waitForFunction(
      (n) => Number(document.querySelector('[data-sweep="checkpointing-interval"]')?.getAttribute('data-points')) >= n,
      spec.vary.values.length,
      { timeout: 180_000 },
    );
    await root.getByRole('button', { name: 'Stop' }).click();
    await page.waitForSelector('[data-sweep="checkpointing-interval"][data-status="cancelled"]');
    const measured = await root
      .locator('.fl-sweep__dot[data-seed="1"]')
      .evaluateAll((dots) => dots.map((d) => [Number(d.getAttribute('data-value')), Number(d.getAttribute('data-measured'))]));
    expect(measured).toEqual(node.map((p) => [p.value, p.y]));
    await expect(root.locator('[data-sweep-summary]').innerText()).resolves.toMatch(/Young: √\(2·C·MTBF\) = 5 min 29 s/);
    expect(errors).toEqual([]);
    await close();
  });

  it('explains a link with bad parameter values and falls back to the preset', async () => {
    const { page, errors, close } = await open(`${ARTICLE}?play=checkpointing-crash&chunkSize=0&itemMs=fast`);
    await playground(page, 'checkpointing-crash').scrollIntoViewIfNeeded();
    await waitForStatus(page, 'checkpointing-crash', 'ready');
    const notice = await playground(page, 'checkpointing-crash').locator('.fl-notice').innerText();
    expect(notice).toMatch(/Chunk size/);
    expect(notice).toMatch(/Work per item/);
    expect(errors).toEqual([]);
    await close();
  });

  it('reads without JavaScript', async () => {
    const { page, close } = await open(ARTICLE, { javaScript: false });
    const text = await page.locator('article').innerText();
    expect(text).toMatch(/Young/);
    expect(text.length).toBeGreaterThan(8_000);
    await close();
  });

  it('passes an accessibility check, light and dark, and fits a 360 px screen', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page, close } = await open(`${ARTICLE}?play=checkpointing-crash&run=1`, { width: 360, colorScheme });
      await playground(page, 'checkpointing-crash').scrollIntoViewIfNeeded();
      await waitForStatus(page, 'checkpointing-crash', 'finished');
      await page.locator('[data-sweep="checkpointing-interval"]').scrollIntoViewIfNeeded();
      await page.waitForSelector('[data-sweep="checkpointing-interval"][data-status="idle"]');
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
      expect(results.violations.map((v) => `${v.id}: ${v.nodes.length} (${v.nodes[0]?.target.join(' ')})`)).toEqual([]);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await close();
    }
  });
});
