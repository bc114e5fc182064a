// Every cell's breakdown (core/breakdown.hpp, window.playground.explain) adds up to the trace's number: products
// as Σ a·b (biases b = 1, RoPE's mixed columns included), weights as numerator / denominator.
#include <catch2/catch.hpp>

#include "core/breakdown.hpp"
#include "core/explain.hpp"
#include "core/pipeline.hpp"
#include "core/scenario_edit.hpp"
#include "support/random_scenario.hpp"

namespace {

double sum(const std::vector<ap::core::BreakdownTerm>& terms) {
  double total = 0;
  for (const auto& t : terms) total += t.a * t.b;
  return total;
}
double sum(const ap::core::Breakdown& b) { return sum(b.terms); }

// What a tooltip shows must still add up: Σ of the listed terms + the "… n more" line = the cell.
void check_summary(const std::vector<ap::core::BreakdownTerm>& terms, double value, double tolerance) {
  const ap::core::TermSummary shown = ap::core::summarise_terms(terms, 16);
  CHECK(static_cast<int>(shown.shown.size()) == std::min<int>(16, static_cast<int>(terms.size())));
  CHECK(shown.hidden == static_cast<int>(terms.size()) - static_cast<int>(shown.shown.size()));
  double listed = shown.hidden_sum;
  for (int k : shown.shown) listed += terms[static_cast<std::size_t>(k)].a * terms[static_cast<std::size_t>(k)].b;
  CHECK(listed == Approx(value).margin(tolerance));
  CHECK(shown.total == Approx(value).margin(tolerance));
}

std::string id(const std::string& kind, int a, int b, int c = -1) {
  std::string s = kind + "[" + std::to_string(a) + "][" + std::to_string(b) + "]";
  return c < 0 ? s : s + "[" + std::to_string(c) + "]";
}

}  // namespace

TEST_CASE("breakdowns add up to the trace, for every kind of cell") {
  std::mt19937 rng(2024);
  for (int trial = 0; trial < 16; ++trial) {
    ap::core::Scenario s = ap::test::random_scenario(rng, ap::test::random_shape(rng, trial % 2 == 1));
    s.mask = ap::test::random_mask(rng, ap::test::all_mask_kinds()[static_cast<std::size_t>(trial) % ap::test::all_mask_kinds().size()], s.n(), s.m());
    s.positional = ap::test::random_positional(rng, s);
    ap::core::validate_scenario(s);
    const ap::core::Trace t = ap::core::compute_reference(s);
    INFO("trial " << trial);
    for (int h = 0; h < s.heads; ++h)
      for (int i = 0; i < s.n(); i += 2) {
        for (int j = 0; j < s.m(); j += 3) {
          const auto score = ap::core::explain_cell(s, t, id("scores", h, i, j));
          REQUIRE(score);
          CHECK(sum(*score) == Approx(score->value).margin(1e-12));
          const auto w = ap::core::explain_cell(s, t, id("weights", h, i, j));
          REQUIRE(w);
          REQUIRE(w->is_ratio);
          if (w->denominator > 0) CHECK(w->numerator / w->denominator == Approx(w->value).margin(1e-15));
          else CHECK(w->value == 0);
          CHECK(w->masked == !t.allowed(i, j));
          const auto k = ap::core::explain_cell(s, t, id("k", h, j, 0));
          REQUIRE(k);
          CHECK(sum(*k) == Approx(k->value).margin(1e-12));
          const auto v = ap::core::explain_cell(s, t, id("v", h, j, 0));
          REQUIRE(v);
          CHECK(sum(*v) == Approx(v->value).margin(1e-12));
        }
        for (int c = 0; c < s.d_k; c += 2) {
          const auto q = ap::core::explain_cell(s, t, id("q", h, i, c));
          REQUIRE(q);
          CHECK(sum(*q) == Approx(q->value).margin(1e-12));
        }
        for (int c = 0; c < s.d_v; c += 3) {
          const auto out = ap::core::explain_cell(s, t, id("out", h, i, c));
          REQUIRE(out);
          CHECK(sum(*out) == Approx(out->value).margin(1e-12));
        }
      }
    for (int i = 0; i < s.n(); ++i)
      for (int c = 0; c < s.d_model(); c += 2) {
        const auto o = ap::core::explain_cell(s, t, id("output", i, c));
        REQUIRE(o);
        CHECK(o->terms.back().b == 1.0);  // the bias
        CHECK(sum(*o) == Approx(o->value).margin(1e-12));
      }
  }
}

TEST_CASE("breakdowns: unknown or out-of-range ids give nothing") {
  const ap::core::Scenario s = ap::core::make_scenario(ap::core::Matrix::Identity(2, 2));
  const ap::core::Trace t = ap::core::compute_reference(s);
  for (const char* bad : {"scores[1][0][0]", "scores[0][2][0]", "weights[0][0]", "output[0][5]", "q[0][0][7]",
                          "nothing[0][0][0]", "scores[0][0][0]x", "", "output[-1][0]"})
    CHECK_FALSE(ap::core::explain_cell(s, t, bad));
  CHECK(ap::core::explain_cell(s, t, "scores[0][1][0]"));
}

