// The kernels' threads: the pool runs every task exactly once (a pool of one runs them on the caller), and the
// threaded simd and tiled kernels give the same result as their one-thread selves. Tolerance: none. Every value
// equal (NaN where the other has NaN), on odd sizes with every mask kind, the SPEC §1b variants, cross-attention,
// the page's row blocks and the sgemm's row blocks, since a task computes its rows the same way on any thread and
// in any block. Also: a kernel keeps a head's packed K/V only when told they are unchanged and they match.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "core/trace_job.hpp"
#include "kernels/registry.hpp"
#include "kernels/sgemm.hpp"
#include "kernels/thread_pool.hpp"
#include "support/numeric.hpp"
#include "support/random_scenario.hpp"

namespace {

using ap::core::Matrix;
using ap::core::Scenario;

// Equal entry by entry; NaN matches NaN (an undefined row is NaN on every thread count).
bool same_values(const Matrix& a, const Matrix& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    const double x = a.data()[i], y = b.data()[i];
    if (!(x == y) && !(std::isnan(x) && std::isnan(y))) return false;
  }
  return true;
}

void check_same_trace(const ap::core::Trace& t, const ap::core::Trace& one) {
  CHECK(same_values(t.output, one.output));
  CHECK(same_values(t.concat, one.concat));
  REQUIRE(t.heads.size() == one.heads.size());
  for (std::size_t h = 0; h < t.heads.size(); ++h) {
    INFO("head " << h);
    CHECK(same_values(t.heads[h].scores, one.heads[h].scores));
    CHECK(same_values(t.heads[h].weights, one.heads[h].weights));
    CHECK(same_values(t.heads[h].output, one.heads[h].output));
  }
  CHECK(t.empty_rows == one.empty_rows);
  CHECK(t.nonfinite.size() == one.nonfinite.size());
}

ap::core::Trace run_in_steps(const Scenario& s, ap::core::Kernel<float>& kernel, long long work_per_step) {
  ap::core::JobOptions o;
  o.work_per_step = work_per_step;
  ap::core::TraceJob<float> job(s, kernel, o);
  while (!job.step()) {}
  return job.take();
}

// Odd shapes; one in three with variants (GQA, ALiBi, softcap, sinks, a finite fill, a precision).
Scenario threads_scenario(std::mt19937& rng, int trial) {
  ap::test::Shape shape;
  const int sizes[][4] = {{97, 0, 17, 9}, {130, 301, 7, 33}, {257, 0, 33, 17}, {61, 45, 5, 3}, {200, 0, 16, 16}};
  const auto& size = sizes[trial % 5];
  shape.n = size[0];
  shape.m = size[1];
  shape.d_model = 12;
  shape.heads = trial % 3 == 0 ? 4 : 2;
  shape.d_k = size[2];
  shape.d_v = size[3];
  Scenario s = ap::test::random_scenario(rng, shape);
  const auto kinds = ap::test::all_mask_kinds();
  s.mask = ap::test::random_mask(rng, kinds[static_cast<std::size_t>(trial) % kinds.size()], s.n(), s.m());
  s.positional = ap::test::random_positional(rng, s);
  if (trial % 3 == 1) {
    s.variants.kv_heads = 1;
    s.w_k = ap::test::random_matrix(rng, 12, s.d_k, 0.3);
    s.w_v = ap::test::random_matrix(rng, 12, s.d_v, 0.3);
    s.b_k = ap::test::random_row(rng, s.d_k, 0.1);
    s.b_v = ap::test::random_row(rng, s.d_v, 0.1);
    s.variants.alibi = true;
    s.variants.softcap = 2.0;
    s.variants.sinks = ap::test::random_row(rng, s.heads, 1.0);
    s.variants.mask_fill = trial % 2 == 0 ? -1e9 : -2.0;
    s.variants.precision = std::array<ap::core::Precision, 3>{ap::core::Precision::fp32, ap::core::Precision::fp16,
                                                              ap::core::Precision::bf16}[static_cast<std::size_t>(trial / 3) % 3];
  }
  ap::core::validate_scenario(s);
  return s;
}

}  // namespace

TEST_CASE("threads: the pool runs every task once; a pool of one runs them on the caller") {
  for (int threads : {1, 3}) {
    ap::kernels::ThreadPool pool(threads);
    CHECK(pool.threads() == threads);
    for (int tasks : {0, 1, 2, 7, 100}) {
      std::vector<std::atomic<int>> runs(static_cast<std::size_t>(tasks));
      std::atomic<bool> thread_in_range{true}, on_caller{true};
      const std::thread::id caller = std::this_thread::get_id();
      for (int round = 0; round < 3; ++round)
        pool.run(tasks, [&](int task, int thread) {
          runs[static_cast<std::size_t>(task)].fetch_add(1);
          if (thread < 0 || thread >= threads) thread_in_range = false;
          if (std::this_thread::get_id() != caller) on_caller = false;
        });
      INFO(threads << " threads, " << tasks << " tasks");
      for (const auto& r : runs) CHECK(r.load() == 3);
      CHECK(thread_in_range);
      if (threads == 1) CHECK(on_caller);  // no thread of its own
    }
  }
}

