// Issue 16's fixes to Geometry, Masks, Positions and the editor, through the real panels on the null backend
// (tests/ui/null_ui.hpp) and the core functions behind their words: labels never pile up, the weights beside the
// plane follow a drag, the Masks view paints from the rule it shows and edits combined masks part by part, the
// Positions view says what "none" and an all-zero table mean, and a number field refuses letters in one line.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/cell_labels.hpp"
#include "core/edit_notes.hpp"
#include "core/explain.hpp"
#include "core/label_layout.hpp"
#include "core/mask.hpp"
#include "core/mask_kind.hpp"
#include "core/position_views.hpp"
#include "core/positional.hpp"
#include "core/presets.hpp"
#include "core/scenario_edit.hpp"
#include "support/reference_service.hpp"
#include "ui/exchange.hpp"
#include "ui/format.hpp"
#include "ui/null_ui.hpp"
#include "ui/playground_fixture.hpp"

namespace {

using ap::ui::widget_rects;

using ap::test::Playground;

// cat_sat (causal) with 2 heads of d_k = 2: the plane is exact.
ap::core::Scenario plane_scenario() {
  ap::core::Scenario s = ap::core::make_preset("cat_sat");
  return ap::core::with_head_shape(s, s.heads, 2, 2);
}

}  // namespace

TEST_CASE("label layout: labels on one point, or crowded, never overlap; the same input gives the same layout") {
  std::vector<ap::core::LabelRequest> requests;
  for (int k = 0; k < 8; ++k) requests.push_back({100, 100, 40, 12});  // eight labels on one tip
  for (int k = 0; k < 6; ++k) requests.push_back({104.0 + k, 98.0 + k, 30, 12});
  const ap::core::Box bounds{0, 0, 400, 400};
  const ap::core::Box obstacle{140, 80, 30, 12};
  const auto layout = ap::core::place_labels(requests, bounds, {obstacle});
  REQUIRE(layout.boxes.size() == requests.size());
  CHECK(layout.overlapped == 0);
  for (std::size_t a = 0; a < layout.boxes.size(); ++a) {
    CHECK_FALSE(layout.boxes[a].overlaps(obstacle));
    CHECK(layout.boxes[a].x >= 0);
    CHECK(layout.boxes[a].y >= 0);
    for (std::size_t b = a + 1; b < layout.boxes.size(); ++b) CHECK_FALSE(layout.boxes[a].overlaps(layout.boxes[b]));
  }
  const auto again = ap::core::place_labels(requests, bounds, {obstacle});
  for (std::size_t a = 0; a < layout.boxes.size(); ++a) {
    CHECK(again.boxes[a].x == layout.boxes[a].x);
    CHECK(again.boxes[a].y == layout.boxes[a].y);
  }
}

TEST_CASE("geometry: labels apart, axes named, the selected query's weights beside the plane follow a drag") {
  Playground p(plane_scenario());
  auto& state = p.state;
  auto& ui = p.ui;
  REQUIRE(ui.click(state, "view.geometry"));
  ui.frames(state, 2);
  const auto& geo = ui.view.geometry;
  CHECK(geo.labels_overlapping == 0);
  // not the causal first row with one key: the row with the most keys
  CHECK(geo.query == ap::core::row_with_most_keys(state.trace().allowed));
  const auto shown = [&] { return geo.shown_weights; };
  const auto trace_row = [&] {
    const auto& w = state.trace().heads[0].weights;
    return std::vector<double>(w.row(geo.query).data(), w.row(geo.query).data() + w.cols());
  };
  CHECK(shown() == trace_row());
  CHECK(ui.find(state, "view.geometry.weights"));
  CHECK(ui.find(state, "view.geometry.weight[0]"));
  ui.view.geometry.query = 2;  // "sat": q = (2, 0) sees The, cat, sat (row 5's q is zero: uniform whatever moves)
  ui.frames(state, 2);
  CHECK(shown() == trace_row());
  const std::vector<double> before = trace_row();
  // drag key 0's tip a good way: the trace changes and the bars with it
  const auto tip = widget_rects().find("view.geometry.k[0]");
  REQUIRE(tip);
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(tip->x + tip->w / 2, tip->y + tip->h / 2);
  ui.frame(state);
  io.MouseDown[0] = true;
  ui.frame(state);
  for (int k = 1; k <= 6; ++k) {
    io.MousePos.x += 8;
    io.MousePos.y -= 10;
    ui.frame(state);
  }
  io.MouseDown[0] = false;
  ui.frames(state, 4);
  CHECK(state.undo_depth() == 1);
  CHECK(trace_row() != before);
  CHECK(shown() == trace_row());
  CHECK(geo.labels_overlapping == 0);
}

