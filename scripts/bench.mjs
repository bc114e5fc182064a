#!/usr/bin/env node
// The benchmark of docs/benchmarks.md, in one run: our backends natively and in WebAssembly (node),
// onnxruntime-web's WebAssembly backend, onnxruntime-node's CPU backend, PyTorch (Debian's python3-torch),
// and the best sgemm of each platform as the practical ceiling; same shapes (d_model 512, 8 heads, float32),
// N = 64 … 4096 and 16384 for the tiled kernel, on one thread and (N = 1024, 4096) on every core. The contenders
// of a comparison run interleaved, round after round (A B A B …), so that a change in the machine's load hits all
// of them; the load average is taken before and after every job. Prints the tables; rewrites the results part of
// docs/benchmarks.md, docs/benchmarks-scaling.svg and docs/benchmarks-results.json only from a run whose load
// average stayed at or below 1.5 per core (otherwise it says so there, and the run's figures go to
// build/bench-results.json alone).
//
//   node scripts/bench.mjs            # about 20 minutes on a quiet 2-core machine
//   node scripts/bench.mjs --quick    # N = 64 and 256 only, nothing written (a smoke test of the script)
//   --native-only: our native backends and onnxruntime-node only (no Emscripten build, no WebAssembly contenders)
//   --sizes N1,N2,...: only these N (the every-core comparisons still only at 1024 and 4096)
//     A run with --quick, --native-only or --sizes is partial: it prints its tables and writes
//     build/bench-results.json, never docs/.
//   --no-build [--native-build DIR] [--web-build DIR]: reuse existing builds of attention-cli
//   --from-json FILE: print (and, if its run was quiet, write) the docs from a run's saved results
//
// [SECTION] setup and builds
// [SECTION] the plan: what runs at which N
// [SECTION] running
// [SECTION] tables
// [SECTION] plot
// [SECTION] docs
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const noBuild = process.argv.includes('--no-build');  // use the builds already in the build folders
const argValue = (flag, fallback) => { const i = process.argv.indexOf(flag); return i > 0 ? process.argv[i + 1] : fallback; };
const nativeBuild = argValue('--native-build', 'build/bench-native'), webBuild = argValue('--web-build', 'build/bench-web');
const D_MODEL = 512, HEADS = 8;
const nativeOnly = process.argv.includes('--native-only');
const sizesArg = argValue('--sizes', null);
const SIZES = sizesArg ? sizesArg.split(',').map((t) => {
  const n = Number(t);
  if (!Number.isInteger(n) || n < 1 || n > 65536) throw new Error(`--sizes: ${JSON.stringify(t)} is not a token count in 1 … 65536`);
  return n;
}) : quick ? [64, 256] : [64, 256, 1024, 4096, 16384];
const partial = quick || nativeOnly || sizesArg != null;  // prints, never writes docs/
const CORES = os.cpus().length;
const ALL_CORES_SIZES = quick ? [256] : [1024, 4096];  // the every-core comparisons
const LOAD_LIMIT = 1.5 * CORES;                          // above it, no tables are written from the run
const started = Date.now();
const log = (...a) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s]`, ...a);

// =====================================================================================================
// [SECTION] setup and builds
// =====================================================================================================

function sh(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26, ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${(r.stderr || '').slice(-2000)}`);
  return r.stdout;
}

