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
    // Compile the engine while it downloads, straight from the HTTP response: that also lets the
    // browser cache the compiled code, so a second visit skips most of the compile.
    let compiling: Promise<WebAssembly.Module | null> = Promise.resolve(null);
    const [wasm, fsBundle, snapshot] = await downloadAll(
      urls,
      snapshotUrl ? __FAULTLINE_DOWNLOAD_BYTES__ : 0,
      onProgress,
      (url, response) => {
        // A host that serves the wasm with the wrong MIME type makes streaming refuse: compile the bytes then.
        if (url === wasmUrl) compiling = WebAssembly.compileStreaming(response.clone()).catch(() => null);
        return response;
      },
    );
    onProgress({ stage: 'start', loadedBytes: 0, totalBytes: 0 });
    const wasmModule = (await compiling) ?? (await WebAssembly.compile(await wasm!.arrayBuffer()));
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
