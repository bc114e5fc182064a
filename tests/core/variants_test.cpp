// SPEC §1b in core: ALiBi's slopes (the paper's reference code, non-powers of two included), validation of
// every variant field with its field's name, the row rules of the softmax (fill, sink, undefined rows), and
// the KV-cache decoder: its rows equal the full causal computation's exactly, with GQA and the variants.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>

#include "core/error.hpp"
#include "core/kv_cache.hpp"
#include "core/pipeline.hpp"
#include "core/softmax.hpp"
#include "core/variants.hpp"
#include "support/random_scenario.hpp"
#include "support/refusal.hpp"

namespace {

using ap::core::Precision;
using ap::core::Scenario;
using ap::test::refusal;

Scenario small(int heads = 4) {
  std::mt19937 rng(5);
  return ap::test::random_scenario(rng, {5, 0, 8, heads, 2, 3});
}

}  // namespace

TEST_CASE("variants: ALiBi slopes as the paper's reference code computes them") {
  // get_slopes(8) = 2^-1 … 2^-8; get_slopes(6) = get_slopes(4) + get_slopes(8)[0::2][:2]
  const auto s8 = ap::core::alibi_slopes(8);
  REQUIRE(s8.size() == 8);
  for (int i = 0; i < 8; ++i) CHECK(s8[static_cast<std::size_t>(i)] == std::ldexp(1.0, -(i + 1)));
  const auto s6 = ap::core::alibi_slopes(6);
  const std::vector<double> want6 = {0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125};
  REQUIRE(s6.size() == 6);
  for (std::size_t i = 0; i < 6; ++i) CHECK(s6[i] == want6[i]);
  CHECK(ap::core::alibi_slopes(1) == std::vector<double>{std::ldexp(1.0, -8)});
  const auto s3 = ap::core::alibi_slopes(3);  // p = 2: 2^-4, 2^-8, then 2^-2 (even index 0 of get_slopes(4))
  CHECK(s3 == std::vector<double>{0.0625, std::ldexp(1.0, -8), 0.25});
  CHECK(ap::core::alibi_slopes(12).size() == 12);
  CHECK(ap::core::alibi_slopes(12)[8] == std::exp2(-8.0 * 1 / 16));  // p = 8, then get_slopes(16)[0]
}

TEST_CASE("variants: validation names the field") {
  Scenario s = small();
  SECTION("kv_heads must divide heads") {
    s.variants.kv_heads = 3;
    CHECK(refusal(s) == "kv_heads: 3 key/value heads do not divide heads 4 (each K/V head serves heads / kv_heads query heads)");
    s.variants.kv_heads = 5;
    CHECK(refusal(s) == "kv_heads: expected 1 to heads (4), got 5");
  }
  SECTION("w_k must be d_model × kv_heads·d_k") {
    s.variants.kv_heads = 2;
    CHECK(refusal(s) == "w_k: expected 8 × 4, got 8 × 8");
  }
  SECTION("softcap > 0 and finite") {
    s.variants.softcap = 0.0;
    CHECK(refusal(s) == "softcap: expected a number greater than 0 and at most 3.4e38 (float's range), got 0");
    s.variants.softcap = std::numeric_limits<double>::infinity();
    CHECK(refusal(s).rfind("softcap: ", 0) == 0);
    s.variants.softcap = 5e-324;  // a subnormal is positive: accepted
    CHECK(refusal(s).empty());
  }
  SECTION("sinks: one per head, finite") {
    s.variants.sinks = ap::core::RowVector::Zero(3);
    CHECK(refusal(s) == "sinks: expected 4 numbers (one sink logit per head), got 3");
    s.variants.sinks = ap::core::RowVector::Zero(4);
    (*s.variants.sinks)(2) = 1e300;
    CHECK(refusal(s) == "sinks[2]: expected a finite number within float's range (±3.4e38), got 1e+300");
  }
  SECTION("mask_fill: −∞ or a finite number within float's range") {
    s.variants.mask_fill = -std::numeric_limits<double>::infinity();
    CHECK(refusal(s).empty());
    s.variants.mask_fill = -1e9;
    CHECK(refusal(s).empty());
    s.variants.mask_fill = std::numeric_limits<double>::quiet_NaN();
    CHECK(refusal(s).rfind("mask_fill: ", 0) == 0);
    s.variants.mask_fill = -1e300;  // would be −∞ in float: a different answer on a fully masked row
    CHECK(refusal(s) == "mask_fill: expected \"-inf\" or a finite number within float's range (±3.4e38), got -1e+300");
  }
}