function ensurePeers() {
  if (spawnSync('/usr/bin/python3', ['-c', 'import onnx, torch'], { stdio: 'ignore' }).status !== 0) {
    log('installing python3-onnx (and python3-torch) with apt-get');
    sh('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'python3-onnx', 'python3-torch'],
       { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  if (!fs.existsSync(path.join(root, 'node_modules/onnxruntime-web')) ||
      !fs.existsSync(path.join(root, 'node_modules/onnxruntime-node'))) {
    log('installing onnxruntime-node and onnxruntime-web (npm ci --ignore-scripts: the CPU binaries are in the package)');
    sh('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund']);
  }
}

const nativeCli = path.join(root, nativeBuild, 'src/attention-cli');
const webCli = path.join(root, webBuild, 'src/attention-cli.js');
const onnxDir = path.join(root, 'build/bench-onnx');

function build() {
  const env = { ...process.env, NODE_PATH: '/usr/share/nodejs' };
  const flags = ['-G', 'Ninja', '-DCMAKE_BUILD_TYPE=Release', '-DAP_BUILD_APP=OFF', '-DAP_BUILD_TESTS=OFF'];
  log(`building attention-cli natively (${nativeBuild})`);
  sh('cmake', ['-S', '.', '-B', nativeBuild, ...flags], { env });
  sh('cmake', ['--build', nativeBuild, '-j', String(CORES), '--target', 'attention-cli'], { env });
  if (nativeOnly) return;
  log(`building attention-cli.js with Emscripten (${webBuild})`);
  sh('emcmake', ['cmake', '-S', '.', '-B', webBuild, ...flags, '-DAP_CLI_THREADS=ON'], { env });  // bench --threads in node
  sh('cmake', ['--build', webBuild, '-j', String(CORES), '--target', 'attention-cli'], { env });
}

// =====================================================================================================
// [SECTION] the plan: what runs at which N
// =====================================================================================================
// A plan is a list of comparisons; each comparison's jobs run interleaved for its rounds. Caps (documented in
// docs/benchmarks.md): the double reference up to 1024 (timed once there); scalar and PyTorch (reference BLAS,
// ~1 GFLOP/s) up to 1024; eigen, simd and onnxruntime up to 4096 (onnxruntime's N × N score tensors, 8 GiB at
// 16384); tiled everywhere.

const roundsFor = (n) => (n <= 1024 ? 3 : n <= 4096 ? 2 : 1);
const repeatFor = (n) => (n <= 256 ? 5 : n <= 1024 ? 3 : 1);
const warmupFor = (n) => (n <= 4096 ? 1 : 0);

function ours(platform, n, threads, args, { repeat = repeatFor(n), warmup = warmupFor(n) } = {}) {
  const [cmd, pre] = platform === 'native' ? [nativeCli, []] : ['node', ['--no-experimental-fetch', webCli]];
  return { platform, cmd, args: [...pre, 'bench', '--n', String(n), '--d-model', String(D_MODEL), '--heads', String(HEADS),
    '--threads', String(threads), '--repeat', String(repeat), '--warmup', String(warmup), ...args] };
}

function ort(runtime, model, mode, n, threads, repeat = repeatFor(n)) {
  return { platform: runtime === 'node' ? 'native' : 'wasm', cmd: 'node',
    args: ['--no-experimental-fetch', 'scripts/bench/ort_bench.cjs', runtime, path.join(onnxDir, model), String(n),
      String(D_MODEL), '--repeat', String(repeat), '--warmup', '1', '--mode', mode, '--threads', String(threads)] };
}

function plan(n) {
  const comparisons = [];
  const add = (name, rounds, jobs) => comparisons.push({ name, rounds, jobs });
  const threadCounts = ALL_CORES_SIZES.includes(n) && CORES > 1 ? [1, CORES] : [1];
  const fast = n <= 4096 ? 'simd,tiled' : 'tiled';
  for (const threads of threadCounts) {
    for (const [mode, flag, model] of [['layer', [], 'attention_layer.onnx'], ['attention', ['--attention-only'], 'attention_only.onnx']]) {
      const jobs = [ours('native', n, threads, [...flag, '--backends', fast]), ours('wasm', n, threads, [...flag, '--backends', fast])];
      if (n <= 4096) jobs.push(ort('node', model, mode, n, threads), ort('web', model, mode, n, threads));
      add(`${mode}, N = ${n}, ${threads} thread${threads > 1 ? 's' : ''}`, roundsFor(n), jobs);
    }
  }
  if (n <= 4096) {  // the sgemm ceiling: one projection's product, one thread
    add(`sgemm, N = ${n}`, 2, [ours('native', n, 1, ['--matmul-only', '--backends', 'simd,eigen'], { repeat: 5, warmup: 1 }),
      ours('wasm', n, 1, ['--matmul-only', '--backends', 'simd,eigen'], { repeat: 5, warmup: 1 }),
      ort('node', 'matmul.onnx', 'matmul', n, 1, 5), ort('web', 'matmul.onnx', 'matmul', n, 1, 5)]);
  }
  // the others, once: the readable backends, the double reference, PyTorch; their attention's peak memory
  const others = n <= 1024 ? 'scalar,eigen' : n <= 4096 ? 'eigen' : null;
  const jobs = [];
  for (const platform of ['native', 'wasm']) {
    if (others) jobs.push(ours(platform, n, 1, ['--backends', others]), ours(platform, n, 1, ['--attention-only', '--backends', others]));
    if (n <= 1024) jobs.push(ours(platform, n, 1, ['--backends', 'reference'], { repeat: 1, warmup: 0 }));
  }
  if (n <= 1024)
    jobs.push({ platform: 'native', cmd: '/usr/bin/python3', args: ['scripts/bench/torch_bench.py', String(n), String(D_MODEL),
      String(HEADS), '--repeat', String(Math.min(repeatFor(n), 3)), '--warmup', '1'] });
  if (jobs.length) add(`the others, N = ${n}`, 1, jobs);
  if (!nativeOnly) return comparisons;
  return comparisons.map((c) => ({ ...c, jobs: c.jobs.filter((j) => j.platform === 'native') })).filter((c) => c.jobs.length);
}

// =====================================================================================================
// [SECTION] running
// =====================================================================================================

const loads = [];  // [1-minute load average] sampled before and after every job
const sampleLoad = () => { const l = os.loadavg()[0]; loads.push(l); return l; };

function commandLine(job) {
  return [job.cmd === nativeCli ? path.relative(root, nativeCli) : job.cmd,
    ...job.args.map((a) => (a.startsWith(root) ? path.relative(root, a) : a))].join(' ');
}

function run(job) {
  const t0 = Date.now(), before = sampleLoad();
  const out = sh(job.cmd, job.args, { env: { ...process.env, OMP_NUM_THREADS: '1' } });
  const after = sampleLoad();
  const rows = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  for (const row of rows) {
    row.platform = job.platform;
    row.mode = row.mode || 'layer';
    row.threads = row.threads || 1;
    row.contender = contenderName(row);
    row.command = commandLine(job);
    row.load = [before, after];
  }
  log(`${commandLine(job).slice(0, 140)}: ${((Date.now() - t0) / 1000).toFixed(1)} s, load ${before.toFixed(1)} → ${after.toFixed(1)}`);
  return rows;
}

// Each comparison's jobs round after round; a contender's figure is the median over every timed run of every round.
function runComparison(c) {
  const byKey = new Map();
  for (let round = 0; round < c.rounds; ++round)
    for (const job of c.jobs)
      for (const row of run(job)) {
        const key = `${row.contender}|${row.mode}|${row.n}`;
        const kept = byKey.get(key);
        const runs = row.ms_runs || [row.ms_median], cpuRuns = row.cpu_ms_runs || (row.cpu_ms_median != null ? [row.cpu_ms_median] : []);
        if (!kept) byKey.set(key, { ...row, ms_runs: [...runs], cpu_ms_runs: [...cpuRuns], rounds: 1 });
        else {
          kept.ms_runs.push(...runs);
          kept.cpu_ms_runs.push(...cpuRuns);
          kept.rounds += 1;
          kept.load = [Math.min(kept.load[0], row.load[0]), Math.max(kept.load[1], row.load[1])];
          kept.peak_extra_mib = Math.max(kept.peak_extra_mib ?? 0, row.peak_extra_mib ?? 0);
        }
      }
  const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
  return [...byKey.values()].map((r) => {
    const ms = median(r.ms_runs);
    return { ...r, ms_median: ms, cpu_ms_median: r.cpu_ms_runs.length ? median(r.cpu_ms_runs) : null,
      gflops: r.gflops * (r.ms_median / ms) };
  });
}

function contenderName(row) {
  const t = row.threads > 1 ? `, ${row.threads} threads` : '';
  if (row.backend.startsWith('onnxruntime') || row.backend.startsWith('pytorch')) return `${row.backend}${t ? ` (${row.threads} threads)` : ''}`;
  return `${row.backend} (${row.platform === 'wasm' ? 'wasm' : 'native'}${t})`;
}

// =====================================================================================================
// [SECTION] tables
// =====================================================================================================

const fmtMs = (ms) => (ms == null ? '–' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const fmt = (x, digits = 1) => (x == null ? '–' : x.toFixed(digits));
const fmtErr = (e) => (e == null ? '–' : e.toExponential(1));
const isOurs = (r) => !r.backend.startsWith('onnx') && !r.backend.startsWith('pytorch');

// The practical ceiling per platform: the best one-thread sgemm rate measured there at any N (one projection's
// shape, N × 512 · 512 × 512), so one noisy measurement at one N does not move it.
function ceilings(rows) {
  const best = {};
  for (const r of rows.filter((x) => x.mode === 'matmul' && x.threads === 1))
    if (!best[r.platform] || r.gflops > best[r.platform].gflops) best[r.platform] = r;
  return best;
}

// Ours: the faster of simd and tiled on a platform, mode, N and thread count.
function bestOurs(rows, platform, mode, n, threads) {
  return rows.filter((r) => isOurs(r) && ['simd', 'tiled'].includes(r.backend) && r.platform === platform && r.mode === mode &&
    r.n === n && r.threads === threads).sort((a, b) => a.ms_median - b.ms_median)[0];
}
const peer = (rows, platform, mode, n, threads) => rows.find((r) => r.mode === mode && r.n === n && r.threads === threads &&
  r.backend === (platform === 'wasm' ? 'onnxruntime-web wasm' : 'onnxruntime-node cpu'));

function targets(rows) {
  const out = [];
  const check = (what, a, b, goal, how) => {
    const ratio = a && b ? how(a, b) : null;
    const detail = ratio == null ? '' : `${fmtMs(b.ms_median)} / ${fmtMs(a.ms_median)} ms (${a.contender}) = ${fmt(ratio, 2)}×`;
    out.push(`| ${what} | ≥ ${goal} | ${detail} | ${ratio == null ? 'not measured' : ratio >= goal ? 'met' : '**not met**'} |`);
  };
  const speedup = (a, b) => b.ms_median / a.ms_median;
  const sizes = [...new Set(rows.filter((r) => r.mode !== 'matmul').map((r) => r.n))].filter((n) => ALL_CORES_SIZES.includes(n));
  for (const n of sizes)
    for (const mode of ['attention', 'layer']) {
      const what = `${mode === 'layer' ? 'whole layer' : 'attention alone'}, N = ${n}`;
      check(`${what}: one thread, ours (wasm) vs onnxruntime-web`, bestOurs(rows, 'wasm', mode, n, 1), peer(rows, 'wasm', mode, n, 1), 1.5, speedup);
      check(`${what}: one thread, ours (native) vs onnxruntime-node`, bestOurs(rows, 'native', mode, n, 1), peer(rows, 'native', mode, n, 1), 1.2, speedup);
      if (CORES > 1)
        for (const platform of ['native', 'wasm']) {
          const all = bestOurs(rows, platform, mode, n, CORES);
          check(`${what}: ${CORES} threads vs one, ours (${platform})`, all, bestOurs(rows, platform, mode, n, 1), 1.6, speedup);
          check(`${what}: ${CORES} threads, ours (${platform}) vs ${platform === 'wasm' ? 'onnxruntime-web' : 'onnxruntime-node'}`,
            all, peer(rows, platform, mode, n, CORES), 1.0, speedup);
        }
    }
  const best = ceilings(rows);
  for (const n of sizes)
    for (const [platform, goal] of [['native', 0.7], ['wasm', 0.8]]) {
      const ourLayer = bestOurs(rows, platform, 'layer', n, 1), c = best[platform];
      const share = ourLayer && c ? ourLayer.gflops / c.gflops : null;
      out.push(`| whole layer, N = ${n}: one thread, ours (${platform}) against the ${platform} sgemm ceiling | ≥ ${goal * 100} % | ` +
        `${share == null ? '' : `${fmt(ourLayer.gflops)} / ${fmt(c.gflops)} GFLOP/s (${c.contender}) = ${fmt(100 * share, 0)} %`} | ` +
        `${share == null ? 'not measured' : share >= goal ? 'met' : '**not met**'} |`);
    }
  for (const platform of ['native', 'wasm']) {
    const t = rows.find((r) => r.backend === 'tiled' && r.platform === platform && r.mode === 'attention' && r.n === 16384 && r.threads === 1);
    out.push(`| tiled at N = 16384 (${platform === 'wasm' ? 'WebAssembly in node' : 'native'}): peak memory beyond Q, K, V | < 64 MiB | ` +
      `${t ? `${fmt(t.peak_extra_mib)} MiB, ${fmtMs(t.ms_median)} ms for the 8 heads` : ''} | ${t ? (t.peak_extra_mib < 64 ? 'met' : '**not met**') : 'not measured'} |`);
  }
  return ['| figure (issue 19) | goal | measured in this run | |', '|---|---|---|---|', ...out].join('\n');
}

function layerTable(rows, n) {
  const best = ceilings(rows);
  const layer = rows.filter((r) => r.mode === 'layer' && r.n === n);
  const lines = [`| N = ${n} | platform | threads | ms | CPU ms | GFLOP/s | % of ceiling | × onnxruntime (same platform, threads) | max rel. err |`,
    '|---|---|---:|---:|---:|---:|---:|---:|---:|'];
  const order = (r) => [r.platform === 'native' ? 0 : 1, r.threads, r.ms_median];
  layer.sort((a, b) => { const x = order(a), y = order(b); return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
  for (const r of layer) {
    const c = best[r.platform], o = peer(rows, r.platform, 'layer', n, r.threads);
    lines.push(`| ${r.contender} | ${r.platform} | ${r.threads} | ${fmtMs(r.ms_median)} | ${fmtMs(r.cpu_ms_median)} | ${fmt(r.gflops)} | ` +
      `${c ? fmt((100 * r.gflops) / c.gflops, 0) + ' %' : '–'} | ${o ? fmt(o.ms_median / r.ms_median, 2) : '–'} | ${fmtErr(r.max_rel_err)} |`);
  }
  return lines.join('\n');
}

function attentionTable(rows) {
  const att = rows.filter((r) => r.mode === 'attention');
  const names = [...new Set(att.map((r) => r.contender))];
  const sizes = [...new Set(att.map((r) => r.n))].sort((a, b) => a - b);
  const cell = (name, n, f) => { const r = att.find((x) => x.contender === name && x.n === n); return r ? f(r) : '–'; };
  const head = (what) => `| ${what} | ${sizes.map((n) => `N = ${n}`).join(' | ')} |`;
  const sep = `|---|${sizes.map(() => '---:').join('|')}|`;
  const time = names.map((name) => `| ${name} | ${sizes.map((n) => cell(name, n, (r) => `${fmtMs(r.ms_median)} ms`)).join(' | ')} |`);
  const mem = names.filter((name) => !name.startsWith('onnx') && !name.startsWith('pytorch')).map((name) =>
    `| ${name} | ${sizes.map((n) => cell(name, n, (r) => `${fmt(r.peak_extra_mib)} MiB`)).join(' | ')} |`);
  return [head('attention only, wall-clock'), sep, ...time, '', head('peak memory beyond Q, K, V (output included)'), sep, ...mem].join('\n');
}

function sgemmTable(rows) {
  const mm = rows.filter((r) => r.mode === 'matmul');
  const names = [...new Set(mm.map((r) => r.contender))];
  const sizes = [...new Set(mm.map((r) => r.n))].sort((a, b) => a - b);
  const cell = (name, n) => { const r = mm.find((x) => x.contender === name && x.n === n); return r ? fmt(r.gflops) : '–'; };
  return [`| sgemm N × 512 · 512 × 512, GFLOP/s | ${sizes.map((n) => `N = ${n}`).join(' | ')} |`,
    `|---|${sizes.map(() => '---:').join('|')}|`,
    ...names.map((name) => `| ${name} | ${sizes.map((n) => cell(name, n)).join(' | ')} |`)].join('\n');
}

// =====================================================================================================
// [SECTION] plot
// =====================================================================================================
// Two log-log panels, hand-written SVG: time of the layer against N, peak memory of attention against N
// (one thread).

function svgPlot(allRows) {
  const rows = allRows.filter((r) => r.threads === 1);
  const W = 1040, H = 430, panelW = 440, panelH = 330, top = 50, lefts = [70, 560];
  const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22',
    '#17becf', '#393b79', '#637939', '#8c6d31', '#843c39'];
  const panels = [
    { title: 'whole layer, one thread: time (ms) against N', mode: 'layer', value: (r) => r.ms_median },
    { title: 'attention alone: peak memory beyond Q, K, V (MiB)', mode: 'attention', value: (r) => Math.max(r.peak_extra_mib, 0.01),
      filter: isOurs },
  ];
  const names = [...new Set(rows.filter((r) => r.mode !== 'matmul').map((r) => r.contender))].sort();
  const backends = [...new Set(names.map((name) => name.replace(/ \((native|wasm)\)$/, '')))];
  const color = (name) => colors[backends.indexOf(name.replace(/ \((native|wasm)\)$/, '')) % colors.length];  // one per backend
  const dash = (name) => (name.includes('wasm') ? '6,3' : '');
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H + 40 + 16 * Math.ceil(names.length / 3)}" font-family="sans-serif" font-size="12">\n`;
  svg += `<rect width="100%" height="100%" fill="white"/>\n`;
  panels.forEach((p, k) => {
    const data = rows.filter((r) => r.mode === p.mode && (!p.filter || p.filter(r)));
    if (!data.length) return;
    const xs = data.map((r) => r.n), ys = data.map(p.value);
    const x0 = Math.log10(Math.min(...xs)) - 0.1, x1 = Math.log10(Math.max(...xs)) + 0.1;
    const y0 = Math.floor(Math.log10(Math.min(...ys))), y1 = Math.max(Math.ceil(Math.log10(Math.max(...ys))), y0 + 1);
    const left = lefts[k];
    const X = (n) => left + ((Math.log10(n) - x0) / (x1 - x0)) * panelW;
    const Y = (v) => top + panelH - ((Math.log10(v) - y0) / (y1 - y0)) * panelH;
    svg += `<text x="${left}" y="${top - 18}" font-size="14">${p.title}</text>\n`;
    svg += `<rect x="${left}" y="${top}" width="${panelW}" height="${panelH}" fill="none" stroke="#444"/>\n`;
    for (let e = y0; e <= y1; ++e) {
      svg += `<line x1="${left}" x2="${left + panelW}" y1="${Y(10 ** e)}" y2="${Y(10 ** e)}" stroke="#ddd"/>`;
      svg += `<text x="${left - 6}" y="${Y(10 ** e) + 4}" text-anchor="end">${10 ** e >= 1 ? 10 ** e : (10 ** e).toPrecision(1)}</text>\n`;
    }
    for (const n of [...new Set(xs)].sort((a, b) => a - b)) {
      svg += `<line x1="${X(n)}" x2="${X(n)}" y1="${top}" y2="${top + panelH}" stroke="#eee"/>`;
      svg += `<text x="${X(n)}" y="${top + panelH + 16}" text-anchor="middle">${n}</text>\n`;
    }
    svg += `<text x="${left + panelW / 2}" y="${top + panelH + 34}" text-anchor="middle">N (tokens)</text>\n`;
    for (const name of names) {
      const pts = data.filter((r) => r.contender === name).sort((a, b) => a.n - b.n);
      if (!pts.length) continue;
      svg += `<polyline fill="none" stroke="${color(name)}" stroke-width="2" stroke-dasharray="${dash(name)}" points="${pts.map((r) => `${X(r.n).toFixed(1)},${Y(p.value(r)).toFixed(1)}`).join(' ')}"/>\n`;
      for (const r of pts) svg += `<circle cx="${X(r.n).toFixed(1)}" cy="${Y(p.value(r)).toFixed(1)}" r="3" fill="${color(name)}"/>`;
      svg += '\n';
    }
  });
  names.forEach((name, i) => {
    const x = 70 + (i % 3) * 320, y = H + 30 + 16 * Math.floor(i / 3);
    svg += `<line x1="${x}" x2="${x + 24}" y1="${y - 4}" y2="${y - 4}" stroke="${color(name)}" stroke-width="2" stroke-dasharray="${dash(name)}"/>`;
    svg += `<text x="${x + 30}" y="${y}">${name}</text>\n`;
  });
  return svg + '</svg>\n';
}

// =====================================================================================================
// [SECTION] docs
// =====================================================================================================

function machine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const v = (p) => { try { return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', p, 'package.json'))).version; } catch { return '?'; } };
  let torch = '?';
  try { torch = execFileSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).trim(); } catch { /* absent */ }
  return `${CORES} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}, ` +
    `onnxruntime-node ${v('onnxruntime-node')}, onnxruntime-web ${v('onnxruntime-web')}, PyTorch ${torch}`;
}

const quiet = (meta) => meta.load_max <= meta.load_limit;

function loadLine(meta) {
  return `load average (1 minute) ${fmt(meta.load_start)} at the start, ${fmt(meta.load_end)} at the end, at most ` +
    `${fmt(meta.load_max)} before or after a job (limit for the tables: ${fmt(meta.load_limit)}, 1.5 per core)`;
}

function results(rows, meta, jsonFile = 'docs/benchmarks-results.json') {
  const isas = [...new Set(rows.filter((r) => r.isa).map((r) => `${r.backend} (${r.platform}): ${r.isa}`))].sort();
  const sizes = [...new Set(rows.filter((r) => r.mode === 'layer').map((r) => r.n))].sort((a, b) => a - b);
  return [`Measured ${meta.measured} UTC by \`${meta.command || 'node scripts/bench.mjs'}\` in ${meta.minutes} minutes; ${meta.machine}; ${loadLine(meta)}.`,
    'Every figure is the median of all timed runs of its contender over the rounds of its comparison (the contenders of a',
    'comparison interleaved, round after round); `CPU ms` is the process\'s CPU time per run, all threads together.',
    `The command behind each figure is in ${jsonFile} (\`command\`).`,
    '', '### Targets', '', targets(rows),
    '', '### The whole layer (projections, attention, W_O), median ms', '',
    ...sizes.flatMap((n) => [layerTable(rows, n), '']),
    '### Attention alone (per-head attend on precomputed Q, K, V)', '', attentionTable(rows), '',
    '### The sgemm ceiling (one thread)', '', sgemmTable(rows), '',
    '### Instruction sets reported by each backend', '', ...isas.map((s) => `- ${s}`), '',
    '![time and peak memory against N, log-log](benchmarks-scaling.svg)', ''].join('\n');
}

function refusal(meta) {
  return [`The last run (${meta.measured} UTC, ${meta.machine}) was not quiet: ${loadLine(meta)}. No tables are written from`,
    'such a run: its figures are in build/bench-results.json on the machine that ran it, and the tables here are',
    'left out rather than kept from an older build. Run `node scripts/bench.mjs` on a quiet machine to fill them.', ''].join('\n');
}

function writeDocs(rows, meta) {
  const file = path.join(root, 'docs/benchmarks.md');
  const begin = '<!-- results:begin (written by scripts/bench.mjs) -->', end = '<!-- results:end -->';
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# Benchmarks\n\n${begin}\n${end}\n`;
  if (!text.includes(begin)) text += `\n${begin}\n${end}\n`;
  const part = quiet(meta) ? results(rows, meta) : refusal(meta);
  text = text.slice(0, text.indexOf(begin) + begin.length) + '\n' + part + text.slice(text.indexOf(end));
  fs.writeFileSync(file, text);
  if (!quiet(meta)) return false;
  fs.writeFileSync(path.join(root, 'docs/benchmarks-scaling.svg'), svgPlot(rows));
  fs.writeFileSync(path.join(root, 'docs/benchmarks-results.json'), JSON.stringify({ meta, rows }, null, 1) + '\n');
  return true;
}

// =====================================================================================================
function main() {
  const fromJson = argValue('--from-json', null);  // re-render the docs from a run's saved results
  let rows = [], meta;
  if (fromJson) {
    ({ meta, rows } = JSON.parse(fs.readFileSync(fromJson, 'utf8')));
  } else {
    const loadStart = sampleLoad();
    log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (limit for writing tables: ${LOAD_LIMIT.toFixed(1)})`);
    ensurePeers();
    if (!noBuild) build();
    log('writing the ONNX graphs (build/bench-onnx)');
    sh('/usr/bin/python3', ['scripts/bench/make_onnx.py', onnxDir, String(D_MODEL), String(HEADS)]);
    for (const n of SIZES)
      for (const comparison of plan(n)) {
        log(`— ${comparison.name}: ${comparison.rounds} round(s)`);
        rows.push(...runComparison(comparison));
      }
    const loadEnd = sampleLoad();
    log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} at the end`);
    meta = { measured: new Date().toISOString().slice(0, 16).replace('T', ' '), minutes: Math.round((Date.now() - started) / 60000),
             command: ['node scripts/bench.mjs', ...process.argv.slice(2)].join(' '), machine: machine(), load_start: loadStart, load_end: loadEnd, load_max: Math.max(...loads), load_limit: LOAD_LIMIT };
    fs.mkdirSync(path.join(root, 'build'), { recursive: true });
    fs.writeFileSync(path.join(root, 'build/bench-results.json'), JSON.stringify({ meta, rows }, null, 1) + '\n');
  }
  const saved = fromJson || (partial || !quiet(meta) ? 'build/bench-results.json' : undefined);  // where the rows are
  console.log(results(rows, meta, saved && path.relative(root, path.resolve(root, saved))));
  if (!quiet(meta)) console.log(`\nNOT QUIET: ${loadLine(meta)}; the tables above are not written into docs/benchmarks.md.`);
  if (partial) log('a partial run (--quick, --native-only or --sizes): nothing written into docs/; the figures are in build/bench-results.json');
  else {
    const wrote = writeDocs(rows, meta);
    log(wrote ? 'wrote docs/benchmarks.md, docs/benchmarks-scaling.svg and docs/benchmarks-results.json'
              : 'the run was not quiet: docs/benchmarks.md says so; the figures are in build/bench-results.json');
  }
}

main();
