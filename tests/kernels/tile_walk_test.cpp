// The tiled kernel's recorded walk (kernels/tile_walk.hpp) against what the kernel computed and the reference: the
// blocks cover every cell of the score matrix exactly once, in the kernel's order; closed blocks are skipped and hold
// no allowed cell; each row's m and l follow l ← l·e^(m_old − m_new) + Σ_block and end at the row's max and Σ e^(x − m);
// the weights e^(x − m) / l and the output equal the reference's. Observing changes nothing, bit for bit.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>

#include "core/attention_cost.hpp"
#include "core/pipeline.hpp"
#include "core/presets.hpp"
#include "kernels/sgemm.hpp"
#include "kernels/tile_walk.hpp"
#include "kernels/tiled_kernel.hpp"
#include "support/numeric.hpp"
#include "support/random_scenario.hpp"

namespace {

using ap::core::Scenario;
using ap::core::TileSizes;
using ap::core::TileWalk;
constexpr float minus_infinity = -std::numeric_limits<float>::infinity();

// Every property the Cost view's animation relies on, for one head's walk.
void check_walk(const Scenario& s, const ap::core::Trace& ref, int head, const TileSizes& sizes) {
  const TileWalk walk = ap::kernels::record_tile_walk(s, ref, head, sizes);
  const auto& h = ref.heads[static_cast<std::size_t>(head)];
  const int n = walk.n, m = walk.m;
  REQUIRE(n == s.n());
  REQUIRE(m == s.m());
  INFO("head " << head << ", blocks " << sizes.query_rows << " × " << sizes.keys << (walk.two_pass ? ", two passes" : ""));

  // coverage: each cell in exactly one step; allowed cells only in computed ones; the kernel's order
  Eigen::MatrixXi covered = Eigen::MatrixXi::Zero(n, m);
  int last_i0 = -1, next_j0 = 0, skipped = 0;
  for (const auto& step : walk.steps) {
    if (step.i0 != last_i0) {  // a new query block: right after the last one, keys from 0 again
      CHECK(step.i0 == (last_i0 < 0 ? 0 : last_i0 + sizes.query_rows));
      CHECK(next_j0 == (last_i0 < 0 ? 0 : m));
      last_i0 = step.i0;
      next_j0 = 0;
    }
    CHECK(step.j0 == next_j0);
    CHECK(step.rows == std::min(sizes.query_rows, n - step.i0));
    CHECK(step.keys == std::min(sizes.keys, m - step.j0));
    next_j0 = step.j0 + step.keys;
    CHECK(step.row.size() == (step.skipped ? 0u : static_cast<std::size_t>(step.rows)));
    skipped += step.skipped;
    for (int i = step.i0; i < step.i0 + step.rows; ++i)
      for (int j = step.j0; j < step.j0 + step.keys; ++j) {
        ++covered(i, j);
        if (step.skipped) CHECK_FALSE(ref.allowed(i, j));
      }
  }
  CHECK(next_j0 == m);
  CHECK(covered.minCoeff() == 1);
  CHECK(covered.maxCoeff() == 1);
  const bool causal = s.mask.causal != ap::core::CausalAlign::none && s.mask.window == 0 && !walk.two_pass;
  if (causal && n >= 3 * sizes.query_rows && m >= 3 * sizes.keys) CHECK(skipped > 0);  // the closed corner is not computed

  // each row's chain, and where it ends
  for (int i = 0; i < n; ++i) {
    INFO("row " << i);
    float m_run = minus_infinity, l_run = 0;
    bool first = true;
    for (const auto& step : walk.steps) {
      if (step.skipped || i < step.i0 || i >= step.i0 + step.rows) continue;
      const auto& r = step.row[static_cast<std::size_t>(i - step.i0)];
      if (!first) {
        CHECK(r.max_before == m_run);
        CHECK(r.sum_before == l_run);
      }
      first = false;
      CHECK(r.max_after == std::max(r.max_before, r.block_max));
      if (r.block_max != minus_infinity) {
        const float expected = r.max_before == minus_infinity ? 0.0f : std::exp(r.max_before - r.max_after);
        CHECK(r.rescale == Approx(expected).margin(1e-7));
        CHECK(r.sum_after == Approx(r.sum_before * r.rescale + r.block_sum).epsilon(1e-6));
      } else {
        CHECK(r.sum_after == r.sum_before);
      }
      m_run = r.max_after;
      l_run = r.sum_after;
    }
    // after the last block: m is the row's largest allowed scaled score and l = Σ e^(x − m) (with the sink's term)
    double most = -std::numeric_limits<double>::infinity();
    for (int j = 0; j < m; ++j)
      if (ref.allowed(i, j)) most = std::max(most, h.scaled(i, j));
    if (walk.two_pass && s.variants.sinks) most = std::max(most, (*s.variants.sinks)(head));
    if (most == -std::numeric_limits<double>::infinity()) {
      CHECK(l_run == 0);
      continue;
    }
    CHECK(m_run == Approx(most).epsilon(1e-5).margin(1e-5));
    double l = 0;
    for (int j = 0; j < m; ++j)
      if (ref.allowed(i, j)) l += std::exp(h.scaled(i, j) - most);
    if (walk.two_pass && s.variants.sinks) l += std::exp((*s.variants.sinks)(head) - most);
    CHECK(l_run == Approx(l).epsilon(1e-5));
  }
  // the same run's weights (e^(x − m) / l) and output: the softmax and the head's output
  CHECK(ap::test::rel_err(walk.weights, h.weights) <= 1e-5);
  CHECK(ap::test::rel_err(walk.output, h.output) <= 1e-4);
}

}  // namespace

