/**
 * The checkpointing article's real-crash section, in Chromium against the static build: the
 * worker is really terminated (or the page really reloaded) in the middle of the job, and the
 * job must resume from a checkpoint at least as far as the last one the page saw acknowledged,
 * then bill every item exactly once. On a database that did not survive its worker (memory://)
 * the recovered checkpoint would be 0 and both of the first two tests would fail.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkpointingPattern } from '../../playgrounds/checkpointing/index.ts';
import { useSiteBrowser, type OpenOptions } from '../support/site-browser.ts';

const ARTICLE = '/patterns/checkpointing/';
/** Far enough into the job that several chunks have committed, early enough that most is left. */
const KILL_AFTER_ITEM = 100;

const site = useSiteBrowser();
/** Each page opens in a fresh browser context, so with fresh (empty) storage. */
const open = (options: OpenOptions = {}) => site.open(ARTICLE, options);

const section = (page: Page) => page.locator('[data-real-crash]');

async function waitForPhase(page: Page, phase: string, timeoutMs = 120_000): Promise<void> {
  await page.waitForSelector(`[data-real-crash][data-phase="${phase}"]`, { timeout: timeoutMs });
}

/** Starts the job on fresh storage and waits until a checkpoint past `KILL_AFTER_ITEM` is acknowledged. */
async function startAndRunPastCheckpoint(page: Page): Promise<Locator> {
  const root = section(page);
  await root.scrollIntoViewIfNeeded();
  await waitForPhase(page, 'empty');
  await root.getByRole('button', { name: 'Start the job' }).click();
  await page.waitForFunction(
    (item) => Number(document.querySelector('[data-real-crash]')?.getAttribute('data-checkpoint')) >= item,
    KILL_AFTER_ITEM,
    // The first start creates the database in OPFS (about ten seconds here) before the job runs.
    { timeout: 120_000 },
  );
  return root;
}

/** The names at the top of the page's origin-private file system. */
function opfsEntries(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const root = (await navigator.storage.getDirectory()) as unknown as { keys(): AsyncIterable<string> };
    const names: string[] = [];
    for await (const name of root.keys()) names.push(name);
    return names;
  });
}

/** What the page reports it recovered, after a kill or a reload. */
async function recovered(root: Locator) {
  const report = root.locator('.fl-crash__recovery');
  const attribute = async (name: string) => (await report.getAttribute(`data-${name}`)) ?? '';
  return {
    cause: await attribute('cause'),
    checkpoint: Number(await attribute('recovered-checkpoint')),
    lost: await attribute('lost'),
    duplicates: Number(await attribute('duplicates')),
    gaps: Number(await attribute('gaps')),
    text: await report.innerText(),
  };
}

/** Waits for the end of the job and checks that every item was billed exactly once. */
async function expectExactlyOnceAtTheEnd(page: Page, root: Locator): Promise<void> {
  await waitForPhase(page, 'finished');
  const items = await root.getAttribute('data-items');
  await expect(root.getAttribute('data-checkpoint')).resolves.toBe(items);
  await expect(root.getAttribute('data-invoices')).resolves.toBe(items);
  await expect(root.getAttribute('data-duplicates')).resolves.toBe('0');
  await expect(root.getAttribute('data-gaps')).resolves.toBe('0');
  const verdicts = await root.locator('[data-invariant]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-ok')));
  expect(verdicts).toHaveLength(checkpointingPattern.invariants.length);
  expect(verdicts.every((ok) => ok === 'true')).toBe(true);
}

/** No WCAG A or AA violations in the section as it stands (the recovery report and verdicts included). */
async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).include('[data-real-crash]').withTags(['wcag2a', 'wcag2aa']).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.length} (${v.nodes[0]?.target.join(' ')})`)).toEqual([]);
}

describe('the real-crash section of the checkpointing article', () => {
  it('a killed worker resumes in a new one from its last acknowledged checkpoint, and the job bills every item exactly once', async () => {
    const { page, errors, close } = await open();
    await section(page).scrollIntoViewIfNeeded();
    await waitForPhase(page, 'empty');
    // Scrolling past writes nothing: the database is created only when the reader starts the job.
    await expect(opfsEntries(page)).resolves.toEqual([]);
    const root = await startAndRunPastCheckpoint(page);
    await expect(root.getAttribute('data-storage')).resolves.toBe('opfs');
    await expect(opfsEntries(page)).resolves.toContain('faultline-real-crash');
    const workersBefore = page.workers().length;
    const acknowledged = Number(await root.getAttribute('data-checkpoint'));
    await root.getByRole('button', { name: 'Kill the worker' }).click();
    await waitForPhase(page, 'running', 60_000);
    const found = await recovered(root);
    expect(found).toMatchObject({ cause: 'kill', lost: 'false', duplicates: 0, gaps: 0 });
    expect(found.checkpoint).toBeGreaterThanOrEqual(acknowledged);
    expect(found.text).toMatch(/nothing committed was lost/);
    // The old worker is gone for real: the page still runs exactly as many workers as before.
    expect(page.workers().length).toBe(workersBefore);
    await expectExactlyOnceAtTheEnd(page, root);
    await expectAccessible(page);
    expect(errors).toEqual([]);
    await close();
  });

  it('a reloaded page finds the unfinished job in storage and finishes it from there', async () => {
    const { page, errors, close } = await open();
    const root = await startAndRunPastCheckpoint(page);
    const acknowledged = Number(await root.getAttribute('data-checkpoint'));
    await Promise.all([page.waitForEvent('load'), root.getByRole('button', { name: 'Reload the page' }).click()]);
    await section(page).scrollIntoViewIfNeeded();
    await waitForPhase(page, 'running');
    const found = await recovered(section(page));
    expect(found).toMatchObject({ cause: 'reload', lost: 'false', duplicates: 0, gaps: 0 });
    expect(found.checkpoint).toBeGreaterThanOrEqual(acknowledged);
    await expectExactlyOnceAtTheEnd(page, section(page));
    // Start over wipes the storage: the next page finds nothing.
    await section(page).getByRole('button', { name: 'Start over' }).click();
    await waitForPhase(page, 'empty');
    await page.reload();
    await section(page).scrollIntoViewIfNeeded();
    await waitForPhase(page, 'empty');
    await expect(section(page).getAttribute('data-checkpoint')).resolves.toBe('');
    expect(errors).toEqual([]);
    await close();
  });

  it('reads without JavaScript: the explanation is there, and says what the section needs', async () => {
    const { page, close } = await open({ javaScript: false });
    const text = await page.locator('article').innerText();
    expect(text).toMatch(/Kill its worker mid-chunk/);
    expect(text).toMatch(/needs JavaScript/);
    await close();
  });

  it('passes an accessibility check, light and dark, and fits a 360 px screen', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page, close } = await open({ width: 360, colorScheme });
      await section(page).scrollIntoViewIfNeeded();
      await waitForPhase(page, 'empty');
      await expectAccessible(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await close();
    }
  });
});
