/**
 * The playground worker's entry point: one per page, holding one PGlite for every playground
 * on it. It downloads the engine itself so the page can show real progress.
 */
import * as Comlink from 'comlink';
import wasmUrl from '@electric-sql/pglite/pglite.wasm?url';
import dataUrl from '@electric-sql/pglite/pglite.data?url';
import { openDatabase } from '../db/pglite.ts';
import { downloadAll } from './download.ts';
import { PlaygroundHost } from './host.ts';

const channel = new MessageChannel();
const waiting: Array<() => void> = [];
channel.port1.onmessage = () => waiting.shift()?.();

const host = new PlaygroundHost({
  nowMs: () => performance.now(),
  // A message to ourselves runs after any queued comlink calls, without setTimeout's 4 ms clamp.
  yieldToEvents: () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(null);
    }),
  async openDatabase(snapshotUrl, onProgress) {
    const urls = [wasmUrl, dataUrl, ...(snapshotUrl ? [snapshotUrl] : [])];
    const [wasm, fsBundle, snapshot] = await downloadAll(urls, onProgress);
    onProgress({ stage: 'start', loadedBytes: 0, totalBytes: 0 });
    const wasmModule = await WebAssembly.compile(await wasm!.arrayBuffer());
    const engine = { wasmModule, fsBundle: fsBundle! };
    if (snapshot) {
      try {
        return { db: await openDatabase({ engine, snapshot }), fromSnapshot: true };
      } catch (error) {
        // A snapshot from another engine version will not load: pay for initdb instead.
        console.warn('snapshot did not load, starting a fresh database', error);
      }
    }
    return { db: await openDatabase({ engine }), fromSnapshot: false };
  },
});

Comlink.expose(host);
