// Scenario JSON (SPEC §1): what each accepted form means after parsing (defaults, mask and positional
// spellings, scale), and that writing then reading a scenario gives back every number bit for bit.
#include <catch2/catch.hpp>

#include <limits>
#include <random>

#include "core/error.hpp"
#include "core/presets.hpp"
#include "io/scenario_json.hpp"
#include "support/random_scenario.hpp"

namespace {

using ap::core::CausalAlign;
using ap::core::Matrix;
using ap::io::parse_scenario;

void check_same(const ap::core::Scenario& a, const ap::core::Scenario& b) {
  CHECK(a.query.tokens == b.query.tokens);
  CHECK(a.query.x == b.query.x);
  REQUIRE(a.context.has_value() == b.context.has_value());
  if (a.context) {
    CHECK(a.context->tokens == b.context->tokens);
    CHECK(a.context->x == b.context->x);
  }
  CHECK(a.heads == b.heads);
  CHECK(a.d_k == b.d_k);
  CHECK(a.d_v == b.d_v);
  CHECK(a.w_q == b.w_q);
  CHECK(a.w_k == b.w_k);
  CHECK(a.w_v == b.w_v);
  CHECK(a.w_o == b.w_o);
  CHECK(a.b_q == b.b_q);
  CHECK(a.b_k == b.b_k);
  CHECK(a.b_v == b.b_v);
  CHECK(a.b_o == b.b_o);
  CHECK(a.scale.kind == b.scale.kind);
  CHECK(a.scale.factor(a.d_k) == b.scale.factor(b.d_k));
  CHECK(a.mask.causal == b.mask.causal);
  CHECK(a.mask.window == b.mask.window);
  CHECK(a.mask.allow.has_value() == b.mask.allow.has_value());
  if (a.mask.allow && b.mask.allow) CHECK(*a.mask.allow == *b.mask.allow);
  CHECK(a.mask.key_valid == b.mask.key_valid);
  CHECK(a.positional.kind == b.positional.kind);
  CHECK(a.positional.rope_base == b.positional.rope_base);
  CHECK(a.positional.rope_pairing == b.positional.rope_pairing);
  CHECK(a.positional.learned == b.positional.learned);
  const auto& va = a.variants;
  const auto& vb = b.variants;
  CHECK(va.kv_heads == vb.kv_heads);
  CHECK(va.alibi == vb.alibi);
  CHECK(va.softcap == vb.softcap);
  REQUIRE(va.sinks.has_value() == vb.sinks.has_value());
  if (va.sinks) CHECK(*va.sinks == *vb.sinks);
  CHECK(va.mask_fill == vb.mask_fill);
  CHECK(va.precision == vb.precision);
}

}  // namespace

TEST_CASE("scenario json: only version and x gives every SPEC default") {
  const auto s = parse_scenario(R"({"version": 1, "x": [[1, 2, 3, 4], [5, 6, 7, 8]]})");
  CHECK(s.n() == 2);
  CHECK(s.m() == 2);
  CHECK_FALSE(s.context.has_value());
  CHECK(s.query.tokens == std::vector<std::string>{"t0", "t1"});
  CHECK(s.heads == 1);
  CHECK(s.d_k == 4);
  CHECK(s.d_v == 4);
  CHECK(s.w_q == Matrix::Identity(4, 4));
  CHECK(s.w_o == Matrix::Identity(4, 4));
  CHECK(s.b_k.isZero(0.0));
  CHECK(s.scale.kind == ap::core::ScaleKind::inv_sqrt_dk);
  CHECK(s.mask.is_none());
  CHECK(s.positional.kind == ap::core::PositionalKind::none);
}

TEST_CASE("scenario json: heads, d_k and d_v shape the default weights") {
  const auto s = parse_scenario(R"({"version": 1, "x": [[1, 2, 3, 4, 5, 6]], "heads": 2, "d_k": 4, "d_v": 5})");
  CHECK(s.w_q.rows() == 6);
  CHECK(s.w_q.cols() == 8);
  CHECK(s.w_v.cols() == 10);
  CHECK(s.w_o.rows() == 10);
  CHECK(s.w_o.cols() == 6);
  CHECK(s.w_q == ap::core::identity_like(6, 8));
  CHECK(s.b_v.cols() == 10);
}

