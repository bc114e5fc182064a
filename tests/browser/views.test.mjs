// The playground's views driven through real widgets (SPEC §3 widgetRect + real mouse and keyboard):
// presets, cell edits in x and W, mask / heads / scale / positional switches, mask painting. After each
// step the page's trace must equal attention-cli's reference trace of the scenario on screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { openPlayground, press, click, clickAt, rect, settle, screenshot } from './harness.mjs';
import { checkTrace, typeInto, choose } from './edits.mjs';

const presets = ['Two tokens, identity weights', 'Q1 = [1, 0] against K2 = [0, 1]: score 0, weight 33 %', 'One query, three keys', 'The cat sat on the mat',
  "The animal didn't cross the street because it was too tired", 'Random (seeded)', 'Identity', '16 tokens × 64 × 8 heads'];
const views = ['view.scores', 'view.pipeline', 'view.heads', 'view.scaling', 'view.geometry', 'view.mask', 'view.positional'];

test('every preset loads through the menu and matches the reference', async () => {
  const app = await openPlayground({ webgpu: false });
  try {
    for (const [i, preset] of presets.entries()) {
      await choose(app.page, 'preset', preset);
      const { scenario } = await checkTrace(app.page, preset);
      assert.ok(scenario.x.length >= 1);
      await screenshot(app.page, `preset-${i}`);
    }
    assert.deepEqual(app.consoleErrors, []);
  } finally { await app.close(); }
});

test('edits through the widgets: x, W_Q, heads, scale, mask, positional, painted mask', async () => {
  const app = await openPlayground({ webgpu: false });
  const { page } = app;
  try {
    await choose(page, 'preset', 'The cat sat on the mat');
    await typeInto(page, 'x[2][1]', '-1.25');
    let { scenario } = await checkTrace(page, 'x edit');
    assert.equal(scenario.x[2][1], -1.25);

    await click(page, 'section.w_q');
    await typeInto(page, 'w_q[1][0]', '0.75');
    ({ scenario } = await checkTrace(page, 'w_q edit'));
    assert.equal(scenario.w_q[1][0], 0.75);
    await click(page, 'section.w_q');  // fold it again

    await typeInto(page, 'heads', '4');
    ({ scenario } = await checkTrace(page, 'heads = 4'));
    assert.equal(scenario.heads, 4);
    assert.equal(scenario.d_k, 1);

    await choose(page, 'scale', 'none');
    ({ scenario } = await checkTrace(page, 'scale none'));
    assert.equal(scenario.scale, 'none');

    await choose(page, 'mask', 'window');
    ({ scenario } = await checkTrace(page, 'window mask'));
    assert.deepEqual(scenario.mask, { window: 2 });

    await choose(page, 'positional', 'sinusoidal');
    ({ scenario } = await checkTrace(page, 'sinusoidal'));
    assert.equal(scenario.positional, 'sinusoidal');

    await typeInto(page, 'heads', '2');
    await choose(page, 'positional', 'rope');
    ({ scenario } = await checkTrace(page, 'rope'));
    assert.equal(scenario.positional, 'rope');

    await choose(page, 'mask', 'custom (paint)');
    ({ scenario } = await checkTrace(page, 'custom mask'));
    const painted = scenario.mask;  // painting starts from the cells the window mask allowed, not from all ones
    assert.deepEqual(painted[3], [0, 0, 1, 1, 0, 0]);
    await click(page, 'view.mask');
    await click(page, 'mask.cell[3][1]');
    ({ scenario } = await checkTrace(page, 'painted mask'));
    assert.equal(scenario.mask[3][1], 1, 'the painted cell flipped');
    assert.equal(scenario.mask[3][2], painted[3][2], 'its neighbour did not');

    // A stroke over three cells is one edit: one undo step.
    const depth = await page.evaluate(() => window.playground.undoDepth());
    const cells = [];
    for (let j = 0; j < 3; j++) cells.push(await rect(page, `mask.cell[4][${j}]`));
    await page.mouse.move(cells[0].x + cells[0].w / 2, cells[0].y + cells[0].h / 2);
    await settle(page);
    await page.mouse.down();
    await settle(page);
    for (const c of cells.slice(1)) { await page.mouse.move(c.x + c.w / 2, c.y + c.h / 2, { steps: 3 }); await settle(page); }
    await page.mouse.up();
    await settle(page);
    ({ scenario } = await checkTrace(page, 'painted stroke'));
    assert.deepEqual(scenario.mask[4].slice(0, 3), [1, 1, 1], 'the stroke painted three cells (from masked to allowed)');
    assert.equal(await page.evaluate(() => window.playground.undoDepth()), depth + 1, 'one undo step per stroke');

    // Escape cancels an edit in progress.
    await click(page, 'x[0][0]');
    await press(page, 'Control+A');
    await page.keyboard.type('42');
    await press(page, 'Escape');
    await settle(page);
    ({ scenario } = await checkTrace(page, 'escape'));
    assert.equal(scenario.x[0][0], 0.1);

    // Tab moves to the next cell (its text selected), Enter commits.
    await click(page, 'x[1][0]');
    await press(page, 'Control+A');
    await page.keyboard.type('0.5');
    await press(page, 'Tab');
    await page.keyboard.type('0.75');
    await press(page, 'Enter');
    await settle(page);
    ({ scenario } = await checkTrace(page, 'tab'));
    assert.deepEqual(scenario.x[1].slice(0, 2), [0.5, 0.75]);

    // Dragging a cell sideways scrubs its value (0.01 a pixel): one undo step for the whole drag.
    const start = scenario.x[2][0];
    const depthBefore = await page.evaluate(() => window.playground.undoDepth());
    const cell = await rect(page, 'x[2][0]');
    await page.mouse.move(cell.x + cell.w / 2, cell.y + cell.h / 2);
    await settle(page);
    await page.mouse.down();
    await settle(page);
    for (let i = 1; i <= 5; i++) { await page.mouse.move(cell.x + cell.w / 2 + 10 * i, cell.y + cell.h / 2); await settle(page); }
    await page.mouse.up();
    await settle(page);
    ({ scenario } = await checkTrace(page, 'scrub'));
    assert.ok(Math.abs(scenario.x[2][0] - (start + 0.5)) < 1e-9, `dragged 50 px: ${start} → ${scenario.x[2][0]}`);
    assert.equal(await page.evaluate(() => window.playground.undoDepth()), depthBefore + 1, 'one undo step per drag');

    for (const view of views) {
      await click(page, view);
      await settle(page);
      await screenshot(page, `view-${view.replace('view.', '')}`);
    }
    assert.deepEqual(app.consoleErrors, []);
  } finally { await app.close(); }
});

