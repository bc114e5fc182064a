// Every float backend against the double reference on random scenarios of odd sizes (N in {1,3,7,33},
// d_k in 1..65, d_v ≠ d_k, 1–4 heads, self and cross-attention, random positions), for every mask kind:
// normwise relative error ≤ 1e-5 on every recorded matrix, and the same empty rows.
#include <catch2/catch.hpp>

#include "kernels/registry.hpp"
#include "support/numeric.hpp"
#include "support/random_scenario.hpp"

namespace {

constexpr double float_tolerance = 1e-5;

}  // namespace

TEST_CASE("agreement: float backends match the reference to 1e-5 for every mask kind") {
  std::mt19937 rng(909);
  double worst = 0;
  int compared = 0;
  for (auto kind : ap::test::all_mask_kinds())
    for (int trial = 0; trial < 8; ++trial) {
      ap::core::Scenario s = ap::test::random_scenario(rng, ap::test::random_shape(rng, trial % 2 == 1));
      s.mask = ap::test::random_mask(rng, kind, s.n(), s.m());
      s.positional = ap::test::random_positional(rng, s);
      ap::core::validate_scenario(s);
      const auto r = ap::kernels::run_backend("reference", s);
      for (const auto& backend : ap::kernels::backend_names()) {
        if (backend == "reference") continue;
        INFO(backend << ", mask " << ap::test::mask_kind_name(kind) << ", trial " << trial << ": N " << s.n() << ", M "
                     << s.m() << ", d_model " << s.d_model() << ", heads " << s.heads << ", d_k " << s.d_k << ", d_v "
                     << s.d_v);
        const auto t = ap::kernels::run_backend(backend, s);
        const auto check = [&](const char* what, const ap::core::Matrix& got, const ap::core::Matrix& want) {
          const double err = ap::test::rel_err(got, want);
          worst = std::max(worst, err);
          INFO(what << ": " << err);
          CHECK(err <= float_tolerance);
        };
        check("output", t.output, r.output);
        check("concat", t.concat, r.concat);
        REQUIRE(t.heads.size() == r.heads.size());
        for (std::size_t h = 0; h < r.heads.size(); ++h) {
          check("q", t.heads[h].q, r.heads[h].q);
          check("k", t.heads[h].k, r.heads[h].k);
          check("v", t.heads[h].v, r.heads[h].v);
          check("scores", t.heads[h].scores, r.heads[h].scores);
          check("weights", t.heads[h].weights, r.heads[h].weights);
          check("head output", t.heads[h].output, r.heads[h].output);
        }
        CHECK(t.empty_rows == r.empty_rows);
        CHECK(t.allowed == r.allowed);
        ++compared;
      }
    }
  CHECK(compared >= 64);
  // the bound is not vacuous: float results do differ from the double ones
  CHECK(worst > 0);
}

TEST_CASE("agreement: record_matrices off computes the same output") {
  std::mt19937 rng(910);
  const ap::core::Scenario s = ap::test::random_scenario(rng, ap::test::random_shape(rng, true));
  for (const auto& backend : ap::kernels::backend_names()) {
    INFO(backend);
    const auto full = ap::kernels::run_backend(backend, s);
    const auto lean = ap::kernels::run_backend(backend, s, ap::core::TraceOptions{false});
    CHECK(lean.heads.empty());
    CHECK(lean.output == full.output);
  }
}
