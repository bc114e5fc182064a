#!/usr/bin/env node
// The training benchmark of docs/benchmarks.md ("Training"), in one run: steps per second on the induction
// task (d_model 32, 2 heads, 2 layers, batch 16, Adam lr 1e-2) of `attention-cli train` natively and in
// WebAssembly (attention-cli.js under node), against PyTorch on the CPU (Debian's python3-torch, one thread;
// scripts/bench/train_torch.py) and TensorFlow.js with its own autodiff on its WebAssembly backend (SIMD, one
// thread; scripts/bench/train_tfjs.cjs); then the time our trainer takes to reach the task's thresholds
// (held-out accuracy ≥ 0.9 and a head with prefix_match ≥ 0.4), natively and in WebAssembly.
// The contenders run interleaved, --repeat times each (the median is reported), so load on the shared
// machine hits them alike; ratios are taken within the run.
//
//   node scripts/bench/train_bench.mjs [--steps 800] [--repeat 3] [--write]
//   --no-build [--native-build DIR] [--web-build DIR]: reuse existing builds of attention-cli
//   --write: replace the part of docs/benchmarks.md between the training markers with this run's tables
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const argValue = (flag, fallback) => { const i = process.argv.indexOf(flag); return i > 0 ? process.argv[i + 1] : fallback; };
const STEPS = Number(argValue('--steps', 800)), REPEAT = Number(argValue('--repeat', 3));
const nativeBuild = argValue('--native-build', 'build/bench-native'), webBuild = argValue('--web-build', 'build/bench-web');
const nativeCli = path.join(root, nativeBuild, 'src/attention-cli');
const webCli = path.join(root, webBuild, 'src/attention-cli.js');
const started = Date.now();
const log = (...a) => console.error(`[train-bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s]`, ...a);

