// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import react from '@astrojs/react';

// FAULTLINE_BASE lets the same build live in a subfolder (e.g. /faultline/ on a shared host).
const base = process.env.FAULTLINE_BASE ?? '/';

export default defineConfig({
  output: 'static',
  base,
  trailingSlash: 'ignore',
  integrations: [mdx(), react()],
  markdown: {
    // High-contrast themes keep every token readable (WCAG AA) on both page themes.
    shikiConfig: { themes: { light: 'github-light-high-contrast', dark: 'github-dark-high-contrast' } },
  },
  vite: {
    worker: { format: 'es' },
    optimizeDeps: { exclude: ['@electric-sql/pglite'] },
  },
});