// The tolerance: every term is read from the reference trace (float64), so Σ a·b in another order than the
// kernel's differs by rounding only: 1e-12 absolute, plus 1e-12 relative to Σ |a·b| (long sums of large terms).
TEST_CASE("breakdowns add up under masks, cross-attention and grouped-query heads, and so do their summaries") {
  std::mt19937 rng(77);
  int products = 0, weights = 0, long_sums = 0;
  for (int trial = 0; trial < 24; ++trial) {
    ap::test::Shape shape = ap::test::random_shape(rng, trial % 3 != 0);
    shape.heads = (trial % 2 == 0) ? 4 : 2;
    ap::core::Scenario s = ap::test::random_scenario(rng, shape);
    s.mask = ap::test::random_mask(rng, ap::test::all_mask_kinds()[static_cast<std::size_t>(trial) % ap::test::all_mask_kinds().size()], s.n(), s.m());
    if (trial % 4 == 1) s.variants.sinks = ap::core::RowVector::Constant(s.heads, 0.25);
    ap::core::validate_scenario(s);
    s = ap::core::with_kv_heads(s, trial % 2 == 0 ? 2 : 1);  // GQA (2 K/V heads for 4) or multi-query
    ap::core::validate_scenario(s);
    const ap::core::Trace t = ap::core::compute_reference(s);
    INFO("trial " << trial << ": N " << s.n() << ", M " << s.m() << ", d_k " << s.d_k << ", kv_heads " << s.kv_heads());
    const auto check_products = [&](const std::string& cell) {
      const auto b = ap::core::explain_cell(s, t, cell);
      REQUIRE(b);
      REQUIRE_FALSE(b->is_ratio);
      double magnitude = 0;
      for (const auto& term : b->terms) magnitude += std::fabs(term.a * term.b);
      const double tolerance = 1e-12 + 1e-12 * magnitude;
      INFO(cell);
      CHECK(sum(*b) == Approx(b->value).margin(tolerance));
      check_summary(b->terms, b->value, tolerance);
      ++products;
      if (b->terms.size() > 16) ++long_sums;
    };
    for (int h = 0; h < s.heads; ++h) {
      const int i = ap::test::uniform_int(rng, 0, s.n() - 1), j = ap::test::uniform_int(rng, 0, s.m() - 1);
      check_products(id("scores", h, i, j));
      check_products(id("q", h, i, ap::test::uniform_int(rng, 0, s.d_k - 1)));
      check_products(id("k", h, j, ap::test::uniform_int(rng, 0, s.d_k - 1)));
      check_products(id("v", h, j, ap::test::uniform_int(rng, 0, s.d_v - 1)));
      check_products(id("out", h, i, ap::test::uniform_int(rng, 0, s.d_v - 1)));
      for (int key = 0; key < s.m(); ++key) {
        const auto w = ap::core::explain_cell(s, t, id("weights", h, i, key));
        REQUIRE(w);
        REQUIRE(w->is_ratio);
        CHECK(w->masked == !t.allowed(i, key));
        if (w->denominator == 0) {  // a row with no key: zeros
          CHECK(w->value == 0);
          continue;
        }
        CHECK(sum(w->denominator_terms) == Approx(w->denominator).epsilon(1e-14));
        check_summary(w->denominator_terms, w->denominator, 1e-14 * w->denominator);
        CHECK(std::exp(w->logit - w->row_max) == w->numerator);
        CHECK(w->numerator / w->denominator == Approx(w->value).margin(1e-15));
        if (!w->masked) CHECK(w->logit == t.heads[static_cast<std::size_t>(h)].scaled(i, key));
        ++weights;
      }
    }
    check_products(id("output", ap::test::uniform_int(rng, 0, s.n() - 1), ap::test::uniform_int(rng, 0, s.d_model() - 1)));
  }
  CHECK(products > 100);
  CHECK(weights > 100);
  CHECK(long_sums > 10);  // the summary's "… n more" line is exercised
}

TEST_CASE("summarise_terms: the largest terms first, the rest counted and summed") {
  std::vector<ap::core::BreakdownTerm> terms;
  for (int k = 0; k < 40; ++k) terms.push_back({"t" + std::to_string(k), k % 2 ? -0.5 * k : 0.25 * k, 1.0});
  const auto s = ap::core::summarise_terms(terms, 5);
  REQUIRE(s.shown.size() == 5);
  CHECK(s.shown[0] == 39);  // |−19.5| is the largest
  CHECK(s.shown[1] == 37);
  CHECK(s.hidden == 35);
  CHECK(s.total == Approx(sum(terms)));
  const auto all = ap::core::summarise_terms(terms, 64);
  CHECK(all.shown.size() == 40);
  CHECK(all.shown[3] == 3);  // everything, in order
  CHECK(all.hidden == 0);
  CHECK(ap::core::summarise_terms({}, 16).shown.empty());
}

TEST_CASE("the scaling lab's row: the one with the most allowed keys, so a causal mask does not leave it one key") {
  ap::core::AllowMatrix causal = ap::core::AllowMatrix::Zero(5, 5);
  for (int i = 0; i < 5; ++i) causal.row(i).head(i + 1).setOnes();
  CHECK(ap::core::row_with_most_keys(causal) == 4);
  ap::core::AllowMatrix picked = ap::core::AllowMatrix::Ones(3, 6);
  picked.row(0).setZero();
  picked(2, 5) = 0;
  CHECK(ap::core::row_with_most_keys(picked) == 1);
  CHECK(ap::core::row_with_most_keys(ap::core::AllowMatrix::Ones(4, 4)) == 3);  // a tie: the last row
}
