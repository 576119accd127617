import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { createGzip } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.data': 'application/octet-stream',
  '.tgz': 'application/gzip',
  '.json': 'application/json',
};

/** What a test sees of the server: its origin and a log of every response's size on the wire. */
export interface StaticSite {
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves the static build as a plain static host would (gzip for text and wasm, 404 page for
 * unknown paths), so browser tests exercise exactly what ships.
 */
export async function serveStatic(root: string, base = '/'): Promise<StaticSite> {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    let path = decodeURIComponent(url.pathname);
    if (!path.startsWith(base)) path = '/404.html';
    path = '/' + path.slice(base.length);
    let file = normalize(join(root, path));
    if (!file.startsWith(root)) file = join(root, '404.html');
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    const found = existsSync(file);
    if (!found) file = join(root, '404.html');
    if (!existsSync(file)) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const compress = /gzip/.test(String(request.headers['accept-encoding'])) && !file.endsWith('.tgz');
    response.writeHead(found ? 200 : 404, {
      'content-type': type,
      ...(compress ? { 'content-encoding': 'gzip' } : { 'content-length': statSync(file).size }),
    });
    const stream = createReadStream(file);
    if (compress) stream.pipe(createGzip()).pipe(response);
    else stream.pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
