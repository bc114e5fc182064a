#!/usr/bin/env node
// The benchmark of docs/benchmarks.md, in one run: our backends natively and in WebAssembly (node),
// onnxruntime-web's WebAssembly backend, onnxruntime-node's CPU backend, PyTorch (Debian's python3-torch),
// and the best sgemm of each platform as the practical ceiling; same shapes (d_model 512, 8 heads, float32,
// one thread), N = 64 … 4096 and 16384 for the tiled kernel. Prints the tables and rewrites the results
// part of docs/benchmarks.md and the plot docs/benchmarks-scaling.svg.
//
//   node scripts/bench.mjs            # about 10 minutes on the 2-core machine
//   node scripts/bench.mjs --quick    # N = 64 and 256 only, nothing written (a smoke test of the script)
//   --no-build [--native-build DIR] [--web-build DIR]: reuse existing builds of attention-cli
//   --from-json docs/benchmarks-results.json: rewrite the docs from a run's saved results
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
const SIZES = quick ? [64, 256] : [64, 256, 1024, 4096, 16384];
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
  sh('cmake', ['--build', nativeBuild, '-j', '2', '--target', 'attention-cli'], { env });
  log(`building attention-cli.js with Emscripten (${webBuild})`);
  sh('emcmake', ['cmake', '-S', '.', '-B', webBuild, ...flags], { env });
  sh('cmake', ['--build', webBuild, '-j', '2', '--target', 'attention-cli'], { env });
  log('writing the ONNX graphs (build/bench-onnx)');
  sh('/usr/bin/python3', ['scripts/bench/make_onnx.py', onnxDir, String(D_MODEL), String(HEADS)]);
}

// =====================================================================================================
// [SECTION] the plan: what runs at which N
// =====================================================================================================
// Caps (documented in docs/benchmarks.md): the double reference up to 1024 (timed once there); scalar up
// to 1024; PyTorch (reference BLAS, ~1 GFLOP/s) up to 1024; eigen, simd and onnxruntime up to 4096
// (onnxruntime's N × N score tensors, 8 GiB at 16384); tiled everywhere.

const repeatFor = (n) => (n <= 256 ? 5 : n <= 1024 ? 3 : n <= 4096 ? 2 : 1);
const warmupFor = (n) => (n <= 4096 ? 1 : 0);

function plan(n) {
  const jobs = [];
  const r = repeatFor(n), w = warmupFor(n);
  const ours = (platform, args) => {
    const [cmd, pre] = platform === 'native' ? [nativeCli, []] : ['node', ['--no-experimental-fetch', webCli]];
    return { platform, cmd, args: [...pre, 'bench', '--n', String(n), '--d-model', String(D_MODEL), '--heads',
      String(HEADS), ...args] };
  };
  for (const platform of ['native', 'wasm']) {
    // the whole layer
    const layer = n <= 1024 ? ['scalar', 'eigen', 'simd', 'tiled'] : n <= 4096 ? ['eigen', 'simd', 'tiled'] : ['tiled'];
    jobs.push(ours(platform, ['--backends', layer.join(','), '--repeat', String(r), '--warmup', String(w)]));
    if (n <= 1024) jobs.push(ours(platform, ['--backends', 'reference', '--repeat', '1', '--warmup', '0']));
    // attention alone, with peak memory; the smallest first (in WebAssembly the heap only grows)
    const attention = n <= 1024 ? ['tiled', 'simd', 'scalar', 'eigen'] : n <= 4096 ? ['tiled', 'simd', 'eigen'] : ['tiled'];
    jobs.push(ours(platform, ['--attention-only', '--backends', attention.join(','), '--repeat', String(r), '--warmup',
      String(w)]));
    // the sgemm ceiling: one projection's product
    if (n <= 4096) jobs.push(ours(platform, ['--matmul-only', '--backends', 'simd,eigen', '--repeat', '5']));
  }
  if (n <= 4096) {
    for (const runtime of ['node', 'web']) {
      const ort = (model, mode, rep) => ({ platform: runtime === 'node' ? 'native' : 'wasm', cmd: 'node',
        args: ['--no-experimental-fetch', 'scripts/bench/ort_bench.cjs', runtime, path.join(onnxDir, model), String(n),
          String(D_MODEL), '--repeat', String(rep), '--warmup', '1', '--mode', mode] });
      jobs.push(ort('attention_layer.onnx', 'layer', r));
      jobs.push(ort('attention_only.onnx', 'attention', r));
      jobs.push(ort('matmul.onnx', 'matmul', 5));
    }
  }
  if (n <= 1024)
    jobs.push({ platform: 'native', cmd: '/usr/bin/python3', args: ['scripts/bench/torch_bench.py', String(n),
      String(D_MODEL), String(HEADS), '--repeat', String(Math.min(r, 3)), '--warmup', '1'] });
  return jobs;
}

