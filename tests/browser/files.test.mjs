// Bring your own numbers and take them away (issue 7), through the real widgets: open a scenario with the
// file picker and by drag-and-drop, import .npy (float32 Fortran, float64 C), paste blocks into a grid,
// export a view and a heatmap as PNG, the trace as JSON, a CSV, and "copy as PyTorch" run by python3-torch.
// Every refusal leaves the scenario as it was and says what is wrong and where.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPlayground, click, clickAt, rect, settle, screenshot, download, press, traceTolerance } from './harness.mjs';
import { decodePng, distinctColours } from './png.mjs';

const scenarioOf = (page) => page.evaluate(() => window.playground.getScenario());
const lastError = (page) => page.evaluate(() => window.playground.lastError());

// A .npy file (format 1.0) of a rows × cols matrix: float32 or float64, C or Fortran order.
function npy(matrix, { dtype = '<f8', fortran = false, shape = null } = {}) {
  const [rows, cols] = shape || [matrix.length, matrix[0].length];
  let header = `{'descr': '${dtype}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${rows}, ${cols}), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const size = dtype.endsWith('4') ? 4 : 8;
  const body = Buffer.alloc(matrix.length * matrix[0].length * size);
  let k = 0;
  const order = fortran ? [...Array(cols).keys()].flatMap((j) => matrix.map((r) => r[j]))
    : matrix.flat();
  for (const v of order) {
    if (size === 4) body.writeFloatLE(v, 4 * k++); else body.writeDoubleLE(v, 8 * k++);
  }
  const prefix = Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length & 255, header.length >> 8]);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), body]);
}

// Drops files on the canvas as a person's drag-and-drop would deliver them (a DataTransfer with Files).
async function dropFiles(page, files) {
  await page.evaluate((list) => {
    const data = new DataTransfer();
    for (const f of list) data.items.add(new File([Uint8Array.from(f.bytes)], f.name));
    const canvas = document.getElementById('canvas');
    canvas.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    canvas.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, files.map((f) => ({ name: f.name, bytes: [...f.bytes] })));
  await settle(page);
  await settle(page);
}

// Puts text on the browser's clipboard and presses Ctrl+V: the page's paste event carries it.
async function pasteText(app, text) {
  await app.page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await press(app.page, 'Control+V');
  await settle(app.page);
}

async function openApp() {
  const app = await openPlayground({ webgpu: false });
  await app.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.origin });
  return app;
}

test('open a scenario with the file picker and by drag-and-drop; a bad file is refused and named', async () => {
  const app = await openApp();
  const { page } = app;
  try {
    const scenario = { version: 1, tokens: ['p', 'q', 'r'], x: [[1, 2], [3, 4], [5, 6.5]], mask: 'causal' };
    const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 20000 }), click(page, 'file.open')]);
    await chooser.setFiles({ name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(scenario)) });
    await page.waitForFunction(() => window.playground.getScenario().tokens[0] === 'p', null, { timeout: 10000 });
    const opened = await scenarioOf(page);
    assert.deepEqual(opened.x, scenario.x);
    assert.deepEqual(opened.mask, 'causal');

    const dropped = { ...scenario, tokens: ['a', 'b', 'c'], x: [[0.5, 0], [0, 0.5], [1, 1]] };
    await dropFiles(page, [{ name: 'dropped.json', bytes: Buffer.from(JSON.stringify(dropped)) }]);
    await page.waitForFunction(() => window.playground.getScenario().tokens[0] === 'a', null, { timeout: 10000 });
    assert.deepEqual((await scenarioOf(page)).x, dropped.x);

    const before = await scenarioOf(page);
    await dropFiles(page, [{ name: 'broken.json', bytes: Buffer.from('{"version":1,"x":[[1,2],[3,"x"]]}') }]);
    await page.waitForFunction(() => window.playground.lastError() !== '', null, { timeout: 10000 });
    assert.equal(await lastError(page), 'broken.json: x[1][1]: expected a number, got "x"');
    assert.deepEqual(await scenarioOf(page), before, 'the scenario on screen is kept');
    await rect(page, 'status.error');
  } finally { await app.close(); }
});

test('.npy import: float32 Fortran into W_Q by its name, float64 C into x by the chosen target; bad .npy refused', async () => {
  const app = await openApp();
  const { page } = app;
  try {
    await page.evaluate(() => window.playground.loadScenario({ version: 1, x: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]], heads: 2 }));
    const wq = [[0.5, -1.25, 2, 0.1, 3, 0.3], [1, 2, 3, 4, 5, 6], [0, 0, 0, 0, 0, 1], [-1, -2, -3, -4, -5, -6]];  // d_model 4 × (2 heads · d_k 3)
    await dropFiles(page, [{ name: 'w_q.npy', bytes: npy(wq, { dtype: '<f4', fortran: true }) }]);
    await page.waitForFunction(() => window.playground.getScenario().d_k === 3, null, { timeout: 10000 });
    const s = await scenarioOf(page);
    assert.deepEqual(s.w_q, wq.map((r) => r.map((v) => Math.fround(v))), 'float32 values, Fortran order, exactly');
    assert.equal(s.w_k.length, 4);
    assert.equal(s.w_k[0].length, 6, 'W_K follows the new d_k');

    // The target chooser: "x" (default) takes a 5 × 4 float64 matrix in C order: N becomes 5.
    const x = [[1, 2, 3, 4], [5, 6, 7, 8], [0.1, 0.2, 0.3, 0.4], [1e-3, 0, 0, 1], [9, 9, 9, 9]];
    await click(page, 'file.npy_target');
    await click(page, 'file.npy_target.option.x');
    await dropFiles(page, [{ name: 'layer_input.npy', bytes: npy(x) }]);
    await page.waitForFunction(() => window.playground.getScenario().x.length === 5, null, { timeout: 10000 });
    assert.deepEqual((await scenarioOf(page)).x, x);

    const before = await scenarioOf(page);
    const truncated = npy(x).subarray(0, 150);
    await dropFiles(page, [{ name: 'cut.npy', bytes: truncated }]);
    await page.waitForFunction(() => window.playground.lastError() !== '', null, { timeout: 10000 });
    assert.match(await lastError(page), /^cut\.npy: npy: shape \(5, 4\) needs 160 bytes of float64, the file has \d+$/);
    assert.deepEqual(await scenarioOf(page), before);

    const wrong = npy([[1, 2, 3], [4, 5, 6]]);
    await dropFiles(page, [{ name: 'w_v.npy', bytes: wrong }]);
    await page.waitForFunction(() => window.playground.lastError().startsWith('w_v.npy'), null, { timeout: 10000 });
    assert.equal(await lastError(page), 'w_v.npy: w_v: needs d_model = 4 rows, got 2 × 3 (load x first to change d_model)');
    assert.deepEqual(await scenarioOf(page), before);
  } finally { await app.close(); }
});

test('paste into a grid: a block fills from the clicked cell, one undo step; a malformed paste changes nothing', async () => {
  const app = await openApp();
  const { page } = app;
  try {
    await page.evaluate(() => window.playground.loadScenario({ version: 1, x: [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]] }));
    await settle(page);
    const depth = await page.evaluate(() => window.playground.undoDepth());
    await click(page, 'x[1][1]');
    await press(page, 'Escape');
    await pasteText(app, '0.5\t-2\n7\t8.25\n');  // what a spreadsheet copies: TSV
    await page.waitForFunction(() => window.playground.getScenario().x[2][2] === 8.25, null, { timeout: 10000 });
    const s = await scenarioOf(page);
    assert.deepEqual(s.x, [[1, 0, 0], [0, 0.5, -2], [0, 7, 8.25], [1, 1, 1]]);
    assert.equal(await page.evaluate(() => window.playground.undoDepth()), depth + 1, 'one undo step for the paste');
    await rect(page, 'status.notice');

    // A NumPy repr at [0][0] that does not fit replaces x: N and d_model follow.
    await click(page, 'x[0][0]');
    await press(page, 'Escape');
    await pasteText(app, 'array([[1., 2.],\n       [3., 4.],\n       [5., 6.],\n       [7., 8.],\n       [9., 10.]], dtype=float32)');
    await page.waitForFunction(() => window.playground.getScenario().x.length === 5, null, { timeout: 10000 });
    assert.deepEqual((await scenarioOf(page)).x, [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]]);

    const before = await scenarioOf(page);
    await click(page, 'x[0][0]');
    await press(page, 'Escape');
    await pasteText(app, '1, 2\n3, abc');
    await page.waitForFunction(() => window.playground.lastError() !== '', null, { timeout: 10000 });
    assert.equal(await lastError(page), 'paste: line 2, column 4: expected a number, got "abc"');
    assert.deepEqual(await scenarioOf(page), before, 'the grid is unchanged');
    await rect(page, 'status.error');
    await screenshot(page, 'paste-refused');
  } finally { await app.close(); }
});

test('export: view PNG, heatmap PNG and CSV, trace JSON, and "copy as PyTorch" gives the same output in torch', async () => {
  const app = await openApp();
  const { page } = app;
  try {
    await click(page, 'preset');
    await click(page, 'preset.option.The cat sat on the mat');
    await click(page, 'view.scores');
    await click(page, 'export');
    const view = await download(page, () => click(page, 'export.png'));
    assert.equal(view.name, 'attention-scores.png');
    const png = decodePng(view.bytes);
    const area = await rect(page, 'view.area');
    assert.ok(Math.abs(png.width - area.w) <= 2 && Math.abs(png.height - area.h) <= 2, `${png.width}×${png.height} vs ${area.w}×${area.h}`);
    assert.ok(distinctColours(png) > 50, 'a real picture of the view, not a blank');
    fs.writeFileSync(path.join(process.env.AP_ARTIFACTS || 'artifacts', 'export-view.png'), view.bytes);

    const weights = await rect(page, 'cell.weights');
    await page.mouse.move(weights.x + weights.w / 2, weights.y + weights.h / 2);
    await settle(page);
    await page.mouse.down({ button: 'right' });
    await settle(page);
    await page.mouse.up({ button: 'right' });
    await settle(page);
    const heat = await download(page, () => click(page, 'heatmap.menu.png'));
    const heatPng = decodePng(heat.bytes);
    assert.ok(heatPng.width > 100 && heatPng.height > 100 && distinctColours(heatPng) > 20, heat.name);
    fs.writeFileSync(path.join(process.env.AP_ARTIFACTS || 'artifacts', 'export-heatmap.png'), heat.bytes);

    const trace = await page.evaluate(() => window.playground.getTrace());
    await click(page, 'export');
    const traceFile = await download(page, () => click(page, 'export.trace'));
    assert.equal(traceFile.name, 'trace.json');
    assert.deepEqual(JSON.parse(traceFile.bytes.toString()), trace);

    await click(page, 'export');
    const csv = await download(page, () => click(page, 'export.csv.output'));
    const rows = csv.bytes.toString().trim().split('\n').map((l) => l.split(',').map(Number));
    assert.deepEqual(rows, trace.output, 'CSV numbers read back bit for bit');

    await click(page, 'export');
    await click(page, 'export.torch');
    await settle(page);
    const script = await download(page, () => click(page, 'popup.save'));
    assert.equal(script.name, 'attention.py');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ap-torch-')), 'attention.py');
    fs.writeFileSync(file, script.bytes);
    const torchOutput = JSON.parse(execFileSync('/usr/bin/python3', [file], { timeout: 120000 }).toString());
    let worst = 0;
    torchOutput.forEach((row, i) => row.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - trace.output[i][j])); }));
    assert.ok(worst <= traceTolerance(trace), `torch and the page (${trace.backend}) differ by ${worst}`);
    await click(page, 'popup.close');
    assert.deepEqual(app.consoleErrors, []);
  } finally { await app.close(); }
});

test('share links: compressed, shorter than the JSON; too long says so and offers the file; a broken link is named', async () => {
  const app = await openApp();
  const { page } = app;
  try {
    await click(page, 'preset');
    await click(page, 'preset.option.Random (seeded)');
    const { link, json } = await page.evaluate(() => ({ link: window.playground.shareLink(), json: JSON.stringify(window.playground.getScenario()) }));
    assert.match(link, /\/index\.html#s=z\.[A-Za-z0-9_-]+$/);
    const fragment = link.slice(link.indexOf('#s=z.') + 5);
    assert.ok(fragment.length < 0.6 * json.length, `compressed ${fragment.length} vs JSON ${json.length}`);

    await click(page, 'share');
    await settle(page);
    await rect(page, 'popup.text');
    await click(page, 'popup.close');

    const big = { version: 1, x: Array.from({ length: 60 }, (_, i) => Array.from({ length: 24 }, (_, j) => Math.sin(i * 31 + j * 7) * 1.2345678901)) };
    assert.deepEqual(await page.evaluate((s) => window.playground.loadScenario(s), big), { ok: true });
    await click(page, 'share');
    await settle(page);
    const file = await download(page, () => click(page, 'share.save_json'));
    assert.equal(file.name, 'scenario.json');
    assert.deepEqual(JSON.parse(file.bytes.toString()).x, big.x);
    await screenshot(page, 'share-too-long');
  } finally { await app.close(); }

  const broken = await openPlayground({ webgpu: false, hash: '#s=z.AAAA' });
  try {
    assert.match(await lastError(broken.page), /^share link: /);
    await rect(broken.page, 'status.error');
  } finally { await broken.close(); }
});

test('oversize input is refused by its declared size, before anything of that size is built', async () => {
  const app = await openApp();
  const { page } = app;
  try {
    const before = await scenarioOf(page);
    const tall = { version: 1, x: Array.from({ length: 5000 }, () => [0]) };
    const result = await page.evaluate((s) => window.playground.loadScenario(s), tall);
    assert.equal(result.ok, false);
    assert.equal(result.error, 'x: more than 4096 rows (the limit of tokens)');  // refused at row 4097, as it is read
    // A .npy whose header claims 100000 × 100000 float64 (80 GB) and carries 16 bytes.
    const huge = npy([[1, 2]], { shape: [100000, 100000] });
    await dropFiles(page, [{ name: 'huge.npy', bytes: huge }]);
    await page.waitForFunction(() => window.playground.lastError().startsWith('huge.npy'), null, { timeout: 10000 });
    assert.match(await lastError(page), /^huge\.npy: npy: .*100000/);
    assert.deepEqual(await scenarioOf(page), before, 'the scenario on screen is kept');
    assert.deepEqual(app.consoleErrors, []);
  } finally { await app.close(); }
});
