// The torch.autograd float64 gradient cases (tests/golden/grad_cases, tests/golden/generate_grad.py) on every
// backend with a backward pass: each gradient of L = Σ output ⊙ G, normwise.
// The file list is globbed by CMake into grad_cases.hpp; files are read by name from AP_GRAD_DIR.
#include <catch2/catch.hpp>

#include <iostream>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "grad_cases.hpp"
#include "io/scenario_json.hpp"
#include "kernels/registry.hpp"
#include "support/files.hpp"
#include "support/numeric.hpp"

namespace {

using ap::test::matrix_from_json;
using ap::test::rel_err;
using nlohmann::json;

// The double reference against torch's float64 autograd: only summation order differs (measured 2e-15 at
// most); 1e-9 is the bound and leaves room for any libm.
constexpr double reference_tolerance = 1e-9;
// Float backends: each gradient is a sum of products of float values of size O(1) over at most a few dozen
// terms, formed after a float forward (itself within 1e-6 of the reference) and with weights rebuilt from
// the row log-sum-exp, so a few float roundings (6e-8 each) accumulate. Measured (`golden_tests
// "[.report]"`): at most 2e-6 natively on every case but large_magnitude_scores, whose raw scores of ~1e3
// make the softmax depend on small differences of large floats: 1.2e-5 natively (AVX2/AVX-512 with FMA),
// 8.4e-6 under node (SIMD128). 1e-4 is the bound, 8× the worst measurement.
constexpr double float_tolerance = 1e-4;

json load_case(const std::string& file) {
  return json::parse(ap::test::read_text_file(std::string(AP_GRAD_DIR) + "/" + file));
}

ap::core::Matrix row_matrix(const ap::core::RowVector& v) { return ap::core::Matrix(v); }
ap::core::Matrix vector_from_json(const json& a) { return matrix_from_json(json::array({a})); }

struct Measured {
  std::string quantity;
  double error;
};

// Every gradient the case expects, against what the backend computed (a missing one counts as +∞).
std::vector<Measured> measure(const json& expected, const ap::core::Gradients& g) {
  std::vector<Measured> m;
  const auto matrix = [&](const char* key, const ap::core::Matrix& got) {
    m.push_back({key, rel_err(got, matrix_from_json(expected.at(key)))});
  };
  const auto vector = [&](const char* key, const ap::core::RowVector& got) {
    m.push_back({key, rel_err(row_matrix(got), vector_from_json(expected.at(key)))});
  };
  // ∂L/∂b_k is zero in exact arithmetic (each softmax row's gradient sums to zero, and b_k shifts a whole row
  // of scores by q_i·b_k), so torch's and ours are both rounding noise; measured against the size of what it
  // is summed from, ∂L/∂k's entries, of which ∂L/∂w_k is the scale.
  const auto rounding_zero = [&](const char* key, const ap::core::RowVector& got, const char* scale_key) {
    const ap::core::Matrix want = vector_from_json(expected.at(key));
    const double scale = std::max(want.cwiseAbs().maxCoeff(), matrix_from_json(expected.at(scale_key)).cwiseAbs().maxCoeff());
    const double diff = got.size() == want.size() ? (row_matrix(got) - want).cwiseAbs().maxCoeff()
                                                  : std::numeric_limits<double>::infinity();
    m.push_back({key, scale > 0 ? diff / scale : diff});
  };
  matrix("d_x", g.d_x);
  matrix("d_w_q", g.d_w_q);
  matrix("d_w_k", g.d_w_k);
  matrix("d_w_v", g.d_w_v);
  matrix("d_w_o", g.d_w_o);
  vector("d_b_q", g.d_b_q);
  rounding_zero("d_b_k", g.d_b_k, "d_w_k");
  vector("d_b_v", g.d_b_v);
  vector("d_b_o", g.d_b_o);
  for (const char* key : {"d_context_x", "d_learned"}) {
    const auto& got = std::string(key) == "d_context_x" ? g.d_context_x : g.d_learned;
    if (expected.contains(key) != got.has_value())
      m.push_back({key, std::numeric_limits<double>::infinity()});
    else if (got)
      matrix(key, *got);
  }
  return m;
}

ap::core::Scenario scenario_of(const std::string& file, const json& doc) {
  try {
    return ap::io::parse_scenario(doc.at("scenario").dump());
  } catch (const ap::core::InputError& e) {
    FAIL(file << ": the golden scenario is refused: " << e.error.what());
  }
  return {};
}

}  // namespace

