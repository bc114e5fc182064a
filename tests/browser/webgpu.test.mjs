// The WebGPU backend (src/gpu, shaders/*.wgsl, web/webgpu_shim.js) in headless Chromium with
// --enable-unsafe-webgpu, whose adapter is SwiftShader: a CPU implementation of WebGPU, correct, not fast.
//   - the shim against stand-ins (node) and in the page; every shaders/*.wgsl compiles on its own, and a
//     compile error reaches the test with the compiler's message;
//   - parity: getTrace() of `webgpu` against `reference` on random scenarios of odd shapes (N = 1, 7, 33,
//     130, 600 and 700, past the 512 keys where the fused kernel takes over; d_k 3..64; 1..8 heads;
//     cross-attention M ≠ N; every mask kind, empty rows, bottom-right causal; unscaled and large
//     magnitudes), through both output kernels;
//   - the SPEC §1b variants (GQA/MQA, ALiBi, softcap, sinks, finite fills on fully masked rows, fp32 / fp16 /
//     bf16 emulation, overflow) through both output kernels, the WGSL kernels following core/score_mod.hpp and
//     core/softmax.hpp;
//   - asynchrony (setBackend returns at once, the page keeps drawing while the GPU works), device loss,
//     and a launch without WebGPU.
// Tolerance: normwise relative error max|gpu − ref| / max|ref| ≤ 1e-5 on every matrix of the trace (q, k,
// v, scores, scaled, weights, per-head outputs, concat, output), as the CPU float kernels are held to
// (tests/kernels/agreement_test.cpp); measured: at most 3e-6, on rows made one-hot by scores in the
// thousands. Empty rows: exactly zero weights and outputs. A precision case is held to a few units of its
// format, as tests/kernels/variants_test.cpp holds the CPU backends (fp16 4·2⁻¹¹, bf16 2·2⁻⁸: the reference
// accumulates in double, the GPU in f32, so a cell may round one unit apart; measured on SwiftShader: variants
// without a precision 2.0e-6, fp16 2.8e-4, bf16 1.3e-3, fp32 1.7e-7). Cells that overflow (null in the
// trace) must be null in both, and listed under `nonfinite`; an overflow case is compared with a CPU float
// backend (`compareWith`), since the reference, in double, does not overflow there; they have d_k = 1, so that a
// score is one product and overflows in every summation order alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { openPlayground, click, settle, screenshot } from './harness.mjs';

const TOLERANCE = 1e-5;
const PRECISION_TOLERANCE = { fp32: 1e-5, fp16: 4 * 2 ** -11, bf16: 2 * 2 ** -8 };
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const shaderDir = path.join(root, 'shaders');
const shimSource = fs.readFileSync(path.join(root, 'web/webgpu_shim.js'), 'utf8');

// [SECTION] Random scenarios (seeded, so a failure names a reproducible case)

function rng(seed) {  // mulberry32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function matrix(rand, rows, cols, magnitude = 1) {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.fround((rand() * 2 - 1) * magnitude)));
}

// spec: {n, m (≠ n: cross-attention), heads, kvHeads, dk, dv, dModel, mask, scale, magnitude, positional,
// variants (SPEC §1b fields, or a function of rand and heads giving them), compareWith}
function scenario(spec, seed) {
  const rand = rng(seed);
  const { n, heads, dk } = spec;
  const m = spec.m ?? n;
  const dv = spec.dv ?? dk;
  const g = spec.kvHeads ?? heads;
  const dModel = spec.dModel ?? 4 + Math.floor(rand() * 12);
  const w = (rows, cols) => matrix(rand, rows, cols, 1 / Math.sqrt(rows));
  const s = {
    version: 1,
    x: matrix(rand, n, dModel, spec.magnitude ?? 1),
    heads, d_k: dk, d_v: dv,
    w_q: w(dModel, heads * dk), w_k: w(dModel, g * dk), w_v: w(dModel, g * dv), w_o: w(heads * dv, dModel),
    b_q: matrix(rand, 1, heads * dk, 0.1)[0],
    scale: spec.scale ?? 'inv_sqrt_dk',
    mask: typeof spec.mask === 'function' ? spec.mask(rand, n, m) : spec.mask ?? 'none',
  };
  if (m !== n) s.context = { x: matrix(rand, m, dModel, spec.magnitude ?? 1) };
  if (spec.positional) s.positional = spec.positional;
  if (spec.kvHeads !== undefined) s.kv_heads = g;
  Object.assign(s, typeof spec.variants === 'function' ? spec.variants(rand, heads) : spec.variants ?? {});
  return s;
}

