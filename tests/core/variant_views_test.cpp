// The variant views' numbers (core/variant_views.hpp) and the claims of the SPEC §1b presets: K/V groups and memory,
// the kv_heads and scale-folding edits (the output kept), ALiBi's bias as the trace adds it, the soft-cap row, the
// sink's mass (1 − Σ weights), the fully masked row under both fills, fp16's overflow and what saves it, the
// precision lab's error per stage, and the decode view's check against the trace.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>

#include "core/error.hpp"
#include "core/kv_cache.hpp"
#include "core/pipeline.hpp"
#include "core/presets.hpp"
#include "core/scenario_cells.hpp"
#include "core/scenario_edit.hpp"
#include "core/variant_views.hpp"
#include "core/variants.hpp"
#include "support/random_scenario.hpp"

namespace {

using ap::core::Precision;
using ap::core::Scenario;

double max_abs_diff(const ap::core::Matrix& a, const ap::core::Matrix& b) {
  REQUIRE(a.rows() == b.rows());
  REQUIRE(a.cols() == b.cols());
  return (a - b).cwiseAbs().maxCoeff();
}

Scenario with_precision(Scenario s, std::optional<Precision> p) {
  s.variants.precision = p;
  return s;
}

}  // namespace

TEST_CASE("variant views: K/V groups, divisors and the memory grouped-query attention saves") {
  const Scenario s = ap::core::make_preset("gqa");
  const auto groups = ap::core::kv_groups(s);
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].query_heads == std::vector<int>{0, 1});
  CHECK(groups[1].query_heads == std::vector<int>{2, 3});
  CHECK(ap::core::divisors(12) == std::vector<int>{1, 2, 3, 4, 6, 12});
  CHECK(ap::core::divisors(1) == std::vector<int>{1});
  const auto m = ap::core::kv_memory(s, 6, Precision::fp16);
  CHECK(m.kv_weights == 9u * 2 * (2 + 2));  // (d_model + 1 bias row) × g × (d_k + d_v)
  CHECK(m.textbook_kv_weights == 2 * m.kv_weights);
  CHECK(m.cache_bytes == ap::core::kv_cache_bytes(6, 2, 2, 2, Precision::fp16));
  CHECK(m.cache_bytes == 6u * 2 * 4 * 2);
  CHECK(m.textbook_cache_bytes == 2 * m.cache_bytes);
  CHECK(m.saved == 0.5);
}

TEST_CASE("scenario edit: kv_heads keeps the user's K and V numbers; a multiple of g changes no output") {
  std::mt19937 rng(3);
  Scenario s = ap::test::random_scenario(rng, {5, 0, 8, 4, 2, 3});
  s.mask.causal = ap::core::CausalAlign::top_left;
  const auto before = ap::core::compute_reference(s);
  const Scenario two = ap::core::with_kv_heads(s, 2);
  ap::core::validate_scenario(two);
  CHECK(two.variants.kv_heads == 2);
  CHECK(two.w_k.cols() == 4);
  CHECK(two.w_k.middleCols(0, 2) == s.w_k.middleCols(0, 2));  // K/V head 0 serves heads 0, 1: old head 0's block
  CHECK(two.w_k.middleCols(2, 2) == s.w_k.middleCols(4, 2));  // K/V head 1 serves heads 2, 3: old head 2's block
  CHECK(two.w_v.middleCols(3, 3) == s.w_v.middleCols(6, 3));
  CHECK(two.b_v.segment(3, 3) == s.b_v.segment(6, 3));
  const auto halved = ap::core::compute_reference(two);
  CHECK(halved.heads[0].weights == before.heads[0].weights);  // heads 0 and 2 keep their own K and V
  CHECK(halved.heads[2].weights == before.heads[2].weights);
  // back to 4: each K/V head copies the one its query head used, so nothing changes
  const Scenario four = ap::core::with_kv_heads(two, 4);
  CHECK_FALSE(four.variants.kv_heads.has_value());  // g = h: the textbook field is absent again
  ap::core::validate_scenario(four);
  CHECK(ap::core::compute_reference(four).output == halved.output);
  const Scenario one = ap::core::with_kv_heads(two, 1);
  CHECK(ap::core::compute_reference(ap::core::with_kv_heads(one, 2)).output == ap::core::compute_reference(one).output);
  CHECK_THROWS_AS(ap::core::validate_scenario(ap::core::with_kv_heads(s, 3)), ap::core::InputError);
}

