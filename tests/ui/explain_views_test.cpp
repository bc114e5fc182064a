// What issue 16 adds to the panels, through the null backend (tests/ui/null_ui.hpp): the Step through view walked
// with its buttons, keys and Play; the Head view's lines equal to the trace's weights, a hovered token isolating its
// lines, a thumbnail selecting its head, a large layer's lines bounded and the cut said; a colour range the user set
// drawn by the heatmaps and undone by "auto".
#include <catch2/catch.hpp>

#include <random>

#include "core/presets.hpp"
#include "support/reference_service.hpp"
#include "ui/null_ui.hpp"
#include "ui/playground_fixture.hpp"

namespace {

using ap::ui::widget_rects;

using ap::test::Playground;

// A real hover: the mouse on widget `id` for a few frames.
bool hover(Playground& p, const std::string& id) {
  const auto r = p.ui.find(p.state, id);
  if (!r) return false;
  ImGui::GetIO().MousePos = ImVec2(r->x + r->w / 2, r->y + r->h / 2);
  p.ui.frames(p.state, 3);
  return true;
}

}  // namespace

TEST_CASE("ui steps: Next, Back, the stage buttons, the arrow keys and Play walk the stages of one row") {
  Playground p(ap::core::make_preset("cat_sat"));
  auto& ui = p.ui;
  auto& state = p.state;
  REQUIRE(ui.click(state, "view.steps"));
  auto& st = ui.view.steps;
  REQUIRE(st.walk);
  const int count = static_cast<int>(st.walk->stages.size());
  CHECK(count == 10);  // no score mods in this preset
  CHECK(st.query == state.scenario().n() - 1);  // causal: the last row has the most keys
  CHECK(st.stage == 0);
  CHECK(widget_rects().find("steps.map.q"));
  REQUIRE(ui.click(state, "steps.next"));
  CHECK(st.stage == 1);
  CHECK(widget_rects().find("steps.map.k"));  // the scores stage involves K
  CHECK(widget_rects().find("steps.table"));
  ui.key(state, ImGuiKey_RightArrow);
  CHECK(st.stage == 2);
  ui.key(state, ImGuiKey_LeftArrow);
  CHECK(st.stage == 1);
  REQUIRE(ui.click(state, "steps.back"));
  REQUIRE(ui.click(state, "steps.back"));  // already at the first: stays
  CHECK(st.stage == 0);
  REQUIRE(ui.click(state, "steps.stage[" + std::to_string(count - 1) + "]"));
  CHECK(st.walk->stages[static_cast<std::size_t>(st.stage)].id == "output");
  CHECK(widget_rects().find("steps.map.w_o"));

  // Play from the end starts again and walks at the pace set: 0.3 s a stage at 60 frames a second
  st.seconds_per_stage = 0.3f;
  REQUIRE(ui.click(state, "steps.play"));
  CHECK(st.playing);
  CHECK(st.stage <= 1);
  ui.frames(state, 20);
  CHECK(st.stage >= 1);
  ui.frames(state, 11 * 20);
  CHECK_FALSE(st.playing);  // stopped on the layer's output
  CHECK(st.stage == count - 1);
  ui.key(state, ImGuiKey_Space);  // space plays again from the start
  CHECK(st.playing);
  CHECK(st.stage == 0);
  ui.key(state, ImGuiKey_Space);
  CHECK_FALSE(st.playing);

  // a click on a row of a query-row matrix walks that row, and the walk follows
  REQUIRE(ui.click(state, "steps.stage[1]"));
  REQUIRE(ui.click(state, "steps.map.scores[1][0]"));
  CHECK(st.query == 1);
  REQUIRE(st.walk);
  CHECK(st.walk->query == 1);
  const auto& out = st.walk->stages.back().values;
  for (int c = 0; c < state.scenario().d_model(); ++c) CHECK(out[static_cast<std::size_t>(c)] == state.trace().output(1, c));
}

