// The layer in steps (core/trace_job.hpp) gives the trace compute_trace gives, on every backend, in blocks of a
// few rows (masks and cross-attention included); recording only some heads leaves the others' matrices out but
// keeps their outputs, diagnostics and a max-pooled overview of their weights.
#include <catch2/catch.hpp>

#include "core/diagnostics.hpp"
#include "core/trace_job.hpp"
#include "kernels/registry.hpp"
#include "support/numeric.hpp"
#include "support/random_scenario.hpp"

namespace {

template <class T>
ap::core::Trace run_job(const ap::core::Scenario& s, ap::core::Kernel<T>& kernel, ap::core::JobOptions o) {
  ap::core::TraceJob<T> job(s, kernel, std::move(o));
  int steps = 0;
  double last = 0;
  while (!job.step()) {
    ++steps;
    REQUIRE(job.progress() >= last);  // progress only grows
    last = job.progress();
    REQUIRE(steps < 100000);
  }
  CHECK(job.done());
  CHECK(job.progress() == 1.0);
  return job.take();
}

}  // namespace

TEST_CASE("trace job: block by block equals the whole computation, every backend and mask kind") {
  std::mt19937 rng(1717);
  for (auto kind : ap::test::all_mask_kinds())
    for (int trial = 0; trial < 3; ++trial) {
      ap::core::Scenario s = ap::test::random_scenario(rng, ap::test::random_shape(rng, trial == 1));
      s.mask = ap::test::random_mask(rng, kind, s.n(), s.m());
      s.positional = ap::test::random_positional(rng, s);
      ap::core::validate_scenario(s);
      ap::core::JobOptions small_steps;
      small_steps.work_per_step = 64;  // blocks of the minimum height: every block boundary is exercised
      for (const auto& backend : ap::kernels::backend_names()) {
        INFO(backend << ", mask " << ap::test::mask_kind_name(kind) << ", N " << s.n() << ", M " << s.m());
        const ap::core::Trace whole = ap::kernels::run_backend(backend, s);
        ap::core::Trace stepped;
        if (backend == "reference") {
          ap::core::ReferenceKernel k;
          stepped = run_job<double>(s, k, small_steps);
        } else {
          auto k = ap::kernels::make_float_kernel(backend);
          stepped = run_job<float>(s, *k, small_steps);
        }
        // The reference is row by row, so blocks change nothing; the float kernels tile rows, within 1e-6.
        const double tol = backend == "reference" ? 0.0 : 1e-6;
        CHECK(ap::test::rel_err(stepped.output, whole.output) <= tol);
        REQUIRE(stepped.heads.size() == whole.heads.size());
        for (std::size_t h = 0; h < whole.heads.size(); ++h) {
          CHECK(ap::test::rel_err(stepped.heads[h].weights, whole.heads[h].weights) <= tol);
          CHECK(ap::test::rel_err(stepped.heads[h].scores, whole.heads[h].scores) <= tol);
          CHECK(ap::test::rel_err(stepped.heads[h].scaled, whole.heads[h].scaled) <= tol);
          CHECK(ap::test::rel_err(stepped.heads[h].output, whole.heads[h].output) <= tol);
          const auto& a = stepped.heads[h].diagnostics, &b = whole.heads[h].diagnostics;
          for (std::size_t i = 0; i < b.entropy.size(); ++i) {
            CHECK(a.entropy[i] == Approx(b.entropy[i]).margin(1e-9));
            CHECK(a.max_weight[i] == Approx(b.max_weight[i]).margin(1e-12));
            CHECK(a.scaled_variance[i] == Approx(b.scaled_variance[i]).margin(1e-9));
            CHECK(a.jacobian_norm[i] == Approx(b.jacobian_norm[i]).margin(1e-9));
          }
        }
        CHECK(stepped.empty_rows == whole.empty_rows);
        CHECK(stepped.allowed == whole.allowed);
      }
    }
}

TEST_CASE("trace job: only the shown heads keep their N × M matrices; the others keep an honest overview") {
  std::mt19937 rng(4242);
  ap::core::Scenario s = ap::test::random_scenario(rng, ap::test::Shape{37, 0, 12, 3, 4, 5});
  s.mask.causal = ap::core::CausalAlign::top_left;
  ap::core::validate_scenario(s);
  const ap::core::Trace whole = ap::kernels::run_backend("reference", s);
  ap::core::ReferenceKernel k;
  ap::core::JobOptions o;
  o.record_all_heads = false;
  o.recorded_heads = {1};
  o.overview_side = 8;  // 37 keys → pools of 5
  const long long whole_blocks = o.work_per_step, small_blocks = 64;  // small: pooled bands cross blocks of 8 rows
  for (const long long work : {whole_blocks, small_blocks}) {
    o.work_per_step = work;
    const ap::core::Trace t = run_job<double>(s, k, o);
    CHECK(t.output == whole.output);
    for (int h = 0; h < 3; ++h) {
      const auto& got = t.heads[static_cast<std::size_t>(h)];
      const auto& want = whole.heads[static_cast<std::size_t>(h)];
      CHECK(got.output == want.output);
      CHECK(got.q == want.q);
      CHECK(got.diagnostics.entropy == want.diagnostics.entropy);
      if (h == 1) {
        CHECK(got.weights == want.weights);
        CHECK(got.weights_overview.size() == 0);
        continue;
      }
      CHECK(got.weights.size() == 0);
      CHECK(got.scores.size() == 0);
      REQUIRE(got.overview_pool == 5);
      REQUIRE(got.weights_overview.rows() == 8);
      REQUIRE(got.weights_overview.cols() == 8);
      for (int a = 0; a < 8; ++a)  // each pooled cell is the largest weight of its block
        for (int b = 0; b < 8; ++b) {
          double top = 0;
          for (int i = a * 5; i < std::min(37, a * 5 + 5); ++i)
            for (int j = b * 5; j < std::min(37, b * 5 + 5); ++j) top = std::max(top, want.weights(i, j));
          CHECK(got.weights_overview(a, b) == top);
        }
    }
  }
}