TEST_CASE("scenario edit: the scale folded into W_Q and W_K is the same layer") {
  std::mt19937 rng(8);
  for (int trial = 0; trial < 6; ++trial) {
    Scenario s = ap::test::random_scenario(rng, ap::test::random_shape(rng, trial % 2 == 1));
    if (trial == 2) s.scale = ap::core::Scale{ap::core::ScaleKind::multiplier, -0.3};
    if (trial == 4) s.variants.alibi = true;
    const auto folded = ap::core::with_scale_folded(s);
    CHECK(folded.scale.kind == ap::core::ScaleKind::none);
    const auto a = ap::core::compute_reference(s), b = ap::core::compute_reference(folded);
    CHECK(max_abs_diff(a.output, b.output) <= 1e-12 * (1 + a.output.cwiseAbs().maxCoeff()));
    CHECK(max_abs_diff(a.heads[0].weights, b.heads[0].weights) <= 1e-12);
  }
}

TEST_CASE("scenario cells: a sink logit is a cell; beyond float's range it is refused") {
  Scenario s = ap::core::make_preset("sinks");
  ap::core::write_cell(s, {"sinks", 0, 1}, -2.5);
  CHECK((*s.variants.sinks)(1) == -2.5);
  CHECK(ap::core::CellAddress{"sinks", 0, 1}.name() == "sinks[1]");
  std::string message;
  try {
    ap::core::write_cell(s, {"sinks", 0, 0}, 1e39);
  } catch (const ap::core::InputError& e) {
    message = e.error.what();
  }
  CHECK(message == "sinks[0]: expected a finite number within float's range (±3.4e38)");
  CHECK((*s.variants.sinks)(0) == 3);  // unchanged
  CHECK_THROWS_AS(ap::core::write_cell(s, {"sinks", 0, 2}, 1), ap::core::InputError);
  s.variants.sinks.reset();
  CHECK_THROWS_AS(ap::core::read_cell(s, {"sinks", 0, 0}), ap::core::InputError);
}

TEST_CASE("variant views: ALiBi's bias is what the trace adds; each head's slope sets how far it looks") {
  const Scenario s = ap::core::make_preset("alibi");
  const auto t = ap::core::compute_reference(s);
  Scenario plain = s;
  plain.variants.alibi = false;
  const auto without = ap::core::compute_reference(plain);
  double previous = 0;
  for (int h = 0; h < s.heads; ++h) {
    INFO("head " << h);
    const auto& ht = t.heads[static_cast<std::size_t>(h)];
    const ap::core::Matrix bias = ap::core::alibi_bias(s, h);
    CHECK(max_abs_diff(ht.scaled - t.scale * ht.scores, bias) <= 1e-12);
    CHECK(bias(11, 0) == Approx(-11 * ap::core::alibi_slopes(4)[static_cast<std::size_t>(h)]));
    const double with_alibi = ap::core::mean_attention_distance(s, t, h);
    const double plain_distance = ap::core::mean_attention_distance(s, without, h);
    CHECK(with_alibi < plain_distance);  // the bias pulls weight toward nearby keys
    CHECK(with_alibi > previous);         // smaller slopes (later heads) look farther back
    previous = with_alibi;
  }
  // head 0 (m = 1/4) looks back less than two thirds as far as without ALiBi; head 3 (m = 1/256) about as far
  CHECK(ap::core::mean_attention_distance(s, t, 0) < 0.65 * ap::core::mean_attention_distance(s, without, 0));
  CHECK(ap::core::mean_attention_distance(s, t, 3) > 0.95 * ap::core::mean_attention_distance(s, without, 3));
}

TEST_CASE("variant views: the soft-cap row and curve; the preset's top scores end near the cap") {
  const Scenario s = ap::core::make_preset("softcap");
  const auto t = ap::core::compute_reference(s);
  const auto row = ap::core::softcap_row(s, t, 0, 0);
  REQUIRE(row.before.size() == 6);
  CHECK(row.before == std::vector<double>{-2, 0, 2, 5, 9, 14});
  for (std::size_t j = 0; j < 6; ++j) {
    CHECK(row.after[j] == Approx(5 * std::tanh(row.before[j] / 5)).epsilon(1e-15));
    CHECK(std::fabs(row.after[j]) < 5);
  }
  CHECK(row.after[5] - row.after[4] < 0.25);  // 14 and 9 end up within a quarter of each other
  Scenario uncapped = s;
  uncapped.variants.softcap.reset();
  CHECK(ap::core::compute_reference(uncapped).heads[0].weights(0, 5) > 0.99);  // without the cap one key takes it all
  CHECK(t.heads[0].weights(0, 5) < 0.5);
  const auto curve = ap::core::softcap_curve(5, -10, 10, 5);
  REQUIRE(curve.size() == 5);
  CHECK(curve[2].first == 0);
  CHECK(curve[4].second == Approx(5 * std::tanh(2.0)));
}

