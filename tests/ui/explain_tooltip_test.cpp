// Hover explanations through the null backend (tests/ui/null_ui.hpp): every kind of product cell on the Scores and
// Pipeline views opens a tooltip, and a breakdown of more than 16 terms (d_k 40, M 20, d_model 24) still fits the
// screen; the colour controls change what every heatmap draws without changing a number.
#include <catch2/catch.hpp>

#include <imgui_internal.h>  // FindWindowByName: the tooltip's window, to measure it

#include "support/random_scenario.hpp"
#include "support/reference_service.hpp"
#include "ui/null_ui.hpp"

namespace {

// The tooltip on screen after hovering widget `id`, or nothing.
std::optional<ImRect> hover_tooltip(ap::test::NullUi& ui, ap::ui::AppState& state, const std::string& id) {
  ap::ui::widget_rects().request_reveal(id);  // scrolled onto the screen even when its rectangle is known below it
  ui.frames(state, 3);
  ap::ui::widget_rects().request_reveal("");
  ui.frames(state, 2);
  const auto r = ui.find(state, id);
  if (!r) return std::nullopt;
  ImGui::GetIO().MousePos = ImVec2(r->x + r->w / 2, r->y + r->h / 2);
  ui.frames(state, 3);  // a tooltip is measured on its first frame and placed on the next
  const ImGuiWindow* tip = ImGui::FindWindowByName("##Tooltip_00");
  if (!tip || !tip->Active) return std::nullopt;
  return tip->Rect();
}

ap::core::Scenario wide_scenario(bool causal = true) {
  std::mt19937 rng(16);
  ap::core::Scenario s = ap::test::random_scenario(rng, ap::test::Shape{20, 0, 24, 2, 40, 8});
  if (causal) s.mask.causal = ap::core::CausalAlign::top_left;
  return s;
}

}  // namespace

TEST_CASE("ui: every product cell explains itself on hover, in a tooltip that stays on screen") {
  for (const auto& size : {std::pair{1280.0f, 800.0f}, std::pair{1920.0f, 1080.0f}}) {
    const float w = size.first, h = size.second;  // plain names: clang 14 cannot capture structured bindings
    INFO(w << " × " << h);
    ap::test::ReferenceService service;
    ap::ui::AppState state(service, wide_scenario());
    ap::test::NullUi ui(w, h);
    ui.frames(state, 3);
    const auto on_screen = [&](const std::string& id) {
      INFO(id);
      const auto tip = hover_tooltip(ui, state, id);
      REQUIRE(tip);
      CHECK(tip->Min.x >= 0);
      CHECK(tip->Min.y >= 0);
      CHECK(tip->Max.x <= w);
      CHECK(tip->Max.y <= h);
      CHECK(tip->GetHeight() < 0.8f * h);  // summarised, not one line per term
    };
    REQUIRE(ui.click(state, "view.scores"));
    for (const char* cell : {"cell.scores[19][3]", "cell.weights[19][4]", "cell.weights[0][7]", "cell.head_output[17][2]",
                             "cell.output[18][20]"})
      on_screen(cell);
    REQUIRE(ui.click(state, "view.pipeline"));
    for (const char* stage : {"stage.q", "stage.k", "stage.v", "stage.scores", "stage.scaled", "stage.weights",
                              "stage.head_output", "stage.concat", "stage.output", "stage.x"}) {
      INFO(stage);
      REQUIRE(ui.click(state, stage));
      on_screen("view.stage[5][3]");
    }
  }
}

TEST_CASE("ui: the colour controls switch palette and the weights' scale; numbers stay as they were") {
  ap::test::ReferenceService service;
  ap::ui::AppState state(service, wide_scenario(false));
  ap::test::NullUi ui;
  ui.frames(state, 3);
  const ap::core::Matrix before = state.trace().heads[0].weights;
  CHECK_FALSE(ui.view.heatmaps.colors.weights_per_matrix);
  CHECK(ui.view.heatmaps.states["##weights"].hi == 1.0);  // fixed 0–1
  REQUIRE(ui.click(state, "colors.per_matrix"));
  ui.frames(state, 2);
  CHECK(ui.view.heatmaps.colors.weights_per_matrix);
  REQUIRE(before.maxCoeff() < 0.9);
  CHECK(ui.view.heatmaps.states["##weights"].hi == before.maxCoeff());
  ui.view.heatmaps.colors.palette = ap::core::Palette::colorblind;
  for (const char* view : {"view.scores", "view.pipeline", "view.heads"}) {
    REQUIRE(ui.click(state, view));
    ui.frames(state, 2);
  }
  CHECK(state.trace().heads[0].weights == before);
  CHECK(state.undo_depth() == 0);  // a view setting, not an edit
}

TEST_CASE("ui: the scaling lab opens on a row with many keys, not a causal mask's first row") {
  ap::test::ReferenceService service;
  ap::ui::AppState state(service, wide_scenario());
  ap::test::NullUi ui;
  ui.frames(state, 3);
  REQUIRE(ui.click(state, "view.scaling"));
  ui.frames(state, 2);
  CHECK(ui.view.query_row == state.scenario().n() - 1);
}
