// What issue 15 adds to the panels, through the null backend (tests/ui/null_ui.hpp): the preset box names what is
// loaded with its one-line claim; the Order view's two panels (the output rows follow a shuffle without positions,
// not with them) and Shuffle again; the Average baseline beside the learned weights; the tour outlining each step's
// widget and noticing the asked change.
#include <catch2/catch.hpp>

#include <cmath>

#include "app/cost_measurement.hpp"
#include "app/trainer_service.hpp"
#include "core/pipeline.hpp"
#include "core/presets.hpp"
#include "core/variant_views.hpp"
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

// The playground on a preset, two frames drawn, with the app's trainer and cost services (as the shell has them).
struct Playground {
  ap::test::ReferenceService service;
  ap::app::TrainerService trainer;
  ap::app::CostMeasurementService cost;
  ap::ui::AppState state;
  ap::test::NullUi ui;
  explicit Playground(const char* preset) : state(service, ap::core::make_preset(preset)) {
    ui.view.training = &trainer;
    ui.view.cost = &cost;
    ui.frames(state, 2);
  }
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
    const std::string target = ap::ui::tour_target(step);
    if (target == "positional") {  // asks for positions
      REQUIRE(ui.click(state, "positional"));
      REQUIRE(ui.click(state, "positional.option.sinusoidal"));
      ui.frames(state, 2);
      CHECK(widget_rects().find("tour.noticed"));
    }
    if (target == "view.cost.next") {  // asks for a step of the walk
      REQUIRE(ui.click(state, "view.cost.next"));
      ui.frames(state, 1);
      CHECK(ui.view.cost_view.step == 1);
      CHECK(widget_rects().find("tour.noticed"));
      CHECK(ui.view.cost_view.walk->steps[1].skipped);  // rows 0–1 see keys 0–1 only: the causal mask closes keys 4–7
    }
    if (target == "training.reset") {  // asks to start and train
      REQUIRE(ui.click(state, "training.reset"));
      REQUIRE(ui.click(state, "training.step"));
      ui.frames(state, 1);
      CHECK(widget_rects().find("tour.noticed"));
    }
    if (target == "training.race") {
      REQUIRE(ui.click(state, "training.race"));
      ui.frames(state, 1);
      CHECK(widget_rects().find("tour.noticed"));
      ui.view.training->reset();  // no training in the rest of the walk
    }
    if (target == "view.precision.apply_fold") {
      REQUIRE(ui.click(state, "view.precision.apply_fold"));
      ui.frames(state, 2);
      CHECK(widget_rects().find("tour.noticed"));
    }
    if (step + 1 < ap::ui::tour_length()) REQUIRE(ui.click(state, "tour.next"));
  }
  REQUIRE(ui.click(state, "tour.close"));
  CHECK_FALSE(widget_rects().find("tour.target"));
}

TEST_CASE("ui teach: the Cost view measures on the backends and walks the tiled kernel's blocks") {
  Playground p("animal_it_causal");
  auto& state = p.state;
  auto& ui = p.ui;
  REQUIRE(ui.click(state, "view.cost"));
  ui.frames(state, 2);
  CHECK(p.cost.measurement().running);  // started when the view opened
  CHECK(ui.find(state, "view.cost.time"));
  CHECK(ui.find(state, "view.cost.memory"));
  for (int i = 0; i < 20 && p.cost.measurement().curves[0].points.size() < 2; ++i) p.cost.advance(20);
  const auto& m = p.cost.measurement();
  REQUIRE(m.curves.size() == 4);  // scalar, eigen, simd, tiled: the float backends
  CHECK(m.curves[0].backend == "scalar");
  REQUIRE(m.curves[0].points.size() >= 2);
  CHECK(m.curves[0].points[0].n == 64);
  CHECK(m.curves[0].points[1].n == 128);
  CHECK(m.curves[0].points[1].milliseconds > 0);  // (how much more N = 128 takes is the machine's to say)

  // the walk: the current scenario's head, the smallest blocks first
  REQUIRE(ui.view.cost_view.walk);
  const auto& walk = *ui.view.cost_view.walk;
  CHECK(walk.steps.size() == 18);  // 6 query blocks × 3 key blocks
  CHECK(ui.find(state, "view.cost.tiles[0][0]"));
  CHECK(ui.find(state, "view.cost.rows"));  // the first tile's rows: m and l before and after
  CHECK_FALSE(widget_rects().find("view.cost.final"));
  REQUIRE(ui.click(state, "view.cost.next"));
  CHECK(ui.view.cost_view.step == 1);
  REQUIRE(ui.click(state, "view.cost.back"));
  CHECK(ui.view.cost_view.step == 0);
  ui.view.cost_view.step = 17;
  ui.frames(state, 2);
  CHECK(ui.find(state, "view.cost.final"));
  CHECK(walk.weights_difference <= 1e-6);  // e^(x − m) / l against the reference's softmax
  CHECK(walk.output_difference <= 1e-5);
  // the kernel's own blocks: one tile covers this short head
  REQUIRE(ui.click(state, "view.cost.blocks"));
  REQUIRE(ui.click(state, "view.cost.blocks.option.96 × 256 (the backend's)"));
  ui.frames(state, 2);
  REQUIRE(ui.view.cost_view.walk);
  CHECK(ui.view.cost_view.walk->steps.size() == 1);
}