TEST_CASE("ui head view: lines are the trace's weights; hover isolates a token; a thumbnail selects a head") {
  Playground p(ap::core::make_preset("cat_sat"));
  auto& ui = p.ui;
  auto& state = p.state;
  REQUIRE(ui.click(state, "view.headview"));
  ImGui::GetIO().MousePos = ImVec2(1, 1);  // away from every token
  ui.frames(state, 3);
  const auto& hv = ui.view.head_lines;
  const auto& t = state.trace();
  long long positive = 0;
  for (const auto& h : t.heads) positive += (h.weights.array() > 0).count();
  CHECK(hv.all_heads);
  CHECK(static_cast<long long>(hv.lines.lines.size()) == positive);
  CHECK(hv.lines.hidden == 0);
  CHECK_FALSE(widget_rects().find("headview.hidden"));
  for (const auto& l : hv.lines.lines) CHECK(l.weight == t.heads[static_cast<std::size_t>(l.head)].weights(l.query, l.key));
  REQUIRE(hv.thumbnails.size() == static_cast<std::size_t>(state.scenario().heads));

  REQUIRE(hover(p, "headview.query[3]"));
  CHECK(hv.focus_query == 3);
  REQUIRE_FALSE(hv.lines.lines.empty());
  for (const auto& l : hv.lines.lines) CHECK(l.query == 3);
  REQUIRE(hover(p, "headview.key[1]"));
  CHECK(hv.focus_key == 1);
  CHECK(hv.focus_query == -1);
  for (const auto& l : hv.lines.lines) CHECK(l.key == 1);

  REQUIRE(ui.click(state, "headview.thumb[1]"));
  ImGui::GetIO().MousePos = ImVec2(1, 1);
  ui.frames(state, 3);
  CHECK(ui.view.head == 1);
  CHECK_FALSE(hv.all_heads);
  REQUIRE_FALSE(hv.lines.lines.empty());
  for (const auto& l : hv.lines.lines) CHECK(l.head == 1);
  REQUIRE(ui.click(state, "headview.all"));
  CHECK(hv.all_heads);
}

TEST_CASE("ui head view: 8 heads of 128 tokens draw at most 3000 lines, each query's heaviest, and say what is hidden") {
  std::mt19937 rng(4);
  std::normal_distribution<double> normal(0, 1);
  ap::core::Matrix x(128, 16);
  for (Eigen::Index k = 0; k < x.size(); ++k) x.data()[k] = normal(rng);
  Playground p(ap::core::make_scenario(x, 8), 1920, 1080);
  auto& ui = p.ui;
  auto& state = p.state;
  REQUIRE(ui.click(state, "view.headview"));
  ImGui::GetIO().MousePos = ImVec2(1, 1);
  ui.frames(state, 3);
  const auto& hv = ui.view.head_lines;
  CHECK(hv.lines.per_query == 2);
  CHECK(hv.lines.lines.size() == 8 * 128 * 2);
  CHECK(hv.lines.hidden == 8LL * 128 * 128 - 8 * 128 * 2);
  CHECK(widget_rects().find("headview.hidden"));
  for (const auto& th : hv.thumbnails) CHECK(th.lines.size() <= 375);
  CHECK(widget_rects().find("headview.thumb[7]"));
  REQUIRE(hover(p, "headview.query[0]"));  // one token: all of its lines, nothing hidden
  CHECK(hv.lines.lines.size() == 8 * 128);
  CHECK(hv.lines.hidden == 0);
}

TEST_CASE("ui colours: a weights max and a signed range the user set are drawn, auto restores") {
  Playground p(ap::core::make_preset("cat_sat"));
  auto& ui = p.ui;
  auto& state = p.state;
  REQUIRE(ui.click(state, "view.scores"));
  auto& colors = ui.view.heatmaps.colors;
  REQUIRE(ui.click(state, "colors.range"));
  REQUIRE(ui.type_into(state, "colors.weights_max", "0.25"));
  CHECK(colors.user_weights);
  CHECK(colors.weights_max == 0.25);
  REQUIRE(ui.type_into(state, "colors.signed_lo", "-2"));
  REQUIRE(ui.type_into(state, "colors.signed_hi", "3"));
  CHECK(colors.user_signed);
  REQUIRE(ui.click(state, "view.scores"));  // a click outside closes the popup
  ui.frames(state, 3);
  const auto& weights = ui.view.heatmaps.states.at("##weights");
  CHECK(weights.hi == 0.25);
  CHECK(weights.range.legend == "set by you: 0 to 0.25");
  const auto& scores = ui.view.heatmaps.states.at("##scores");
  CHECK(scores.lo == -2);
  CHECK(scores.hi == 3);
  REQUIRE(ui.click(state, "colors.range"));
  REQUIRE(ui.click(state, "colors.weights_auto"));
  REQUIRE(ui.click(state, "colors.signed_auto"));
  CHECK_FALSE(colors.user_weights);
  CHECK_FALSE(colors.user_signed);
  REQUIRE(ui.click(state, "view.scores"));
  ui.frames(state, 3);
  CHECK(ui.view.heatmaps.states.at("##weights").hi == 1);
  CHECK(ui.view.heatmaps.states.at("##scores").lo == -ui.view.heatmaps.states.at("##scores").hi);
}
