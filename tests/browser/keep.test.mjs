// Nothing the user typed is lost: share links restore every number bit for bit, a reload restores the
// autosaved scenario, and undo/redo walk back and forth over edits made with real keystrokes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPlayground, press, click, settle } from './harness.mjs';

const awkward = {
  version: 1, tokens: ['α', 'b"c', 'd'], x: [[0.1, 1 / 3, -2.5e-300], [Math.PI, -0, 1e300], [123456789.123456789, 5e-324, 2]],
  heads: 1, mask: { causal: 'bottom_right', key_valid: [1, 0, 1] }, positional: { rope: { base: 500, pairing: 'half' } }, d_k: 2,
  w_q: [[1, 0], [0, 1], [0.1, 0.2]], w_k: [[1, 0], [0, 1], [0.3, 0.4]],
};

test('share link round trip restores every number bit for bit', async () => {
  const first = await openPlayground({ webgpu: false });
  let link, scenario;
  try {
    assert.deepEqual(await first.page.evaluate((s) => window.playground.loadScenario(s), awkward), { ok: true });
    scenario = await first.page.evaluate(() => window.playground.getScenario());
    link = await first.page.evaluate(() => window.playground.shareLink());
    assert.match(link, /\/index\.html#s=z\.[A-Za-z0-9_-]+$/, 'SPEC §3: index.html#s=...');
  } finally { await first.close(); }
  const second = await openPlayground({ webgpu: false, hash: link.slice(link.indexOf('#')) });
  try {
    const restored = await second.page.evaluate(() => window.playground.getScenario());
    assert.deepEqual(restored, scenario);
    assert.ok(Object.is(restored.x[1][1], -0) || restored.x[1][1] === 0);
    assert.equal(restored.x[2][1], 5e-324);
  } finally { await second.close(); }
});

test('links of the first version (#s=, plain base64url JSON) still open', async () => {
  const json = JSON.stringify({ version: 1, x: [[0.1, 0.2], [0.3, 1e-300]], tokens: ['one', 'two'] });
  const legacy = '#s=' + Buffer.from(json).toString('base64url');
  const app = await openPlayground({ webgpu: false, hash: legacy });
  try {
    const s = await app.page.evaluate(() => window.playground.getScenario());
    assert.deepEqual(s.x, [[0.1, 0.2], [0.3, 1e-300]]);
    assert.deepEqual(s.tokens, ['one', 'two']);
  } finally { await app.close(); }
});

test('a reload restores the autosaved scenario; undo and redo walk ten edits', async () => {
  const app = await openPlayground({ webgpu: false });
  const { page } = app;
  try {
    const values = [];
    for (let i = 0; i < 10; i++) {
      await click(page, `x[${i % 2}][${(i >> 1) % 2}]`);
      await press(page, 'Control+A');
      const v = String(i + 0.25);
      await page.keyboard.type(v);
      await press(page, 'Enter');
      await settle(page);
      values.push((await page.evaluate(() => window.playground.getScenario())).x);
      assert.equal(await page.evaluate(() => window.playground.undoDepth()), i + 1, 'one undo step per edit');
    }
    await page.mouse.click(5, 790);  // leave the text field so Ctrl+Z goes to the app
    await settle(page);
    for (let i = 9; i > 0; i--) {
      await press(page, 'Control+Z');
      await settle(page);
      assert.deepEqual((await page.evaluate(() => window.playground.getScenario())).x, values[i - 1], `undo to edit ${i - 1}`);
    }
    for (let i = 1; i < 10; i++) {
      await press(page, 'Control+Shift+Z');
      await settle(page);
      assert.deepEqual((await page.evaluate(() => window.playground.getScenario())).x, values[i], `redo to edit ${i}`);
    }
    const before = await page.evaluate(() => window.playground.getScenario());
    await page.reload();
    await page.waitForFunction(() => window.playground && window.playground.ready);
    await page.evaluate(() => window.playground.ready);
    assert.deepEqual(await page.evaluate(() => window.playground.getScenario()), before);
  } finally { await app.close(); }
});
