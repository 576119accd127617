import AxeBuilder from '@axe-core/playwright';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../playgrounds/db/pglite.ts';
import { defaultParams, type Pattern } from '../../playgrounds/kernel/pattern.ts';
import { sagaPattern } from '../../playgrounds/saga/index.ts';
import { stateMachinesPattern } from '../../playgrounds/state-machines/index.ts';
import { runOnce } from '../../playgrounds/sweep.ts';
import { playground, useSiteBrowser, waitForStatus } from '../support/site-browser.ts';

const { open } = useSiteBrowser();

/** The trace hash Node gets for a preset's main side. */
async function nodeHash(pattern: Pattern, presetId: string): Promise<string> {
  const preset = pattern.playgrounds.find((p) => p.id === presetId)!;
  const db = await openDatabase();
  try {
    const outcome = await runOnce(pattern, db, {
      seed: preset.seed,
      variant: preset.variant,
      plan: preset.plan,
      params: { ...defaultParams(pattern), ...preset.params },
    });
    return outcome.traceHash;
  } finally {
    await db.close();
  }
}

for (const pattern of [stateMachinesPattern, sagaPattern]) {
  const article = `/patterns/${pattern.articleSlug}/`;

  describe(`the ${pattern.title} article`, () => {
    it('runs every preset from a link: naive sides break, correct sides hold, with no console errors', async () => {
      for (const preset of pattern.playgrounds) {
        const { page, errors, close } = await open(`${article}?play=${preset.id}&run=1`);
        const root = playground(page, preset.id);
        await root.scrollIntoViewIfNeeded();
        await waitForStatus(page, preset.id, 'finished', 120_000);
        const verdicts = (side: string) =>
          root.locator(`[data-side="${side}"] [data-invariant]`).evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-ok')));
        const naive = pattern.variants.find((v) => v.name === preset.variant)!.naive;
        expect({ preset: preset.id, broken: (await verdicts('main')).includes('false') }).toEqual({ preset: preset.id, broken: naive });
        if (preset.compare) expect(await verdicts('correct')).not.toContain('false');
        expect(errors).toEqual([]);
        await close();
      }
    });

    it('runs the first preset to the same trace as Node, and draws its states', async () => {
      const preset = pattern.playgrounds[0]!;
      const hash = await nodeHash(pattern, preset.id);
      const { page, close } = await open(`${article}?play=${preset.id}&run=1`);
      const root = playground(page, preset.id);
      await root.scrollIntoViewIfNeeded();
      await waitForStatus(page, preset.id, 'finished', 120_000);
      await expect(root.locator('[data-side-hash="main"]').innerText()).resolves.toBe(hash);
      // Each side with a view (a statechart, or the naive flags' grid) counts every entity in it.
      const counts = await root.locator('.fl-side').evaluateAll((sides) =>
        sides.map((side) => {
          const cells = [...side.querySelectorAll('[data-state], [data-combination]')];
          return cells.length === 0 ? null : cells.reduce((n, c) => n + Number(c.getAttribute('data-count')), 0);
        }),
      );
      expect(counts.some((count) => count !== null)).toBe(true);
      if (pattern.entityLanes) {
        const lanes = await root
          .locator('[data-entity-lanes]')
          .evaluateAll((figures) => figures.map((f) => Number(f.getAttribute('data-entity-lanes'))));
        expect(lanes.length).toBeGreaterThan(0);
        expect(lanes.every((n) => n > 0)).toBe(true);
      }
      for (const count of counts) if (count !== null) expect(count).toBeGreaterThan(0);
      await close();
    });

    it('passes an accessibility check, light and dark, and fits a 360 px screen', async () => {
      const preset = pattern.playgrounds[0]!;
      for (const colorScheme of ['light', 'dark'] as const) {
        const { page, close } = await open(`${article}?play=${preset.id}&run=1`, { width: 360, colorScheme });
        await playground(page, preset.id).scrollIntoViewIfNeeded();
        await waitForStatus(page, preset.id, 'finished', 120_000);
        const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
        expect(results.violations.map((v) => `${v.id}: ${v.nodes.length} (${v.nodes[0]?.target.join(' ')})`)).toEqual([]);
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
        await close();
      }
    });
  });
}
