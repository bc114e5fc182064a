// A static file server for the built page, on 127.0.0.1 only, with the page's security headers.
// Usage: node scripts/serve.mjs [DIR] [PORT]   (PORT 0 picks a free one; the URL is printed)
// Files are found by sirv (npm, kept by its authors; looked up per request, never outside DIR); this file
// adds only what sirv leaves to its host: GET and HEAD only, no ranges, the headers on every answer, and
// an answer (never a crash) for requests node's parser refuses. Tested by tests/server/serve.test.mjs.
import http from 'node:http';
import path from 'node:path';
import sirv from 'sirv';

const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; connect-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'";
// Cross-origin isolation (COOP + COEP) lets the page use SharedArrayBuffer, so WebAssembly threads.
const pageHeaders = {
  'Content-Security-Policy': csp,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cache-Control': 'no-store',
};

function answer(res, status, text, extra = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...extra }).end(text);
}

export function serve(dir, port = 0) {
  // dev: looked up on each request (a rebuild is served at once); the lookup refuses paths outside DIR
  const files = sirv(path.resolve(dir), { dev: true, etag: false, extensions: ['html'] });
  const server = http.createServer((req, res) => {
    for (const [name, value] of Object.entries(pageHeaders)) res.setHeader(name, value);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      answer(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      return;
    }
    delete req.headers.range;  // whole files only
    try {
      files(req, res, () => answer(res, 404, 'not found'));
    } catch (err) {
      if (res.headersSent) res.destroy(); else answer(res, 500, 'cannot read the file');
    }
  });
  // What node's HTTP parser refuses (a 100 kB URL, a NUL or a space in the request line): an answer, not a crash.
  server.on('clientError', (err, socket) => {
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] || 'build/web/page';
  const port = Number(process.argv[3] ?? 8080);
  const server = await serve(dir, port);
  console.log(`Attention Playground: http://127.0.0.1:${server.address().port}/`);
}
