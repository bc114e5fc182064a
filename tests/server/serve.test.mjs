// scripts/serve.mjs against hostile requests: every form of traversal (encoded slashes and backslashes, `..`
// in every spelling, double encoding, overlong UTF-8), bad percent-encodings, NUL, a 100 kB URL, methods other
// than GET and HEAD. Each request must be refused without the secret's bytes, and the server must still answer
// afterwards; every answer carries the page's headers. Raw sockets, so nothing normalizes the request first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';

const secret = 'SECRET-7d41';  // in files next to and above the served folder, never in an answer
let tmp, server, port;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ap-serve-'));
  fs.mkdirSync(path.join(tmp, 'page', 'sub'), { recursive: true });
  fs.mkdirSync(path.join(tmp, 'page2'));
  fs.writeFileSync(path.join(tmp, 'page', 'index.html'), '<!doctype html><p>index</p>');
  fs.writeFileSync(path.join(tmp, 'page', 'app.js'), 'console.log(1);');
  fs.writeFileSync(path.join(tmp, 'page', 'app.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
  fs.writeFileSync(path.join(tmp, 'page', 'sub', 'index.html'), 'sub');
  fs.writeFileSync(path.join(tmp, 'page2', 's.txt'), secret);
  fs.writeFileSync(path.join(tmp, 'secret.txt'), secret);
  server = await serve(path.join(tmp, 'page'), 0);
  port = server.address().port;
});

after(() => {
  server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

// One raw HTTP/1.1 exchange: the request line is sent byte for byte as given.
function raw(requestLine, headers = '') {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks = [];
    socket.setTimeout(5000, () => { socket.destroy(); reject(new Error(`no answer to ${requestLine.slice(0, 80)}`)); });
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => {});  // a reset after the server's answer still counts as the answer
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number((/^HTTP\/1\.1 (\d{3})/.exec(text) || [])[1] || 0);
      const [head, ...body] = text.split('\r\n\r\n');
      const fields = {};
      for (const line of head.split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) fields[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status, headers: fields, body: body.join('\r\n\r\n'), text });
    });
    socket.write(Buffer.concat([Buffer.from(requestLine, 'latin1'),
      Buffer.from(`\r\nHost: 127.0.0.1\r\nConnection: close\r\n${headers}\r\n`, 'latin1')]));
  });
}

async function stillAnswers() {
  const r = await raw('GET /index.html HTTP/1.1');
  assert.equal(r.status, 200, 'the server stopped answering');
  assert.match(r.body, /index/);
}

function assertPageHeaders(r) {
  assert.match(r.headers['content-security-policy'] || '', /default-src 'self'/);
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin');
  assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp');
}

test('serves the page with its headers, on 127.0.0.1 only', async () => {
  assert.equal(server.address().address, '127.0.0.1');
  for (const [target, type, body] of [['/', /^text\/html/, /index/], ['/index.html', /^text\/html/, /index/],
    ['/app.js', /^text\/javascript/, /console/], ['/app.wasm', /^application\/wasm$/, /asm/],
    ['/sub/', /^text\/html/, /sub/], ['/index.html?x=1#y', /^text\/html/, /index/]]) {
    const r = await raw(`GET ${target} HTTP/1.1`);
    assert.equal(r.status, 200, target);
    assert.match(r.headers['content-type'] || '', type, target);
    assert.match(r.body, body, target);
    assertPageHeaders(r);
  }
  const head = await raw('HEAD /index.html HTTP/1.1');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  const missing = await raw('GET /nope.js HTTP/1.1');
  assert.equal(missing.status, 404);
  assertPageHeaders(missing);
});