// =====================================================================================================
// [SECTION] running
// =====================================================================================================

function run(job) {
  const t0 = Date.now();
  const out = sh(job.cmd, job.args, { env: { ...process.env, OMP_NUM_THREADS: '1' } });
  const rows = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  for (const row of rows) {
    row.platform = job.platform;
    row.mode = row.mode || 'layer';
    row.contender = contenderName(row);
  }
  log(`${path.basename(job.cmd)} ${job.args.filter((a) => !a.startsWith('/')).slice(0, 12).join(' ')}: ` +
      `${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return rows;
}

function contenderName(row) {
  if (row.backend.startsWith('onnxruntime') || row.backend.startsWith('pytorch')) return row.backend;
  return `${row.backend} (${row.platform === 'wasm' ? 'wasm' : 'native'})`;
}

// =====================================================================================================
// [SECTION] tables
// =====================================================================================================

const fmtMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const fmt = (x, digits = 1) => (x == null ? '–' : x.toFixed(digits));
const fmtErr = (e) => (e == null ? '–' : e.toExponential(1));
const layerFlops = (n) => 8 * n * D_MODEL * D_MODEL + 4 * n * n * D_MODEL;

// The practical ceiling per platform: the best sgemm rate measured there at any N (one projection's shape,
// N × 512 · 512 × 512), so one noisy measurement at one N does not move it; keyed `platform:n` for every N.
function ceilings(rows) {
  const best = {}, perPlatform = {};
  for (const r of rows.filter((x) => x.mode === 'matmul'))
    if (!perPlatform[r.platform] || r.gflops > perPlatform[r.platform].gflops) perPlatform[r.platform] = r;
  for (const r of rows) if (perPlatform[r.platform]) best[`${r.platform}:${r.n}`] = perPlatform[r.platform];
  return best;
}

function layerTable(rows, n) {
  const best = ceilings(rows);
  const layer = rows.filter((r) => r.mode === 'layer' && r.n === n);
  const ortOf = (platform) => layer.find((r) => r.backend === (platform === 'wasm' ? 'onnxruntime-web wasm' : 'onnxruntime-node cpu'));
  const lines = [`| N = ${n} | platform | ms | GFLOP/s | % of ceiling | × onnxruntime (same platform) | max rel. err |`,
    '|---|---|---:|---:|---:|---:|---:|'];
  const order = (r) => [r.platform === 'native' ? 0 : 1, r.ms_median];
  layer.sort((a, b) => { const x = order(a), y = order(b); return x[0] - y[0] || x[1] - y[1]; });
  for (const r of layer) {
    const c = best[`${r.platform}:${n}`];
    const ort = ortOf(r.platform);
    lines.push(`| ${r.contender} | ${r.platform} | ${fmtMs(r.ms_median)} | ${fmt(r.gflops)} | ` +
      `${c ? fmt((100 * r.gflops) / c.gflops, 0) + ' %' : '–'} | ${ort ? fmt(ort.ms_median / r.ms_median, 2) : '–'} | ${fmtErr(r.max_rel_err)} |`);
  }
  for (const platform of ['native', 'wasm']) {
    const c = best[`${platform}:${n}`];
    if (c) lines.push(`| *ceiling: ${c.contender} sgemm (best at N = ${c.n}), ${fmt(c.gflops)} GFLOP/s* | ${platform} | ` +
      `${fmtMs(layerFlops(n) / (c.gflops * 1e6))} | ${fmt(c.gflops)} | 100 % | | |`);
  }
  return lines.join('\n');
}

function attentionTable(rows) {
  const att = rows.filter((r) => r.mode === 'attention');
  const names = [...new Set(att.map((r) => r.contender))];
  const sizes = [...new Set(att.map((r) => r.n))].sort((a, b) => a - b);
  const cell = (name, n, f) => { const r = att.find((x) => x.contender === name && x.n === n); return r ? f(r) : '–'; };
  const head = `| attention only | ${sizes.map((n) => `N = ${n}`).join(' | ')} |`;
  const sep = `|---|${sizes.map(() => '---:').join('|')}|`;
  const time = names.map((name) => `| ${name} | ${sizes.map((n) => cell(name, n, (r) => `${fmtMs(r.ms_median)} ms`)).join(' | ')} |`);
  const mem = names.filter((name) => !name.startsWith('onnx') && !name.startsWith('pytorch')).map((name) =>
    `| ${name} | ${sizes.map((n) => cell(name, n, (r) => `${fmt(r.peak_extra_mib)} MiB`)).join(' | ')} |`);
  return [head, sep, ...time, '', `| peak memory beyond Q, K, V (output included) | ${sizes.map((n) => `N = ${n}`).join(' | ')} |`,
    sep, ...mem].join('\n');
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

function targets(rows) {
  const find = (contender, mode, n) => rows.find((r) => r.contender === contender && r.mode === mode && r.n === n);
  const out = [];
  const check = (what, ok, detail) => out.push(`| ${what} | ${detail} | ${ok == null ? 'not measured' : ok ? 'met' : '**not met**'} |`);
  const ws = find('simd (wasm)', 'layer', 1024), wsc = find('scalar (wasm)', 'layer', 1024);
  check('WebAssembly simd ≥ 4× WebAssembly scalar at N = 1024', ws && wsc ? wsc.ms_median / ws.ms_median >= 4 : null,
    ws && wsc ? `${fmtMs(wsc.ms_median)} / ${fmtMs(ws.ms_median)} ms = ${fmt(wsc.ms_median / ws.ms_median, 2)}×` : '');
  const oursWasm = ['simd (wasm)', 'tiled (wasm)'].map((c) => find(c, 'layer', 1024)).filter(Boolean)
    .sort((a, b) => a.ms_median - b.ms_median)[0];
  const ortWeb = find('onnxruntime-web wasm', 'layer', 1024);
  check('our WebAssembly kernel ≥ 1.5× onnxruntime-web (wasm) at N = 1024', oursWasm && ortWeb ? ortWeb.ms_median / oursWasm.ms_median >= 1.5 : null,
    oursWasm && ortWeb ? `${fmtMs(ortWeb.ms_median)} / ${fmtMs(oursWasm.ms_median)} ms (${oursWasm.backend}) = ${fmt(ortWeb.ms_median / oursWasm.ms_median, 2)}×` : '');
  const oursNative = ['simd (native)', 'tiled (native)'].map((c) => find(c, 'layer', 1024)).filter(Boolean)
    .sort((a, b) => a.ms_median - b.ms_median)[0];
  const ortNode = find('onnxruntime-node cpu', 'layer', 1024);
  check('native at least as fast as onnxruntime-node (CPU) at N = 1024', oursNative && ortNode ? oursNative.ms_median <= ortNode.ms_median : null,
    oursNative && ortNode ? `${fmtMs(oursNative.ms_median)} ms (${oursNative.backend}) vs ${fmtMs(ortNode.ms_median)} ms = ${fmt(ortNode.ms_median / oursNative.ms_median, 2)}×` : '');
  for (const platform of ['native', 'wasm']) {
    const t = find(`tiled (${platform})`, 'attention', 16384);
    check(`tiled at N = 16384 (${platform === 'wasm' ? 'WebAssembly in node' : 'native'}): peak memory beyond Q, K, V < 64 MiB`,
      t ? t.peak_extra_mib < 64 : null, t ? `${fmt(t.peak_extra_mib)} MiB, ${fmtMs(t.ms_median)} ms for the 8 heads` : '');
  }
  return ['| target | measured in this run | |', '|---|---|---|', ...out].join('\n');
}

// =====================================================================================================
// [SECTION] plot
// =====================================================================================================
// Two log-log panels, hand-written SVG: time of the layer against N, peak memory of attention against N.

function svgPlot(rows) {
  const W = 1040, H = 430, panelW = 440, panelH = 330, top = 50, lefts = [70, 560];
  const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22',
    '#17becf', '#393b79', '#637939', '#8c6d31', '#843c39'];
  const panels = [
    { title: 'whole layer: time (ms) against N', mode: 'layer', value: (r) => r.ms_median },
    { title: 'attention alone: peak memory beyond Q, K, V (MiB)', mode: 'attention', value: (r) => Math.max(r.peak_extra_mib, 0.01),
      filter: (r) => !r.backend.startsWith('onnx') && !r.backend.startsWith('pytorch') },
  ];
  const names = [...new Set(rows.filter((r) => r.mode !== 'matmul').map((r) => r.contender))].sort();
  const backends = [...new Set(names.map((name) => name.replace(/ \((native|wasm)\)$/, '')))];
  const color = (name) => colors[backends.indexOf(name.replace(/ \((native|wasm)\)$/, '')) % colors.length];  // one per backend
  const dash = (name) => (name.includes('wasm') ? '6,3' : '');
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H + 40 + 16 * Math.ceil(names.length / 3)}" font-family="sans-serif" font-size="12">\n`;
  svg += `<rect width="100%" height="100%" fill="white"/>\n`;
  panels.forEach((p, k) => {
    const data = rows.filter((r) => r.mode === p.mode && (!p.filter || p.filter(r)));
    const xs = data.map((r) => r.n), ys = data.map(p.value);
    const x0 = Math.log10(Math.min(...xs)) - 0.1, x1 = Math.log10(Math.max(...xs)) + 0.1;
    const y0 = Math.floor(Math.log10(Math.min(...ys))), y1 = Math.ceil(Math.log10(Math.max(...ys)));
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
  return `${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}, ` +
    `onnxruntime-node ${v('onnxruntime-node')}, onnxruntime-web ${v('onnxruntime-web')}, PyTorch ${torch}; load average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`;
}

function results(rows, meta) {
  const isas = [...new Set(rows.filter((r) => r.isa).map((r) => `${r.backend} (${r.platform}): ${r.isa}`))].sort();
  return [`Measured ${meta.measured} UTC by \`node scripts/bench.mjs\` in ${meta.minutes} minutes; ${meta.machine}.`,
    '', '### Targets', '', targets(rows),
    '', '### The whole layer (projections, attention, W_O), median ms', '',
    ...SIZES.flatMap((n) => [layerTable(rows, n), '']),
    '### Attention alone (per-head attend on precomputed Q, K, V)', '', attentionTable(rows), '',
    '### The sgemm ceiling', '', sgemmTable(rows), '',
    '### Instruction sets reported by each backend', '', ...isas.map((s) => `- ${s}`), '',
    '![time and peak memory against N, log-log](benchmarks-scaling.svg)', ''].join('\n');
}

function writeDocs(rows, meta) {
  const file = path.join(root, 'docs/benchmarks.md');
  const begin = '<!-- results:begin (written by scripts/bench.mjs) -->', end = '<!-- results:end -->';
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# Benchmarks\n\n${begin}\n${end}\n`;
  if (!text.includes(begin)) text += `\n${begin}\n${end}\n`;
  text = text.slice(0, text.indexOf(begin) + begin.length) + '\n' + results(rows, meta) + text.slice(text.indexOf(end));
  fs.writeFileSync(file, text);
  fs.writeFileSync(path.join(root, 'docs/benchmarks-scaling.svg'), svgPlot(rows));
  fs.writeFileSync(path.join(root, 'docs/benchmarks-results.json'), JSON.stringify({ meta, rows }, null, 1) + '\n');
}

// =====================================================================================================
function main() {
  const fromJson = argValue('--from-json', null);  // re-render the docs from a run's saved results
  let rows = [], meta;
  if (fromJson) {
    ({ meta, rows } = JSON.parse(fs.readFileSync(fromJson, 'utf8')));
  } else {
    ensurePeers();
    if (!noBuild) build();
    else sh('/usr/bin/python3', ['scripts/bench/make_onnx.py', onnxDir, String(D_MODEL), String(HEADS)]);
    for (const n of SIZES)
      for (const job of plan(n)) rows.push(...run(job));
    meta = { measured: new Date().toISOString().slice(0, 16).replace('T', ' '), minutes: Math.round((Date.now() - started) / 60000),
             machine: machine() };
  }
  console.log(results(rows, meta));
  if (!quick) {
    writeDocs(rows, meta);
    log('wrote docs/benchmarks.md, docs/benchmarks-scaling.svg and docs/benchmarks-results.json');
  }
}

main();