TEST_CASE("scenario json: the spellings of masks") {
  const std::string x = R"("version": 1, "x": [[1, 0], [0, 1], [1, 1]])";
  SECTION("causal is top-left") {
    const auto s = parse_scenario("{" + x + R"(, "mask": "causal"})");
    CHECK(s.mask.causal == CausalAlign::top_left);
    CHECK(s.mask.window == 0);
  }
  SECTION("a window alone is causal top-left") {
    const auto s = parse_scenario("{" + x + R"(, "mask": {"window": 2}})");
    CHECK(s.mask.causal == CausalAlign::top_left);
    CHECK(s.mask.window == 2);
  }
  SECTION("a window with bottom-right keeps bottom-right") {
    const auto s = parse_scenario("{" + x + R"(, "mask": {"window": 2, "causal": "bottom_right"}})");
    CHECK(s.mask.causal == CausalAlign::bottom_right);
  }
  SECTION("a bare matrix is an allow matrix; true/false count as 1/0") {
    const auto s = parse_scenario("{" + x + R"(, "mask": [[1, 0, 0], [true, true, false], [1, 1, 1]]})");
    REQUIRE(s.mask.allow.has_value());
    CHECK((*s.mask.allow)(1, 1) == 1);
    CHECK((*s.mask.allow)(1, 2) == 0);
    CHECK(s.mask.causal == CausalAlign::none);
  }
  SECTION("an object ANDs its parts") {
    const auto s = parse_scenario(
        "{" + x + R"(, "mask": {"causal": "top_left", "allow": [[1, 1, 1], [0, 1, 1], [1, 1, 1]], "key_valid": [1, 1, 0]}})");
    CHECK(s.mask.causal == CausalAlign::top_left);
    CHECK(s.mask.allow.has_value());
    CHECK(s.mask.key_valid == std::vector<std::uint8_t>{1, 1, 0});
  }
  SECTION("\"none\"") { CHECK(parse_scenario("{" + x + R"(, "mask": "none"})").mask.is_none()); }
}

TEST_CASE("scenario json: the spellings of positional encodings and scales") {
  const std::string x = R"("version": 1, "x": [[1, 0, 0, 0], [0, 1, 0, 0]])";
  CHECK(parse_scenario("{" + x + R"(, "positional": "sinusoidal"})").positional.kind == ap::core::PositionalKind::sinusoidal);
  const auto rope = parse_scenario("{" + x + R"(, "positional": "rope"})").positional;
  CHECK(rope.kind == ap::core::PositionalKind::rope);
  CHECK(rope.rope_base == 10000.0);
  CHECK(rope.rope_pairing == ap::core::RopePairing::interleaved);
  const auto half = parse_scenario("{" + x + R"(, "positional": {"rope": {"base": 500, "pairing": "half"}}})").positional;
  CHECK(half.rope_base == 500.0);
  CHECK(half.rope_pairing == ap::core::RopePairing::half);
  const auto learned = parse_scenario("{" + x + R"(, "positional": {"learned": [[1, 2, 3, 4], [5, 6, 7, 8], [0, 0, 0, 0]]}})").positional;
  CHECK(learned.kind == ap::core::PositionalKind::learned);
  CHECK(learned.learned.rows() == 3);  // more rows than tokens is fine
  const auto none = parse_scenario("{" + x + R"(, "scale": "none"})");
  CHECK(none.scale.factor(none.d_k) == 1.0);
  const auto number = parse_scenario("{" + x + R"(, "scale": 0.37})");
  CHECK(number.scale.kind == ap::core::ScaleKind::multiplier);
  CHECK(number.scale.factor(number.d_k) == 0.37);
}

TEST_CASE("scenario json: cross-attention context") {
  const auto s = parse_scenario(
      R"({"version": 1, "x": [[1, 0]], "context": {"tokens": ["a", "b", "c"], "x": [[0, 1], [1, 0], [1, 1]]}})");
  REQUIRE(s.context.has_value());
  CHECK(s.n() == 1);
  CHECK(s.m() == 3);
  CHECK(s.context->tokens == std::vector<std::string>{"a", "b", "c"});
  CHECK(s.keys().x(2, 1) == 1.0);
}