const sinks = (rand, heads) => ({ sinks: Array.from({ length: heads }, () => Math.fround(rand() * 3 - 1.5)) });

// An allow matrix with about `density` of its entries set, and every `emptyEvery`-th row all zero.
const allowMask = (density, emptyEvery) => (rand, n, m) =>
  Array.from({ length: n }, (_, i) => Array.from({ length: m }, () => (i % emptyEvery === 1 ? 0 : rand() < density ? 1 : 0)));
const keyValid = (rand, m) => Array.from({ length: m }, () => (rand() < 0.7 ? 1 : 0));

const cases = [
  { name: 'N=1 single token', n: 1, heads: 1, dk: 3 },
  { name: 'N=1 query, M=33 keys, bottom-right causal', n: 1, m: 33, heads: 2, dk: 5, mask: { causal: 'bottom_right' } },
  { name: 'N=7 causal, d_v ≠ d_k', n: 7, heads: 2, dk: 5, dv: 3, mask: 'causal' },
  { name: 'N=7, M=12 cross, bottom-right causal', n: 7, m: 12, heads: 3, dk: 4, mask: { causal: 'bottom_right' } },
  { name: 'N=33, M=20 cross, bottom-right causal (empty rows)', n: 33, m: 20, heads: 4, dk: 9, mask: { causal: 'bottom_right' } },
  { name: 'N=33, 8 heads, d_k=3, window 4', n: 33, heads: 8, dk: 3, mask: { window: 4 } },
  { name: 'N=33, M=47 cross, unscaled, large magnitudes', n: 33, m: 47, heads: 1, dk: 31, dModel: 12, scale: 'none', magnitude: 6 },
  { name: 'N=7, M=9, numeric scale 25', n: 7, m: 9, heads: 2, dk: 8, scale: 25 },
  { name: 'N=33, unscaled, inputs up to ±40 (one-hot rows)', n: 33, heads: 2, dk: 16, dModel: 8, scale: 'none', magnitude: 40 },
  { name: 'N=33, top-left causal cross M=40 + allow matrix', n: 33, m: 40, heads: 3, dk: 7, mask: (r, n, m) => ({ causal: 'top_left', allow: allowMask(0.6, 5)(r, n, m) }) },
  { name: 'N=130, M=77 cross, allow matrix with empty rows, d_k=64', n: 130, m: 77, heads: 2, dk: 64, mask: allowMask(0.3, 9) },
  { name: 'N=130, window 9 + key_valid, 5 heads, d_v=70', n: 130, heads: 5, dk: 17, dv: 70, mask: (r, n, m) => ({ causal: 'top_left', window: 9, key_valid: keyValid(r, m) }) },
  { name: 'N=130, M=65 cross, key_valid only, RoPE', n: 130, m: 65, heads: 2, dk: 12, mask: (r, n, m) => ({ key_valid: keyValid(r, m) }), positional: 'rope' },
  { name: 'N=33, every key padded (all rows empty)', n: 33, heads: 2, dk: 6, mask: (r, n, m) => ({ key_valid: Array(m).fill(0) }) },
  { name: 'N=700 causal, d_k=64', n: 700, heads: 1, dk: 64, dModel: 64, mask: 'causal' },
  { name: 'N=700, M=600 cross, bottom-right window 50, 2 heads', n: 700, m: 600, heads: 2, dk: 24, mask: { causal: 'bottom_right', window: 50 } },
  // SPEC §1b
  { name: 'GQA: kv_heads 2 of 4, N=7, M=12 cross, bottom-right causal', n: 7, m: 12, heads: 4, kvHeads: 2, dk: 4, mask: { causal: 'bottom_right' } },
  { name: 'MQA: kv_heads 1 of 3, N=33 causal, d_v ≠ d_k', n: 33, heads: 3, kvHeads: 1, dk: 6, dv: 5, mask: 'causal' },
  { name: 'ALiBi, 6 heads (not a power of two), N=33, M=20 bottom-right', n: 33, m: 20, heads: 6, dk: 4, mask: { causal: 'bottom_right' }, variants: { alibi: true } },
  { name: 'softcap 2, unscaled, inputs up to ±6', n: 33, heads: 2, dk: 8, scale: 'none', magnitude: 6, variants: { softcap: 2 } },
  { name: 'sinks, allow matrix with empty rows', n: 33, m: 40, heads: 3, dk: 5, mask: allowMask(0.4, 6), variants: sinks },
  { name: 'mask_fill -1e9, fully masked rows get uniform weights', n: 7, m: 4, heads: 2, dk: 4, mask: { causal: 'bottom_right' }, variants: { mask_fill: -1e9 } },
  { name: 'mask_fill -2, key_valid: masked keys keep weight', n: 33, m: 21, heads: 2, dk: 6, mask: (r, n, m) => ({ key_valid: keyValid(r, m) }), variants: { mask_fill: -2 } },
  { name: 'precision fp32, causal', n: 33, heads: 2, dk: 8, mask: 'causal', variants: { precision: 'fp32' } },
  { name: 'precision fp16, RoPE, window 5', n: 33, heads: 2, dk: 8, mask: { window: 5 }, positional: 'rope', variants: { precision: 'fp16' } },
  { name: 'softcap 5 + fp16, unscaled, inputs up to ±3', n: 33, heads: 2, dk: 8, scale: 'none', magnitude: 3, variants: { softcap: 5, precision: 'fp16' } },
  { name: 'bf16, GQA 2 of 4, sinks, causal', n: 33, heads: 4, kvHeads: 2, dk: 8, mask: 'causal', variants: (r, h) => ({ precision: 'bf16', ...sinks(r, h) }) },
  { name: 'fp16 overflow: unscaled inputs up to ±2000 (scores past 65504)', n: 7, heads: 1, dk: 1, dModel: 8, scale: 'none', magnitude: 2000, variants: { precision: 'fp16' }, compareWith: 'tiled' },
  { name: 'float overflow: x up to ±1e20 unscaled (scores past 3.4e38)', n: 7, heads: 2, dk: 1, dModel: 8, scale: 'none', magnitude: 1e20, compareWith: 'tiled' },
  { name: 'every variant, fp16: GQA 2 of 4, ALiBi, softcap 3, sinks, fill -1e9, N=33, M=20 bottom-right window 6', n: 33, m: 20, heads: 4, kvHeads: 2, dk: 6,
    mask: { causal: 'bottom_right', window: 6 }, variants: (r, h) => ({ alibi: true, softcap: 3, mask_fill: -1e9, precision: 'fp16', ...sinks(r, h) }) },
  { name: 'N=600 causal, GQA 1 of 2, ALiBi, sinks, bf16 (the flash kernel walks twice)', n: 600, heads: 2, kvHeads: 1, dk: 16, dModel: 16, mask: 'causal',
    variants: (r, h) => ({ alibi: true, precision: 'bf16', ...sinks(r, h) }) },
];