TEST_CASE("variant views: the sink's mass is what the weights leave; rows with nothing to look for park there") {
  std::mt19937 rng(11);
  Scenario r = ap::test::random_scenario(rng, {6, 0, 6, 3, 2, 2});
  r.variants.sinks = ap::test::random_row(rng, 3, 2.0);
  ap::core::MaskSpec mask;
  mask.allow = ap::core::AllowMatrix::Ones(6, 6);
  mask.allow->row(2).setZero();  // a fully masked row: zero weights, all of the mass on the sink
  r.mask = mask;
  const auto rt = ap::core::compute_reference(r);
  for (int h = 0; h < 3; ++h) {
    const auto mass = ap::core::sink_mass(r, rt, h);
    for (int i = 0; i < 6; ++i) CHECK(mass[static_cast<std::size_t>(i)] == Approx(1 - rt.heads[static_cast<std::size_t>(h)].weights.row(i).sum()).margin(1e-12));
    CHECK(mass[2] == 1);
  }

  const Scenario s = ap::core::make_preset("sinks");
  const auto t = ap::core::compute_reference(s);
  const auto head0 = ap::core::sink_mass(s, t, 0), head1 = ap::core::sink_mass(s, t, 1);
  const int fell = 3, cat = 5, ran = 6, rain = 2, second_the = 4;
  CHECK(head0[fell] > 0.8);                        // a verb with no animate subject before it
  CHECK(t.heads[0].weights(ran, cat) > 0.9);       // "ran" finds "cat"
  CHECK(head0[ran] < 0.05);
  CHECK(head1[1] > 0.5);                           // the first "the": no noun yet
  CHECK(t.heads[1].weights(second_the, rain) > 0.6);  // the second finds "rain"
  Scenario no_sink = s;
  no_sink.variants.sinks.reset();
  const auto nt = ap::core::compute_reference(no_sink);
  for (int j = 0; j <= fell; ++j) CHECK(nt.heads[0].weights(fell, j) == Approx(0.25));  // spread over what is there
  CHECK(ap::core::sink_mass(no_sink, nt, 0) == std::vector<double>(7, 0.0));
}

TEST_CASE("variant views: the padded row under -inf and -1e9") {
  const Scenario s = ap::core::make_preset("mask_fill");
  const auto finite = ap::core::compute_reference(s);
  CHECK(ap::core::fully_masked_rows(finite.allowed) == std::vector<int>{0});
  CHECK(finite.empty_rows.empty());
  for (int j = 0; j < 4; ++j) CHECK(finite.heads[0].weights(0, j) == Approx(0.25));  // the future keys too
  CHECK(finite.heads[0].output(0, 0) == Approx(0.25));
  Scenario minus_inf = s;
  minus_inf.variants.mask_fill.reset();
  const auto zero = ap::core::compute_reference(minus_inf);
  CHECK(zero.empty_rows == std::vector<int>{0});
  CHECK(zero.heads[0].weights.row(0).isZero());
  CHECK(zero.output.row(0).isZero());
  CHECK(max_abs_diff(zero.output.bottomRows(3), finite.output.bottomRows(3)) <= 1e-12);  // other rows: the same
}

TEST_CASE("variant views: fp16 overflows the unscaled product; the scale after it does not help, before it does") {
  const Scenario s = ap::core::make_preset("fp16_overflow");
  const auto t = ap::core::compute_reference(s);
  constexpr double inf = std::numeric_limits<double>::infinity();
  CHECK(t.heads[0].scores(0, 0) == inf);
  CHECK(t.heads[0].scores(2, 2) == inf);
  CHECK(std::isnan(t.heads[0].weights(0, 1)));
  CHECK(std::isnan(t.output(2, 0)));
  CHECK(t.heads[0].weights.row(1).allFinite());
  CHECK(t.heads[0].weights.row(3).allFinite());
  const auto summary = ap::core::summarize_nonfinite(t);
  CHECK(summary.total == t.nonfinite.size());
  REQUIRE(summary.origin);
  CHECK(std::string(summary.origin->matrix) == "scores");
  CHECK(summary.origin->row == 0);
  CHECK(summary.origin_value == inf);
  CHECK(summary.largest_finite == 65504);
  CHECK(summary.per_matrix.front() == std::pair<std::string, std::size_t>{"scores", 2});
  // fp64 has no trouble
  CHECK(ap::core::compute_reference(with_precision(s, std::nullopt)).nonfinite.empty());
  // 1/√d_k after the product: the product is already +∞
  Scenario scaled = s;
  scaled.scale.kind = ap::core::ScaleKind::inv_sqrt_dk;
  CHECK(ap::core::compute_reference(scaled).heads[0].scores(0, 0) == inf);
  // before it (q and k × √scale, as PyTorch's math attention): finite, and fp16 agrees with fp64
  const auto folded = ap::core::compute_reference(ap::core::with_scale_folded(scaled));
  CHECK(folded.nonfinite.empty());
  const auto exact = ap::core::compute_reference(with_precision(scaled, std::nullopt));
  CHECK(max_abs_diff(folded.heads[0].weights, exact.heads[0].weights) <= 1e-3);
  CHECK(max_abs_diff(folded.output, exact.output) <= 1e-3 * exact.output.cwiseAbs().maxCoeff());
}