function sh(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28, ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${(r.stderr || '').slice(-2000)}`);
  return r.stdout;
}

function build() {
  const env = { ...process.env, NODE_PATH: '/usr/share/nodejs' };
  const flags = ['-G', 'Ninja', '-DCMAKE_BUILD_TYPE=Release', '-DAP_BUILD_APP=OFF', '-DAP_BUILD_TESTS=OFF'];
  log(`building attention-cli natively (${nativeBuild}) and with Emscripten (${webBuild})`);
  sh('cmake', ['-S', '.', '-B', nativeBuild, ...flags], { env });
  sh('cmake', ['--build', nativeBuild, '-j', '2', '--target', 'attention-cli'], { env });
  sh('emcmake', ['cmake', '-S', '.', '-B', webBuild, ...flags], { env });
  sh('cmake', ['--build', webBuild, '-j', '2', '--target', 'attention-cli'], { env });
}

function ensurePeers() {
  if (!fs.existsSync(path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm')) ||
      !fs.existsSync(path.join(root, 'node_modules/esbuild'))) {
    log('installing @tensorflow/tfjs-core, @tensorflow/tfjs-backend-wasm and esbuild (npm ci --ignore-scripts)');
    sh('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund']);
  }
  if (spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0) {
    log('installing python3-torch with apt-get');
    sh('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'python3-torch'],
       { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
}

const lastLine = (text) => JSON.parse(text.trim().split('\n').pop());
const nodeArgs = ['--no-experimental-fetch'];
const ours = (cli, extra) => (cli.endsWith('.js') ? ['node', [...nodeArgs, cli, ...extra]] : [cli, extra]);
const oursTrain = ['train', '--task', 'induction', '--optimizer', 'adam', '--weight-decay', '0'];

const contenders = [
  { name: 'attention-cli (native)', key: 'native', run: () => {
    const [cmd, args] = ours(nativeCli, [...oursTrain, '--steps', String(STEPS), '--log-every', String(STEPS)]);
    const d = lastLine(sh(cmd, args));
    return { ms: d.ms, accuracy: d.accuracy };
  } },
  { name: 'attention-cli.js (wasm, node)', key: 'wasm', run: () => {
    const [cmd, args] = ours(webCli, [...oursTrain, '--steps', String(STEPS), '--log-every', String(STEPS)]);
    const d = lastLine(sh(cmd, args));
    return { ms: d.ms, accuracy: d.accuracy };
  } },
  { name: 'PyTorch CPU (1 thread)', key: 'torch', run: () => {
    const d = lastLine(sh('/usr/bin/python3', ['scripts/bench/train_torch.py', '--steps', String(STEPS)]));
    return { ms: d.ms, accuracy: d.accuracy, version: `torch ${d.torch}` };
  } },
  { name: 'TensorFlow.js wasm (SIMD, 1 thread)', key: 'tfjs', run: () => {
    const d = lastLine(sh('node', [...nodeArgs, 'scripts/bench/train_tfjs.cjs', '--steps', String(STEPS)]));
    if (!d.simd || d.threads !== 1) throw new Error(`tfjs ran with simd ${d.simd}, ${d.threads} threads`);
    return { ms: d.ms, accuracy: d.accuracy, version: `tfjs ${d.tfjs}` };
  } },
];

// The first logged step at which the default run (AdamW) meets the thresholds, then the wall time of a run
// of exactly that many steps (evaluating only at its end).
function timeToThreshold(cli) {
  const [cmd, args] = ours(cli, ['train', '--task', 'induction', '--log-every', '10']);
  const lines = sh(cmd, args).trim().split('\n').map((l) => JSON.parse(l));
  const hit = lines.find((p) => p.step !== undefined && p.accuracy >= 0.9 && p.prefix_match >= 0.4);
  if (!hit) return null;
  const [cmd2, args2] = ours(cli, ['train', '--task', 'induction', '--steps', String(hit.step), '--log-every', String(hit.step)]);
  const d = lastLine(sh(cmd2, args2));
  return { step: hit.step, ms: d.ms, accuracy: d.accuracy, prefix_match: Math.max(...d.head_scores.map((h) => h.prefix_match)) };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

function main() {
  if (!process.argv.includes('--no-build')) build();
  ensurePeers();
  const load = [os.loadavg()[0]];
  const runs = Object.fromEntries(contenders.map((c) => [c.key, []]));
  for (let r = 0; r < REPEAT; ++r)
    for (const c of contenders) {
      log(`${c.name}: ${STEPS} steps (round ${r + 1} of ${REPEAT})`);
      runs[c.key].push(c.run());
    }
  load.push(os.loadavg()[0]);
  log('time to the thresholds, natively and in WebAssembly');
  const threshold = { native: timeToThreshold(nativeCli), wasm: timeToThreshold(webCli) };
  load.push(os.loadavg()[0]);

  const result = {};
  for (const c of contenders) {
    const ms = median(runs[c.key].map((x) => x.ms));
    result[c.key] = { name: c.name, ms, steps_per_s: STEPS / (ms / 1000), accuracy: runs[c.key].at(-1).accuracy,
                      version: runs[c.key].at(-1).version };
  }
  const ratio = (a, b) => (result[a].steps_per_s / result[b].steps_per_s).toFixed(1);
  const table = [
    `Induction task, ${STEPS} steps, batch 16, Adam lr 1e-2 (no weight decay), median of ${REPEAT} interleaved runs;` +
      ` load average ${load.map((x) => x.toFixed(1)).join(' → ')} on ${os.cpus().length} cores.`,
    '',
    '| contender | steps/s | ms per step | held-out accuracy after the run |',
    '|---|---|---|---|',
    ...contenders.map((c) => { const x = result[c.key];
      return `| ${c.name}${x.version ? ` (${x.version})` : ''} | ${x.steps_per_s.toFixed(1)} | ${(x.ms / STEPS).toFixed(2)} | ${x.accuracy.toFixed(3)} |`; }),
    '',
    `Ratios in this run: WebAssembly, ours / TensorFlow.js = **${ratio('wasm', 'tfjs')}×** (goal ≥ 3×); native, ours / PyTorch = ` +
      `**${ratio('native', 'torch')}×** (goal ≥ 1×); ours native / ours WebAssembly = ${ratio('native', 'wasm')}×.`,
    '',
    '| time to the thresholds (accuracy ≥ 0.9, prefix_match ≥ 0.4; defaults: AdamW, seed 1) | first logged step | wall time | accuracy | best prefix_match |',
    '|---|---|---|---|---|',
    ...['native', 'wasm'].map((k) => { const t = threshold[k];
      return t ? `| ${k === 'native' ? 'attention-cli (native)' : 'attention-cli.js (wasm, node)'} | ${t.step} | ${(t.ms / 1000).toFixed(2)} s | ${t.accuracy.toFixed(3)} | ${t.prefix_match.toFixed(3)} |`
               : `| ${k} | not reached | | | |`; }),
  ].join('\n');
  console.log(table);
  fs.mkdirSync(path.join(root, 'build/bench-train'), { recursive: true });
  fs.writeFileSync(path.join(root, 'build/bench-train/results.json'), JSON.stringify({ steps: STEPS, repeat: REPEAT, load, runs, result, threshold }, null, 1));
  if (process.argv.includes('--write')) {
    const doc = path.join(root, 'docs/benchmarks.md');
    const text = fs.readFileSync(doc, 'utf8');
    const begin = '<!-- training results: begin (scripts/bench/train_bench.mjs --write) -->', end = '<!-- training results: end -->';
    const a = text.indexOf(begin), b = text.indexOf(end);
    if (a < 0 || b < a) throw new Error('docs/benchmarks.md has no training markers');
    fs.writeFileSync(doc, text.slice(0, a + begin.length) + '\n' + table + '\n' + text.slice(b));
    log('rewrote the training results in docs/benchmarks.md');
  }
}

main();
