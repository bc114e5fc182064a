// What issue 15 adds to the panels, through the null backend (tests/ui/null_ui.hpp): the preset box names what is
// loaded with its one-line claim; the Order view's two panels (the output rows follow a shuffle without positions,
// not with them) and Shuffle again; the Average baseline beside the learned weights; the tour outlining each step's
// widget and noticing the asked change.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/presets.hpp"
#include "support/reference_service.hpp"
#include "ui/null_ui.hpp"
#include "ui/tour.hpp"

namespace {

using ap::ui::widget_rects;

std::string title_of(const std::string& id) {
  for (const auto& p : ap::core::presets())
    if (p.id == id) return p.title;
  return "";
}

// The playground on a preset, two frames drawn.
struct Playground {
  ap::test::ReferenceService service;
  ap::ui::AppState state;
  ap::test::NullUi ui;
  explicit Playground(const char* preset) : state(service, ap::core::make_preset(preset)) { ui.frames(state, 2); }
};

}  // namespace

TEST_CASE("ui teach: the preset box names the preset chosen and shows its claim") {
  Playground p("classic");
  auto& state = p.state;
  auto& ui = p.ui;
  CHECK_FALSE(widget_rects().find("preset.claim"));  // nothing named: the shell names its first preset itself
  REQUIRE(ui.click(state, "preset"));
  REQUIRE(ui.click(state, "preset.option." + title_of("animal_it")));
  CHECK(ui.view.editor.preset == "animal_it");
  CHECK(state.scenario().query.tokens.size() == 11);
  CHECK(ui.find(state, "preset.claim"));
  // the tour loads its presets the same way, so the box names them too
  REQUIRE(ui.click(state, "tour"));
  CHECK(ui.view.editor.preset == "classic");
  CHECK(ui.find(state, "preset.claim"));
}

TEST_CASE("ui teach: the Order view: rows follow a shuffle without positions, not with them") {
  Playground p("cat_sat");  // causal: the view leaves the mask out
  auto& state = p.state;
  auto& ui = p.ui;
  REQUIRE(ui.click(state, "view.shuffle"));
  ui.frames(state, 6);  // four second traces, one a frame
  CHECK(ui.view.shuffle.blind_difference <= 1e-12);
  CHECK(ui.view.shuffle.placed_difference > 1e-3);
  CHECK(ui.find(state, "view.shuffle.blind.verdict"));
  CHECK(ui.find(state, "view.shuffle.placed.verdict"));
  const int seed = ui.view.shuffle.seed;
  REQUIRE(ui.click(state, "view.shuffle.again"));
  CHECK(ui.view.shuffle.seed == seed + 1);
  ui.frames(state, 4);
  CHECK(ui.view.shuffle.blind_difference <= 1e-12);
  CHECK(ui.view.shuffle.placed_difference > 1e-3);
  // a layer too large for a second computation says so instead
  REQUIRE_FALSE(state.propose(ap::core::make_preset("original_shape")));
  ui.frames(state, 4);
  CHECK(std::isnan(ui.view.shuffle.blind_difference));
}

TEST_CASE("ui teach: the Average baseline beside the learned weights, with the output difference") {
  Playground p("animal_it");
  auto& state = p.state;
  auto& ui = p.ui;
  REQUIRE(ui.click(state, "view.uniform"));
  ui.frames(state, 2);
  REQUIRE(ui.view.uniform.baseline);
  CHECK(ui.view.uniform.baseline->rows_identical);
  CHECK(ui.view.uniform.baseline->max_row_difference > 0.5);
  CHECK(ui.find(state, "view.uniform.learned"));
  CHECK(ui.find(state, "view.uniform.weights"));
  CHECK(ui.find(state, "view.uniform.difference"));
  REQUIRE(ui.type_into(state, "x[7][0]", "1"));  // an edit: the baseline follows the new result
  ui.frames(state, 2);
  REQUIRE(ui.view.uniform.baseline);
  CHECK(ui.view.uniform.baseline->output(0, 0) == Approx(2.0 / 11));  // "animal" and now "it"
}

TEST_CASE("ui teach: every tour step outlines its widget; asked changes are noticed") {
  Playground p("classic");
  auto& state = p.state;
  auto& ui = p.ui;
  REQUIRE(ui.click(state, "tour"));
  for (int step = 0; step < ap::ui::tour_length(); ++step) {
    INFO("step " << step << ": " << ap::ui::tour_target(step));
    CHECK(ui.view.tour_step == step);
    ui.frames(state, 6);
    CHECK(widget_rects().find(ap::ui::tour_target(step)));
    CHECK(widget_rects().find("tour.target"));
    CHECK_FALSE(widget_rects().find("tour.noticed"));
    if (step == 0) {  // asks for an edit of x
      REQUIRE(ui.type_into(state, "x[0][1]", "0.5"));
      ui.frames(state, 2);
      CHECK(widget_rects().find("tour.noticed"));
    }
    if (std::string(ap::ui::tour_target(step)) == "view.heads[1]") {  // asks for the other head
      REQUIRE(ui.click(state, "view.heads[1]"));
      CHECK(widget_rects().find("tour.noticed"));
    }
    if (std::string(ap::ui::tour_target(step)) == "view.shuffle.again") {
      REQUIRE(ui.click(state, "view.shuffle.again"));
      CHECK(widget_rects().find("tour.noticed"));
    }
    if (step + 1 < ap::ui::tour_length()) REQUIRE(ui.click(state, "tour.next"));
  }
  REQUIRE(ui.click(state, "tour.close"));
  CHECK_FALSE(widget_rects().find("tour.target"));
}
