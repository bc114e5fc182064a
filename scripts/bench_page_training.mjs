// Issue 13's page figure: the time the page's training lab takes to reach the induction task's thresholds
// (held-out accuracy ≥ 0.9 and a head with prefix_match ≥ 0.4; trainState().learned), seed 1, while it draws.
//   node scripts/bench_page_training.mjs [--single]
// Needs build/web (cmake --build --preset web) and Debian's chromium. Not a test: CI does not run it.
import os from 'node:os';
import { openPlayground } from '../tests/browser/harness.mjs';

const single = process.argv.includes('--single');
const loadBefore = os.loadavg()[0];
const app = await openPlayground({ webgpu: false, width: 1280, height: 800, query: single ? '?threads=0' : '' });
try {
  const r = await app.page.evaluate(() => new Promise((resolve) => {
    const p = window.playground;
    const started = p.trainStart({ task: 'induction', seed: 1 });
    if (!started.ok) { resolve({ error: started.error }); return; }
    const t0 = performance.now();
    let frames = 0, worst = 0, last = t0;
    const tick = (now) => {
      frames++;
      worst = Math.max(worst, now - last);
      last = now;
      const s = p.trainState();
      if (s.learned || s.finished) {
        p.trainStop();
        resolve({ ms: now - t0, step: s.step, learned: s.learned, accuracy: s.accuracy,
                  best_prefix_match: Math.max(...s.head_scores.map((h) => h.prefix_match ?? 0)), frames, worst_frame_ms: worst });
      } else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }));
  r.page = single ? 'single-threaded' : 'threaded';
  r.load_before = loadBefore;
  r.load_after = os.loadavg()[0];
  console.log(JSON.stringify(r));
} finally { await app.close(); }
