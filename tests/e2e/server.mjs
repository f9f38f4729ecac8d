// A tiny static file server for the built site (no dependencies). It serves `dir` only under
// `prefix`, a sub-folder, so that any absolute URL in the build shows up as a 404 in the tests:
// the published site must work from any sub-folder of a static host.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Starts the server on 127.0.0.1 and a free port; resolves to the http.Server once listening. */
export function startServer(dir, { prefix = '/', port = 0 } = {}) {
  const root = path.resolve(dir);
  const server = createServer(async (req, res) => {
    const notFound = () => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`not found: ${req.url}\n`);
    };
    try {
      const { pathname } = new URL(req.url, 'http://localhost');
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      if (pathname === prefix.replace(/\/$/, '')) {
        res.writeHead(301, { location: prefix }).end();
        return;
      }
      if (!pathname.startsWith(prefix)) return notFound();
      let file = path.resolve(root, '.' + path.posix.normalize('/' + decodeURIComponent(pathname.slice(prefix.length))));
      if (file !== root && !file.startsWith(root + path.sep)) return notFound();
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        file = path.join(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) return notFound();
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'content-length': info.size,
        'cache-control': 'no-store',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