TEST_CASE("grad golden: every backend with a backward pass reproduces torch.autograd's float64 gradients") {
  REQUIRE(std::size(ap::test::grad_case_files) >= 25);  // 25 when this was written
  const auto backends = ap::kernels::grad_backend_names();
  REQUIRE(backends == std::vector<std::string>{"reference", "simd", "tiled"});
  int compared = 0;
  for (const char* file_name : ap::test::grad_case_files) {
    const std::string file = file_name;
    const json doc = load_case(file);
    const ap::core::Scenario scenario = scenario_of(file, doc);
    for (const auto& backend : backends) {
      INFO(file << " on " << backend);
      const ap::core::Gradients g = ap::kernels::run_grad_backend(backend, scenario);
      CHECK(g.backend == backend);
      const double tolerance = backend == "reference" ? reference_tolerance : float_tolerance;
      for (const auto& [quantity, error] : measure(doc.at("expected"), g)) {
        INFO(quantity << ": normwise relative error " << error << ", tolerance " << tolerance);
        CHECK(error <= tolerance);
      }
      ++compared;
    }
  }
  CHECK(compared == static_cast<int>(std::size(ap::test::grad_case_files) * backends.size()));
}

TEST_CASE("grad golden: masked cells and fully masked rows pass exactly zero gradient on every backend") {
  // Cross-attention, so x feeds only the queries and context.x only the keys and values.
  const ap::core::Scenario empty_rows = scenario_of("", load_case("cross_bottom_right_empty_rows.json"));
  const ap::core::Scenario padded = scenario_of("", load_case("key_padding_cross.json"));
  const ap::core::Scenario all_empty = scenario_of("", load_case("all_rows_empty.json"));
  for (const auto& backend : ap::kernels::grad_backend_names()) {
    INFO(backend);
    // query rows 0 and 1 see no key (bottom-right causal, N = 6 > M = 4): nothing reaches their x
    const ap::core::Gradients e = ap::kernels::run_grad_backend(backend, empty_rows);
    CHECK(e.d_x.topRows(2).isZero(0.0));
    CHECK_FALSE(e.d_x.row(3).isZero(0.0));  // row 2 sees key 0 alone: weight 1 whatever q is, so no gradient
    // keys 1 and 4 are padding for every query: nothing reaches their context rows
    const ap::core::Gradients k = ap::kernels::run_grad_backend(backend, padded);
    REQUIRE(k.d_context_x);
    CHECK(k.d_context_x->row(1).isZero(0.0));
    CHECK(k.d_context_x->row(4).isZero(0.0));
    CHECK_FALSE(k.d_context_x->row(0).isZero(0.0));
    // no row sees any key: only b_o has a gradient
    const ap::core::Gradients a = ap::kernels::run_grad_backend(backend, all_empty);
    CHECK(a.d_x.isZero(0.0));
    CHECK(a.d_w_q.isZero(0.0));
    CHECK(a.d_w_k.isZero(0.0));
    CHECK(a.d_w_v.isZero(0.0));
    CHECK(a.d_w_o.isZero(0.0));
    CHECK(a.d_b_v.isZero(0.0));
    CHECK_FALSE(a.d_b_o.isZero(0.0));
  }
}

// Hidden: `golden_tests "[.report]"` prints the largest error per backend and gradient; the numbers quoted
// above come from here.
TEST_CASE("grad golden: report of the measured errors", "[.report]") {
  std::map<std::string, std::map<std::string, double>> worst;
  for (const char* file_name : ap::test::grad_case_files) {
    const json doc = load_case(file_name);
    const auto scenario = ap::io::parse_scenario(doc.at("scenario").dump());
    for (const auto& backend : ap::kernels::grad_backend_names())
      for (const auto& m : measure(doc.at("expected"), ap::kernels::run_grad_backend(backend, scenario))) {
        double& w = worst[backend][m.quantity];
        w = std::max(w, m.error);
      }
  }
  for (const auto& [backend, by_quantity] : worst) {
    std::cout << "grad " << backend << "\n";
    for (const auto& [quantity, error] : by_quantity) std::cout << "  " << quantity << " " << error << "\n";
  }
  CHECK_FALSE(worst.empty());
}