// [SECTION] In the page

// Loads the scenario, takes the reference trace, switches to webgpu, waits for the GPU, and compares every
// matrix in the page (a trace at N = 700 is tens of MB of JSON: only the errors come back).
async function parity(page, s, outputKernel, compareWith = 'reference') {
  return page.evaluate(async ({ s, outputKernel, compareWith }) => {
    const p = window.playground;
    const loaded = p.loadScenario(s);
    if (!loaded.ok) return { error: loaded.error };
    p.setWebGPUOutputKernel(outputKernel);
    p.setBackend(compareWith);
    await p.whenIdle();  // results are asynchronous: the trace before this would be the previous scenario's
    const ref = p.getTrace();
    const t0 = performance.now();
    const set = p.setBackend('webgpu');
    if (!set.ok) return { error: set.error };
    const setMs = performance.now() - t0;
    const pendingAtOnce = p.computeInfo().pending;
    let frames = 0;
    let counting = true;
    const count = () => { if (counting) { frames++; requestAnimationFrame(count); } };
    requestAnimationFrame(count);
    await p.whenIdle();
    counting = false;
    const info = p.computeInfo();
    const gpu = p.getTrace();
    // normwise over the finite cells; a null (an overflow: JSON has no ∞ or NaN) must be null in both
    const rel = (a, r) => {
      const fa = a.flat(), fr = r.flat();
      if (fa.length !== fr.length) return Infinity;
      let diff = 0, scale = 0;
      for (let i = 0; i < fr.length; i++) {
        if ((fa[i] === null) !== (fr[i] === null)) return Infinity;
        if (fr[i] === null) continue;
        const d = Math.abs(fa[i] - fr[i]);
        diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
        scale = Math.max(scale, Math.abs(fr[i]));
      }
      return scale > 0 ? diff / scale : diff;
    };
    let nulls = 0;
    const countNulls = (m) => { for (const row of m) for (const v of row) if (v === null) nulls++; };
    countNulls(gpu.output); countNulls(gpu.concat); countNulls(gpu.x_in);
    for (const h of gpu.heads) for (const key of ['q', 'k', 'v', 'scores', 'scaled', 'weights', 'output']) countNulls(h[key]);
    const errors = { output: rel(gpu.output, ref.output), concat: rel(gpu.concat, ref.concat) };
    for (const key of ['q', 'k', 'v', 'scores', 'scaled', 'weights', 'output']) {
      errors[`heads.${key}`] = Math.max(...ref.heads.map((h, i) => (gpu.heads[i] ? rel(gpu.heads[i][key], h[key]) : Infinity)));
    }
    // empty rows: zero weights and a zero output row, exactly, never NaN
    let emptyRowsZero = true;
    for (const i of gpu.empty_rows) {
      for (const h of gpu.heads) {
        if (h.weights[i].some((v) => v !== 0) || h.output[i].some((v) => v !== 0)) emptyRowsZero = false;
      }
    }
    return {
      backend: gpu.backend, heads: gpu.heads.length, diagnostics: gpu.diagnostics.heads.length,
      emptyRows: gpu.empty_rows, refEmptyRows: ref.empty_rows, emptyRowsZero, errors, info, pendingAtOnce, setMs, frames,
      nulls, listed: gpu.nonfinite.length, refListed: ref.nonfinite.length, computedIn: gpu.computed_in, refComputedIn: ref.computed_in,
    };
  }, { s, outputKernel, compareWith });
}