TEST_CASE("tile walk: block sizes the tiled kernel takes") {
  CHECK(ap::kernels::valid_tile_sizes({96, 256}));
  CHECK(ap::kernels::valid_tile_sizes(ap::kernels::smallest_tile_sizes()));
  CHECK(ap::kernels::valid_tile_sizes({3, ap::kernels::gemm::nr}));
  CHECK(ap::kernels::valid_tile_sizes({1, 2 * ap::kernels::gemm::nr}));
  CHECK_FALSE(ap::kernels::valid_tile_sizes({0, 4}));
  CHECK_FALSE(ap::kernels::valid_tile_sizes({4, 0}));
  CHECK_FALSE(ap::kernels::valid_tile_sizes({4, ap::kernels::gemm::nr + 1}));
  CHECK_THROWS(ap::kernels::TiledKernel(1, {4, 3 * ap::kernels::gemm::nr / 2 + 1}));
}

TEST_CASE("tile walk: the recorded steps reproduce the kernel's softmax on the explainers' presets") {
  const TileSizes sizes[] = {ap::kernels::smallest_tile_sizes(), {3, 8}, {4, ap::kernels::gemm::nr}, {96, 256}};
  for (const char* id : {"animal_it", "animal_it_causal", "cat_sat", "translation", "mixing_heads", "sinks", "large"}) {
    INFO(id);
    const Scenario s = ap::core::make_preset(id);
    const auto ref = ap::core::compute_reference(s);
    for (const auto& size : sizes)
      for (int head = 0; head < s.heads; head += std::max(1, s.heads / 2)) check_walk(s, ref, head, size);
  }
}

TEST_CASE("tile walk: random heads with every mask kind, rows and keys crossing the blocks") {
  std::mt19937 rng(515);
  for (auto kind : ap::test::all_mask_kinds()) {
    ap::test::Shape shape;
    shape.n = 37, shape.m = kind == ap::test::MaskKind::causal_bottom_right ? 45 : 0;
    shape.d_model = 9, shape.heads = 1, shape.d_k = 7, shape.d_v = 5;
    Scenario s = ap::test::random_scenario(rng, shape);
    s.mask = ap::test::random_mask(rng, kind, s.n(), s.m());
    ap::core::validate_scenario(s);
    const auto ref = ap::core::compute_reference(s);
    INFO(ap::test::mask_kind_name(kind));
    check_walk(s, ref, 0, ap::kernels::smallest_tile_sizes());
    check_walk(s, ref, 0, {5, 8});
  }
}