// The threaded page (web/loader.js picks it when the page is cross-origin isolated): Emscripten 3.1's pthreads start
// each worker from attention-playground.worker.js by URL (no blob:), which imports the main script by URL and
// instantiates the shared module, so every file needs COOP/COEP and a CSP whose script-src allows 'self' and
// 'wasm-unsafe-eval' (worker-src falls back to it).
test('the threaded page\'s files: cross-origin isolated, scripts and wasm allowed by the CSP', async () => {
  const page = path.join(tmp, 'page');
  fs.writeFileSync(path.join(page, 'loader.js'), 'var threaded = self.crossOriginIsolated;');
  fs.writeFileSync(path.join(page, 'attention-playground.js'), 'var Module;');
  fs.writeFileSync(path.join(page, 'attention-playground.worker.js'), 'importScripts(e.data.urlOrBlob);');
  fs.writeFileSync(path.join(page, 'attention-playground.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
  for (const [target, type] of [['/loader.js', /^text\/javascript/], ['/attention-playground.js', /^text\/javascript/],
    ['/attention-playground.worker.js', /^text\/javascript/], ['/attention-playground.wasm', /^application\/wasm$/]]) {
    const r = await raw(`GET ${target} HTTP/1.1`);
    assert.equal(r.status, 200, target);
    assert.match(r.headers['content-type'] || '', type, target);
    assertPageHeaders(r);
    const csp = r.headers['content-security-policy'];
    const scriptSrc = (/(?:^|;)\s*script-src ([^;]*)/.exec(csp) || [])[1] || '';
    assert.ok(scriptSrc.includes("'self'") && scriptSrc.includes("'wasm-unsafe-eval'"), `${target}: script-src ${scriptSrc}`);
    assert.ok(!/(?:^|;)\s*worker-src/.test(csp) || /worker-src[^;]*'self'/.test(csp), `${target}: worker-src refuses 'self'`);
  }
});

test('no traversal: `..` in every spelling, encoded slashes and backslashes', async () => {
  const dots = ['..', '%2e%2e', '%2E%2E', '.%2e', '%2e.', '%252e%252e', '..%00', '%c0%ae%c0%ae', '.%u002e'];
  const slashes = ['/', '%2f', '%2F', '\\', '%5c', '%5C', '%252f', '%c0%af', '%e0%80%af', '//', '/./', ';/'];
  const targets = [];
  for (const d of dots)
    for (const s of slashes) targets.push(`/${d}${s}secret.txt`, `/${d}${s}page2${s}s.txt`, `/sub${s}${d}${s}${d}${s}secret.txt`);
  targets.push('/../../../../../../etc/passwd', '/..', '/../', '/%2e%2e', '/....//secret.txt', '/.../secret.txt',
    'http://127.0.0.1/../secret.txt', '//../secret.txt', '/page/../../page2/s.txt', `/${'../'.repeat(50)}secret.txt`,
    '/..%2Fpage2/s.txt', '/..%5Cpage2%5Cs.txt', `/${path.join(tmp, 'secret.txt')}`, `/${tmp}/page2/s.txt`,
    '*', 'secret.txt', '../secret.txt');
  for (const target of targets) {
    const r = await raw(`GET ${target} HTTP/1.1`);
    assert.ok(r.status >= 400 && r.status < 500, `${target}: status ${r.status}`);
    assert.ok(!r.text.includes(secret), `${target} served the secret`);
  }
  await stillAnswers();
});

test('bad percent-encodings, NUL bytes, a 100 kB URL: refused, and the server still answers', async () => {
  const targets = ['/%E0%A4%A', '/%', '/%%', '/%zz', '/%C0%80', '/%ED%A0%80', '/%FF%FE', '/index.html%',
    '/%00', '/index.html%00', '/index.html%00.js', `/${'%'.repeat(1000)}`];
  for (const target of targets) {
    const r = await raw(`GET ${target} HTTP/1.1`);
    assert.ok(r.status >= 400 && r.status < 500, `${target}: status ${r.status}`);
    await stillAnswers();
  }
  for (const line of ['GET /index.html\0 HTTP/1.1', 'GET /ind\0ex.html HTTP/1.1', 'GET /a b HTTP/1.1',
    'GET /\u00e9 HTTP/1.1', 'GARBAGE', 'GET', '\0\0\0\0']) {
    const r = await raw(line);
    assert.ok(r.status === 0 || (r.status >= 400 && r.status < 500), `${JSON.stringify(line)}: status ${r.status}`);
    await stillAnswers();
  }
  const long = await raw(`GET /${'a'.repeat(100 * 1024)} HTTP/1.1`);
  assert.ok(long.status === 431 || long.status === 414 || long.status === 400, `100 kB URL: status ${long.status}`);
  await stillAnswers();
  const longHeader = await raw('GET /index.html HTTP/1.1', `X-Long: ${'b'.repeat(100 * 1024)}\r\n`);
  assert.ok(longHeader.status === 431 || longHeader.status === 400, `100 kB header: status ${longHeader.status}`);
  await stillAnswers();
  for (const range of ['bytes=5-2', 'bytes=abc', 'bytes=-99999999', 'bytes=99999999-', 'bytes=0-0,1-1']) {
    const r = await raw('GET /index.html HTTP/1.1', `Range: ${range}\r\n`);
    assert.equal(r.status, 200, `Range ${range}`);  // ranges are ignored: the whole file
    await stillAnswers();
  }
});

test('methods other than GET and HEAD: 405, and the server still answers', async () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'FOO']) {
    const r = await raw(`${method} /index.html HTTP/1.1`, 'Content-Length: 3\r\n\r\nabc');
    if (method === 'FOO') assert.equal(r.status, 400, method);  // not a method: node's parser refuses it
    else {
      assert.equal(r.status, 405, method);
      assert.equal(r.headers.allow, 'GET, HEAD', method);
    }
    assert.ok(!r.body.includes('index'), `${method} returned the file`);
    await stillAnswers();
  }
  const connect = await raw('CONNECT 127.0.0.1:22 HTTP/1.1');
  assert.ok(connect.status === 0 || connect.status >= 400, `CONNECT: status ${connect.status}`);
  await stillAnswers();
});

test('run as a script it prints the URL it serves', async () => {
  const script = fileURLToPath(new URL('../../scripts/serve.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, path.join(tmp, 'page'), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c) => {
        out += c;
        const m = /Attention Playground: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.on('exit', () => reject(new Error(`exited: ${out}`)));
    });
    const r = await fetch(url);
    assert.equal(r.status, 200);
    assert.match(await r.text(), /index/);
  } finally {
    child.kill();
  }
});
