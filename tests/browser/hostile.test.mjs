// Hostile input in the page (issue 18): nothing a link, a script or a paste carries may stop the page or
// be read as something else. loadScenario answers {ok: false, error} for anything that is not a scenario;
// a NUL byte is refused with its position, not cut off with what follows it; a lone surrogate reaches the
// readers as the bytes it is, never pairing with the next character; a subnormal RoPE base is refused by
// name, in a link too, and the page goes on drawing; an 8 MB scenario with 5000 tokens is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPlayground, settle, click, press } from './harness.mjs';

const scenarioOf = (page) => page.evaluate(() => window.playground.getScenario());
const lastError = (page) => page.evaluate(() => window.playground.lastError());
const link = (text) => `#s=${Buffer.from(text, 'utf8').toString('base64url')}`;

// The page's paste event with exactly this text (the clipboard itself may drop a NUL or a lone surrogate).
async function paste(page, text) {
  await page.evaluate((t) => {
    const data = new DataTransfer();
    data.setData('text/plain', t);
    document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
  await settle(page);
  await settle(page);
}

test('loadScenario never throws: anything that is not a scenario gets {ok: false, error}', async () => {
  const app = await openPlayground({ webgpu: false });
  const { page } = app;
  try {
    const before = await scenarioOf(page);
    const answers = await page.evaluate(() => {
      const circular = { version: 1 };
      circular.self = circular;
      const hostile = {
        'no argument': () => window.playground.loadScenario(),
        undefined: () => window.playground.loadScenario(undefined),
        null: () => window.playground.loadScenario(null),
        'a BigInt': () => window.playground.loadScenario(10n),
        'an object holding a BigInt': () => window.playground.loadScenario({ version: 1, x: [[1n]] }),
        'a circular object': () => window.playground.loadScenario(circular),
        'a function': () => window.playground.loadScenario(() => 1),
        'a Symbol': () => window.playground.loadScenario(Symbol('s')),
        'a number': () => window.playground.loadScenario(5),
        'a throwing toJSON': () => window.playground.loadScenario({ toJSON() { throw new Error('no'); } }),
        'a toJSON throwing a string': () => window.playground.loadScenario({ toJSON() { throw 'no'; } }),
        'a throwing getter': () => window.playground.loadScenario({ get version() { throw new Error('no'); } }),
      };
      const out = {};
      for (const [name, f] of Object.entries(hostile)) {
        try { out[name] = f(); } catch (e) { out[name] = `threw ${e}`; }
      }
      return out;
    });
    for (const [name, answer] of Object.entries(answers)) {
      assert.equal(typeof answer, 'object', `${name}: ${answer}`);
      assert.equal(answer.ok, false, name);
      assert.equal(typeof answer.error, 'string', name);
      assert.ok(answer.error.length > 0, name);
    }
    assert.match(answers.undefined.error, /got undefined$/);
    assert.match(answers['a Symbol'].error, /got a symbol$/);
    assert.match(answers['a BigInt'].error, /cannot hold/);
    assert.match(answers['a circular object'].error, /cannot hold/);
    assert.match(answers['a toJSON throwing a string'].error, /cannot hold \(no\)$/);
    assert.equal(answers.null.error, 'expected a scenario object, got null');
    assert.deepEqual(await scenarioOf(page), before, 'the scenario on screen is untouched');
  } finally { await app.close(); }
});

test('NUL bytes and lone surrogates: refused by position, never cut off or paired with the next character', async () => {
  const app = await openPlayground({ webgpu: false });
  const { page } = app;
  try {
    const before = await scenarioOf(page);
    const load = (text) => page.evaluate((t) => window.playground.loadScenario(t), text);
    assert.deepEqual(await load('{"version":1,"x":[[1]]}\0garbage'),
      { ok: false, error: 'not valid JSON at line 1, column 24: a NUL byte after the document (JSON text holds none)' });
    assert.deepEqual(await load('{"version":1,"x":[[1,\0]]}'),
      { ok: false, error: 'x[0][1]: not valid JSON at line 1, column 22: a NUL byte (JSON text holds none; in a string write \\u0000)' });
    // a lone surrogate arrives as its three bytes (WTF-8): refused as ill-formed, shown as \xED\xA0\x80, and
    // the 'b' after it is still there
    const lone = await load('{"version":1,"x":[[1]],"tokens":["a\uD800b"]}');
    assert.equal(lone.ok, false);
    assert.match(lone.error, /^tokens\[0\]: not valid JSON at line 1, column 37: .*ill-formed UTF-8 byte; last read: '"a\\xED\\xA0'$/);
    assert.match(lone.error, /\\xED/);
    const object = await page.evaluate(() => window.playground.loadScenario({ version: 1, x: [[1]], tokens: ['\uDC00'] }));
    assert.equal(object.ok, false);
    assert.match(object.error, /^tokens\[0\]: .*surrogate/);
    assert.deepEqual(await scenarioOf(page), before);
    // pairs are characters: an astral label comes back as it went in
    assert.deepEqual(await load('{"version":1,"x":[[1]],"tokens":["a😀b"]}'), { ok: true });
    assert.equal((await scenarioOf(page)).tokens[0], 'a😀b');
    const backend = await page.evaluate(() => window.playground.computeInfo().backend);
    assert.equal((await page.evaluate(() => window.playground.setBackend('reference\0x'))).ok, false, 'no NUL cuts a name');
    assert.equal(await page.evaluate(() => window.playground.computeInfo().backend), backend);

    // pastes: the NUL is found where it is (a C string would have ended the text there, pasting "1")
    await page.evaluate(() => window.playground.loadScenario({ version: 1, x: [[1, 0], [0, 1]] }));
    await settle(page);
    await click(page, 'x[0][0]');
    await press(page, 'Escape');
    const grid = await scenarioOf(page);
    await paste(page, '1\0,2\n3,4');
    await page.waitForFunction(() => window.playground.lastError().startsWith('paste'), null, { timeout: 10000 });
    assert.equal(await lastError(page), 'paste: line 1, column 2: a NUL byte (\\x00), which pasted text cannot hold');
    await paste(page, '5,\uD800,6');
    await page.waitForFunction(() => window.playground.lastError().includes('xED'), null, { timeout: 10000 });
    assert.equal(await lastError(page), 'paste: line 1, column 3: expected a number, got "\\xED\\xA0\\x80"');
    assert.deepEqual(await scenarioOf(page), grid, 'the grid is unchanged');
    await paste(page, '7,8');  // and a good paste still works
    await page.waitForFunction(() => window.playground.getScenario().x[0][1] === 8, null, { timeout: 10000 });
  } finally { await app.close(); }
});

test('a subnormal RoPE base is refused by name, typed, loaded or linked; the page goes on', async () => {
  const app = await openPlayground({ webgpu: false });
  const { page } = app;
  try {
    for (const base of ['5e-324', '1e-310', '4.9e-324', '-5e-324', '2.225073858507201e-308']) {
      const answer = await page.evaluate((b) => window.playground.loadScenario(
        `{"version":1,"x":[[1,0],[0,1]],"positional":{"rope":{"base":${b}}}}`), base);
      assert.equal(answer.ok, false, base);
      assert.match(answer.error, /^positional\.rope\.base: expected a finite base greater than 1, got /, base);
    }
    // typed into the base field, key by key (each one proposes the value): refused by name, the page draws on
    assert.deepEqual(await page.evaluate(() => window.playground.loadScenario(
      { version: 1, x: [[1, 0], [0, 1]], positional: 'rope' })), { ok: true });
    await settle(page);
    await click(page, 'positional.rope.base');
    await press(page, 'Control+A');
    await page.keyboard.type('1e-310');
    await press(page, 'Enter');
    await settle(page);
    assert.equal(await lastError(page), 'positional.rope.base: expected a finite base greater than 1, got 1e-310');
    assert.equal((await scenarioOf(page)).positional, 'rope', 'the base stays 10000');
    const frames = await page.evaluate(() => window.playground.lastFrameMs());
    await settle(page);
    assert.ok(Number.isFinite(frames));
    assert.ok((await page.evaluate(() => window.playground.getTrace())).output.length > 0, 'the page still computes');
  } finally { await app.close(); }

  // the red team's link: `ready` resolves (openPlayground waits for it), the status line says why
  const linked = await openPlayground({ webgpu: false,
    hash: link('{"version":1,"x":[[1,0],[0,1]],"positional":{"rope":{"base":5e-324}}}') });
  try {
    assert.equal(await lastError(linked.page), 'positional.rope.base: expected a finite base greater than 1, got 5e-324');
    const shown = await scenarioOf(linked.page);
    assert.ok(!(shown.positional && shown.positional.rope), 'the linked scenario is not on screen');
  } finally { await linked.close(); }

  const nul = await openPlayground({ webgpu: false, hash: link('{"version":1,"x":[[1]]}\0garbage') });
  try {
    assert.equal(await lastError(nul.page), 'not valid JSON at line 1, column 24: a NUL byte after the document (JSON text holds none)');
    assert.notEqual((await scenarioOf(nul.page)).x.length, 1, 'the linked scenario is not on screen');
  } finally { await nul.close(); }
});

test('an 8 MB scenario with 5000 tokens is refused by its size while it is read', async () => {
  const app = await openPlayground({ webgpu: false });
  const { page } = app;
  try {
    const before = await scenarioOf(page);
    const { answer, bytes, ms, encodeMs } = await page.evaluate(() => {
      const row = `[${Array(256).fill('0.125').join(', ')}]`;  // 1.8 kB a token
      const text = `{"version": 1, "x": [${Array(5000).fill(row).join(', ')}]}`;
      const t0 = performance.now();
      const result = window.playground.loadScenario(text);
      const t1 = performance.now();
      new TextEncoder().encode(text);  // what handing the text over costs, for comparison
      return { answer: result, bytes: text.length, ms: t1 - t0, encodeMs: performance.now() - t1 };
    });
    console.log(`8 MB scenario, 5000 tokens: refused in ${ms.toFixed(0)} ms (${bytes} bytes; encoding it: ${encodeMs.toFixed(0)} ms)`);
    assert.ok(bytes > 8e6);
    assert.deepEqual(answer, { ok: false, error: 'x: more than 4096 rows (the limit of tokens)' });
    assert.deepEqual(await scenarioOf(page), before);
  } finally { await app.close(); }
});
