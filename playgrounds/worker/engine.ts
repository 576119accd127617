import wasmUrl from '@electric-sql/pglite/pglite.wasm?url';
import dataUrl from '@electric-sql/pglite/pglite.data?url';
import type { BootProgress } from './api.ts';
import { downloadAll } from './download.ts';

/** What PGlite needs to start without fetching anything itself. */
export interface Engine {
  wasmModule: WebAssembly.Module;
  fsBundle: Blob;
}

/**
 * Downloads the engine with progress and compiles its wasm while it streams, straight from the
 * HTTP response (which also lets the browser cache the compiled code for the next visit).
 * `alongside` (the boot snapshot) downloads in the same progress bar.
 */
export async function downloadEngine(
  expectedBytes: number,
  onProgress: (progress: BootProgress) => void,
  alongside?: string,
): Promise<{ engine: Engine; alongside: Blob | undefined }> {
  let compiling: Promise<WebAssembly.Module | null> = Promise.resolve(null);
  const urls = [wasmUrl, dataUrl, ...(alongside ? [alongside] : [])];
  const [wasm, fsBundle, extra] = await downloadAll(urls, expectedBytes, onProgress, (url, response) => {
    // A host that serves the wasm with the wrong MIME type makes streaming refuse: compile the bytes then.
    if (url === wasmUrl) compiling = WebAssembly.compileStreaming(response.clone()).catch(() => null);
    return response;
  });
  onProgress({ stage: 'start', loadedBytes: 0, totalBytes: 0 });
  const wasmModule = (await compiling) ?? (await WebAssembly.compile(await wasm!.arrayBuffer()));
  return { engine: { wasmModule, fsBundle: fsBundle! }, alongside: extra };
}
