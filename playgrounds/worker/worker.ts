/**
 * The playground worker's entry point: one per page, holding one PGlite for every playground
 * on it. It downloads the engine itself so the page can show real progress.
 */
import * as Comlink from 'comlink';
import { openDatabase } from '../db/pglite.ts';
import { downloadEngine } from './engine.ts';
import { PlaygroundHost } from './host.ts';
import { messageYield } from './yield-to-events.ts';

const host = new PlaygroundHost({
  nowMs: () => performance.now(),
  yieldToEvents: messageYield(),
  async openDatabase(snapshotUrl, onProgress) {
    const { engine, alongside: snapshot } = await downloadEngine(
      snapshotUrl ? __FAULTLINE_DOWNLOAD_BYTES__ : 0,
      onProgress,
      snapshotUrl ?? undefined,
    );
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
