import AxeBuilder from '@axe-core/playwright';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../playgrounds/db/pglite.ts';
import { defaultParams } from '../../playgrounds/kernel/pattern.ts';
import { outboxPattern } from '../../playgrounds/outbox/index.ts';
import { runOnce } from '../../playgrounds/sweep.ts';
import { playground, useSiteBrowser, waitForStatus } from '../support/site-browser.ts';

const ARTICLE = '/patterns/transactional-outbox/';
const DUAL_WRITE_PLAN = 'crash:order-service@after_commit_before_publish*3';

const { open } = useSiteBrowser();

describe('the transactional outbox article', () => {
  it('loads with no console errors and boots its playgrounds', async () => {
    const { page, errors, close } = await open(ARTICLE);
    await expect(page.locator('h1').textContent()).resolves.toContain('outbox');
    const first = playground(page, 'outbox-dual-write');
    await first.scrollIntoViewIfNeeded();
    await waitForStatus(page, 'outbox-dual-write', 'ready');
    expect(errors).toEqual([]);
    await close();
  });

  it('reads without JavaScript: the prose is there and the playground says what it needs', async () => {
    const { page, close } = await open(ARTICLE, { javaScript: false });
    const text = await page.locator('article').innerText();
    expect(text).toMatch(/dual write/i);
    expect(text.length).toBeGreaterThan(5_000);
    await close();
  });

  it('a link with the naive variant and a crash shows the lost event', async () => {
    const link = `${ARTICLE}?play=outbox-dual-write&seed=7&variant=commit-then-publish&compare=0&faults=${DUAL_WRITE_PLAN}&run=1`;
    const { page, errors, close } = await open(link);
    await playground(page, 'outbox-dual-write').scrollIntoViewIfNeeded();
    await waitForStatus(page, 'outbox-dual-write', 'finished');
    const lost = playground(page, 'outbox-dual-write').locator('[data-side="main"] [data-invariant="no-lost-events"]');
    await expect(lost.getAttribute('data-ok')).resolves.toBe('false');
    expect(errors).toEqual([]);
    await close();
  });

  it('the correct variant holds, with the same trace hash as Node', async () => {
    const link = `${ARTICLE}?play=outbox-dual-write&seed=7&variant=correct&compare=0&faults=${DUAL_WRITE_PLAN}&run=1`;
    const db = await openDatabase();
    const node = await runOnce(outboxPattern, db, {
      seed: 7,
      variant: 'correct',
      plan: DUAL_WRITE_PLAN,
      params: defaultParams(outboxPattern),
    });
    await db.close();
    const { page, close } = await open(link);
    await playground(page, 'outbox-dual-write').scrollIntoViewIfNeeded();
    await waitForStatus(page, 'outbox-dual-write', 'finished');
    const root = playground(page, 'outbox-dual-write');
    const verdicts = await root
      .locator('[data-side="main"] [data-invariant]')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-ok')));
    expect(verdicts).toHaveLength(outboxPattern.invariants.length);
    expect(verdicts.every((ok) => ok === 'true')).toBe(true);
    await expect(root.getAttribute('data-trace-hash')).resolves.toBe(node.traceHash);
    await close();
  });

  it('a link with bad values explains them and falls back to the preset', async () => {
    const { page, errors, close } = await open(`${ARTICLE}?play=outbox-relay&seed=banana&variant=nope&faults=crash:ghost@x&run=2`);
    await playground(page, 'outbox-relay').scrollIntoViewIfNeeded();
    await waitForStatus(page, 'outbox-relay', 'ready');
    const notice = await playground(page, 'outbox-relay').locator('.fl-notice').innerText();
    expect(notice).toMatch(/seed "banana"/);
    expect(notice).toMatch(/variant "nope"/);
    expect(notice).toMatch(/fault plan/);
    expect(errors).toEqual([]);
    await close();
  });

  it('the SQL inspector cannot change the simulation', async () => {
    const { page, close } = await open(`${ARTICLE}?play=outbox-relay&run=1`);
    const root = playground(page, 'outbox-relay');
    await root.scrollIntoViewIfNeeded();
    await waitForStatus(page, 'outbox-relay', 'finished');
    const hash = await root.getAttribute('data-trace-hash');
    const box = root.getByLabel(/read-only sql/i);
    await box.fill('DELETE FROM orders');
    await root
      .getByRole('button', { name: /^run query$|^run$/i })
      .last()
      .click();
    await expect(root.locator('.fl-inspector [role="alert"], [role="alert"]').first().innerText()).resolves.toMatch(/read-only/i);
    await box.fill('SELECT count(*) AS n FROM orders');
    await root
      .getByRole('button', { name: /^run query$|^run$/i })
      .last()
      .click();
    await expect(root.locator('table').last().innerText()).resolves.toMatch(/\b1[0-9]\b/);
    await expect(root.getAttribute('data-trace-hash')).resolves.toBe(hash);
    await close();
  });

  it('a crash injected from the fault panel goes into the plan, and that plan replays the run exactly', async () => {
    const { page, errors, close } = await open(`${ARTICLE}?play=outbox-relay`);
    const root = playground(page, 'outbox-relay');
    await root.scrollIntoViewIfNeeded();
    await waitForStatus(page, 'outbox-relay', 'ready');
    await root.getByLabel('Speed').selectOption('2000');
    await root.getByRole('button', { name: 'Run', exact: true }).first().click();
    await page.waitForTimeout(1_000);
    await root.getByRole('button', { name: 'Crash relay-1' }).click();
    await waitForStatus(page, 'outbox-relay', 'finished');
    const plan = await root.locator('.fl-plan input').inputValue();
    expect(plan).toMatch(/crash:relay-1@\d+ms/);
    const hash = await root.getAttribute('data-trace-hash');
    await close();
    const replay = await open(`${ARTICLE}?play=outbox-relay&faults=${encodeURIComponent(plan)}&run=1`);
    await playground(replay.page, 'outbox-relay').scrollIntoViewIfNeeded();
    await waitForStatus(replay.page, 'outbox-relay', 'finished');
    await expect(playground(replay.page, 'outbox-relay').getAttribute('data-trace-hash')).resolves.toBe(hash);
    expect([...errors, ...replay.errors]).toEqual([]);
    await replay.close();
  });

  it('a runaway query cannot hang the page: the worker is replaced and the run replayed exactly', async () => {
    const { page, close } = await open(`${ARTICLE}?play=outbox-relay&run=1`);
    const root = playground(page, 'outbox-relay');
    await root.scrollIntoViewIfNeeded();
    await waitForStatus(page, 'outbox-relay', 'finished');
    const hash = await root.getAttribute('data-trace-hash');
    await root.getByLabel(/read-only sql/i).fill('SELECT count(*) FROM generate_series(1, 100000000000)');
    await root
      .getByRole('button', { name: /^run query$|^run$/i })
      .last()
      .click();
    await expect(root.locator('[role="alert"]').first().innerText({ timeout: 30_000 })).resolves.toMatch(/stopped after|restarted/i);
    await waitForStatus(page, 'outbox-relay', 'finished');
    await expect(root.getAttribute('data-trace-hash')).resolves.toBe(hash);
    await close();
  });

  it('passes an accessibility check, light and dark, and fits a 360 px screen', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page, close } = await open(`${ARTICLE}?play=outbox-dual-write&run=1`, { width: 360, colorScheme });
      await playground(page, 'outbox-dual-write').scrollIntoViewIfNeeded();
      await waitForStatus(page, 'outbox-dual-write', 'finished');
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
      expect(results.violations.map((v) => `${v.id}: ${v.nodes.length} (${v.nodes[0]?.target.join(' ')})`)).toEqual([]);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await close();
    }
  });
});

describe('the index page', () => {
  it('lists the published articles', async () => {
    const { page, errors, close } = await open('/');
    await expect(page.locator('.article-list a').allInnerTexts()).resolves.toContain('Transactional outbox');
    expect(errors).toEqual([]);
    await close();
  });
});