TEST_CASE("masks: the weights beside the rule; painting starts from the rule's cells; combined masks part by part") {
  Playground p(ap::core::make_preset("cat_sat"));  // causal
  auto& state = p.state;
  auto& ui = p.ui;
  REQUIRE(ui.click(state, "view.mask"));
  CHECK(ui.find(state, "mask.weights[0][0]"));  // the weights map is drawn beside the rule
  const ap::core::AllowMatrix causal = state.trace().allowed;
  REQUIRE(ui.click(state, "view.mask.paint"));
  REQUIRE(state.scenario().mask.allow);
  CHECK(*state.scenario().mask.allow == causal);  // from the causal cells, not all ones
  CHECK(ap::core::mask_kind(state.scenario().mask) == ap::core::MaskKind::custom);

  // combined: chosen from the menu it adds a part, and each part switches by itself
  REQUIRE(state.undo());
  ui.frames(state, 2);
  REQUIRE(ui.click(state, "mask"));
  REQUIRE(ui.click(state, "mask.option.combined"));
  const auto& m = state.scenario().mask;
  CHECK(ap::core::mask_kind(m) == ap::core::MaskKind::combined);
  CHECK(m.causal == ap::core::CausalAlign::top_left);
  REQUIRE(m.key_valid);
  CHECK(ap::core::mask_parts_text(m) == "causal (top-left) AND key padding (1 of " + std::to_string(state.scenario().m()) + " keys padded)");
  REQUIRE(ui.click(state, "mask.part.window"));
  CHECK(state.scenario().mask.window == 2);
  REQUIRE(ui.click(state, "mask.part.painted cells"));
  REQUIRE(state.scenario().mask.allow);
  CHECK(state.scenario().mask.key_valid);  // the other parts stay
  CHECK(state.scenario().mask.window == 2);
  REQUIRE(ui.click(state, "mask.part.causal"));
  CHECK(state.scenario().mask.causal == ap::core::CausalAlign::none);
  CHECK(state.scenario().mask.window == 0);  // a window goes with its causal part
  CHECK(ap::core::mask_kind(state.scenario().mask) == ap::core::MaskKind::combined);  // painted AND key padding

  // a painted cell that another part hides says which
  ap::core::Scenario s = ap::core::make_preset("cat_sat");
  s.mask = ap::core::with_mask_part(s, ap::core::MaskPart::painted, true);
  CHECK(ap::core::painted_cell_note(s, 0, 2).find("causal part") != std::string::npos);
  CHECK(ap::core::painted_cell_note(s, 2, 0).empty());
}