namespace {

// Every field of two traces alike, bit for bit.
void check_same_trace(const ap::core::Trace& a, const ap::core::Trace& b) {
  CHECK(a.x_in == b.x_in);
  CHECK(a.concat == b.concat);
  CHECK(a.output == b.output);
  CHECK(a.allowed == b.allowed);
  CHECK(a.empty_rows == b.empty_rows);
  CHECK(a.nonfinite.size() == b.nonfinite.size());
  REQUIRE(a.heads.size() == b.heads.size());
  for (std::size_t h = 0; h < a.heads.size(); ++h) {
    INFO("head " << h);
    const auto &x = a.heads[h], &y = b.heads[h];
    CHECK(x.q == y.q);
    CHECK(x.k == y.k);
    CHECK(x.v == y.v);
    CHECK(x.output == y.output);
    CHECK(x.scores == y.scores);
    CHECK(x.scaled == y.scaled);
    CHECK(x.weights == y.weights);
    CHECK(x.weights_overview == y.weights_overview);
    CHECK(x.overview_pool == y.overview_pool);
    CHECK(x.diagnostics.entropy == y.diagnostics.entropy);
    CHECK(x.diagnostics.jacobian_norm == y.diagnostics.jacobian_norm);
  }
}

}  // namespace

TEST_CASE("trace job: a spare trace's memory is written into, and the trace is the one computed without it") {
  std::mt19937 rng(5151);
  const ap::test::Shape shape{37, 0, 12, 3, 4, 5};
  ap::core::Scenario s = ap::test::random_scenario(rng, shape);
  s.mask.causal = ap::core::CausalAlign::top_left;
  ap::core::Scenario other = ap::test::random_scenario(rng, shape);  // the same shape, other numbers
  ap::core::Scenario smaller = ap::test::random_scenario(rng, ap::test::Shape{20, 0, 12, 3, 4, 5});
  ap::core::ReferenceKernel k;
  ap::core::JobOptions o;
  o.record_all_heads = false;
  o.recorded_heads = {1};
  o.overview_side = 8;
  o.work_per_step = 64;
  const ap::core::Trace fresh = run_job<double>(s, k, o);
  const auto with_spare = [&](ap::core::Trace spare) {
    ap::core::TraceJob<double> job(s, k, o, std::move(spare));
    while (!job.step()) {}
    return job.take();
  };

  SECTION("a spare of the same shape: its memory, the same numbers") {
    ap::core::Trace spare = run_job<double>(other, k, o);
    const double* weights = spare.heads[1].weights.data();
    const double* q = spare.heads[2].q.data();
    const double* overview = spare.heads[0].weights_overview.data();
    const double* x_in = spare.x_in.data();
    const ap::core::Trace t = with_spare(std::move(spare));
    check_same_trace(t, fresh);
    CHECK(t.heads[1].weights.data() == weights);
    CHECK(t.heads[2].q.data() == q);
    CHECK(t.heads[0].weights_overview.data() == overview);
    CHECK(t.x_in.data() == x_in);
  }
  SECTION("a spare of another shape, or with other heads recorded: the same numbers") {
    check_same_trace(with_spare(run_job<double>(smaller, k, o)), fresh);
    ap::core::JobOptions all = o;
    all.record_all_heads = true;
    check_same_trace(with_spare(run_job<double>(other, k, all)), fresh);
    ap::core::JobOptions head0 = o;
    head0.recorded_heads = {0};
    check_same_trace(with_spare(run_job<double>(other, k, head0)), fresh);
  }
  SECTION("a job dropped part way gives its memory back, whatever stage it was at") {
    for (int steps : {0, 1, 3, 9, 40, 10000}) {
      INFO("dropped after " << steps << " steps");
      ap::core::TraceJob<double> dropped(other, k, o, run_job<double>(other, k, o));
      for (int i = 0; i < steps && !dropped.step(); ++i) {}
      check_same_trace(with_spare(dropped.reclaim()), fresh);
    }
  }
}

TEST_CASE("trace job: no step does much more than its share of work, the projections and W_O included") {
  // A layer whose products dominate: one step of the whole projections would be 19 shares of work. Progress
  // counts multiply-adds, so the largest jump in progress bounds the largest step's work.
  std::mt19937 rng(99);
  ap::core::Scenario s = ap::test::random_scenario(rng, ap::test::Shape{200, 0, 64, 2, 32, 32});
  ap::core::validate_scenario(s);
  const double n = 200, d = 64, h = 2, dk = 32, dv = 32;
  const double total = n * d * h * dk + n * d * h * (dk + dv) + h * n * n * (dk + dv) + n * h * dv * d;
  ap::core::JobOptions o;
  o.work_per_step = 1 << 17;
  ap::core::ReferenceKernel k;
  ap::core::TraceJob<double> job(s, k, o);
  double last = 0, largest = 0;
  int steps = 0;
  for (bool done = false; !done; ++steps) {
    done = job.step();
    largest = std::max(largest, job.progress() - last);
    last = job.progress();
  }
  CHECK(largest * total <= 1.01 * static_cast<double>(o.work_per_step));
  CHECK(steps >= total / static_cast<double>(o.work_per_step));
  CHECK(job.take().output == ap::kernels::run_backend("reference", s).output);
}