// Compiles WGSL in the page, as the module does (automatic layout, an error scope around it): the
// compiler's messages as "line:col message", plus the pipeline's validation error.
async function compileWgsl(page, code, constants = {}) {
  return page.evaluate(async ({ code, constants }) => {
    const adapter = await navigator.gpu.requestAdapter();
    const device = await adapter.requestDevice();
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ code });
    const info = await module.getCompilationInfo();
    device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main', constants } });
    const error = await device.popErrorScope();
    device.destroy();
    return {
      messages: info.messages.filter((m) => m.type === 'error').map((m) => `${m.lineNum}:${m.linePos} ${m.message}`),
      pipelineError: error ? error.message : '',
    };
  }, { code, constants });
}

// [SECTION] Tests

test('shim: adapts Emscripten 3.1.6 calls to today\'s WebGPU (stand-ins, node)', () => {
  const calls = [];
  class GPUComputePassEncoder { dispatchWorkgroups(x, y, z) { calls.push(['dispatchWorkgroups', x, y, z]); } }
  class GPUDevice { createComputePipeline(desc) { calls.push(['createComputePipeline', desc.layout]); return desc; } }
  // a worker of the threaded page has no document: the shim leaves it alone
  const worker = { GPUComputePassEncoder: class {}, setTimeout, Promise, Object };
  worker.globalThis = worker;
  vm.runInNewContext(shimSource, worker);
  assert.equal(worker.GPUComputePassEncoder.prototype.dispatch, undefined, 'nothing patched in a worker');
  const sandbox = { GPUComputePassEncoder, GPUDevice, setTimeout, Promise, Object, document: {} };
  sandbox.globalThis = sandbox;
  vm.runInNewContext(shimSource, sandbox);
  new GPUComputePassEncoder().dispatch(3, 2, 1);
  new GPUDevice().createComputePipeline({ compute: {} });
  new GPUDevice().createComputePipeline({ layout: 'explicit-layout', compute: {} });
  assert.deepEqual(calls, [['dispatchWorkgroups', 3, 2, 1], ['createComputePipeline', 'auto'], ['createComputePipeline', 'explicit-layout']]);
  assert.equal(vm.runInNewContext('apInstallWebGPUShim(globalThis).length', sandbox), 0, 'installing twice patches nothing');
});

