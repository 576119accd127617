import AxeBuilder from '@axe-core/playwright';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../playgrounds/db/pglite.ts';
import { defaultParams, type Pattern } from '../../playgrounds/kernel/pattern.ts';
import { PatternRun } from '../../playgrounds/kernel/run.ts';
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

describe('the saga playground', () => {
  const article = `/patterns/${sagaPattern.articleSlug}/`;

  it('shows where the trips stand as Node counts them: one trip stuck on the naive side, its seat and room leaked', async () => {
    const preset = sagaPattern.playgrounds.find((p) => p.id === 'saga-crash')!;
    const db = await openDatabase();
    const expected: Array<{ standings: number[]; gauges: number[][] }> = [];
    try {
      for (const variant of [preset.variant, 'correct']) {
        const run = await PatternRun.create(sagaPattern, db, 'e2e', {
          seed: preset.seed,
          variant,
          plan: preset.plan,
          params: defaultParams(sagaPattern),
          safetyChecks: 'end',
        });
        await run.runToEnd();
        const counter = (name: string) => run.sim.counters.get(name) ?? 0;
        const spec = sagaPattern.standings!;
        expected.push({
          standings: spec.standings.map((s) => counter(s.counter)),
          gauges: spec.holdings.rows.map((row) => [counter(row.kept), counter(row.locked)]),
        });
      }
    } finally {
      await db.close();
    }
    expect(expected[0]!.standings.at(-1)).toBe(1);

    const { page, errors, close } = await open(`${article}?play=${preset.id}&run=1`);
    const root = playground(page, preset.id);
    await root.scrollIntoViewIfNeeded();
    await waitForStatus(page, preset.id, 'finished', 120_000);
    const shown = await root.locator('.fl-side').evaluateAll((sides) =>
      sides.map((side) => ({
        standings: [...side.querySelectorAll('[data-standing]')].map((li) => Number(li.getAttribute('data-count'))),
        gauges: [...side.querySelectorAll('tr[data-kept]')].map((tr) => [
          Number(tr.getAttribute('data-kept')),
          Number(tr.getAttribute('data-locked')),
        ]),
      })),
    );
    expect(shown).toEqual(expected);
    await expect(root.locator('[data-side="main"] .fl-standings__legend').innerText()).resolves.toContain('1 stuck');
    expect(errors).toEqual([]);
    await close();
  });

  it('slows a service down from the fault panel, into a plan that replays exactly, and plans a business refusal', async () => {
    const id = 'saga-crash';
    const { page, errors, close } = await open(`${article}?play=${id}&compare=0&variant=correct&faults=none`);
    const root = playground(page, id);
    await root.scrollIntoViewIfNeeded();
    await waitForStatus(page, id, 'ready');
    const speed = root.getByLabel('Speed');
    await speed.selectOption(await speed.locator('option').first().getAttribute('value'));
    await root.getByRole('button', { name: 'Run', exact: true }).first().click();
    const slow = root.getByRole('group', { name: 'Slow down' });
    await slow.getByLabel('Process').selectOption('hotel');
    await slow.getByRole('button', { name: 'Slow down' }).click();
    await speed.selectOption('0');
    await waitForStatus(page, id, 'finished', 120_000);
    const plan = await root.locator('.fl-plan input').inputValue();
    expect(plan).toMatch(/^slow:hotel@\d+(ms|s)\+800ms$/);
    const hash = await root.getAttribute('data-trace-hash');

    const refusal = root.getByRole('group', { name: 'Business failure at a decision' });
    await refusal.getByLabel('Process').selectOption('payment');
    await refusal.getByLabel('Hit').fill('3');
    await refusal.getByRole('button', { name: 'Restart with this refusal' }).click();
    await expect.poll(() => root.locator('.fl-plan input').inputValue()).toBe(`${plan},refuse:payment@charge*3`);
    await close();

    const replay = await open(`${article}?play=${id}&compare=0&variant=correct&faults=${encodeURIComponent(plan)}&run=1`);
    await playground(replay.page, id).scrollIntoViewIfNeeded();
    await waitForStatus(replay.page, id, 'finished', 120_000);
    await expect(playground(replay.page, id).getAttribute('data-trace-hash')).resolves.toBe(hash);
    expect([...errors, ...replay.errors]).toEqual([]);
    await replay.close();
  });
});
