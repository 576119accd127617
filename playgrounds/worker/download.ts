import type { BootProgress } from './api.ts';

/**
 * Downloads several files at once and reports their combined progress. Sizes come from
 * Content-Length where the server sends it (compressed responses may not), so the total can
 * grow while the download runs.
 */
export async function downloadAll(
  urls: string[],
  /** The expected total of all files, uncompressed, for when servers do not say (0: unknown). */
  expectedBytes: number,
  onProgress: (progress: BootProgress) => void,
  /** Sees each response before it is read (the wasm is compiled from it while it streams). */
  onResponse: (url: string, response: Response) => Response = (_, response) => response,
): Promise<Blob[]> {
  const loaded = urls.map(() => 0);
  const totals = urls.map(() => 0);
  const report = () => {
    const loadedBytes = sum(loaded);
    const known = totals.every((t) => t > 0) ? sum(totals) : 0;
    onProgress({ stage: 'download', loadedBytes, totalBytes: known || (expectedBytes >= loadedBytes ? expectedBytes : 0) });
  };
  return Promise.all(
    urls.map(async (url, i) => {
      const fetched = await fetch(url);
      if (!fetched.ok) throw new Error(`could not download ${url}: HTTP ${fetched.status}`);
      const response = onResponse(url, fetched);
      const length = Number(response.headers.get('content-length') ?? 0);
      const encoded = response.headers.get('content-encoding');
      // A compressed body's length is not the length of what we read, so leave it unknown.
      let total = encoded && encoded !== 'identity' ? 0 : length;
      let received = 0;
      totals[i] = total;
      if (!response.body) return response.blob();
      const reader = response.body.getReader();
      const chunks: Uint8Array[] = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.byteLength;
        if (total < received) total = 0;
        loaded[i] = received;
        totals[i] = total;
        report();
      }
      return new Blob(chunks as BlobPart[]);
    }),
  );
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
