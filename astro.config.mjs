// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import react from '@astrojs/react';

import { existsSync, statSync } from 'node:fs';

// What a reader's browser downloads to boot a playground, uncompressed: lets the progress bar
// show a real total even when the host compresses (and so omits Content-Length).
const downloadBytes = [
  'node_modules/@electric-sql/pglite/dist/pglite.wasm',
  'node_modules/@electric-sql/pglite/dist/pglite.data',
  'public/pgdata/snapshot.tgz',
]
  .filter((file) => existsSync(file))
  .reduce((sum, file) => sum + statSync(file).size, 0);

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
    define: { __FAULTLINE_DOWNLOAD_BYTES__: JSON.stringify(downloadBytes) },
    worker: { format: 'es' },
    optimizeDeps: { exclude: ['@electric-sql/pglite'] },
  },
});