TEST_CASE("variant views: error per stage, fp32 to bf16 against fp64; correct digits per cell") {
  std::mt19937 rng(17);
  const Scenario s = ap::test::random_scenario(rng, {7, 0, 8, 2, 4, 4});
  const auto exact = ap::core::compute_reference(s);
  const auto fp32 = ap::core::stage_errors(ap::core::compute_reference(with_precision(s, Precision::fp32)), exact);
  const auto fp16 = ap::core::stage_errors(ap::core::compute_reference(with_precision(s, Precision::fp16)), exact);
  const auto bf16 = ap::core::stage_errors(ap::core::compute_reference(with_precision(s, Precision::bf16)), exact);
  REQUIRE(fp32.size() == 10);
  const std::vector<std::string> stages = {"x_in", "q", "k", "v", "scores", "scaled", "weights", "head output", "concat", "output"};
  for (std::size_t i = 0; i < stages.size(); ++i) {
    INFO(stages[i]);
    CHECK(fp32[i].stage == stages[i]);
    CHECK(fp32[i].cells > 0);
    CHECK(fp32[i].nonfinite == 0);
    CHECK(fp32[i].digits >= 5.5);   // float keeps about 7 digits
    CHECK(fp16[i].digits >= 1.8);   // fp16 about 3.3
    CHECK(fp16[i].digits <= 4.5);
    CHECK(bf16[i].digits <= fp16[i].digits + 0.5);  // bf16 has 3 fewer significand bits
  }
  CHECK(fp16.back().relative == Approx(fp16.back().max_abs / exact.output.cwiseAbs().maxCoeff()));
  // the overflow preset: 2 scores non-finite, and everything after them
  const Scenario o = ap::core::make_preset("fp16_overflow");
  const auto lab = ap::core::stage_errors(ap::core::compute_reference(o), ap::core::compute_reference(with_precision(o, std::nullopt)));
  CHECK(lab[4].stage == "scores");
  CHECK(lab[4].nonfinite == 2);
  CHECK(lab[6].nonfinite == 8);  // two rows of weights
  ap::core::Matrix a(1, 4), e(1, 4);
  a << 1.001, 0, std::numeric_limits<double>::infinity(), 2;
  e << 1, 1e-9, 3, 2;
  const auto d = ap::core::correct_digits(a, e);
  CHECK(d(0, 0) == Approx(3));
  CHECK(d(0, 1) == Approx(0));  // underflowed to zero: every digit lost
  CHECK(std::isnan(d(0, 2)));
  CHECK(d(0, 3) == 17);
}

TEST_CASE("variant views: the decode view's check against the trace; work so far; what a view may recompute") {
  const Scenario s = ap::core::make_preset("gqa");
  const auto t = ap::core::compute_reference(s);
  ap::core::KvCacheDecoder decoder(s);
  while (!decoder.done()) {
    ap::core::DecodeStep step = decoder.step();
    CHECK(ap::core::decode_row_difference(step, t) == 0);
    if (step.t == 3) {
      step.weights[1][2] += 1e-6;
      CHECK(ap::core::decode_row_difference(step, t) == Approx(1e-6));
    }
  }
  const auto total = ap::core::decode_work_total(s, 2);
  CHECK(total.cached == ap::core::decode_work(s, 0).cached + ap::core::decode_work(s, 1).cached + ap::core::decode_work(s, 2).cached);
  CHECK(total.recompute > 2 * total.cached);
  CHECK(ap::core::side_trace_affordable(ap::core::make_preset("large")));
  std::mt19937 rng(1);
  CHECK_FALSE(ap::core::side_trace_affordable(ap::test::random_scenario(rng, {512, 0, 64, 4, 16, 16})));
  const auto& summary = ap::core::summarize_nonfinite(t);
  CHECK(summary.total == 0);
  CHECK_FALSE(summary.origin);
}
