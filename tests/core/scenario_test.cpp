// The scenario model: SPEC §1 defaults (identity-like weights, zero biases, d_k = d_model / h) and
// validate_scenario's refusals for scenarios built in code (the UI's path, not JSON), messages pinned.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "core/limits.hpp"
#include "core/scenario.hpp"
#include "core/scenario_edit.hpp"
#include "support/refusal.hpp"

namespace {

using ap::core::Matrix;
using ap::core::Scenario;
using ap::test::refusal;

}  // namespace

TEST_CASE("scenario: defaults") {
  const Scenario s = ap::core::make_scenario(Matrix::Ones(3, 6), 2);
  CHECK(s.n() == 3);
  CHECK(s.m() == 3);
  CHECK(s.d_model() == 6);
  CHECK(s.d_k == 3);
  CHECK(s.d_v == 3);
  CHECK(s.query.tokens == std::vector<std::string>{"t0", "t1", "t2"});
  CHECK(s.w_q == Matrix::Identity(6, 6));
  CHECK(s.b_o.isZero(0.0));
  CHECK(s.scale.factor(s.d_k) == 1 / std::sqrt(3.0));
  CHECK(s.mask.is_none());
  CHECK(refusal(s).empty());

  const Matrix r = ap::core::identity_like(2, 5);
  CHECK(r.sum() == 2.0);
  CHECK(r(1, 1) == 1.0);
  CHECK(ap::core::identity_like(5, 2).sum() == 2.0);
}

TEST_CASE("scenario: scale factors") {
  ap::core::Scale scale;
  CHECK(scale.factor(16) == 0.25);
  scale.kind = ap::core::ScaleKind::none;
  CHECK(scale.factor(16) == 1.0);
  scale.kind = ap::core::ScaleKind::multiplier;
  scale.multiplier = 0.37;
  CHECK(scale.factor(16) == 0.37);
}

TEST_CASE("scenario: validate_scenario names the field") {
  Scenario s = ap::core::make_scenario(Matrix::Ones(3, 4), 2);
  SECTION("a weight of the wrong shape") {
    s.w_q = Matrix::Zero(3, 4);
    CHECK(refusal(s) == "w_q: expected 4 × 4, got 3 × 4");
  }
  SECTION("a bias of the wrong width") {
    s.b_v = ap::core::RowVector::Zero(3);
    CHECK(refusal(s) == "b_v: expected 4 numbers, got 3");
  }
  SECTION("a NaN typed into x") {
    s.query.x(1, 0) = std::numeric_limits<double>::quiet_NaN();
    CHECK(refusal(s) == "x[1][0]: expected a finite number");
  }
  SECTION("an infinite weight") {
    s.w_o(2, 3) = std::numeric_limits<double>::infinity();
    CHECK(refusal(s) == "w_o[2][3]: expected a finite number");
  }
  SECTION("labels of the wrong count") {
    s.query.tokens.pop_back();
    CHECK(refusal(s) == "tokens: expected 3 labels (one per row of x), got 2");
  }
  SECTION("a window without a causal alignment") {
    s.mask.window = 2;
    CHECK(refusal(s) == "mask.window: a window needs a causal alignment");
  }
  SECTION("an allow matrix of the wrong size") {
    s.mask.allow = ap::core::AllowMatrix::Ones(3, 2);
    CHECK(refusal(s) == "mask.allow: expected 3 × 3 (queries × keys), got 3 × 2");
  }
  SECTION("RoPE with odd d_k") {
    s = ap::core::make_scenario(Matrix::Ones(3, 6), 2);
    s.positional.kind = ap::core::PositionalKind::rope;
    CHECK(refusal(s) == "positional: RoPE turns pairs of coordinates, so d_k must be even (d_k = 3)");
  }
  SECTION("a learned table too short") {
    s.positional.kind = ap::core::PositionalKind::learned;
    s.positional.learned = Matrix::Zero(2, 4);
    CHECK(refusal(s) == "positional.learned: expected at least 3 × 4 (positions × d_model), got 2 × 4");
  }
  SECTION("too many heads") {
    s.heads = ap::core::limits::max_heads + 1;
    CHECK(refusal(s) == "heads: expected 1 to 128, got 129");
  }
  SECTION("a context of the wrong width") {
    s.context = ap::core::Sequence{{"a"}, Matrix::Ones(1, 5)};
    CHECK(refusal(s) == "context.x: expected rows of 4 numbers (d_model), got 5");
  }
}

TEST_CASE("scenario: validate_dimensions refuses a trace over the limit before allocating it") {
  using ap::core::limits::max_tokens;
  CHECK_NOTHROW(ap::core::validate_dimensions(64, 64, 64, 8, 8, 8));
  CHECK_THROWS_AS(ap::core::validate_dimensions(max_tokens, max_tokens, 64, 64, 16, 16), ap::core::InputError);
  CHECK_THROWS_AS(ap::core::validate_dimensions(1, 1, 1024, 64, 1024, 1), ap::core::InputError);  // w_q too big
}

TEST_CASE("a context switched on is named apart from the queries: k0, k1, … (new rows too)") {
  const ap::core::Scenario s = ap::core::make_scenario(ap::core::Matrix::Identity(3, 3));
  const ap::core::Scenario cross = ap::core::with_context_count(s, 4);
  REQUIRE(cross.context);
  CHECK(cross.context->tokens == std::vector<std::string>{"k0", "k1", "k2", "k3"});
  CHECK(cross.query.tokens == std::vector<std::string>{"t0", "t1", "t2"});
  CHECK(cross.context->x.topRows(3) == s.query.x);  // its vectors start from the queries'
  ap::core::Scenario named = cross;
  named.context->tokens[0] = "east";
  const ap::core::Scenario more = ap::core::with_context_count(named, 5);
  CHECK(more.context->tokens == std::vector<std::string>{"east", "k1", "k2", "k3", "k4"});
}
