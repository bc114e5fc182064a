// Benchmark: the whole layer (projections, attention, W_O) on random inputs, one thread, median of R runs.
#include "cli/bench.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <ostream>
#include <random>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/pipeline.hpp"
#include "kernels/registry.hpp"

namespace ap::cli {

namespace {

constexpr int max_bench_tokens = 65536;
constexpr int reference_affordable_tokens = 1024;  // the double reference above this takes minutes

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

// Normwise relative error: max |a − r| / max |r|.
double max_rel_err(const core::Matrix& a, const core::Matrix& r) {
  const double scale = std::max(r.cwiseAbs().maxCoeff(), 1e-300);
  return (a - r).cwiseAbs().maxCoeff() / scale;
}

}  // namespace

void run_bench(const BenchOptions& o, std::ostream& out) {
  if (o.n < 1 || o.n > max_bench_tokens) throw core::InputError("--n", "expected 1 to " + std::to_string(max_bench_tokens));
  if (o.d_model < 1 || o.d_model > 4096) throw core::InputError("--d-model", "expected 1 to 4096");
  if (o.heads < 1 || o.d_model % o.heads != 0) throw core::InputError("--heads", "expected a divisor of --d-model");
  if (o.repeat < 1 || o.repeat > 1000) throw core::InputError("--repeat", "expected 1 to 1000");
  std::vector<std::string> names = o.backends.empty() ? kernels::backend_names() : o.backends;
  for (const auto& name : names)
    if (!kernels::has_backend(name)) throw core::InputError("--backends", "unknown backend \"" + name + "\"");

  const core::Scenario s = random_scenario(o);
  const core::TraceOptions options{false};
  std::optional<core::Matrix> reference;
  if (o.n <= reference_affordable_tokens) reference = kernels::run_backend("reference", s, options).output;

  const double d = o.d_model, n = o.n;
  const double flops = 8 * n * d * d + 4 * n * n * d;  // Q, K, V, W_O projections + scores + weights·V
  for (const auto& name : names) {
    std::vector<double> ms;
    core::Trace last;
    for (int r = 0; r < o.repeat; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      last = kernels::run_backend(name, s, options);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    const double median = ms[ms.size() / 2];
    nlohmann::json line = {{"backend", name},
                           {"n", o.n},
                           {"d_model", o.d_model},
                           {"heads", o.heads},
                           {"ms_median", median},
                           {"gflops", flops / (median * 1e6)},
                           {"max_rel_err", reference ? nlohmann::json(max_rel_err(last.output, *reference)) : nlohmann::json()}};
    out << line.dump() << std::endl;
  }
}

}  // namespace ap::cli
