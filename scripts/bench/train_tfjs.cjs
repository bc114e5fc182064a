// The induction task's model trained by TensorFlow.js with its own autodiff on its WebAssembly backend
// (@tensorflow/tfjs-core + @tensorflow/tfjs-backend-wasm from npm, SIMD on, one thread) in node: the peer of
// `node attention-cli.js train` in scripts/bench/train_bench.mjs (docs/benchmarks.md, "Training").
//
// The same model as src/train/model.hpp and scripts/bench/train_torch.py: token embedding N(0,1), learned
// positions initialised to sqrt(2) x the sinusoidal encoding, 2 causal attention layers of SPEC §1 with
// biases, residual stream, unembedding with bias, cross-entropy on the pattern's second copy; Adam (lr 1e-2,
// betas 0.9/0.99, eps 1e-8), batch 16. Data as src/train/tasks.cpp's `induction`, drawn before the clock
// starts. Prints one JSON line {"peer", "steps", "ms", "steps_per_s", "accuracy", "simd", "threads", "tfjs"}.
//
//   node scripts/bench/train_tfjs.cjs [--steps 800] [--warmup 20]
//
// tfjs-core's node build registers no gradients: they come from importing
// `@tensorflow/tfjs-core/dist/register_all_gradients`, an ES-module tree written for bundlers (extensionless
// imports, which node cannot load). So this script first bundles that one file of the installed tfjs-core
// with esbuild into build/bench-tfjs/gradients.cjs (what a web app's bundler does); its gradient functions
// register into tfjs-core's global registry, next to the node build's ops and the wasm backend's kernels.
'use strict';

const path = require('path');
const tf = require('@tensorflow/tfjs-core');
const wasm = require('@tensorflow/tfjs-backend-wasm');

function registerGradients() {
  const out = path.join(__dirname, '..', '..', 'build', 'bench-tfjs', 'gradients.cjs');
  require('esbuild').buildSync({
    entryPoints: [require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js')],
    bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'error'});
  require(out);
}

const V = 24, N = 24, D = 32, H = 2, LAYERS = 2, BATCH = 16, DK = D / H;

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

// A small seeded generator (mulberry32), so reruns draw the same data.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function inductionExample(rand) {
  const below = (n) => Math.floor(rand() * n);
  const k = 4 + below(N / 2 - 5);
  const all = [...Array(V).keys()];
  for (let i = 0; i < k; ++i) {
    const j = i + below(V - i);
    [all[i], all[j]] = [all[j], all[i]];
  }
  const pattern = all.slice(0, k), rest = all.slice(k);
  const tokens = [];
  for (let i = 0; i < N - 2 * k; ++i) tokens.push(rest[below(rest.length)]);
  tokens.push(...pattern, ...pattern);
  const targets = new Array(N).fill(-1);
  for (let i = N - k; i + 1 < N; ++i) targets[i] = tokens[i + 1];
  return {tokens, targets};
}

function batch(rand) {
  const tokens = [], targets = [];
  for (let b = 0; b < BATCH; ++b) {
    const e = inductionExample(rand);
    tokens.push(...e.tokens);
    targets.push(...e.targets);
  }
  return {tokens, targets};
}

// The box-Muller normals of the initial weights (any N(0, 1) will do for timing; the runs do not share seeds).
function normals(rand, count, sd) {
  const out = new Float32Array(count);
  for (let i = 0; i < count; ++i) out[i] = sd * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return out;
}

function sinusoidal() {
  const pe = new Float32Array(N * D);
  for (let p = 0; p < N; ++p)
    for (let c = 0; c < D; ++c) {
      const angle = p / Math.pow(10000, (c - (c % 2)) / D);
      pe[p * D + c] = Math.SQRT2 * (c % 2 === 0 ? Math.sin(angle) : Math.cos(angle));
    }
  return pe;
}