TEST_CASE("positions: none points to the Order view; PE·PEᵀ; RoPE against the offset; an all-zero table said so") {
  ap::core::Scenario s = ap::core::make_preset("cat_sat");
  s.positional.kind = ap::core::PositionalKind::none;
  Playground p(s);
  auto& state = p.state;
  auto& ui = p.ui;
  REQUIRE(ui.click(state, "view.positional"));
  REQUIRE(ui.click(state, "view.positional.order"));
  ui.frames(state, 2);
  CHECK(ui.view.current_tab == "view.shuffle");

  // an all-zero learned table: said in words, not drawn with a ±1e-12 legend
  ap::core::Scenario learned = state.scenario();
  learned.positional.kind = ap::core::PositionalKind::learned;
  learned.positional.learned = ap::core::Matrix::Zero(learned.n(), learned.d_model());
  REQUIRE_FALSE(state.propose(learned));
  ui.view.select_tab = "view.positional";
  ui.frames(state, 3);
  CHECK(ui.find(state, "view.positional.zero"));

  // sinusoidal: PE·PEᵀ has d_model / 2 on its diagonal (sin² + cos² per pair) and is symmetric
  const ap::core::Matrix pe = ap::core::sinusoidal_encoding(6, 8);
  const ap::core::Matrix sim = ap::core::position_similarity(pe);
  for (int i = 0; i < 6; ++i) {
    CHECK(sim(i, i) == Approx(4.0));
    for (int j = 0; j < 6; ++j) CHECK(sim(i, j) == Approx(sim(j, i)));
  }
  CHECK(ap::core::is_all_zero(ap::core::Matrix::Zero(3, 2)));
  CHECK_FALSE(ap::core::is_all_zero(pe));

  // RoPE: the score against the offset is the score at that offset from any start; the rotated pair's angle is the
  // first pair's rope angle at each position
  const std::vector<double> q{0.3, -1.2, 0.8, 0.5}, k{1.1, 0.4, -0.6, 0.9};
  const auto curve = ap::core::rope_score_by_offset(q, k, -5, 5, 10000, ap::core::RopePairing::interleaved);
  REQUIRE(curve.size() == 11);
  for (const auto& [r, score] : curve)
    for (double at_p : ap::core::rope_scores_at_offset(q, k, static_cast<int>(r), 6, 10000, ap::core::RopePairing::interleaved))
      CHECK(at_p == Approx(score).margin(1e-12));
  const auto pic = ap::core::rope_first_pair(q, k, 3, 2, 10000, ap::core::RopePairing::half);
  CHECK(pic.coord_b == 2);
  CHECK(pic.theta_k == Approx(5.0));
  CHECK(std::hypot(pic.q_a, pic.q_b) == Approx(std::hypot(q[0], q[2])));  // a rotation keeps the length
}

TEST_CASE("editing: letters in a number field are refused in one line naming the cell; the scenario is kept") {
  Playground p(ap::core::make_preset("classic"));
  auto& state = p.state;
  auto& ui = p.ui;
  const ap::core::Scenario before = state.scenario();
  REQUIRE(ui.type_into(state, "x[0][1]", "abc"));
  REQUIRE(state.last_error());
  CHECK(state.last_error()->what() == "x[0][1]: expected a number, got \"abc\" (x row 0 (token " + before.query.tokens[0] +
                                          "), column 1 (feature 1)); the cell keeps " + ap::ui::format_exact(before.query.x(0, 1)));
  CHECK(state.scenario().query.x == before.query.x);
  CHECK(state.undo_depth() == 0);
  // a number typed after it applies, as one undo step, and clears the line
  REQUIRE(ui.type_into(state, "x[0][1]", "-0.55"));
  CHECK(state.scenario().query.x(0, 1) == -0.55);
  CHECK(state.undo_depth() == 1);
  CHECK_FALSE(state.last_error());
  CHECK(ap::ui::format_exact(state.scenario().query.x(0, 1)) == "-0.55");  // the tooltip's form
  // half a number ("1e") is said nothing of while typed, and refused when typing ends
  CHECK_FALSE(state.edit_cell_text({"x", 0, 1}, "1e", false));
  CHECK_FALSE(state.last_error());
  CHECK(state.edit_cell_text({"x", 0, 1}, "1e", true));
  CHECK(state.scenario().query.x(0, 1) == -0.55);
}

TEST_CASE("editing: heads re-split W_Q and change d_k, said in one line; a causal mask hiding new context keys is said") {
  ap::core::Scenario s = ap::core::make_preset("cat_sat");
  Playground p(s);
  auto& state = p.state;
  auto& ui = p.ui;
  const ap::core::Scenario before = state.scenario();
  REQUIRE(ui.click(state, "heads.inc"));
  REQUIRE(state.scenario().heads == before.heads + 1);
  CHECK(ap::ui::exchange().notice == ap::core::head_count_note(before, state.scenario()));
  CHECK(ap::ui::exchange().notice.find("re-split") != std::string::npos);
  // from 1 head of d_k = 4 to 2: d_k = 2, said
  ap::core::Scenario one = ap::core::with_head_shape(ap::core::make_preset("cat_sat"), 1, 4, 4);
  const ap::core::Scenario two = ap::core::with_head_count(one, 2);
  CHECK(two.d_k == one.d_model() / 2);
  CHECK(ap::core::head_count_note(one, two).find("d_k = " + std::to_string(two.d_k)) != std::string::npos);

  REQUIRE(ui.click(state, "context"));  // cat_sat is causal: the extra context key is hidden from every query
  REQUIRE(state.scenario().context);
  const std::string& notice = ap::ui::exchange().notice;
  CHECK(notice.find("cross-attention on") != std::string::npos);
  CHECK(notice.find("hides " + state.scenario().context->tokens.back() + " from every query") != std::string::npos);
  // with no mask nothing is hidden and nothing more is said
  ap::core::Scenario open = ap::core::make_preset("classic");
  const ap::core::Scenario crossed = ap::core::with_context_count(open, 3);
  CHECK(ap::core::context_note(open, crossed) == "cross-attention on: 3 keys and values from context.x");
}