TEST_CASE("threads: simd and tiled give the same values on 1 and 3 threads, whole heads and row blocks") {
  std::mt19937 rng(3131);
  for (int trial = 0; trial < 15; ++trial) {
    const Scenario s = threads_scenario(rng, trial);
    for (const std::string backend : {"simd", "tiled"}) {
      INFO(backend << ", trial " << trial << ": N " << s.n() << ", M " << s.m() << ", heads " << s.heads << ", kv_heads "
                   << s.kv_heads() << ", d_k " << s.d_k << ", d_v " << s.d_v << ", mask "
                   << ap::test::mask_kind_name(ap::test::all_mask_kinds()[static_cast<std::size_t>(trial) % 7])
                   << (s.variants.precision ? ", variants" : ""));
      auto one = ap::kernels::make_float_kernel(backend, 1);
      auto three = ap::kernels::make_float_kernel(backend, 3);
      const ap::core::Trace reference = ap::core::compute_trace<float>(s, *one);
      check_same_trace(ap::core::compute_trace<float>(s, *three), reference);
      // the page's path: blocks of a few rows, K/V kept across the blocks of a head (and across GQA's heads)
      check_same_trace(run_in_steps(s, *three, 2000), reference);
      check_same_trace(run_in_steps(s, *one, 700), reference);
      // the lean path (benchmarks): no matrices recorded
      const ap::core::Trace lean = ap::core::compute_trace<float>(s, *three, ap::core::TraceOptions{false});
      CHECK(same_values(lean.output, reference.output));
    }
  }
}

TEST_CASE("threads: the sgemm gives the same values on 1 and 3 threads, across its row and column blocks") {
  std::mt19937 rng(3232);
  struct Shape { int rows, inner, cols; };
  for (const Shape& shape : {Shape{1, 1, 1}, Shape{97, 300, 45}, Shape{257, 513, 66}, Shape{1000, 64, 31}}) {
    const Matrix a = ap::test::random_matrix(rng, shape.rows, shape.inner, 1.0);
    const Matrix b = ap::test::random_matrix(rng, shape.inner, shape.cols, 1.0);
    const ap::core::MatrixF af = a.cast<float>(), bf = b.cast<float>();
    ap::core::MatrixF c1(shape.rows, shape.cols), c3(shape.rows, shape.cols);
    ap::kernels::ThreadPool one(1), three(3);
    ap::kernels::gemm::Sgemm g1, g3;
    g1.run(shape.rows, shape.inner, shape.cols, af.data(), shape.inner, bf.data(), shape.cols, false, c1.data(), shape.cols, one);
    g3.run(shape.rows, shape.inner, shape.cols, af.data(), shape.inner, bf.data(), shape.cols, false, c3.data(), shape.cols, three);
    INFO(shape.rows << " x " << shape.inner << " x " << shape.cols);
    CHECK(same_values(c3.cast<double>(), c1.cast<double>()));
    CHECK(ap::test::rel_err(c1.cast<double>(), af.cast<double>() * bf.cast<double>()) <= 1e-5);
  }
}

TEST_CASE("threads: packed K/V are kept only when the caller says they are unchanged and they match") {
  std::mt19937 rng(3333);
  const int n = 40, m = 70, d = 9;
  ap::core::MatrixF q = ap::test::random_matrix(rng, n, d, 1.0).cast<float>();
  ap::core::MatrixF k = ap::test::random_matrix(rng, m, d, 1.0).cast<float>();
  ap::core::MatrixF v = ap::test::random_matrix(rng, m, d, 1.0).cast<float>();
  const ap::core::MaskSpec no_mask;
  const ap::core::MaskRule mask(no_mask, n, m);
  const auto attend = [&](ap::core::Kernel<float>& kernel, const ap::core::MatrixF& keys, bool unchanged) {
    ap::core::MatrixF out(n, d);
    ap::core::HeadProblem<float> p{.n = n, .m = m, .d_k = d, .d_v = d, .q = q.data(), .q_stride = d,
                                   .k = keys.data(), .k_stride = d, .v = v.data(), .v_stride = d, .scale = 0.3f,
                                   .mask = &mask, .out = out.data(), .out_stride = d};
    p.kv_unchanged = unchanged;
    kernel.attend(p);
    return out;
  };
  for (const std::string backend : {"simd", "tiled"}) {
    INFO(backend);
    auto kernel = ap::kernels::make_float_kernel(backend, 2);
    auto fresh = ap::kernels::make_float_kernel(backend, 1);
    const ap::core::MatrixF first = attend(*kernel, k, false);
    CHECK(attend(*kernel, k, true) == first);  // kept, and right
    const ap::core::MatrixF other_keys = ap::test::random_matrix(rng, m, d, 1.0).cast<float>();
    const ap::core::MatrixF other = attend(*fresh, other_keys, false);
    CHECK(attend(*kernel, other_keys, true) == other);  // "unchanged", but other keys: packed again
    ap::core::MatrixF keys = k;
    CHECK(attend(*kernel, keys, false) == first);
    const float* buffer = keys.data();
    keys = other_keys;                                // new contents in the same buffer
    REQUIRE(keys.data() == buffer);
    CHECK(attend(*kernel, keys, false) == other);    // not "unchanged": packed again
  }
}