function model(rand) {
  const v = (shape, values) => tf.variable(tf.tensor(values, shape));
  const matrix = (rows, cols) => v([rows, cols], normals(rand, rows * cols, 1 / Math.sqrt(rows)));
  const zeros = (cols) => v([cols], new Float32Array(cols));
  const m = {embed: v([V, D], normals(rand, V * D, 1)), pos: v([N, D], sinusoidal()), layers: []};
  for (let l = 0; l < LAYERS; ++l)
    m.layers.push({wq: matrix(D, H * DK), bq: zeros(H * DK), wk: matrix(D, H * DK), bk: zeros(H * DK),
                   wv: matrix(D, H * DK), bv: zeros(H * DK), wo: matrix(H * DK, D), bo: zeros(D)});
  m.unembed = matrix(D, V);
  m.unembedBias = zeros(V);
  const mask = new Float32Array(N * N);
  for (let i = 0; i < N; ++i) for (let j = i + 1; j < N; ++j) mask[i * N + j] = -1e9;
  m.causal = tf.tensor(mask, [N, N]);
  return m;
}

// logits (B·N × V). The embedding is looked up as one-hot(tokens) · embed: gather's gradient needs the
// UnsortedSegmentSum kernel, which the wasm backend does not have.
function forward(m, tokens) {
  const b = tokens.shape[0] / N;
  let x = tf.add(tf.reshape(tf.matMul(tf.oneHot(tokens, V), m.embed), [b, N, D]), m.pos);
  const heads = (t) => tf.reshape(tf.transpose(tf.reshape(t, [b, N, H, DK]), [0, 2, 1, 3]), [b * H, N, DK]);
  for (const L of m.layers) {
    const flat = tf.reshape(x, [b * N, D]);
    const q = heads(tf.add(tf.matMul(flat, L.wq), L.bq));
    const k = heads(tf.add(tf.matMul(flat, L.wk), L.bk));
    const v = heads(tf.add(tf.matMul(flat, L.wv), L.bv));
    const s = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(DK)), m.causal);
    const o = tf.reshape(tf.transpose(tf.reshape(tf.matMul(tf.softmax(s), v), [b, H, N, DK]), [0, 2, 1, 3]), [b * N, H * DK]);
    x = tf.add(x, tf.reshape(tf.add(tf.matMul(o, L.wo), L.bo), [b, N, D]));
  }
  return tf.add(tf.matMul(tf.reshape(x, [b * N, D]), m.unembed), m.unembedBias);
}

function tensors(data) {
  const labels = new Float32Array(data.targets.length * V), weights = new Float32Array(data.targets.length);
  data.targets.forEach((t, r) => {
    if (t >= 0) {
      labels[r * V + t] = 1;
      weights[r] = 1;
    }
  });
  return {tokens: tf.tensor1d(data.tokens, 'int32'), labels: tf.tensor2d(labels, [data.targets.length, V]),
          weights: tf.tensor1d(weights), targets: data.targets};
}

async function main() {
  const steps = arg('--steps', 800), warmup = arg('--warmup', 20);
  registerGradients();
  wasm.setThreadsCount(1);
  await tf.setBackend('wasm');
  await tf.ready();
  const rand = rng(1);
  const train = [], heldOut = [];
  for (let i = 0; i < warmup + steps; ++i) train.push(tensors(batch(rand)));
  for (let i = 0; i < 4; ++i) heldOut.push(tensors(batch(rand)));
  const m = model(rand);
  const optimizer = tf.train.adam(0.01, 0.9, 0.99, 1e-8);
  const step = (t) => {
    const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(t.labels, forward(m, t.tokens), t.weights), true);
    cost.dataSync();  // wait for the step, as the other peers do
    cost.dispose();
  };
  for (let i = 0; i < warmup; ++i) step(train[i]);
  const start = process.hrtime.bigint();
  for (let i = warmup; i < warmup + steps; ++i) step(train[i]);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  let right = 0, total = 0;
  for (const t of heldOut) {
    const pred = tf.tidy(() => tf.argMax(forward(m, t.tokens), 1)).dataSync();
    t.targets.forEach((target, r) => {
      if (target >= 0) {
        total += 1;
        right += pred[r] === target ? 1 : 0;
      }
    });
  }
  console.log(JSON.stringify({peer: 'tfjs-wasm', steps, ms, steps_per_s: steps / (ms / 1000), accuracy: right / total,
                              simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), threads: wasm.getThreadsCount(),
                              tfjs: tf.version_core}));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