test('bad input is refused with a message and the scenario is kept', async () => {
  const app = await openPlayground({ webgpu: false });
  const { page } = app;
  try {
    const before = await page.evaluate(() => window.playground.getScenario());
    const result = await page.evaluate(() => window.playground.loadScenario('{"version":1,"x":[[1,2]],"w_k":[[1,"abc"],[0,1]]}'));
    assert.deepEqual(result, { ok: false, error: 'w_k[0][1]: expected a number, got "abc"' });
    assert.deepEqual(await page.evaluate(() => window.playground.getScenario()), before);
    await settle(page);
    await rect(page, 'status.error');  // the message is on screen
    await screenshot(page, 'refused-input');

    // letters typed into a number cell on the canvas: refused in one line naming the cell, the scenario kept
    const kept = await page.evaluate(() => window.playground.getScenario());
    await typeInto(page, 'x[0][1]', 'abc');
    const error = await page.evaluate(() => window.playground.lastError());
    assert.equal(error, `x[0][1]: expected a number, got "abc" (x row 0 (token ${kept.tokens[0]}), column 1 (feature 1)); ` +
      `the cell keeps ${kept.x[0][1]}`);
    assert.deepEqual(await page.evaluate(() => window.playground.getScenario()), kept);
    await typeInto(page, 'x[0][1]', '-0.55');  // a number after it applies and clears the line
    assert.equal((await page.evaluate(() => window.playground.getScenario())).x[0][1], -0.55);
    assert.equal(await page.evaluate(() => window.playground.lastError()), '');
  } finally { await app.close(); }
});

test('16 tokens × d_model 64 × 8 heads recomputes and redraws within a 60 Hz frame', async () => {
  const app = await openPlayground({ webgpu: false });
  const { page } = app;
  try {
    await choose(page, 'preset', '16 tokens × 64 × 8 heads');
    await checkTrace(page, 'large');
    const samples = [];
    for (let i = 0; i < 5; i++) {
      await typeInto(page, 'x[0][0]', String(0.5 + i / 10));
      samples.push(await page.evaluate(() => ({ frame: window.playground.lastFrameMs(), compute: window.playground.lastComputeMs() })));
    }
    const frames = samples.map((s) => s.frame).sort((a, b) => a - b);
    const computes = samples.map((s) => s.compute).sort((a, b) => a - b);
    const median = (v) => v[Math.floor(v.length / 2)];
    console.log(`16×64×8: median recompute ${median(computes).toFixed(2)} ms, median frame (recompute + UI) ${median(frames).toFixed(2)} ms`);
    fs.mkdirSync(process.env.AP_ARTIFACTS || 'artifacts', { recursive: true });
    fs.writeFileSync(`${process.env.AP_ARTIFACTS || 'artifacts'}/frame-time.json`, JSON.stringify({ frames, computes }));
    assert.ok(median(frames) < 16.7, `median frame ${median(frames)} ms exceeds 16.7 ms`);
  } finally { await app.close(); }
});

