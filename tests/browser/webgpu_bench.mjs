// Times each WGSL kernel alone against the CPU backends of the page (WebAssembly, -msimd128) on the same
// random inputs, over N, and prints a Markdown table for docs/benchmarks.md. Not a test (node --test skips it):
//   AP_PAGE_DIR=build/web/page node tests/browser/webgpu_bench.mjs [N ...]
// In headless Chromium the WebGPU adapter is SwiftShader, which runs the shaders on the CPU: these numbers
// say how the kernels behave there, not what a GPU does.
import { openPlayground } from './harness.mjs';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const ns = sizes.length ? sizes : [64, 128, 256, 512, 1024];
const dK = Number(process.env.AP_BENCH_DK || 64);
const heads = Number(process.env.AP_BENCH_HEADS || 1);
const repeat = Number(process.env.AP_BENCH_REPEAT || 3);

const app = await openPlayground();
try {
  const { page } = app;
  await page.evaluate(() => window.playground.whenIdle());
  const status = await page.evaluate(() => window.playground.webgpuStatus());
  if (!status.available) throw new Error(status.message);
  const cpu = (await page.evaluate(() => window.playground.backends())).filter((b) => !['reference', 'webgpu'].includes(b));
  const preferred = ['simd', 'tiled'].filter((b) => cpu.includes(b));
  const cpuBackends = preferred.length ? preferred : cpu.filter((b) => b === 'eigen');
  const rows = [];
  for (const n of ns) {
    const r = await page.evaluate((o) => window.playground.benchWebGPU(o), { n, d_k: dK, heads, repeat, cpu_backends: cpuBackends });
    rows.push(...r);
    console.error(`N = ${n}: ${r.map((x) => `${x.kernel} ${x.ms_median.toFixed(2)} ms`).join(', ')}`);
  }
  const kernels = [...new Set(rows.map((r) => r.kernel))];
  console.log(`adapter: ${status.adapter}; d_k = d_v = ${dK}, ${heads} head(s), self-attention, no mask; median of ${repeat} runs (ms)\n`);
  console.log(`| N | ${kernels.join(' | ')} |`);
  console.log(`|---|${kernels.map(() => '---:').join('|')}|`);
  for (const n of ns) {
    const cells = kernels.map((k) => {
      const r = rows.find((x) => x.n === n && x.kernel === k);
      return r ? r.ms_median.toFixed(r.ms_median < 10 ? 2 : 1) : '';
    });
    console.log(`| ${n} | ${cells.join(' | ')} |`);
  }
} finally {
  await app.close();
}