TEST_CASE("editing: weight grids name their rows, columns and bias; cells say where they are") {
  ap::core::Scenario s = ap::core::with_head_shape(ap::core::make_preset("cat_sat"), 2, 2, 3);
  const auto wq = ap::core::grid_labels(s, "w_q");
  REQUIRE(wq.cols.size() == 4);
  CHECK(wq.rows[0] == "in 0");
  CHECK(wq.cols[3] == "h1:1");
  const auto wo = ap::core::grid_labels(s, "w_o");
  CHECK(wo.rows[4] == "h1:1");  // d_v = 3
  CHECK(wo.cols[0] == "out 0");
  CHECK(ap::core::grid_labels(s, "b_q").rows == std::vector<std::string>{"bias"});
  CHECK(ap::core::cell_place(s, {"w_q", 3, 2}) == "W_Q row 3 (input feature 3), column 2 (head 1, column 0)");
  CHECK(ap::core::cell_place(s, {"b_o", 0, 1}) == "b_o (the bias), column 1 (output feature 1)");

  Playground p(s);
  auto& ui = p.ui;
  REQUIRE(ui.click(p.state, "section.w_q"));
  CHECK(ui.find(p.state, "w_q[0][0]"));
  CHECK(ui.find(p.state, "b_q[0]"));
}

TEST_CASE("editing: Escape goes back to every digit; after it, Tab moves to the next cell, whose typed number applies") {
  Playground p(ap::core::make_preset("cat_sat"));
  auto& state = p.state;
  auto& ui = p.ui;
  const double kept = state.scenario().query.x(2, 2);
  REQUIRE(ui.click(state, "x[2][2]"));
  ui.key(state, ImGuiKey_A, true);
  ui.type(state, "42");
  CHECK(state.scenario().query.x(2, 2) == 42);
  ui.key(state, ImGuiKey_Escape);
  CHECK(state.scenario().query.x(2, 2) == kept);
  REQUIRE(ui.click(state, "x[1][0]"));
  ui.key(state, ImGuiKey_A, true);
  ui.type(state, "0.5");
  ui.key(state, ImGuiKey_Tab);
  ui.type(state, "0.75");
  ui.key(state, ImGuiKey_Enter);
  CHECK(state.scenario().query.x(1, 0) == 0.5);
  CHECK(state.scenario().query.x(1, 1) == 0.75);
}

TEST_CASE("editing: a number typed and ended within one frame is its own undo step, cell after cell") {
  // Keys can come faster than frames (the browser suite types a value and presses Enter before the next frame):
  // the live edit and the end of typing then arrive in the same frame, and must not merge with the cell before.
  Playground p(ap::core::make_preset("classic"));
  auto& state = p.state;
  auto& ui = p.ui;
  ImGuiIO& io = ImGui::GetIO();
  const auto type_and_enter_in_one_frame = [&](const std::string& id, const std::string& text) {
    REQUIRE(ui.click(state, id));
    ui.key(state, ImGuiKey_A, true);
    for (char c : text) io.AddInputCharacter(static_cast<unsigned char>(c));
    io.KeysDown[io.KeyMap[ImGuiKey_Enter]] = true;
    ui.frame(state);
    io.KeysDown[io.KeyMap[ImGuiKey_Enter]] = false;
    ui.frames(state, 2);
  };
  type_and_enter_in_one_frame("x[0][0]", "0.25");
  CHECK(state.scenario().query.x(0, 0) == 0.25);
  CHECK(state.undo_depth() == 1);
  type_and_enter_in_one_frame("x[1][0]", "1.25");
  CHECK(state.scenario().query.x(1, 0) == 1.25);
  CHECK(state.undo_depth() == 2);
  state.undo();
  CHECK(state.scenario().query.x(1, 0) == 0);
  CHECK(state.scenario().query.x(0, 0) == 0.25);
}
