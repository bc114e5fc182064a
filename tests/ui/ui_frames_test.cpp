// The whole playground UI, frame by frame through the null backend (tests/ui/null_ui.hpp): scripted clicks, keys and
// wheel turns on the real widgets, across every view, every preset and a layer large enough to need zooming; run
// natively and under ASan/UBSan (the sanitize preset), so a crash or undefined behaviour in a panel fails here.
#include <catch2/catch.hpp>

#include "core/presets.hpp"
#include "core/scenario_edit.hpp"
#include "support/random_scenario.hpp"
#include "support/reference_service.hpp"
#include "ui/null_ui.hpp"

namespace {

const char* const views[] = {"view.scores", "view.pipeline", "view.heads", "view.scaling",
                             "view.geometry", "view.mask", "view.positional", "view.shuffle", "view.uniform"};

}  // namespace

TEST_CASE("ui: starting makes no edit; typing into a cell is one undo step; Ctrl+Z undoes it") {
  ap::test::ReferenceService service;
  ap::ui::AppState state(service, ap::core::make_preset("classic"));
  ap::test::NullUi ui;
  ui.frames(state, 5);
  CHECK(state.undo_depth() == 0);
  REQUIRE(ui.type_into(state, "x[0][1]", "0.5"));
  CHECK(state.scenario().query.x(0, 1) == 0.5);
  CHECK(state.undo_depth() == 1);
  CHECK(state.trace().heads[0].scores(0, 0) == Approx(1.25));
  ui.click(state, "status.notice");  // somewhere outside the cell, so the next keys go to the app
  ImGui::GetIO().MousePos = ImVec2(5, 795);
  ui.frame(state);
  ui.key(state, ImGuiKey_Z, true);
  CHECK(state.scenario().query.x(0, 1) == 0);
  CHECK(state.undo_depth() == 0);
}

TEST_CASE("ui: every view of every preset draws; the shape steppers reshape") {
  ap::test::ReferenceService service;
  ap::ui::AppState state(service, ap::core::make_preset("classic"));
  ap::test::NullUi ui;
  ui.frames(state, 2);
  for (const auto& preset : ap::core::presets()) {
    INFO(preset.id);
    REQUIRE_FALSE(state.propose(ap::core::make_preset(preset.id)));
    for (const char* view : views) {
      REQUIRE(ui.click(state, view));
      ui.frames(state, 2);
      CHECK(ui.view.current_tab == view);
    }
  }
  REQUIRE(ui.click(state, "view.scores"));
  REQUIRE(ui.type_into(state, "tokens", "5"));
  CHECK(state.scenario().n() == 5);
  REQUIRE(ui.click(state, "heads.inc"));
  CHECK(state.last_error().has_value() == (state.scenario().heads == 1));  // d_model may not split: said, not done
  ui.frames(state, 3);
}

TEST_CASE("ui: a layer too large to read at fit zooms under the wheel and shows its cells") {
  ap::test::ReferenceService service;
  std::mt19937 rng(12);
  ap::core::Scenario big = ap::test::random_scenario(rng, ap::test::Shape{150, 0, 24, 3, 8, 8});
  big.mask.causal = ap::core::CausalAlign::top_left;
  ap::ui::AppState state(service, big);
  ap::test::NullUi ui(1920, 1080);
  ui.frames(state, 3);
  CHECK_FALSE(ap::ui::widget_rects().find("cell.weights[0][0]"));  // at fit a cell is too small to be a widget
  ui.wheel(state, "cell.weights", 1.0f, 30);
  ui.frames(state, 2);
  int cells = 0;
  for (const auto& [id, rect] : ap::ui::widget_rects().all())
    if (id.rfind("cell.weights[", 0) == 0) {
      ++cells;
      CHECK(rect.w >= 20);
    }
  CHECK(cells > 0);
  CHECK(cells < 2000);  // only what is on screen
  for (const char* view : views) {
    REQUIRE(ui.click(state, view));
    ui.frames(state, 2);
  }
  REQUIRE(ui.type_into(state, "x[149][23]", "1.5"));  // revealed: the editor scrolls its clipped grid to the cell
  CHECK(state.scenario().query.x(149, 23) == 1.5);
}

TEST_CASE("ui: renaming a token is one undo step, however many keys; a context switched on is named k0, k1, …") {
  ap::test::ReferenceService service;
  ap::ui::AppState state(service, ap::core::make_preset("classic"));
  ap::test::NullUi ui;
  ui.frames(state, 3);
  const std::string before = state.scenario().query.tokens[0];
  REQUIRE(ui.type_into(state, "tokens[0]", "cat"));
  CHECK(state.scenario().query.tokens[0] == "cat");
  CHECK(state.undo_depth() == 1);
  ui.click(state, "status.notice");
  ImGui::GetIO().MousePos = ImVec2(5, 795);
  ui.frame(state);
  ui.key(state, ImGuiKey_Z, true);
  CHECK(state.scenario().query.tokens[0] == before);
  CHECK(state.undo_depth() == 0);
  REQUIRE(ui.click(state, "context"));
  REQUIRE(state.scenario().context);
  for (std::size_t j = 0; j < state.scenario().context->tokens.size(); ++j)
    CHECK(state.scenario().context->tokens[j] == "k" + std::to_string(j));
}
