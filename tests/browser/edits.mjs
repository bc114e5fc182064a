// Edits through the real widgets, and the check after each: the page's trace equals attention-cli's reference trace of
// the scenario on screen. Shared by the browser tests that edit (views, variants).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { press, click, settle, traceTolerance, maxRelDiff } from './harness.mjs';

const cli = process.env.AP_CLI || 'build/native/src/attention-cli';

export function referenceTrace(scenario) {
  return JSON.parse(execFileSync(cli, ['run', '-'], { input: JSON.stringify(scenario), maxBuffer: 1 << 28 }).toString());
}

// The page's trace equals the reference: within 1e-9 on the reference backend, 1e-5 relative on the default float one.
export async function checkTrace(page, label) {
  const { scenario, trace, error } = await page.evaluate(() => ({
    scenario: window.playground.getScenario(), trace: window.playground.getTrace(), error: window.playground.lastError(),
  }));
  assert.equal(error, '', `${label}: the page shows an error: ${error}`);
  const ref = referenceTrace(scenario);
  const tol = traceTolerance(trace);
  for (const key of ['output', 'concat']) assert.ok(maxRelDiff(trace[key], ref[key], key) <= tol, `${label}: ${key}`);
  trace.heads.forEach((h, i) => {
    for (const key of ['q', 'k', 'v', 'scores', 'weights', 'output'])
      assert.ok(maxRelDiff(h[key], ref.heads[i][key], `heads[${i}].${key}`) <= tol, `${label}: heads[${i}].${key}`);
  });
  assert.deepEqual(trace.empty_rows, ref.empty_rows);
  return { scenario, trace };
}

export async function typeInto(page, id, text) {
  await click(page, id);
  await press(page, 'Control+A');
  await page.keyboard.type(text);
  await press(page, 'Enter');
  await settle(page);
}

export async function choose(page, id, option) {
  await click(page, id);
  await click(page, `${id}.option.${option}`);
}
