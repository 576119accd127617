import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './browser.ts';
import { serveStatic, type StaticSite } from './static-server.ts';

export interface OpenOptions {
  width?: number;
  colorScheme?: 'dark' | 'light';
  javaScript?: boolean;
}

/**
 * Serves the build and starts Chromium for a test file (once, around all its tests). `open`
 * loads a page in a fresh context and collects its console errors and uncaught exceptions.
 */
export function useSiteBrowser() {
  let site: StaticSite;
  let browser: Browser;
  beforeAll(async () => {
    site = await serveStatic(join(import.meta.dirname, '..', '..', 'dist'));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });
  return {
    open: async (path: string, options: OpenOptions = {}) => {
      const context = await browser.newContext({
        viewport: { width: options.width ?? 1280, height: 900 },
        colorScheme: options.colorScheme ?? 'light',
        javaScriptEnabled: options.javaScript ?? true,
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(site.origin + path);
      return { page, errors, close: () => context.close() };
    },
  };
}

export const playground = (page: Page, id: string) => page.locator(`[data-playground="${id}"]`);

export async function waitForStatus(page: Page, id: string, status: string, timeoutMs = 90_000): Promise<void> {
  await page.waitForSelector(`[data-playground="${id}"][data-status="${status}"]`, { timeout: timeoutMs });
}
