// Mask semantics (SPEC §1): causal top-left / bottom-right, window, allow, key_valid, ANDed; the
// evaluated MaskRule against a brute-force restatement of the rules, and the key ranges fast kernels use.
#include <catch2/catch.hpp>

#include "core/mask.hpp"
#include "support/random_scenario.hpp"

namespace {

using ap::core::AllowMatrix;
using ap::core::CausalAlign;
using ap::core::MaskRule;
using ap::core::MaskSpec;

// The SPEC's words, one condition at a time.
bool spec_allows(const MaskSpec& spec, int n, int m, int i, int j) {
  if (spec.causal != CausalAlign::none) {
    const int offset = spec.causal == CausalAlign::bottom_right ? m - n : 0;
    if (j > i + offset) return false;
    if (spec.window > 0 && j <= i + offset - spec.window) return false;
  }
  if (spec.allow && (*spec.allow)(i, j) == 0) return false;
  if (spec.key_valid && (*spec.key_valid)[static_cast<std::size_t>(j)] == 0) return false;
  return true;
}

AllowMatrix allowed_of(const MaskSpec& spec, int n, int m) { return ap::core::allow_matrix(MaskRule(spec, n, m)); }

}  // namespace

TEST_CASE("mask: MaskRule matches the SPEC's rules for every kind, size and alignment") {
  std::mt19937 rng(11);
  int checked = 0;
  for (auto kind : ap::test::all_mask_kinds())
    for (int n : {1, 3, 7, 33})
      for (int m : {1, 2, 3, 8, 35}) {
        const MaskSpec spec = ap::test::random_mask(rng, kind, n, m);
        const MaskRule rule(spec, n, m);
        INFO(ap::test::mask_kind_name(kind) << ", N = " << n << ", M = " << m);
        CHECK(rule.queries() == n);
        CHECK(rule.keys() == m);
        CHECK(rule.is_none() == (kind == ap::test::MaskKind::none));
        for (int i = 0; i < n; ++i) {
          const auto range = rule.key_range(i);
          CHECK(0 <= range.begin);
          CHECK(range.begin <= range.end);
          CHECK(range.end <= m);
          for (int j = 0; j < m; ++j) {
            REQUIRE(rule.allowed(i, j) == spec_allows(spec, n, m, i, j));
            // a key outside the range is never allowed (kernels may skip it without looking)
            if (j < range.begin || j >= range.end) REQUIRE_FALSE(rule.allowed(i, j));
            // without element-wise parts, the range is exactly the allowed set
            if (!rule.needs_elementwise_check()) REQUIRE(rule.allowed(i, j) == (j >= range.begin && j < range.end));
            ++checked;
          }
        }
      }
  CHECK(checked > 10000);
}

TEST_CASE("mask: causal alignments on small examples") {
  MaskSpec top_left;
  top_left.causal = CausalAlign::top_left;
  MaskSpec bottom_right;
  bottom_right.causal = CausalAlign::bottom_right;

  SECTION("top-left is torch.tril: j <= i, also when M > N") {
    const AllowMatrix a = allowed_of(top_left, 4, 7);
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 7; ++j) CHECK(a(i, j) == (j <= i ? 1 : 0));
    CHECK(ap::core::empty_rows(a).empty());
  }
  SECTION("bottom-right lets query i see key j when j <= i + (M - N)") {
    const AllowMatrix a = allowed_of(bottom_right, 3, 7);
    CHECK(a.row(0).cast<int>().sum() == 5);  // keys 0..4
    CHECK(a.row(2).cast<int>().sum() == 7);  // the last query sees every key
  }
  SECTION("bottom-right with M < N leaves the first N - M rows without keys") {
    const AllowMatrix a = allowed_of(bottom_right, 5, 3);
    CHECK(ap::core::empty_rows(a) == std::vector<int>{0, 1});
    CHECK(a.row(2).cast<int>().sum() == 1);
  }
  SECTION("the two alignments agree when M = N") {
    for (int n : {1, 3, 7, 33}) CHECK(allowed_of(top_left, n, n) == allowed_of(bottom_right, n, n));
  }
  SECTION("and differ when M != N") {
    CHECK(allowed_of(top_left, 3, 7) != allowed_of(bottom_right, 3, 7));
  }
}

TEST_CASE("mask: windows") {
  MaskSpec spec;
  spec.causal = CausalAlign::top_left;
  SECTION("window 1 is the identity") {
    spec.window = 1;
    CHECK(allowed_of(spec, 6, 6) == AllowMatrix::Identity(6, 6));
  }
  SECTION("window 3 on N = 8: j in (i - 3, i]") {
    spec.window = 3;
    const AllowMatrix a = allowed_of(spec, 8, 8);
    for (int i = 0; i < 8; ++i)
      for (int j = 0; j < 8; ++j) CHECK(a(i, j) == (j <= i && j > i - 3 ? 1 : 0));
  }
  SECTION("a window larger than the sequence is plain causal") {
    spec.window = 100;
    MaskSpec causal;
    causal.causal = CausalAlign::top_left;
    CHECK(allowed_of(spec, 7, 7) == allowed_of(causal, 7, 7));
  }
}

TEST_CASE("mask: key_valid, allow and their AND; empty rows") {
  MaskSpec spec;
  spec.key_valid = std::vector<std::uint8_t>{1, 0, 1};
  AllowMatrix allow(2, 3);
  allow << 0, 1, 0,  //
      1, 1, 0;
  SECTION("key_valid closes columns") {
    const AllowMatrix a = allowed_of(spec, 2, 3);
    CHECK(a.col(1).isZero());
    CHECK(a.col(0).cast<int>().sum() == 2);
  }
  SECTION("allow AND key_valid: row 0 loses its only key") {
    spec.allow = allow;
    const AllowMatrix a = allowed_of(spec, 2, 3);
    CHECK(ap::core::empty_rows(a) == std::vector<int>{0});
    CHECK(a(1, 0) == 1);
    CHECK(a(1, 1) == 0);
  }
  SECTION("all keys invalid: every row empty") {
    spec.key_valid = std::vector<std::uint8_t>{0, 0, 0};
    CHECK(ap::core::empty_rows(allowed_of(spec, 2, 3)) == std::vector<int>{0, 1});
  }
  SECTION("no mask allows everything") {
    const MaskRule none(MaskSpec{}, 4, 5);
    CHECK(none.is_none());
    CHECK(ap::core::allow_matrix(none).cast<int>().sum() == 20);
  }
}
