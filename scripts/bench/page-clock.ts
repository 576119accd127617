import type { Page } from 'playwright-core';

/** Timestamps (page clock) of every data-status change of one playground, and long tasks. */
export async function instrument(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { statusTimes: Array<[string, string, number]>; longTasks: Array<[number, number]> };
    w.statusTimes = [];
    w.longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push([e.startTime, e.duration]))).observe({
      type: 'longtask',
      buffered: true,
    });
    new MutationObserver((records) => {
      for (const r of records) {
        const el = r.target as HTMLElement;
        if (r.attributeName === 'data-status')
          w.statusTimes.push([el.dataset.playground ?? '', el.dataset.status ?? '', performance.now()]);
      }
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-status'] });
  });
}

/** When a playground last entered a status (page clock). */
export const statusTime = (page: Page, id: string, status: string) =>
  page.evaluate(
    ([id, status]) =>
      (window as unknown as { statusTimes: Array<[string, string, number]> }).statusTimes
        .filter((t) => t[0] === id && t[1] === status)
        .at(-1)?.[2],
    [id, status] as const,
  );