TEST_CASE("scenario json: write then read gives back every number bit for bit") {
  SECTION("presets") {
    for (const auto& info : ap::core::presets()) {
      INFO(info.id);
      const auto s = ap::core::make_preset(info.id);
      check_same(parse_scenario(ap::io::scenario_to_string(s)), s);
    }
  }
  SECTION("random scenarios with every mask kind and positional encoding") {
    std::mt19937 rng(77);
    for (auto kind : ap::test::all_mask_kinds())
      for (int trial = 0; trial < 4; ++trial) {
        ap::core::Scenario s = ap::test::random_scenario(rng, ap::test::random_shape(rng, trial % 2 == 1));
        s.mask = ap::test::random_mask(rng, kind, s.n(), s.m());
        s.positional = ap::test::random_positional(rng, s);
        if (trial == 3) {
          s.scale.kind = ap::core::ScaleKind::multiplier;
          s.scale.multiplier = 0.1 + 1e-17 * trial;  // not a short decimal
        }
        INFO(ap::test::mask_kind_name(kind) << ", trial " << trial);
        const std::string text = ap::io::scenario_to_string(s, trial % 2 ? 2 : -1);
        check_same(parse_scenario(text), s);
        // and the explicit form is stable: writing the parsed scenario gives the same text
        CHECK(ap::io::scenario_to_string(parse_scenario(text), trial % 2 ? 2 : -1) == text);
      }
  }
}

TEST_CASE("scenario json: the SPEC §1b fields are read, written only when present, and round-trip") {
  SECTION("absent: nothing is written, so an old scenario's text is unchanged") {
    const auto s = parse_scenario(R"({"version": 1, "x": [[1, 0], [0, 1]], "heads": 2})");
    CHECK_FALSE(s.variants.kv_heads);
    CHECK_FALSE(s.variants.alibi);
    CHECK(s.mask_fill() == -std::numeric_limits<double>::infinity());
    const auto doc = ap::io::scenario_to_json(s);
    for (const char* key : {"kv_heads", "alibi", "softcap", "sinks", "mask_fill", "precision"}) CHECK_FALSE(doc.contains(key));
  }
  SECTION("every field, and the widths kv_heads gives w_k, w_v, b_k and b_v") {
    const auto s = parse_scenario(R"({"version": 1, "x": [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1]], "heads": 4,
        "kv_heads": 2, "alibi": true, "softcap": 30, "sinks": [0.5, -1, 0, 2.25], "mask_fill": -1e9,
        "precision": "bf16", "mask": "causal"})");
    CHECK(s.kv_heads() == 2);
    CHECK(s.w_k.cols() == 2);  // kv_heads · d_k = 2 · 1
    CHECK(s.w_v.cols() == 2);
    CHECK(s.b_k.cols() == 2);
    CHECK(s.w_q.cols() == 4);
    CHECK(s.kv_head_of(0) == 0);
    CHECK(s.kv_head_of(1) == 0);
    CHECK(s.kv_head_of(3) == 1);
    CHECK(*s.variants.softcap == 30);
    CHECK(*s.variants.mask_fill == -1e9);
    CHECK(*s.variants.precision == ap::core::Precision::bf16);
    const std::string text = ap::io::scenario_to_string(s);
    check_same(parse_scenario(text), s);
    CHECK(ap::io::scenario_to_string(parse_scenario(text)) == text);
  }
  SECTION("\"-inf\" written out stays written out") {
    const auto s = parse_scenario(R"({"version": 1, "x": [[1]], "mask_fill": "-inf", "alibi": false})");
    CHECK(*s.variants.mask_fill == -std::numeric_limits<double>::infinity());
    const auto doc = ap::io::scenario_to_json(s);
    CHECK(doc.at("mask_fill") == "-inf");
    CHECK_FALSE(doc.contains("alibi"));  // false means absent
  }
}
