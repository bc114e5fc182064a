// core/row_walk: the step-through of one output row visits every stage in order, and every number is the trace's:
// scores and weights are the trace's rows, exp / Σ exp reproduce the weights, the weights sum to 1 (without a sink),
// masked keys take no part, and the last stage is the trace's output row.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "core/pipeline.hpp"
#include "core/presets.hpp"
#include "core/row_walk.hpp"
#include "support/random_scenario.hpp"

using namespace ap::core;

namespace {

const WalkStage* find(const RowWalk& w, WalkStageKind kind) {
  for (const auto& st : w.stages)
    if (st.kind == kind) return &st;
  return nullptr;
}

void check_walk(const Scenario& s, const Trace& t, int head, int i) {
  const auto walk = make_row_walk(s, t, head, i);
  REQUIRE(walk);
  const HeadTrace& h = t.heads[static_cast<std::size_t>(head)];
  const int keys = s.m();
  std::vector<WalkStageKind> order;
  for (const auto& st : walk->stages) order.push_back(st.kind);
  std::vector<WalkStageKind> expected = {WalkStageKind::query, WalkStageKind::scores, WalkStageKind::scale};
  const bool mods = s.variants.alibi || s.variants.softcap || s.variants.precision;
  if (mods) expected.push_back(WalkStageKind::score_mods);
  for (auto k : {WalkStageKind::mask, WalkStageKind::exp, WalkStageKind::softmax, WalkStageKind::mix,
                 WalkStageKind::head_output, WalkStageKind::concat, WalkStageKind::output})
    expected.push_back(k);
  REQUIRE(order == expected);
  bool any_part = false;  // a key that takes part in the softmax
  for (int j = 0; j < keys; ++j) any_part = any_part || t.allowed(i, j) || (s.variants.mask_fill && std::isfinite(*s.variants.mask_fill));
  for (const auto& st : walk->stages) {
    // every stage lights something up, but an empty row's softmax stages have no key to light
    CHECK_FALSE((st.spans.empty() && (any_part || !st.per_key || st.kind == WalkStageKind::scores || st.kind == WalkStageKind::scale)));
    CHECK_FALSE(st.title.empty());
    CHECK_FALSE(st.formula.empty());
  }

  const auto* q = find(*walk, WalkStageKind::query);
  REQUIRE(q->values.size() == static_cast<std::size_t>(s.d_k));
  for (int c = 0; c < s.d_k; ++c) CHECK(q->values[static_cast<std::size_t>(c)] == h.q(i, c));
  const auto* sc = find(*walk, WalkStageKind::scores);
  REQUIRE(sc->values.size() == static_cast<std::size_t>(keys));
  for (int j = 0; j < keys; ++j) CHECK(sc->values[static_cast<std::size_t>(j)] == h.scores(i, j));
  const auto* scale = find(*walk, WalkStageKind::scale);
  for (int j = 0; j < keys; ++j)
    CHECK(scale->values[static_cast<std::size_t>(j)] == Approx(t.scale * h.scores(i, j)).margin(1e-12));
  const auto* last_scaled = mods ? find(*walk, WalkStageKind::score_mods) : scale;
  for (int j = 0; j < keys; ++j) CHECK(last_scaled->values[static_cast<std::size_t>(j)] == h.scaled(i, j));

  const auto* mask = find(*walk, WalkStageKind::mask);
  const auto* ex = find(*walk, WalkStageKind::exp);
  const auto* sm = find(*walk, WalkStageKind::softmax);
  const bool finite_fill = s.variants.mask_fill && std::isfinite(*s.variants.mask_fill);
  double sigma = std::numeric_limits<double>::quiet_NaN(), sink_exp = 0;
  for (const auto& f : ex->facts) {
    if (f.label == "Σ exp") sigma = f.value;
    if (f.label == "exp(sink − max)") sink_exp = f.value;
  }
  double listed = sink_exp, weights = 0;
  bool any_allowed = false;
  for (int j = 0; j < keys; ++j) {
    const auto k = static_cast<std::size_t>(j);
    const bool masked = !t.allowed(i, j);
    any_allowed = any_allowed || !masked;
    CHECK(mask->excluded[k] == (masked && !finite_fill));   // a masked key at −∞ takes no part
    CHECK(ex->excluded[k] == mask->excluded[k]);
    if (mask->excluded[k]) {
      CHECK(mask->values[k] == -std::numeric_limits<double>::infinity());
      CHECK(ex->values[k] == 0);
      CHECK(sm->values[k] == 0);
    } else {
      CHECK(mask->values[k] == (masked ? *s.variants.mask_fill : h.scaled(i, j)));
      CHECK(ex->values[k] > 0);
      CHECK(ex->values[k] <= 1);
    }
    listed += ex->values[k];
    weights += sm->values[k];
    CHECK(sm->values[k] == h.weights(i, j));
  }
  CHECK(sigma == Approx(listed).epsilon(1e-12));
  if (any_allowed || finite_fill) {
    for (int j = 0; j < keys; ++j)  // exp values / Σ exp are the trace's weights
      CHECK(ex->values[static_cast<std::size_t>(j)] / sigma == Approx(h.weights(i, j)).margin(1e-12));
    if (!s.variants.sinks) CHECK(weights == Approx(1.0).epsilon(1e-12));
    else CHECK(weights < 1.0);
  } else {
    CHECK(weights == 0);
    CHECK(sigma == 0);
  }

  const auto* out = find(*walk, WalkStageKind::head_output);
  for (int c = 0; c < s.d_v; ++c) CHECK(out->values[static_cast<std::size_t>(c)] == h.output(i, c));
  const auto* cat = find(*walk, WalkStageKind::concat);
  REQUIRE(cat->values.size() == static_cast<std::size_t>(s.heads * s.d_v));
  for (int c = 0; c < s.d_v; ++c)  // this head's block of the concat is its output row
    CHECK(cat->values[static_cast<std::size_t>(head * s.d_v + c)] == h.output(i, c));
  const auto* o = find(*walk, WalkStageKind::output);
  REQUIRE(o->values.size() == static_cast<std::size_t>(s.d_model()));
  for (int c = 0; c < s.d_model(); ++c) CHECK(o->values[static_cast<std::size_t>(c)] == t.output(i, c));
  // the mix's value rows are the keys not excluded
  const auto* mix = find(*walk, WalkStageKind::mix);
  int v_rows = 0;
  for (const auto& sp : mix->spans)
    if (sp.matrix == "v") v_rows += sp.row1 - sp.row0;
  int taking_part = 0;
  for (auto e : mix->excluded) taking_part += e ? 0 : 1;
  CHECK(v_rows == taking_part);
}

}  // namespace

