// Shuffle tokens (core/shuffle.hpp): without positions the output rows follow the input's permutation exactly; with
// positional encodings (or a causal mask) they do not. The permutation itself, the mask moved with the tokens.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "core/error.hpp"
#include "core/pipeline.hpp"
#include "core/presets.hpp"
#include "core/shuffle.hpp"
#include "support/random_scenario.hpp"

namespace {

using ap::core::Scenario;

ap::core::ShuffleComparison shuffled_against(const Scenario& s, const std::vector<int>& order) {
  return ap::core::compare_shuffled(ap::core::compute_reference(s),
                                    ap::core::compute_reference(ap::core::shuffle_tokens(s, order)), order);
}

}  // namespace

TEST_CASE("shuffle: the order is a seeded permutation that moves every token") {
  for (int n : {2, 3, 7, 50}) {
    const auto a = ap::core::shuffle_order(n, 3), b = ap::core::shuffle_order(n, 3);
    CHECK(a == b);
    std::vector<int> sorted = a;
    std::sort(sorted.begin(), sorted.end());
    for (int i = 0; i < n; ++i) {
      CHECK(sorted[static_cast<std::size_t>(i)] == i);
      CHECK(a[static_cast<std::size_t>(i)] != i);
    }
  }
  CHECK(ap::core::shuffle_order(1, 3) == std::vector<int>{0});
  CHECK_THROWS_AS(ap::core::shuffle_tokens(ap::core::make_preset("classic"), {0, 0}), ap::core::InputError);
}

TEST_CASE("shuffle: without positions the output rows permute with the input; with positions they do not") {
  for (const char* id : {"animal_it", "cat_sat", "mixing_heads", "bank", "translation"}) {
    INFO(id);
    const Scenario s = ap::core::make_preset(id);
    const auto order = ap::core::shuffle_order(s.n(), 5);
    const auto blind = shuffled_against(ap::core::without_order(s), order);
    CHECK(blind.rows_follow(1e-12));
    const auto placed = shuffled_against(ap::core::with_positions(ap::core::without_order(s)), order);
    CHECK_FALSE(placed.rows_follow(1e-6));
    CHECK(placed.max_difference > 1e-3);
  }
  std::mt19937 rng(4);
  for (int k = 0; k < 10; ++k) {
    Scenario s = ap::test::random_scenario(rng, ap::test::Shape{6, 0, 8, 2, 4, 4});
    s = ap::core::without_order(s);
    CHECK(shuffled_against(s, ap::core::shuffle_order(s.n(), static_cast<unsigned>(k))).rows_follow(1e-12));
  }
}

TEST_CASE("shuffle: a causal mask is tied to positions too") {
  Scenario s = ap::core::make_preset("animal_it_causal");
  s.positional = {};
  const auto order = ap::core::shuffle_order(s.n(), 1);
  CHECK_FALSE(shuffled_against(s, order).rows_follow(1e-6));
  CHECK(shuffled_against(ap::core::without_order(s), order).rows_follow(1e-12));
}

TEST_CASE("shuffle: key padding and a painted mask move with their tokens") {
  Scenario s = ap::core::make_preset("bank");
  s.mask.key_valid = std::vector<std::uint8_t>{1, 1, 1, 0, 1, 1};
  const std::vector<int> order = {5, 4, 3, 2, 1, 0};
  const Scenario t = ap::core::shuffle_tokens(s, order);
  CHECK(t.query.tokens.front() == "bank");
  CHECK(t.query.tokens.back() == "the");
  CHECK((*t.mask.key_valid)[2] == 0);
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j) CHECK((*t.mask.allow)(i, j) == (*s.mask.allow)(5 - i, 5 - j));
  CHECK(shuffled_against(s, order).rows_follow(1e-12));
  const ap::core::Matrix m = ap::core::permute_rows(s.query.x, order);
  CHECK(m.row(0) == s.query.x.row(5));
}
