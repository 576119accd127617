import type { BootProgress } from './api.ts';

/**
 * Downloads several files at once and reports their combined progress. Sizes come from
 * Content-Length where the server sends it (compressed responses may not), so the total can
 * grow while the download runs.
 */
export async function downloadAll(urls: string[], onProgress: (progress: BootProgress) => void): Promise<Blob[]> {
  const loaded = urls.map(() => 0);
  const totals = urls.map(() => 0);
  const report = () => onProgress({ stage: 'download', loadedBytes: sum(loaded), totalBytes: sum(totals) });
  return Promise.all(
    urls.map(async (url, i) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`could not download ${url}: HTTP ${response.status}`);
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
