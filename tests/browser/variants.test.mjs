// The SPEC §1b controls and views in the page, through real clicks and keys (SPEC §3 widgetRect): each editor
// control changes the scenario and the page's trace still equals attention-cli's reference; a refusal is said and
// changes nothing; the fp16 overflow is explained in the views and folding the scale into W_Q, W_K saves it; the
// decode view steps; and a screenshot of every variant view at 1280×800 and 1920×1080 (artifacts/variants-*.png).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPlayground, click, rect, settle, screenshot, maxRelDiff } from './harness.mjs';
import { referenceTrace, checkTrace, typeInto, choose } from './edits.mjs';

async function frames(page, count) {
  for (let i = 0; i < count; i++) await settle(page);
}

async function loadPreset(page, name) {
  const result = await page.evaluate((n) => window.playground.loadPreset(n), name);
  assert.deepEqual(result, { ok: true }, name);
  await settle(page);
}

test('each SPEC §1b control in the editor, through real clicks and keys', async () => {
  const app = await openPlayground({ webgpu: false });
  const { page } = app;
  try {
    await choose(page, 'preset', 'The cat sat on the mat');  // 2 heads, causal
    await click(page, 'kv_heads.dec');
    let { scenario } = await checkTrace(page, 'kv_heads 1');
    assert.equal(scenario.kv_heads, 1);
    assert.equal(scenario.w_k[0].length, 2, 'W_K is d_model × g·d_k');

    const depth = await page.evaluate(() => window.playground.undoDepth());
    await typeInto(page, 'kv_heads', '3');  // no divisor of 2: refused, said in the status bar
    assert.match(await page.evaluate(() => window.playground.lastError()), /^kv_heads: /);
    await rect(page, 'status.error');
    assert.equal((await page.evaluate(() => window.playground.getScenario())).kv_heads, 1);
    assert.equal(await page.evaluate(() => window.playground.undoDepth()), depth);
    await click(page, 'kv_heads.inc');
    ({ scenario } = await checkTrace(page, 'kv_heads 2'));
    assert.equal(scenario.kv_heads, undefined, 'g = h: the field is absent again');

    await click(page, 'alibi');
    ({ scenario } = await checkTrace(page, 'alibi'));
    assert.equal(scenario.alibi, true);

    await click(page, 'softcap');
    await typeInto(page, 'softcap.value', '2.5');
    ({ scenario } = await checkTrace(page, 'softcap'));
    assert.equal(scenario.softcap, 2.5);

    await click(page, 'sinks');
    await typeInto(page, 'sinks[1]', '1.5');
    ({ scenario } = await checkTrace(page, 'sinks'));
    assert.deepEqual(scenario.sinks, [0, 1.5]);

    await choose(page, 'mask_fill', 'number');
    await typeInto(page, 'mask_fill.value', '-100');
    ({ scenario } = await checkTrace(page, 'mask_fill'));
    assert.equal(scenario.mask_fill, -100);
    await choose(page, 'mask_fill', '-inf');
    ({ scenario } = await checkTrace(page, 'mask_fill -inf'));
    assert.equal(scenario.mask_fill, undefined);

    await choose(page, 'precision', 'fp16');
    const { scenario: s16, trace: t16 } = await page.evaluate(() => ({
      scenario: window.playground.getScenario(), trace: window.playground.getTrace(),
    }));
    assert.equal(s16.precision, 'fp16');
    assert.equal(t16.computed_in, 'fp16');
    const ref16 = referenceTrace(s16);
    assert.ok(maxRelDiff(t16.output, ref16.output) <= 2e-2, 'fp16 on the page against fp16 emulated in double');
    await choose(page, 'precision', 'none');
    ({ scenario } = await checkTrace(page, 'precision none'));
    assert.equal(scenario.precision, undefined);
    await screenshot(page, 'variants-editor-controls-1280x800');
    assert.deepEqual(app.consoleErrors, []);
  } finally { await app.close(); }
});

test('fp16 overflow: explained in every view, and folding the scale into W_Q and W_K saves it', async () => {
  const app = await openPlayground({ webgpu: false });
  const { page } = app;
  try {
    await choose(page, 'preset', 'fp16: unscaled Q·Kᵀ overflows');
    const trace = await page.evaluate(() => window.playground.getTrace());
    assert.ok(trace.nonfinite.length > 0);
    assert.equal(trace.heads[0].scores[0][0], null, '+inf is null in the JSON');
    for (const view of ['view.scores', 'view.pipeline', 'view.heads', 'view.scaling', 'view.mask', 'view.variants', 'view.precision', 'view.decode']) {
      await click(page, view);
      await rect(page, 'status.nonfinite');  // the explanation is on screen in every view
    }
    await click(page, 'view.precision');
    await frames(page, 12);
    await click(page, 'view.precision.apply_fold');
    const { scenario, trace: after } = await page.evaluate(() => ({
      scenario: window.playground.getScenario(), trace: window.playground.getTrace(),
    }));
    assert.equal(scenario.scale, 'none');
    assert.ok(Math.abs(scenario.w_q[0][0] - Math.pow(4, -0.25)) < 1e-12);
    assert.deepEqual(after.nonfinite, []);
    assert.equal(await page.evaluate(() => window.playground.widgetRect('status.nonfinite')), null);
    assert.deepEqual(app.consoleErrors, []);
  } finally { await app.close(); }
});

// preset, tab, sub-tab (or null), then what to do before the picture
const shots = [
  ['gqa', 'view.variants', 'view.variants.gqa'],
  ['alibi', 'view.variants', 'view.variants.alibi'],
  ['softcap', 'view.variants', 'view.variants.softcap'],
  ['sinks', 'view.variants', 'view.variants.sinks'],
  ['mask_fill', 'view.variants', 'view.variants.mask_fill'],
  ['fp16_overflow', 'view.precision', null],
  ['random', 'view.precision', null],
  ['fp16_overflow', 'view.scores', null],
  ['gqa', 'view.decode', null, async (page) => { for (let i = 0; i < 4; i++) await click(page, 'view.decode.step'); await rect(page, 'view.decode.check'); }],
];

for (const [width, height] of [[1280, 800], [1920, 1080]]) {
  test(`every variant view on its preset at ${width}×${height}`, async () => {
    const app = await openPlayground({ webgpu: false, width, height });
    const { page } = app;
    try {
      for (const [preset, tab, sub, before] of shots) {
        await loadPreset(page, preset);
        await click(page, tab);
        if (sub) await click(page, sub);
        await frames(page, 14);  // second traces arrive one a frame
        if (before) await before(page);
        await rect(page, 'view.area');
        const name = `variants-${preset}-${(sub || tab).split('.').pop()}-${width}x${height}`;
        await screenshot(page, name);
      }
      assert.deepEqual(app.consoleErrors, []);
    } finally { await app.close(); }
  });
}
