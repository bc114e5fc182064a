// with_block: a paste or an imported .npy goes into the named matrix in place when it fits, reshapes the
// scenario when it replaces the whole matrix at [0][0], and is refused with the target and shapes named.
#include <catch2/catch.hpp>

#include <random>

#include "core/block_edit.hpp"
#include "core/error.hpp"
#include "core/limits.hpp"
#include "core/presets.hpp"

namespace {

using ap::core::Matrix;
using ap::core::Scenario;

Matrix random_matrix(int rows, int cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  Matrix m(rows, cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) m(i, j) = normal(rng);
  return m;
}

std::string refusal(const Scenario& s, const char* target, int row, int col, const Matrix& block,
                    ap::core::BlockMode mode = ap::core::BlockMode::paste) {
  try {
    const Scenario out = ap::core::with_block(s, target, row, col, block, mode);
    ap::core::validate_scenario(out);
  } catch (const ap::core::InputError& e) {
    return e.error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("block edit: replace mode puts an equal-shaped matrix in whole") {
  const Scenario s = ap::core::make_scenario(random_matrix(3, 4, 12), 2);
  const Scenario out = ap::core::with_block(s, "w_v", 0, 0, random_matrix(4, 4, 13), ap::core::BlockMode::replace);
  REQUIRE(out.w_v == random_matrix(4, 4, 13));
  REQUIRE(out.d_v == s.d_v);
}

TEST_CASE("block edit: a block that fits overwrites only its cells") {
  const Scenario s = ap::core::make_scenario(random_matrix(5, 6, 1), 2);
  const Matrix block = random_matrix(2, 3, 2);
  const Scenario out = ap::core::with_block(s, "w_k", 1, 2, block);
  REQUIRE(out.w_k.block(1, 2, 2, 3) == block);
  Matrix expected = s.w_k;
  expected.block(1, 2, 2, 3) = block;
  REQUIRE(out.w_k == expected);
  REQUIRE(out.w_q == s.w_q);
  REQUIRE(out.query.x == s.query.x);
  ap::core::validate_scenario(out);
}

TEST_CASE("block edit: biases take a row at a column offset") {
  const Scenario s = ap::core::make_scenario(random_matrix(3, 4, 3), 1);
  const Scenario out = ap::core::with_block(s, "b_v", 0, 1, random_matrix(1, 3, 4));
  REQUIRE(out.b_v(0) == 0.0);
  REQUIRE(out.b_v.segment(1, 3) == random_matrix(1, 3, 4).row(0));
  REQUIRE(refusal(s, "b_v", 0, 2, random_matrix(1, 3, 4)) == "b_v: a 1 × 3 block does not fit at [2] of a vector of 4");
}

TEST_CASE("block edit: a new x at [0][0] sets N and d_model, keeping the weights' overlap") {
  const Scenario s = ap::core::make_preset("cat_sat");
  const Matrix x = random_matrix(9, s.d_model() + 3, 5);
  const Scenario out = ap::core::with_block(s, "x", 0, 0, x);
  ap::core::validate_scenario(out);
  REQUIRE(out.n() == 9);
  REQUIRE(out.d_model() == s.d_model() + 3);
  REQUIRE(out.query.x == x);
  REQUIRE(out.query.tokens.size() == 9);
  REQUIRE(out.w_q.topLeftCorner(s.d_model(), s.w_q.cols()) == s.w_q);
}

TEST_CASE("block edit: a new W_Q sets d_k per head; W_V and W_O set d_v") {
  using ap::core::BlockMode;
  const Scenario s = ap::core::make_scenario(random_matrix(4, 6, 6), 2);  // d_k = d_v = 3
  const Scenario q = ap::core::with_block(s, "w_q", 0, 0, random_matrix(6, 10, 7), BlockMode::replace);
  REQUIRE(q.d_k == 5);
  REQUIRE(q.w_k.cols() == 10);
  REQUIRE(q.w_q == random_matrix(6, 10, 7));
  ap::core::validate_scenario(q);
  const Scenario v = ap::core::with_block(s, "w_v", 0, 0, random_matrix(6, 2, 8), BlockMode::replace);
  REQUIRE(v.d_v == 1);
  REQUIRE(v.w_o.rows() == 2);
  ap::core::validate_scenario(v);
  const Scenario o = ap::core::with_block(s, "w_o", 0, 0, random_matrix(8, 6, 9), BlockMode::replace);
  REQUIRE(o.d_v == 4);
  REQUIRE(o.w_o == random_matrix(8, 6, 9));
  ap::core::validate_scenario(o);
}

TEST_CASE("block edit: refusals name the target and the shapes") {
  const Scenario s = ap::core::make_scenario(random_matrix(4, 6, 10), 2);
  CHECK(refusal(s, "w_q", 2, 1, random_matrix(3, 8, 1)) ==
        "w_q: a 3 × 8 block does not fit at [2][1] of a 6 × 6 matrix (paste at [0][0] to replace it)");
  CHECK(refusal(s, "w_q", 0, 0, random_matrix(5, 6, 1), ap::core::BlockMode::replace) ==
        "w_q: needs d_model = 6 rows, got 5 × 6 (load x first to change d_model)");
  CHECK(refusal(s, "w_q", 0, 0, random_matrix(7, 6, 1)) ==
        "w_q: needs d_model = 6 rows, got 7 × 6 (load x first to change d_model)");
  CHECK(refusal(s, "w_q", 0, 1, random_matrix(2, 2, 1), ap::core::BlockMode::replace) == "w_q: a whole matrix goes in at [0][0]");
  CHECK(refusal(s, "w_k", 0, 0, random_matrix(6, 7, 1)) == "w_k: 7 is not a multiple of h = 2 (d_k = 7 / h), got 6 × 7");
  CHECK(refusal(s, "w_o", 0, 0, random_matrix(6, 5, 1), ap::core::BlockMode::replace) ==
        "w_o: needs d_model = 6 columns, got 6 × 5");
  CHECK(refusal(s, "context.x", 0, 0, random_matrix(2, 6, 1)) ==
        "context.x: there is no second sequence (turn cross-attention on first)");
  CHECK(refusal(s, "positional.learned", 0, 0, random_matrix(2, 6, 1)) ==
        "positional.learned: the positional encoding is not learned (choose learned first)");
  CHECK(refusal(s, "w_z", 0, 0, random_matrix(2, 6, 1)) == "w_z: not a matrix of the scenario");
}

TEST_CASE("block edit: an oversize x is refused by the limits before it is built") {
  const Scenario s = ap::core::make_scenario(random_matrix(2, 2, 11), 1);
  const Matrix tall = Matrix::Zero(ap::core::limits::max_tokens + 1, 2);
  REQUIRE(refusal(s, "x", 0, 0, tall) == "x: " + std::to_string(tall.rows()) + " tokens exceed the limit of " +
                                                std::to_string(ap::core::limits::max_tokens));
}