TEST_CASE("row walk: every stage, every number the trace's, on random layers and masks") {
  std::mt19937 rng(77);
  for (int trial = 0; trial < 12; ++trial) {
    Scenario s = ap::test::random_scenario(rng, ap::test::random_shape(rng, trial % 3 == 2));
    s.mask = ap::test::random_mask(rng, ap::test::all_mask_kinds()[static_cast<std::size_t>(trial) % ap::test::all_mask_kinds().size()],
                                   s.n(), s.m());
    validate_scenario(s);
    const Trace t = compute_reference(s);
    INFO("trial " << trial);
    for (int h = 0; h < s.heads; ++h)
      for (int i = 0; i < s.n(); i += 3) check_walk(s, t, h, i);
  }
}

TEST_CASE("row walk: the score mods stage, a finite fill and a sink") {
  Scenario s = make_preset("cat_sat");  // causal
  s.variants.alibi = true;
  s.variants.softcap = 5.0;
  validate_scenario(s);
  Trace t = compute_reference(s);
  check_walk(s, t, 0, 0);  // the first row: one key
  check_walk(s, t, 0, s.n() - 1);
  const auto walk = make_row_walk(s, t, 0, 2);
  REQUIRE(walk);
  bool slope = false;
  for (const auto& st : walk->stages)
    for (const auto& f : st.facts) slope = slope || f.label == "ALiBi slope m";
  CHECK(slope);

  s.variants.alibi = false;
  s.variants.softcap.reset();
  s.variants.mask_fill = -4.0;  // masked keys take part with the fill
  s.variants.sinks = RowVector::Constant(1, s.heads, 0.5);
  validate_scenario(s);
  t = compute_reference(s);
  check_walk(s, t, 0, 1);
}

TEST_CASE("row walk: refused for a head the trace did not record or a row that does not exist") {
  const Scenario s = make_preset("cat_sat");
  Trace t = compute_reference(s);
  CHECK_FALSE(make_row_walk(s, t, 0, s.n()));
  CHECK_FALSE(make_row_walk(s, t, s.heads, 0));
  t.heads[0].weights.resize(0, 0);
  t.heads[0].scores.resize(0, 0);
  CHECK_FALSE(make_row_walk(s, t, 0, 0));
}