TEST_CASE("variants: the softmax row rules (fill, sink, undefined rows)") {
  using ap::core::RowOutcome;
  ap::core::MaskSpec spec;
  spec.key_valid = std::vector<std::uint8_t>{1, 0, 1};
  const ap::core::MaskRule mask(spec, 1, 3);
  std::vector<double> w(3);
  ap::core::HeadVariants<double> v;
  SECTION("a sink takes its share of the denominator") {
    v.has_sink = true;
    v.sink = 0.5;
    const std::vector<double> x = {1.0, 99.0, -1.0};
    REQUIRE(ap::core::softmax_row(x.data(), mask, 0, v, w.data()) == RowOutcome::softmax);
    const double d = std::exp(0.5 - 1) + 1 + std::exp(-2.0);
    CHECK(w[0] == Approx(1 / d).epsilon(1e-15));
    CHECK(w[1] == 0);
    CHECK(w[2] == Approx(std::exp(-2.0) / d).epsilon(1e-15));
  }
  SECTION("a fully masked row: zeros with −∞, uniform with a finite fill, zeros with −∞ and a sink") {
    ap::core::MaskSpec none_allowed;
    none_allowed.key_valid = std::vector<std::uint8_t>{0, 0, 0};
    const ap::core::MaskRule closed(none_allowed, 1, 3);
    const std::vector<double> x = {1.0, 2.0, 3.0};
    CHECK(ap::core::softmax_row(x.data(), closed, 0, v, w.data()) == RowOutcome::empty);
    CHECK(w == std::vector<double>{0, 0, 0});
    v.fill = -1e9;
    CHECK(ap::core::softmax_row(x.data(), closed, 0, v, w.data()) == RowOutcome::softmax);
    for (double p : w) CHECK(p == Approx(1.0 / 3).epsilon(1e-15));
    v.fill = -std::numeric_limits<double>::infinity();
    v.has_sink = true;
    CHECK(ap::core::softmax_row(x.data(), closed, 0, v, w.data()) == RowOutcome::empty);
    CHECK(w == std::vector<double>{0, 0, 0});
  }
  SECTION("+∞ or NaN in an allowed cell: no defined softmax, all NaN; in a masked cell: ignored") {
    std::vector<double> x = {1.0, std::numeric_limits<double>::infinity(), 2.0};
    CHECK(ap::core::softmax_row(x.data(), mask, 0, v, w.data()) == RowOutcome::softmax);  // key 1 is masked
    x[2] = std::numeric_limits<double>::infinity();
    CHECK(ap::core::softmax_row(x.data(), mask, 0, v, w.data()) == RowOutcome::undefined);
    for (double p : w) CHECK(std::isnan(p));
    x = {-std::numeric_limits<double>::infinity(), 0.0, -std::numeric_limits<double>::infinity()};
    CHECK(ap::core::softmax_row(x.data(), mask, 0, v, w.data()) == RowOutcome::undefined);  // all −∞: overflowed
  }
}

