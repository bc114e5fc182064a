// The training lab in the page (SPEC §3 trainStart / trainState / trainStop): training advances while frames keep
// coming, the induction task learns, ablating a head (a real click) changes the held-out loss, and "open layer"
// loads the trained layer into every view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPlayground, click, settle, screenshot } from './harness.mjs';

test('the training lab: induction learns while frames keep coming; ablation answers; a layer opens in the playground',
  { timeout: 600000 }, async () => {
    const app = await openPlayground({ webgpu: false, width: 1920, height: 1080 });
    const { page } = app;
    try {
      assert.deepEqual(await page.evaluate(() => window.playground.trainStart({ task: 'nonsense' })).then((r) => r.ok), false);
      const started = await page.evaluate(() => window.playground.trainStart({ task: 'induction', seed: 1 }));
      assert.deepEqual(started, { ok: true });
      // Frames keep coming while it trains: count them over a stretch of training.
      const during = await page.evaluate(() => new Promise((resolve) => {
        const t0 = performance.now();
        let frames = 0, worst = 0, last = t0;
        const tick = (now) => {
          frames++;
          worst = Math.max(worst, now - last);
          last = now;
          if (now - t0 < 3000) requestAnimationFrame(tick);
          else resolve({ frames, worst, step: window.playground.trainState().step });
        };
        requestAnimationFrame(tick);
      }));
      assert.ok(during.step > 0, 'training advanced');
      assert.ok(during.frames >= 20, `only ${during.frames} frames in 3 s while training`);
      console.log(`training: ${during.frames} frames in 3 s, longest ${during.worst.toFixed(0)} ms, step ${during.step}`);
      await page.waitForFunction(() => window.playground.trainState().finished, null, { timeout: 400000, polling: 500 });
      const done = await page.evaluate(() => window.playground.trainState());
      assert.ok(done.accuracy >= 0.9, `held-out accuracy ${done.accuracy}`);
      const best = Math.max(...done.head_scores.map((h) => h.prefix_match ?? 0));
      assert.ok(best >= 0.4, `best prefix-match ${best}`);
      await settle(page);
      await screenshot(page, 'training-lab-learned');

      // Ablate the best induction head by clicking its checkbox: the held-out loss goes up.
      const head = done.head_scores.reduce((a, b) => ((b.prefix_match ?? 0) > (a.prefix_match ?? 0) ? b : a));
      await click(page, `training.ablate[${head.layer}][${head.head}]`);
      const ablated = await page.evaluate(() => window.playground.trainState());
      assert.ok(ablated.head_scores.find((h) => h.layer === head.layer && h.head === head.head).ablated);
      assert.ok(ablated.eval_loss > done.eval_loss + 0.1, `ablation: loss ${done.eval_loss} → ${ablated.eval_loss}`);
      await screenshot(page, 'training-lab-ablated');
      await click(page, `training.ablate[${head.layer}][${head.head}]`);  // restore

      // Open the last layer in the playground: the scenario becomes that layer, and the Heads view shows it.
      await click(page, `training.open[${head.layer}]`);
      await page.evaluate(() => window.playground.whenIdle());
      const scenario = await page.evaluate(() => window.playground.getScenario());
      assert.equal(scenario.heads, 2);
      assert.ok(scenario.tokens.length >= 8);
      await settle(page);
      await screenshot(page, 'training-layer-in-heads-view');
      await page.evaluate(() => window.playground.trainStop());
      assert.equal((await page.evaluate(() => window.playground.trainState())).running, false);
      assert.deepEqual(app.consoleErrors, []);
    } finally { await app.close(); }
  });
