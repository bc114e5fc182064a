// The walking skeleton in a real browser: the page loads offline, draws, and a real click and real
// keystrokes in x[0][1] change the trace exactly as the core computes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPlayground, press, click, settle, screenshot, screenshotColourCount, traceTolerance } from './harness.mjs';

function softmax(row) {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

test('edit x[0][1] through the canvas and the trace follows', async () => {
  const app = await openPlayground();
  try {
    const { page } = app;
    const before = await page.evaluate(() => window.playground.getTrace());
    assert.deepEqual(before.heads[0].scores, [[1, 0], [0, 1]]);

    await click(page, 'x[0][1]');
    await press(page, 'Control+A');
    await page.keyboard.type('0.5');
    await press(page, 'Enter');
    await settle(page);

    const scenario = await page.evaluate(() => window.playground.getScenario());
    assert.deepEqual(scenario.x, [[1, 0.5], [0, 1]]);
    const trace = await page.evaluate(() => window.playground.getTrace());
    // x = [[1, .5], [0, 1]], identity weights: scores = x·xᵀ, weights = softmax(scores / √2), output = weights·x.
    const x = scenario.x;
    const scores = x.map((a) => x.map((b) => a[0] * b[0] + a[1] * b[1]));
    const weights = scores.map((row) => softmax(row.map((v) => v / Math.SQRT2)));
    const output = weights.map((w) => [0, 1].map((c) => w[0] * x[0][c] + w[1] * x[1][c]));
    const tol = Math.min(traceTolerance(trace), 1e-6);  // float: a few units in the last place of these O(1) numbers
    const close = (a, b) => a.flat().forEach((v, i) => assert.ok(Math.abs(v - b.flat()[i]) < tol, `${v} vs ${b.flat()[i]}`));
    close(trace.heads[0].scores, scores);
    close(trace.heads[0].weights, weights);
    close(trace.output, output);

    assert.ok(await screenshotColourCount(page) > 50, 'the canvas looks blank');
    await screenshot(page, 'skeleton-after-edit');
    const hasAdapter = await page.evaluate(async () => !!(navigator.gpu && await navigator.gpu.requestAdapter()));
    console.log(`navigator.gpu adapter: ${hasAdapter ? 'yes' : 'no'}`);
    assert.deepEqual(app.consoleErrors, []);
    assert.deepEqual(app.failedRequests, []);
    const foreign = app.requests.filter((u) => !u.startsWith(app.origin));
    assert.deepEqual(foreign, [], 'the page requested something that is not its own');
  } finally {
    await app.close();
  }
});