test('shim: says why there is no device (stand-ins, node)', async () => {
  const sandbox = { setTimeout, Promise, Object };
  sandbox.globalThis = sandbox;
  vm.runInNewContext(shimSource, sandbox);
  const none = await vm.runInNewContext('apRequestWebGPUDevice(null, 100)', sandbox);
  assert.equal(none.device, null);
  assert.match(none.note, /no WebGPU \(navigator.gpu is missing\)/);
  sandbox.nav = { gpu: { requestAdapter: () => Promise.resolve(null) } };
  const noAdapter = await vm.runInNewContext('apRequestWebGPUDevice(nav, 100)', sandbox);
  assert.match(noAdapter.note, /no WebGPU adapter/);
  sandbox.nav = { gpu: { requestAdapter: () => new Promise(() => {}) } };
  const hung = await vm.runInNewContext('apRequestWebGPUDevice(nav, 50)', sandbox);
  assert.match(hung.note, /within 0.05 s/);
});

test('webgpu in headless Chromium (SwiftShader)', async (t) => {
  const app = await openPlayground();
  const { page } = app;
  try {
    await page.evaluate(() => window.playground.whenIdle());

    await t.test('every shaders/*.wgsl compiles on its own', async () => {
      const files = fs.readdirSync(shaderDir).filter((f) => f.endsWith('.wgsl')).sort();
      assert.deepEqual(files, ['flash_attention.wgsl', 'scores.wgsl', 'softmax.wgsl', 'weighted_sum.wgsl']);
      for (const file of files) {
        const { messages, pipelineError } = await compileWgsl(page, fs.readFileSync(path.join(shaderDir, file), 'utf8'));
        assert.deepEqual(messages, [], `${file}:\n${messages.join('\n')}`);
        assert.equal(pipelineError, '', `${file}: ${pipelineError}`);
      }
    });

    await t.test('every shader declares the Params struct gpu::Params mirrors (592 bytes)', () => {
      const uniforms = fs.readFileSync(path.join(root, 'src/gpu/uniforms.hpp'), 'utf8');
      assert.match(uniforms, /static_assert\(sizeof\(Params\) == 592/);
      let first = null;
      for (const file of fs.readdirSync(shaderDir).filter((f) => f.endsWith('.wgsl'))) {
        const body = /struct Params \{([^}]*)\}/.exec(fs.readFileSync(path.join(shaderDir, file), 'utf8'));
        assert.ok(body, `${file} declares struct Params`);
        const members = body[1].split('\n').map((l) => l.replace(/\/\/.*/, '').trim()).filter(Boolean);
        assert.equal(members.length, 22, `${file}: 20 four-byte members and two arrays`);
        assert.ok(members.slice(0, 20).every((m) => /: (u32|i32|f32),$/.test(m)), `${file}: ${members.join(' ')}`);
        assert.deepEqual(members.slice(20), ['slopes: array<vec4<f32>, 16>,', 'sinks: array<vec4<f32>, 16>,'], file);
        first ??= members;
        assert.deepEqual(members, first, `${file} declares the same members as the others`);
      }
      // WGSL has no include: the functions several shaders need are copies, and must stay the same text
      const shared = {};
      for (const file of fs.readdirSync(shaderDir).filter((f) => f.endsWith('.wgsl'))) {
        const text = fs.readFileSync(path.join(shaderDir, file), 'utf8');
        for (const name of ['round_format', 'scaled_score', 'allowed', 'is_undefined', 'quiet_nan']) {
          const body = new RegExp(`\\nfn ${name}\\((?:[^\\n]*}\\n|[^]*?\\n}\\n)`).exec(text);  // one line, or to its closing brace
          if (!body) continue;
          shared[name] ??= { file, body: body[0] };
          assert.equal(body[0], shared[name].body, `${file}'s ${name} differs from ${shared[name].file}'s`);
        }
      }
      assert.deepEqual(Object.keys(shared).sort(), ['allowed', 'is_undefined', 'quiet_nan', 'round_format', 'scaled_score']);
    });

    await t.test('a shader compile error reaches the test with the WGSL message', async () => {
      const broken = fs.readFileSync(path.join(shaderDir, 'softmax.wgsl'), 'utf8').replace('row_max = partial[0];', 'row_max = partial[0] + undefined_name;');
      const { messages, pipelineError } = await compileWgsl(page, broken);
      assert.equal(messages.length, 1, messages.join('\n'));
      assert.match(messages[0], /^\d+:\d+ .*undefined_name/);
      assert.match(pipelineError, /undefined_name/, 'the error scope the module uses carries the message too');
    });

    await t.test('the shim is installed in the page', async () => {
      const patched = await page.evaluate(() => ({
        dispatch: typeof GPUComputePassEncoder.prototype.dispatch,
        shim: !!GPUDevice.prototype.createComputePipeline.apShim,
      }));
      assert.deepEqual(patched, { dispatch: 'function', shim: true });
    });

    await t.test('webgpu is offered, ready, and names its adapter', async () => {
      assert.ok((await page.evaluate(() => window.playground.backends())).includes('webgpu'));
      const status = await page.evaluate(() => window.playground.webgpuStatus());
      assert.equal(status.state, 'ready', status.message);
      assert.match(status.adapter, /swiftshader/i);
    });

    // The Positions view draws no N × M matrix: at N = 700 the heatmap views take seconds a frame to
    // draw (SwiftShader renders the page's WebGL on the CPU too), which would only slow this test down.
    await click(page, 'view.positional');
    await settle(page);

    const measured = {};
    for (const [index, spec] of cases.entries()) {
      for (const kernel of ['weighted_sum', 'flash']) {
        await t.test(`parity (${kernel}): ${spec.name}`, async () => {
          const r = await parity(page, scenario(spec, 1000 + index), kernel, spec.compareWith);
          assert.equal(r.error, undefined, r.error);
          assert.equal(r.backend, 'webgpu', JSON.stringify(r.info));
          assert.equal(r.info.pending, false);
          assert.ok(r.pendingAtOnce, 'setBackend returned before the GPU answered');
          // a small case is done within a frame; a longer one must not hold frames back
          assert.ok(r.frames >= (r.info.milliseconds > 100 ? 2 : 1), `the page drew only ${r.frames} frames while the GPU computed for ${r.info.milliseconds} ms`);
          assert.match(r.info.note, new RegExp(`outputs by ${kernel === 'flash' ? 'flash_attention' : 'weighted_sum'}\\.wgsl`));
          assert.equal(r.heads, spec.heads);
          assert.equal(r.diagnostics, spec.heads);
          assert.deepEqual(r.emptyRows, r.refEmptyRows);
          assert.ok(r.emptyRowsZero, 'empty rows give zero weights and zero outputs');
          // every null is listed; an overflow case has some, as its CPU float counterpart does; the rest has none
          assert.equal(r.listed, r.nulls, 'every non-finite cell is listed under nonfinite');
          assert.equal(r.listed > 0, r.refListed > 0, `webgpu lists ${r.listed} cells, ${spec.compareWith ?? 'reference'} ${r.refListed}`);
          assert.equal(r.listed > 0, !!spec.compareWith, 'only the overflow cases overflow');
          const precision = spec.variants && (typeof spec.variants === 'function' ? spec.variants(rng(0), spec.heads) : spec.variants).precision;
          assert.equal(r.computedIn, precision ?? 'float32');
          const tolerance = precision ? PRECISION_TOLERANCE[precision] : TOLERANCE;
          for (const [name, err] of Object.entries(r.errors)) {
            assert.ok(err <= tolerance, `${name}: normwise relative error ${err.toExponential(2)} > ${tolerance}`);
            measured[name] = Math.max(measured[name] ?? 0, err);
          }
          t.diagnostic(`${spec.name} [${kernel}]: GPU ${r.info.milliseconds.toFixed(1)} ms, ${r.frames} frames drawn meanwhile, ` +
            `setBackend returned in ${r.setMs.toFixed(1)} ms; largest error ${Math.max(...Object.values(r.errors)).toExponential(2)}`);
        });
      }
    }
    t.diagnostic(`largest normwise relative errors: ${JSON.stringify(Object.fromEntries(Object.entries(measured).map(([k, v]) => [k, v.toExponential(2)])))}`);

    await t.test('automatic output kernel: fused from 512 keys on', async () => {
      await page.evaluate(() => window.playground.setWebGPUOutputKernel('auto'));
      const small = await parity(page, scenario({ n: 33, heads: 2, dk: 8 }, 7), 'auto');
      assert.match(small.info.note, /weighted_sum\.wgsl/);
      const long = await parity(page, scenario({ n: 600, heads: 1, dk: 16, mask: 'causal' }, 8), 'auto');
      assert.match(long.info.note, /flash_attention\.wgsl/);
      assert.ok(Math.max(...Object.values(long.errors)) <= TOLERANCE);
    });

    await t.test('device loss falls back to the CPU and says so', async () => {
      await screenshot(page, 'webgpu-backend');
      const r = await page.evaluate(async () => {
        const p = window.playground;
        p.setBackend('webgpu');
        await p.whenIdle();
        Module.preinitializedWebGPUDevice.destroy();
        await new Promise((resolve) => setTimeout(resolve, 100));
        const x = p.getScenario().x;
        x[0][0] += 1;
        p.loadScenario({ ...p.getScenario(), x });
        await p.whenIdle();
        return { status: p.webgpuStatus(), info: p.computeInfo(), trace: p.getTrace().backend, backends: p.backends() };
      });
      assert.equal(r.status.state, 'lost');
      assert.match(r.info.note, /^webgpu: device lost.*computed on the CPU/);
      assert.equal(r.trace, 'simd', 'the CPU default computes instead');
      assert.ok(!r.backends.includes('webgpu'));
      await screenshot(page, 'webgpu-device-lost');
    });

    assert.deepEqual(app.consoleErrors, []);
  } finally {
    await app.close();
  }
});

test('without WebGPU the page falls back to the CPU and says so', async () => {
  const app = await openPlayground({ webgpu: false });
  try {
    const { page } = app;
    const r = await page.evaluate(async () => {
      const p = window.playground;
      await p.whenIdle();
      return { backends: p.backends(), status: p.webgpuStatus(), set: p.setBackend('webgpu'), trace: p.getTrace() };
    });
    assert.ok(!r.backends.includes('webgpu'));
    assert.equal(r.status.available, false);
    assert.match(r.status.message, /^webgpu: (no WebGPU adapter|this browser has no WebGPU)/);
    assert.equal(r.set.ok, false);
    assert.match(r.set.error, /webgpu: /, 'refusing webgpu says why');
    assert.equal(r.trace.backend, 'simd', 'the page stays on its CPU default');
    assert.ok(r.trace.output.length > 0);
    assert.deepEqual(app.consoleErrors, []);
  } finally {
    await app.close();
  }
});