TEST_CASE("kv cache: each decode step equals the full causal computation's row, with GQA and the variants") {
  std::mt19937 rng(77);
  int steps = 0;
  for (int trial = 0; trial < 16; ++trial) {
    const int heads = std::array<int, 4>{1, 2, 4, 6}[static_cast<std::size_t>(trial % 4)];
    Scenario s = ap::test::random_scenario(rng, {ap::test::uniform_int(rng, 1, 9), 0, 6, heads, 4, 3});
    const int g = trial % 3 == 0 ? 1 : (heads % 2 == 0 ? heads / 2 : heads);  // MQA, GQA or MHA
    if (g != heads) {
      s.variants.kv_heads = g;
      s.w_k = ap::test::random_matrix(rng, 6, g * 4, 0.4);
      s.w_v = ap::test::random_matrix(rng, 6, g * 3, 0.4);
      s.b_k = ap::test::random_row(rng, g * 4, 0.1);
      s.b_v = ap::test::random_row(rng, g * 3, 0.1);
    }
    s.mask.causal = trial % 2 ? ap::core::CausalAlign::bottom_right : ap::core::CausalAlign::top_left;
    if (trial % 5 == 1) s.mask.window = 2;
    s.variants.alibi = trial % 2 == 0;
    if (trial % 3 == 1) s.variants.softcap = 1.5;
    if (trial % 4 == 2) s.variants.sinks = ap::test::random_row(rng, heads, 1.0);
    if (trial % 4 == 3) s.variants.precision = trial % 8 == 3 ? Precision::fp16 : Precision::bf16;
    if (trial % 3 == 2) s.positional.kind = ap::core::PositionalKind::rope;
    ap::core::validate_scenario(s);
    const ap::core::Trace full = ap::core::compute_reference(s);
    ap::core::KvCacheDecoder decoder(s);
    while (!decoder.done()) {
      const ap::core::DecodeStep step = decoder.step();
      const int t = step.t;
      INFO("trial " << trial << ", step " << t);
      for (int h = 0; h < heads; ++h) {
        const auto& ht = full.heads[static_cast<std::size_t>(h)];
        for (int j = 0; j <= t; ++j) REQUIRE(step.weights[static_cast<std::size_t>(h)][static_cast<std::size_t>(j)] == ht.weights(t, j));
        for (int j = t + 1; j < s.n(); ++j) REQUIRE(ht.weights(t, j) == 0.0);  // the future is not in the cache
        for (int c = 0; c < s.d_v; ++c) REQUIRE(step.head_out[static_cast<std::size_t>(h)][static_cast<std::size_t>(c)] == ht.output(t, c));
      }
      for (int c = 0; c < s.d_model(); ++c) REQUIRE(step.output[static_cast<std::size_t>(c)] == full.output(t, c));
      CHECK(decoder.k_cache(0).size() == static_cast<std::size_t>((t + 1) * s.d_k));
      ++steps;
    }
  }
  CHECK(steps > 40);
}

TEST_CASE("kv cache: refusals, work per step and bytes per layer") {
  Scenario s = small(4);
  CHECK_THROWS_AS(ap::core::KvCacheDecoder(s), ap::core::InputError);  // no causal mask
  s.mask.causal = ap::core::CausalAlign::top_left;
  s.variants.mask_fill = -1e9;
  CHECK_THROWS_AS(ap::core::KvCacheDecoder(s), ap::core::InputError);
  s.variants.mask_fill.reset();
  CHECK_NOTHROW(ap::core::KvCacheDecoder(s));

  // d_model 8, h 4, d_k 2, d_v 3, g = 4: one token's projections 8·(8 + 8 + 12) + 12·8 = 320 multiply-adds
  const ap::core::DecodeWork w = ap::core::decode_work(s, 9);  // 10 tokens
  CHECK(w.cached == 320 + 4 * 10 * 5);
  CHECK(w.recompute == 10 * 320 + 4 * 100 * 5);
  // Llama-2-70B-like shape: 8 K/V heads of 128 against 64 query heads, 4096 tokens, per layer
  CHECK(ap::core::kv_cache_bytes(4096, 8, 128, 128, Precision::fp16) == 4096ull * 8 * 256 * 2);
  CHECK(ap::core::kv_cache_bytes(4096, 64, 128, 128, Precision::fp16) == 8 * ap::core::kv_cache_bytes(4096, 8, 128, 128, Precision::fp16));
  CHECK(ap::core::kv_cache_bytes(10, 1, 4, 4, Precision::fp32) == 320);
  CHECK(ap::core::bytes_per_number(Precision::bf16) == 2);
}