test('crisp at devicePixelRatio 2, follows window resizes, explains a hovered score', async () => {
  const app = await openPlayground({ webgpu: false, deviceScaleFactor: 2, width: 1920, height: 1080 });
  const { page } = app;
  try {
    const size = await page.evaluate(() => ({ w: document.getElementById('canvas').width, css: innerWidth, dpr: devicePixelRatio }));
    assert.equal(size.dpr, 2);
    assert.equal(size.w, size.css * 2, 'the canvas backbuffer is CSS size × devicePixelRatio');
    await choose(page, 'preset', 'The cat sat on the mat');
    const cell = await rect(page, 'cell.scores[2][1]');
    await page.mouse.move(cell.x + cell.w / 2, cell.y + cell.h / 2);
    await settle(page);
    await screenshot(page, 'dpr2-1920x1080-hover-score');
    const tabs = await rect(page, 'view.positional');
    assert.ok(tabs.x + tabs.w <= 1920 && tabs.y >= 0, 'the last view tab is on screen');

    await page.setViewportSize({ width: 1280, height: 800 });
    await settle(page); await settle(page);
    const after = await page.evaluate(() => document.getElementById('canvas').width);
    assert.equal(after, 1280 * 2);
    const tabsAfter = await rect(page, 'view.positional');
    assert.ok(tabsAfter.x + tabsAfter.w <= 1280, 'the layout follows the smaller window');
    await screenshot(page, 'dpr2-1280x800');
    assert.deepEqual(app.consoleErrors, []);
  } finally { await app.close(); }
});

// The widget the open tour step outlines, by its id (the tour records `tour.outlines:<id>` over it).
// A view that computes second traces (the precision lab's formats) draws its widget a few frames on: waited for.
async function outlinedWidget(page, step) {
  for (let tries = 0; ; tries++) {
    const ids = await page.evaluate(() => window.playground.widgetIds());
    const outlined = ids.filter((id) => id.startsWith('tour.outlines:'));
    if (outlined.length === 1) return outlined[0].slice('tour.outlines:'.length);
    assert.ok(tries < 100, `tour step ${step} outlines one widget: [${outlined.join(', ')}]`);
    await settle(page);
  }
}

// A tour step's asked change, made with real clicks where it is one click or two (the others are walked past).
async function makeAskedChange(page, target) {
  if (target === 'positional') await choose(page, 'positional', 'sinusoidal');
  else if (target === 'view.cost.next' || target === 'view.shuffle.again' || target === 'view.heads[1]') await click(page, target);
  else if (target === 'training.reset') { await click(page, 'training.reset'); await click(page, 'training.step'); }
  else return false;
  await settle(page);
  return true;
}

// Every step, by real clicks on Next: its outlined widget is on screen, a screenshot of each (artifacts/tour-<n>.png),
// the page's numbers equal the reference's wherever they are finite, and the asked change is noticed.
async function walkTour(page, prefix, { changes = true, check = true, shots = null } = {}) {
  await click(page, 'tour');
  const seen = [], targets = [];
  for (let step = 0; ; step++) {
    await settle(page);
    const scenario = await page.evaluate(() => window.playground.getScenario());
    if (check && !scenario.precision) await checkTrace(page, `tour step ${step}`);  // fp16's NaN rows: the precision tests
    seen.push(scenario.tokens.join(' '));
    const target = await outlinedWidget(page, step);
    targets.push(target);
    assert.ok(await page.evaluate((id) => window.playground.widgetRect(id), target), `tour step ${step}: ${target} is on screen`);
    assert.ok(await page.evaluate(() => window.playground.widgetRect('tour.target')), `tour step ${step} outlines its widget`);
    if (!shots || shots.includes(step)) await screenshot(page, `${prefix}-${step}`);
    if (changes && await makeAskedChange(page, target))
      assert.ok(await page.evaluate(() => window.playground.widgetRect('tour.noticed')), `tour step ${step}: the change is noticed`);
    if (!(await page.evaluate(() => window.playground.widgetRect('tour.next')))) break;
    await click(page, 'tour.next');
  }
  return { seen, targets };
}

test('the guided tour walks every step with real clicks, outlining a widget on each', async () => {
  const app = await openPlayground({ webgpu: false });
  const { page } = app;
  try {
    const { seen, targets } = await walkTour(page, 'tour');
    assert.ok(seen.length >= 20, `the tour has ${seen.length} steps`);
    assert.equal(new Set(seen).size >= 10, true, `the tour shows several scenarios: ${seen.join(' | ')}`);
    assert.ok(seen.some((t) => t.includes('animal') && t.includes('it')));
    for (const id of ['view.cost.time', 'view.cost.next', 'training.race', 'view.gqa.memory', 'view.decode.step'])
      assert.ok(targets.includes(id), `a step outlines ${id}`);
    await click(page, 'tour.close');
    assert.equal(await page.evaluate(() => window.playground.widgetRect('tour.next')), null, 'the tour window is closed');
    assert.deepEqual(app.consoleErrors, []);
  } finally { await app.close(); }
});

