// The views of issue 16 driven through real clicks and keys on the canvas: the Step through view (Next, Back, the
// arrow keys, Play at the pace set), the Head view (hover a token to isolate its lines, a thumbnail to pick a head,
// a large layer's lines bounded and the cut said), and a colour range the user set. Screenshots at 1280×800 and
// 1920×1080 go to artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPlayground, press, click, clickAt, rect, settle, screenshot } from './harness.mjs';
import { typeInto } from './edits.mjs';

const viewState = (page) => page.evaluate(() => window.playground.viewState());

async function hover(page, id) {
  const r = await rect(page, id);
  await page.mouse.move(r.x + r.w / 2, r.y + r.h / 2);
  await settle(page);
  await settle(page);
}

test('step through one row and hover a token in the head view (1280×800)', async () => {
  const app = await openPlayground({ webgpu: false });
  const { page } = app;
  try {
    assert.deepEqual(await page.evaluate(() => window.playground.loadPreset('cat_sat')), { ok: true });
    await click(page, 'view.steps');
    let v = await viewState(page);
    assert.equal(v.tab, 'view.steps');
    assert.deepEqual(v.steps.stages, ['query', 'scores', 'scale', 'mask', 'exp', 'softmax', 'mix', 'head_output', 'concat', 'output']);
    assert.equal(v.steps.stage, 0);
    await screenshot(page, 'steps-1280-query');
    await click(page, 'steps.next');
    await click(page, 'steps.next');
    assert.equal((await viewState(page)).steps.stage_id, 'scale');
    await press(page, 'ArrowRight');
    await press(page, 'ArrowRight');
    assert.equal((await viewState(page)).steps.stage_id, 'exp');
    await screenshot(page, 'steps-1280-exp');
    await press(page, 'ArrowLeft');
    assert.equal((await viewState(page)).steps.stage_id, 'mask');
    await click(page, 'steps.back');
    assert.equal((await viewState(page)).steps.stage_id, 'scale');
    // the exp stage's numbers divided by Σ exp are the page's weights
    const trace = await page.evaluate(() => window.playground.getTrace());
    const q = (await viewState(page)).steps.query;
    const sum = trace.heads[0].weights[q].reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-6, `row ${q}'s weights sum to 1`);

    // Play at the fastest pace (the slider's left end): it walks on by itself and stops on the layer's output
    const speed = await rect(page, 'steps.speed');
    await clickAt(page, speed.x + 2, speed.y + speed.h / 2);
    assert.ok((await viewState(page)).steps.seconds_per_stage < 0.35);
    await click(page, 'steps.play');
    assert.equal((await viewState(page)).steps.playing, true);
    await page.waitForFunction(() => !window.playground.viewState().steps.playing, null, { timeout: 20000 });
    v = await viewState(page);
    assert.equal(v.steps.stage_id, 'output');
    await screenshot(page, 'steps-1280-output');
    await click(page, 'steps.stage[6]');
    assert.equal((await viewState(page)).steps.stage_id, 'mix');
    await screenshot(page, 'steps-1280-mix');

    await click(page, 'view.headview');
    await page.mouse.move(2, 2);
    await settle(page);
    v = await viewState(page);
    const positive = trace.heads.reduce((n, h) => n + h.weights.flat().filter((w) => w > 0).length, 0);
    assert.equal(v.headView.lines, positive, 'a line for every positive weight of every head');
    await screenshot(page, 'headview-1280-all');
    await hover(page, 'headview.query[3]');
    v = await viewState(page);
    assert.equal(v.headView.focus_query, 3);
    assert.equal(v.headView.lines, trace.heads.reduce((n, h) => n + h.weights[3].filter((w) => w > 0).length, 0));
    await screenshot(page, 'headview-1280-hover');
    await click(page, 'headview.thumb[1]');
    v = await viewState(page);
    assert.equal(v.head, 1);
    assert.equal(v.headView.all_heads, false);

    // a weights max set by the user: the legend states it
    await click(page, 'colors.range');
    await typeInto(page, 'colors.weights_max', '0.5');
    await screenshot(page, 'colors-range-1280');
    assert.deepEqual(app.consoleErrors, []);
  } finally { await app.close(); }
});

test('a large layer (8 heads, N = 128) in the head view and the step-through at 1920×1080', async () => {
  const app = await openPlayground({ webgpu: false, width: 1920, height: 1080 });
  const { page } = app;
  try {
    const x = Array.from({ length: 128 }, (_, i) => Array.from({ length: 16 }, (_, j) => Math.sin(i * 0.7 + j * 1.3)));
    assert.deepEqual(await page.evaluate((s) => window.playground.loadScenario(s), { version: 1, x, heads: 8, mask: 'causal' }), { ok: true });
    await click(page, 'view.headview');
    await page.mouse.move(2, 2);
    await settle(page);
    let v = await viewState(page);
    assert.equal(v.headView.per_query, 2, '3000 lines over 8 heads × 128 rows: each query\'s 2 heaviest keys');
    assert.equal(v.headView.lines, 8 * (1 + 127 * 2), 'the first row has one key under the causal mask');
    assert.ok(v.headView.hidden > 0);
    assert.ok(await page.evaluate(() => window.playground.widgetRect('headview.hidden')), 'the cut is said on screen');
    assert.equal(v.headView.thumbnails.length, 8);
    await screenshot(page, 'headview-1920-large');
    // the labelled token nearest the middle (labels are thinned so they never overlap)
    const ids = await page.evaluate(() => window.playground.widgetIds());
    const rows = ids.map((id) => /^headview\.query\[(\d+)\]$/.exec(id)).filter(Boolean).map((m) => Number(m[1]));
    assert.ok(rows.length >= 20 && rows.length < 128, `${rows.length} query labels`);
    const row = rows.reduce((best, r) => (Math.abs(r - 64) < Math.abs(best - 64) ? r : best), rows[0]);
    await hover(page, `headview.query[${row}]`);
    v = await viewState(page);
    assert.equal(v.headView.focus_query, row);
    assert.equal(v.headView.lines, 8 * (row + 1), `under a causal mask row ${row} has ${row + 1} keys, in each of 8 heads`);
    assert.equal(v.headView.hidden, 0);
    await screenshot(page, 'headview-1920-large-hover');

    await click(page, 'view.steps');
    await press(page, 'ArrowRight');
    await press(page, 'ArrowRight');
    await press(page, 'ArrowRight');
    await press(page, 'ArrowRight');
    v = await viewState(page);
    assert.equal(v.steps.stage_id, 'exp');
    await screenshot(page, 'steps-1920-large-exp');
    assert.deepEqual(app.consoleErrors, []);
  } finally { await app.close(); }
});
