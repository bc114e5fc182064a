// Times onnxruntime on the benchmark's ONNX graphs (make_onnx.py), median of R runs after W, and prints one
// JSON line like `attention-cli bench` (wall-clock and the process's CPU time per run). Runtimes:
//   node: onnxruntime-node's CPU execution provider (native code), T intra-op threads;
//   web:  onnxruntime-web's WebAssembly backend (SIMD; numThreads = T: its own workers), loaded in node with a
//         plain require.
// Usage: node ort_bench.cjs RUNTIME MODEL.onnx N D_MODEL [--repeat R] [--warmup W] [--mode layer|attention|matmul]
//        [--threads T]
'use strict';
const fs = require('fs');
const path = require('path');

function rssMiB(key) {
  const line = fs.readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(key));
  return line ? parseInt(line.split(/\s+/)[1], 10) / 1024 : 0;
}

async function main() {
  const [runtime, model, nText, dText, ...rest] = process.argv.slice(2);
  const opt = { repeat: 5, warmup: 1, mode: 'layer', threads: 1 };
  for (let i = 0; i < rest.length; i += 2) opt[rest[i].replace(/^--/, '')] = rest[i + 1];
  const n = parseInt(nText, 10), d = parseInt(dText, 10);
  const repeat = parseInt(opt.repeat, 10), warmup = parseInt(opt.warmup, 10), threads = parseInt(opt.threads, 10);
  fs.writeFileSync('/proc/self/clear_refs', '5');
  const before = rssMiB('VmRSS:');

  let ort, options;
  if (runtime === 'node') {
    ort = require('onnxruntime-node');
    options = { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1,
                executionMode: 'sequential', graphOptimizationLevel: 'all' };
  } else {
    ort = require('onnxruntime-web');
    ort.env.wasm.numThreads = threads;
    ort.env.wasm.proxy = false;
    options = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
  }
  const session = await ort.InferenceSession.create(fs.readFileSync(model), options);

  // inputs: N × d_model random normals (Box–Muller), one per graph input
  let seed = 12345;
  const uniform = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return (seed + 1) / 2147483649; };
  const feeds = {};
  for (const name of session.inputNames) {
    const data = new Float32Array(n * d);
    for (let i = 0; i < data.length; ++i) data[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    feeds[name] = new ort.Tensor('float32', data, [n, d]);
  }
  for (let w = 0; w < warmup; ++w) await session.run(feeds);
  const ms = [], cpu = [];
  for (let r = 0; r < repeat; ++r) {
    const c0 = process.cpuUsage(), t0 = process.hrtime.bigint();
    await session.run(feeds);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e3);
  }
  const runs = [...ms], cpuRuns = [...cpu];
  ms.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)];
  const flops = { layer: 8 * n * d * d + 4 * n * n * d, attention: 4 * n * n * d, matmul: 2 * n * d * d }[opt.mode];
  console.log(JSON.stringify({
    backend: runtime === 'node' ? 'onnxruntime-node cpu' : 'onnxruntime-web wasm', n, d_model: d, mode: opt.mode, threads,
    ms_median: median, cpu_ms_median: cpu[Math.floor(cpu.length / 2)], ms_runs: runs, cpu_ms_runs: cpuRuns, gflops: flops / (median * 1e6), max_rel_err: null,
    peak_extra_mib: rssMiB('VmHWM:') - before, model: path.basename(model),
  }));
}

main().catch((e) => { console.error(`ort_bench: ${e && e.message ? e.message : e}`); process.exit(2); });
