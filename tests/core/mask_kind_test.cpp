// The editor's mask kinds (core/mask_kind.hpp): each spec is named right, and switching to painting starts from
// the cells the current mask allows.
#include <catch2/catch.hpp>

#include "core/mask.hpp"
#include "core/mask_kind.hpp"
#include "core/scenario.hpp"

using ap::core::MaskKind;

TEST_CASE("mask kinds: names and switches") {
  ap::core::Scenario s = ap::core::make_scenario(ap::core::Matrix::Identity(4, 4));
  CHECK(ap::core::mask_kind(s.mask) == MaskKind::none);
  s.mask = ap::core::mask_of_kind(MaskKind::causal, s);
  CHECK(ap::core::mask_kind(s.mask) == MaskKind::causal);
  const ap::core::MaskSpec painted = ap::core::mask_of_kind(MaskKind::custom, s);
  REQUIRE(painted.allow);
  CHECK(ap::core::mask_kind(painted) == MaskKind::custom);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) CHECK((*painted.allow)(i, j) == (j <= i ? 1 : 0));  // the causal cells, not all ones
  s.mask = ap::core::mask_of_kind(MaskKind::window, s);
  CHECK(ap::core::mask_kind(s.mask) == MaskKind::window);
  CHECK(s.mask.window == 2);
  s.mask = ap::core::mask_of_kind(MaskKind::key_padding, s);
  CHECK(ap::core::mask_kind(s.mask) == MaskKind::key_padding);
  CHECK(s.mask.key_valid->back() == 0);
  s.mask.causal = ap::core::CausalAlign::top_left;
  CHECK(ap::core::mask_kind(s.mask) == MaskKind::combined);
  CHECK(ap::core::mask_of_kind(MaskKind::combined, s).key_valid == s.mask.key_valid);
  CHECK(ap::core::mask_kind_names().size() == 7);
}