test('the guided tour at 1920 × 1080: every step outlines a widget on screen', async () => {
  const app = await openPlayground({ webgpu: false, width: 1920, height: 1080 });
  try {
    // a few screenshots (the cost, training and variant steps); the outline checked on every step
    await walkTour(app.page, 'tour-1920', { changes: false, check: false, shots: [0, 9, 13, 14, 15, 16, 20, 21] });
  } finally { await app.close(); }
});

test('geometry: d_k = 3 turns in 3-D without editing; dragging a tip moves the vector in one undo step', async () => {
  const app = await openPlayground({ webgpu: false });
  const { page } = app;
  try {
    const scenario = { version: 1, tokens: ['a', 'b', 'c'], x: [[1, 0.2, 0.1], [0, 1, 0.3], [0.2, 0.1, 1]], heads: 1,
      w_k: [[0.5, 0, 0], [0, 1, 0.5], [0.2, 0, 1]] };
    assert.deepEqual(await page.evaluate((s) => window.playground.loadScenario(s), scenario), { ok: true });
    await click(page, 'view.geometry');
    await settle(page);
    const plane = await rect(page, 'view.geometry.plane');
    const clip = { x: plane.x, y: plane.y, width: plane.w, height: plane.h };
    const before = await page.screenshot({ clip });
    const loaded = await page.evaluate(() => window.playground.getScenario());
    const depth = await page.evaluate(() => window.playground.undoDepth());

    // Turn: drag the empty corner of the view.
    await page.mouse.move(plane.x + 6, plane.y + 6);
    await settle(page);
    await page.mouse.down();
    await settle(page);
    for (let i = 1; i <= 6; i++) { await page.mouse.move(plane.x + 6 + 12 * i, plane.y + 6 + 4 * i); await settle(page); }
    await page.mouse.up();
    await settle(page);
    const turned = await page.screenshot({ clip });
    assert.notDeepEqual(turned, before, 'the view turned');
    assert.deepEqual(await page.evaluate(() => window.playground.getScenario()), loaded, 'turning edits nothing');
    assert.equal(await page.evaluate(() => window.playground.undoDepth()), depth);
    await screenshot(page, 'geometry-3d-turned');

    // Drag q:a's tip in several mouse moves: x changes, one undo step for the whole drag.
    const tip = await rect(page, 'view.geometry.q[0]');
    await page.mouse.move(tip.x + tip.w / 2, tip.y + tip.h / 2);
    await settle(page);
    await page.mouse.down();
    await settle(page);
    for (let i = 1; i <= 5; i++) { await page.mouse.move(tip.x + tip.w / 2 - 8 * i, tip.y + tip.h / 2 + 5 * i); await settle(page); }
    await page.mouse.up();
    await settle(page);
    const { scenario: dragged } = await checkTrace(page, 'after the drag');
    assert.notDeepEqual(dragged.x[0], loaded.x[0], 'x[0] moved');
    assert.deepEqual(dragged.x.slice(1), loaded.x.slice(1), 'only the dragged token changed');
    assert.equal(await page.evaluate(() => window.playground.undoDepth()), depth + 1, 'one undo step per drag');
    assert.ok(await page.evaluate(() => window.playground.undo()));
    assert.deepEqual((await page.evaluate(() => window.playground.getScenario())).x, loaded.x, 'undo restores the drag start');
  } finally { await app.close(); }
});

test('widgetRect reveals a cell that is off screen: a folded W_O section, a scrolled-away x row', async () => {
  const app = await openPlayground({ webgpu: false });
  const { page } = app;
  try {
    const x = Array.from({ length: 24 }, (_, i) => Array.from({ length: 6 }, (_, j) => (i + j) / 10));
    assert.deepEqual(await page.evaluate((s) => window.playground.loadScenario(s), { version: 1, x, heads: 2 }), { ok: true });
    await settle(page);
    // Straight to the last cell of W_O (its section is folded) and of x (below the fold), as SPEC §3 promises.
    await typeInto(page, 'w_o[5][5]', '-3.5');
    let { scenario } = await checkTrace(page, 'w_o[5][5] typed');
    assert.equal(scenario.w_o[5][5], -3.5);
    await typeInto(page, 'x[23][5]', '0.125');
    ({ scenario } = await checkTrace(page, 'x[23][5] typed'));
    assert.equal(scenario.x[23][5], 0.125);
    assert.equal(await page.evaluate(() => window.playground.widgetRect('no.such.widget')), null);
    await screenshot(page, 'revealed-cells');
  } finally { await app.close(); }
});