TEST_CASE("tile walk: an observer and small blocks change nothing the kernel computes") {
  std::mt19937 rng(616);
  ap::test::Shape shape;
  shape.n = 70, shape.m = 0, shape.d_model = 11, shape.heads = 1, shape.d_k = 9, shape.d_v = 6;
  Scenario s = ap::test::random_scenario(rng, shape);
  s.mask.causal = ap::core::CausalAlign::top_left;
  ap::core::validate_scenario(s);
  ap::kernels::TiledKernel plain(1, {4, 8}), watched(1, {4, 8}), threaded(3, {4, 8}), standard;
  ap::core::TileRecorder recorder;
  watched.observe(&recorder);
  const auto a = ap::core::compute_trace(s, plain), b = ap::core::compute_trace(s, watched),
             c = ap::core::compute_trace(s, threaded), d = ap::core::compute_trace(s, standard);
  CHECK(a.output == b.output);  // bit for bit
  CHECK(a.output == c.output);
  CHECK(a.heads[0].weights == b.heads[0].weights);
  CHECK(ap::test::rel_err(a.output, d.output) <= 1e-5);  // other blocks: the same to rounding
  CHECK_FALSE(recorder.steps.empty());
}

TEST_CASE("cost bookkeeping: sizes, bytes and a plan cut into frame-sized pieces") {
  CHECK(ap::core::cost_sizes(64, 1000) == std::vector<int>{64, 128, 256, 512});
  CHECK(ap::core::cost_sizes(64, 64) == std::vector<int>{64});
  CHECK(ap::core::cost_sizes(64, 63).empty());
  CHECK(ap::core::score_matrix_bytes(4096, 4096) == 64.0 * 1024 * 1024);  // 4096² floats: 64 MiB
  CHECK(ap::core::tile_block_bytes({96, 256}) == 4.0 * (96 * 256 + 2 * 96));
  CHECK(ap::core::packed_kv_bytes(4096, 64, 64) == 4.0 * 4096 * 128);    // 2 MiB: O(N·d)
  CHECK(ap::core::tiled_working_set_bytes(4096, 64, 64, {96, 256}) ==
        ap::core::tile_block_bytes({96, 256}) + ap::core::packed_kv_bytes(4096, 64, 64));
  // the tiled kernel's memory grows like N, the scores' like N²
  CHECK(ap::core::tiled_working_set_bytes(8192, 64, 64, {96, 256}) < 2.1 * ap::core::tiled_working_set_bytes(4096, 64, 64, {96, 256}));
  CHECK(ap::core::score_matrix_bytes(8192, 8192) == 4 * ap::core::score_matrix_bytes(4096, 4096));

  // a fake clock: "fast" does 1e6 multiply-adds a millisecond, "slow" 1e4; the plan stops "slow" when a head
  // passes stop_ms and sizes its pieces to about piece_ms once it knows the speed
  ap::core::CostPlan plan({"fast", "slow"}, {64, 128, 256, 512, 1024}, 64, 4, 3, 400);
  const double rate[] = {1e6, 1e4};
  int pieces = 0;
  double longest = 0;
  while (const auto piece = plan.next()) {
    CHECK(piece->row0 + piece->rows <= piece->n);
    const double ms = 2.0 * piece->rows * piece->n * 64 / rate[piece->backend];
    longest = std::max(longest, ms);
    plan.record(*piece, ms);
    REQUIRE(++pieces < 100000);
  }
  CHECK(plan.finished());
  CHECK(plan.progress() == 1);
  CHECK(longest <= 2 * 4.0 + 1e-9);  // no piece much past piece_ms (the first, of one row, is the guess)
  const auto& fast = plan.curves()[0];
  REQUIRE(fast.points.size() == 5);
  CHECK(fast.stopped.empty());
  CHECK(fast.points[4].n == 1024);
  CHECK(fast.points[4].milliseconds == Approx(2.0 * 1024 * 1024 * 64 / 1e6));
  CHECK(fast.points[0].repetitions >= 6);  // 0.52 ms a head: repeated to 3 ms
  const auto& slow = plan.curves()[1];
  // 256² heads take 839 ms > 400: measured, then stopped before 512
  REQUIRE(slow.points.size() == 3);
  CHECK(slow.points[2].milliseconds == Approx(2.0 * 256 * 256 * 64 / 1e4));
  CHECK(slow.stopped == "stopped: N = 512 would take about 3.4 s");
}
