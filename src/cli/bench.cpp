// Benchmark: the median of R timed runs after W untimed ones, the backends' runs interleaved (A B A B …, so that
// a change in the machine's load hits all of them), one kernel object per backend reused across runs (its buffers
// and threads are made once; `--threads T`: simd and tiled use T threads, the others one). Three modes:
//   layer (default): the whole layer (projections, attention, W_O) through the pipeline on a random scenario;
//   --attention-only: per-head attend on precomputed random Q, K, V (N × d_model each), nothing else;
//   --matmul-only: one projection's product (N × d_model · d_model × d_model) through Kernel::matmul.
// Each line also reports the peak memory the backend needed beyond what was allocated before it ran.
//
// [SECTION] layer mode
// [SECTION] attention-only mode
// [SECTION] matmul-only mode
#include "cli/bench.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/cpu_clock.hpp"
#include "cli/memory_probe.hpp"
#include "core/error.hpp"
#include "core/pipeline.hpp"
#include "core/reference_kernel.hpp"
#include "io/user_text.hpp"
#include "kernels/registry.hpp"

namespace ap::cli {

namespace {

constexpr int max_bench_tokens = 65536;
constexpr int max_bench_threads = AP_BENCH_MAX_THREADS;  // src/CMakeLists.txt: 64 natively, 1 or the pool's in node
constexpr int reference_affordable_tokens = 1024;  // the double reference above this takes minutes
constexpr int reference_max_tokens = 8192;         // and above this, tens of minutes to hours (its memory is O(N))

// One backend under test: `run` does one whole measured unit of work (the kernel object inside persists).
struct Candidate {
  std::string name;
  std::function<void()> run;
  double peak_mib = 0;
};

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Timing {
  double ms = 0;      // median wall-clock time of a run
  double cpu_ms = 0;  // median CPU time of a run, every thread of the process together
  std::vector<double> ms_runs, cpu_ms_runs;  // every timed run, in order
};

// Phase 1, memory: each candidate runs once (its first run: buffers allocated) under return_freed_memory,
// its peak measured alone. Phase 2, time: the remaining warm-up runs, then the timed runs, round by round, each
// round running every candidate once, under keep_freed_memory; with --warmup 0 the first run is one of the timed
// ones (for the slowest cases). Returns the medians.
std::vector<Timing> measure(const BenchOptions& o, std::vector<Candidate>& candidates) {
  const std::size_t count = candidates.size();
  std::vector<std::vector<double>> ms(count), cpu_ms(count);
  const auto timed = [&](std::size_t b) {
    const double cpu0 = process_cpu_ms();
    const auto t0 = std::chrono::steady_clock::now();
    candidates[b].run();
    ms[b].push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    cpu_ms[b].push_back(process_cpu_ms() - cpu0);
  };
  return_freed_memory();
  for (std::size_t b = 0; b < count; ++b) {
    const PeakMemory memory;
    timed(b);
    candidates[b].peak_mib = memory.extra_mib();
    if (o.warmup > 0) {  // the memory run was the first warm-up
      ms[b].clear();
      cpu_ms[b].clear();
    }
  }
  keep_freed_memory();
  for (int w = 1; w < o.warmup; ++w)
    for (auto& c : candidates) c.run();
  for (int r = o.warmup == 0 ? 1 : 0; r < o.repeat; ++r)
    for (std::size_t b = 0; b < count; ++b) timed(b);
  std::vector<Timing> medians;
  for (std::size_t b = 0; b < count; ++b) medians.push_back({median_of(ms[b]), median_of(cpu_ms[b]), ms[b], cpu_ms[b]});
  return medians;
}

// Normwise relative error: max |a − r| / max |r|.
double max_rel_err(const core::Matrix& a, const core::Matrix& r) {
  const double scale = std::max(r.cwiseAbs().maxCoeff(), 1e-300);
  return (a - r).cwiseAbs().maxCoeff() / scale;
}

nlohmann::json result_line(const BenchOptions& o, const std::string& name, const char* mode, const Timing& median,
                           double flops, std::optional<double> err, double peak_mib) {
  return {{"backend", name},
          {"n", o.n},
          {"d_model", o.d_model},
          {"heads", o.heads},
          {"mode", mode},
          {"threads", kernels::uses_threads(name) ? o.threads : 1},
          {"ms_median", median.ms},
          {"cpu_ms_median", median.cpu_ms},
          {"ms_runs", median.ms_runs},
          {"cpu_ms_runs", median.cpu_ms_runs},
          {"gflops", flops / (median.ms * 1e6)},
          {"max_rel_err", err ? nlohmann::json(*err) : nlohmann::json()},
          {"peak_extra_mib", peak_mib},
          {"isa", kernels::instruction_set(name)}};
}

// =====================================================================================================
// [SECTION] layer mode
// =====================================================================================================

core::Scenario random_scenario(const BenchOptions& o) {
  std::mt19937 rng(o.seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  const auto random = [&](int rows, int cols, double scale) {
    core::Matrix m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = scale * normal(rng);
    return m;
  };
  core::Scenario s = core::make_scenario(random(o.n, o.d_model, 1.0), o.heads);
  const double w = 1.0 / std::sqrt(static_cast<double>(o.d_model));
  s.w_q = random(o.d_model, o.d_model, w);
  s.w_k = random(o.d_model, o.d_model, w);
  s.w_v = random(o.d_model, o.d_model, w);
  s.w_o = random(o.d_model, o.d_model, w);
  return s;
}

void bench_layer(const BenchOptions& o, const std::vector<std::string>& names, std::ostream& out) {
  const core::Scenario s = random_scenario(o);
  const core::TraceOptions options{false};
  std::optional<core::Matrix> reference;
  if (o.n <= reference_affordable_tokens) reference = kernels::run_backend("reference", s, options).output;

  const double d = o.d_model, n = o.n;
  const double flops = 8 * n * d * d + 4 * n * n * d;  // Q, K, V, W_O projections + scores + weights·V
  std::vector<core::Matrix> outputs(names.size());
  std::vector<Candidate> candidates;
  for (std::size_t b = 0; b < names.size(); ++b) {
    core::Matrix& output = outputs[b];
    if (names[b] == "reference") {
      auto kernel = std::make_shared<core::ReferenceKernel>();
      candidates.push_back({names[b], [&s, &options, &output, kernel] {
                              output = core::compute_trace<double>(s, *kernel, options).output;
                            }});
    } else {
      std::shared_ptr<core::Kernel<float>> kernel = kernels::make_float_kernel(names[b], o.threads);
      candidates.push_back({names[b], [&s, &options, &output, kernel] {
                              output = core::compute_trace<float>(s, *kernel, options).output;
                            }});
    }
  }
  const std::vector<Timing> medians = measure(o, candidates);
  for (std::size_t b = 0; b < names.size(); ++b) {
    std::optional<double> err;
    if (reference) err = max_rel_err(outputs[b], *reference);
    out << result_line(o, names[b], "layer", medians[b], flops, err, candidates[b].peak_mib).dump() << std::endl;
  }
}

// =====================================================================================================
// [SECTION] attention-only mode
// =====================================================================================================

// q, k, v: N × d_model row-major; head h's columns [h·d_k, (h+1)·d_k), as the pipeline lays them out.
template <class T>
core::HeadProblem<T> head_problem(const T* q, const T* k, const T* v, T* out, int n, int d_model, int heads, int h,
                                  const core::MaskRule& mask) {
  const int dk = d_model / heads;
  core::HeadProblem<T> p;
  p.n = n; p.m = n; p.d_k = dk; p.d_v = dk;
  p.q = q + static_cast<std::size_t>(h) * dk; p.q_stride = d_model;
  p.k = k + static_cast<std::size_t>(h) * dk; p.k_stride = d_model;
  p.v = v + static_cast<std::size_t>(h) * dk; p.v_stride = d_model;
  p.scale = static_cast<T>(1.0 / std::sqrt(static_cast<double>(dk)));
  p.mask = &mask;
  p.out = out + static_cast<std::size_t>(h) * dk; p.out_stride = d_model;
  return p;
}

void bench_attention(const BenchOptions& o, const std::vector<std::string>& names, std::ostream& out) {
  // inputs made in place, in float, with no temporary larger than them (the memory figures start here)
  const std::size_t size = static_cast<std::size_t>(o.n) * o.d_model;
  std::vector<float> q(size), k(size), v(size);
  std::mt19937 rng(o.seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (auto* m : {&q, &k, &v})
    for (float& x : *m) x = normal(rng);
  const core::MaskSpec no_mask;
  const core::MaskRule mask(no_mask, o.n, o.n);

  const double n = o.n, d = o.d_model;
  const double flops = 4 * n * n * d;  // scores + weights·V over all heads
  std::vector<std::string> timed;
  for (const auto& name : names)
    if (name != "reference") timed.push_back(name);  // the reference is only the yardstick here (below)
  std::vector<std::vector<float>> results(timed.size());
  std::vector<Candidate> candidates;
  for (std::size_t b = 0; b < timed.size(); ++b) {
    std::shared_ptr<core::Kernel<float>> kernel = kernels::make_float_kernel(timed[b], o.threads);
    std::vector<float>& result = results[b];
    candidates.push_back({timed[b], [&, kernel, size] {
                            result.resize(size);  // allocated in the first (measured) run: the output counts
                            for (int h = 0; h < o.heads; ++h)
                              kernel->attend(head_problem(q.data(), k.data(), v.data(), result.data(), o.n,
                                                          o.d_model, o.heads, h, mask));
                          }});
  }
  const std::vector<Timing> medians = measure(o, candidates);

  // the double reference after the timed backends, so its N × N matrices are no part of their memory figures
  std::optional<core::Matrix> reference;
  if (o.n <= reference_affordable_tokens) {
    const Eigen::Map<const core::MatrixF> qf(q.data(), o.n, o.d_model), kf(k.data(), o.n, o.d_model),
        vf(v.data(), o.n, o.d_model);
    const core::Matrix qd = qf.cast<double>(), kd = kf.cast<double>(), vd = vf.cast<double>();
    core::Matrix r(o.n, o.d_model);
    core::ReferenceKernel kernel;
    for (int h = 0; h < o.heads; ++h)
      kernel.attend(head_problem(qd.data(), kd.data(), vd.data(), r.data(), o.n, o.d_model, o.heads, h, mask));
    reference = std::move(r);
  }
  for (std::size_t b = 0; b < timed.size(); ++b) {
    std::optional<double> err;
    if (reference)
      err = max_rel_err(Eigen::Map<const core::MatrixF>(results[b].data(), o.n, o.d_model).cast<double>(), *reference);
    out << result_line(o, timed[b], "attention", medians[b], flops, err, candidates[b].peak_mib).dump() << std::endl;
  }
}

// =====================================================================================================
// [SECTION] matmul-only mode
// =====================================================================================================

// One projection's product, N × d_model · d_model × d_model, through each float kernel's matmul: the sgemm
// ceiling the layer's projections (half its FLOPs at N = 1024) can reach on this build.
void bench_matmul(const BenchOptions& o, const std::vector<std::string>& names, std::ostream& out) {
  const std::size_t size = static_cast<std::size_t>(o.n) * o.d_model;
  std::vector<float> x(size), w(static_cast<std::size_t>(o.d_model) * o.d_model);
  std::mt19937 rng(o.seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (float& e : x) e = normal(rng);
  for (float& e : w) e = normal(rng) / std::sqrt(static_cast<float>(o.d_model));
  std::vector<std::string> timed;
  for (const auto& name : names)
    if (name != "reference") timed.push_back(name);
  std::vector<std::vector<float>> results(timed.size());
  std::vector<Candidate> candidates;
  for (std::size_t b = 0; b < timed.size(); ++b) {
    std::shared_ptr<core::Kernel<float>> kernel = kernels::make_float_kernel(timed[b], o.threads);
    std::vector<float>& result = results[b];
    candidates.push_back({timed[b], [&, kernel, size] {
                            result.resize(size);
                            kernel->matmul(x.data(), w.data(), result.data(), o.n, o.d_model, o.d_model);
                          }});
  }
  const std::vector<Timing> medians = measure(o, candidates);
  const double flops = 2.0 * o.n * o.d_model * o.d_model;
  // error against a double product of the same floats, where that is affordable
  std::optional<core::Matrix> reference;
  if (o.n <= 4096) {
    const Eigen::Map<const core::MatrixF> xf(x.data(), o.n, o.d_model), wf(w.data(), o.d_model, o.d_model);
    reference = xf.cast<double>() * wf.cast<double>();
  }
  for (std::size_t b = 0; b < timed.size(); ++b) {
    std::optional<double> err;
    if (reference)
      err = max_rel_err(Eigen::Map<const core::MatrixF>(results[b].data(), o.n, o.d_model).cast<double>(), *reference);
    out << result_line(o, timed[b], "matmul", medians[b], flops, err, candidates[b].peak_mib).dump() << std::endl;
  }
}

}  // namespace

void run_bench(const BenchOptions& o, std::ostream& out) {
  if (o.n < 1 || o.n > max_bench_tokens) throw core::InputError("--n", "expected 1 to " + std::to_string(max_bench_tokens));
  if (o.d_model < 1 || o.d_model > 4096) throw core::InputError("--d-model", "expected 1 to 4096");
  if (o.heads < 1 || o.d_model % o.heads != 0) throw core::InputError("--heads", "expected a divisor of --d-model");
  if (o.repeat < 1 || o.repeat > 1000) throw core::InputError("--repeat", "expected 1 to 1000");
  if (o.warmup < 0 || o.warmup > 100) throw core::InputError("--warmup", "expected 0 to 100");
  if (o.threads < 1 || o.threads > max_bench_threads)
    throw core::InputError("--threads", "expected 1 to " + std::to_string(max_bench_threads));
  std::vector<std::string> names = o.backends.empty() ? kernels::backend_names() : o.backends;
  if (o.backends.empty() && o.n > reference_affordable_tokens) std::erase(names, std::string("reference"));
  for (const auto& name : names)
    if (!kernels::has_backend(name)) throw core::InputError("--backends", "unknown backend " + io::quote_user_text(name));
  if (o.n > reference_max_tokens && std::find(names.begin(), names.end(), "reference") != names.end())
    throw core::InputError("--backends", "the reference backend (plain loops in double) is benchmarked up to --n " +
                                             std::to_string(reference_max_tokens) + "; at " + std::to_string(o.n) +
                                             " tokens it would run for hours (leave it out of --backends)");

  if (o.attention_only && o.matmul_only)
    throw core::InputError("--matmul-only", "cannot be combined with --attention-only");
  if (o.matmul_only)
    bench_matmul(o, names, out);
  else if (o.attention_only)
    bench_attention(o, names, out);
  else
    bench_layer(o, names, out);
}

}  // namespace ap::cli
