// A BERT-sized layer in the page (d_model 512, 8 heads, 1024 tokens, causal): it loads, an edit typed on the
// canvas changes the trace as attention-cli computes it, a computation can be cancelled, the layer survives a
// reload bit for bit, and a zoomed heatmap shows the trace's numbers. Screenshots: overview, zoomed, hover.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { openPlayground, press, click, clickAt, rect, settle, screenshot, maxRelDiff } from './harness.mjs';

const cli = process.env.AP_CLI || 'build/native/src/attention-cli';

// Builds the layer inside the page (a seeded LCG, so every run has the same numbers) and loads it.
async function loadLayer(page, { n, d, heads, seed = 1 }) {
  return page.evaluate(({ n, d, heads, seed }) => {
    let state = seed >>> 0;
    const rand = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 4294967296 - 0.5; };
    const matrix = (rows, cols, scale) => Array.from({ length: rows }, () => Array.from({ length: cols }, () => rand() * scale));
    const s = { version: 1, x: matrix(n, d, 2), heads, mask: 'causal', w_q: matrix(d, d, 0.2), w_k: matrix(d, d, 0.2),
                w_v: matrix(d, d, 0.2), w_o: matrix(d, d, 0.2) };
    const t0 = performance.now();
    const result = window.playground.loadScenario(s);
    return { result, ms: performance.now() - t0 };
  }, { n, d, heads, seed });
}

// A few rows of the page's trace against attention-cli's reference run of the scenario on screen. The reference
// (double, textbook loops) takes tens of seconds at this size: it runs on the other core while the test goes on,
// and the returned promise checks the rows when it is done.
async function checkRows(page, rows, label) {
  // as JSON text: Playwright hands a big nested array across far more slowly (50 s against 1 s for this layer)
  const [scenarioText, traceText] = await page.evaluate((rows) => [JSON.stringify(window.playground.getScenario()),
                                                                   JSON.stringify(window.playground.getTrace({ rows }))], rows);
  const scenario = JSON.parse(scenarioText), trace = JSON.parse(traceText);
  const run = promisify(execFile)(cli, ['run', '-', '--rows', rows.join(',')], { maxBuffer: 1 << 28 });
  run.child.stdin.end(scenarioText);
  const checked = run.then(({ stdout }) => compareRows(JSON.parse(stdout), trace, rows, label));
  checked.catch(() => {});  // awaited at the end of the test; a failure before then is not an unhandled rejection
  return { scenario, checked };
}

function compareRows(ref, trace, rows, label) {
  assert.deepEqual(trace.rows, rows);
  assert.ok(maxRelDiff(trace.output, ref.output) <= 1e-5, `${label}: output rows ${rows}`);
  assert.ok(maxRelDiff(trace.heads[0].weights, ref.heads[0].weights) <= 1e-5, `${label}: head 0 weights rows ${rows}`);
  assert.ok(maxRelDiff(trace.diagnostics.heads[5].entropy, ref.diagnostics.heads[5].entropy) <= 1e-5,
            `${label}: head 5 entropy (a head not on screen still has its row summaries)`);
}

test('a 1024-token, 8-head, d_model 512 layer: load, typed edit, cancel, reload, zoom', { timeout: 600000 }, async () => {
  const app = await openPlayground({ webgpu: false, width: 1920, height: 1080 });
  const { page } = app;
  try {
    const loaded = await loadLayer(page, { n: 1024, d: 512, heads: 8 });
    assert.deepEqual(loaded.result, { ok: true });
    await page.evaluate(() => window.playground.whenIdle());
    const info = await page.evaluate(() => window.playground.computeInfo());
    assert.equal(info.trace_backend, 'simd', 'the default backend is the fast one');
    assert.deepEqual(info.recorded_heads, [0], 'at this size only the head on screen keeps its N × N matrices');
    await screenshot(page, 'large-overview');

    // A typed edit of x[0][0] on the canvas: the trace follows (rows 0, 1 and 1023 checked against the CLI).
    await click(page, 'x[0][0]');
    await press(page, 'Control+A');
    await page.keyboard.type('2.5');
    await press(page, 'Enter');
    await page.evaluate(() => window.playground.whenIdle());
    const { scenario, checked } = await checkRows(page, [0, 1, 1023], 'after the edit');
    assert.equal(scenario.x[0][0], 2.5);
    assert.equal(await page.evaluate(() => window.playground.undoDepth()), 2, 'the load and the edit: two undo steps');

    // Cancel: an edit starts a computation; cancelling it keeps the older result and says so.
    await page.evaluate(() => { window.playground.setBackend('reference'); window.playground.cancelCompute(); });
    const cancelled = await page.evaluate(() => window.playground.computeInfo());
    assert.equal(cancelled.cancelled, true);
    assert.equal(cancelled.computing, false);
    assert.equal(cancelled.trace_backend, 'simd', 'the result on screen is the last one that finished');
    await page.evaluate(() => { window.playground.setBackend('simd'); });
    await page.evaluate(() => window.playground.whenIdle());

    // Zoom into the weights until the cells show numbers; the cell under the mouse explains the trace's number.
    const weights = await rect(page, 'cell.weights');
    // the mouse rests on the map first, as a hand does: ImGui claims the wheel for the item hovered last frame
    await page.mouse.move(weights.x + weights.w * 0.3, weights.y + weights.h * 0.6);
    await settle(page);
    for (let i = 0; i < 4; i++) { await page.mouse.wheel(0, -600); await settle(page); }  // 24 wheel steps
    const cellId = (await page.evaluate(() => window.playground.widgetIds())).find((id) => /^cell\.weights\[\d+\]\[\d+\]$/.test(id));
    assert.ok(cellId, 'zoomed in, the weight cells are widgets with ids');
    const [, i, j] = cellId.match(/\[(\d+)\]\[(\d+)\]/).map(Number);
    const cell = await rect(page, cellId);
    assert.ok(cell.w >= 20, `a zoomed cell is ${cell.w} px wide`);
    await page.mouse.move(cell.x + cell.w / 2, cell.y + cell.h / 2);
    await settle(page);
    await screenshot(page, 'large-zoomed-hover');
    const explained = await page.evaluate((id) => window.playground.explain(id), `weights[0][${i}][${j}]`);
    const trace = JSON.parse(await page.evaluate((i) => JSON.stringify(window.playground.getTrace({ rows: [i] })), i));
    assert.equal(explained.value, trace.heads[0].weights[0][j]);
    assert.ok(Math.abs(explained.numerator / explained.denominator - explained.value) <= 1e-6);

    // The layer survives a reload, every number bit for bit (IndexedDB, binary).
    const digest = () => page.evaluate(async () => {
      const text = JSON.stringify(window.playground.getScenario());
      const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
      return Array.from(new Uint8Array(hash)).map((b) => b.toString(16).padStart(2, '0')).join('');
    });
    const before = await digest();
    await page.evaluate(() => window.playground.whenSaved());
    await page.reload();
    await page.waitForFunction(() => window.playground && window.playground.ready);
    await page.evaluate(() => window.playground.ready);
    assert.equal(await digest(), before, 'the reloaded scenario is the same, bit for bit');
    assert.deepEqual(app.consoleErrors, []);
    await checked;
  } finally { await app.close(); }
});
