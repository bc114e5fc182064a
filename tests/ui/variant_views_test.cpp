// The SPEC §1b panels through the null backend (tests/ui/null_ui.hpp): every variant view draws on every preset,
// each on its own preset shows what it is for, every editor control changes the scenario through real clicks and
// keys (refusals said and nothing changed), the decode view's rows equal the trace's, and every view explains a
// trace's non-finite cells.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/presets.hpp"
#include "core/variant_views.hpp"
#include "support/reference_service.hpp"
#include "ui/null_ui.hpp"

namespace {

using ap::ui::widget_rects;

const char* const sections[] = {"view.variants.gqa", "view.variants.alibi", "view.variants.softcap",
                                "view.variants.sinks", "view.variants.mask_fill"};

bool on_screen(const char* id) { return widget_rects().find(id).has_value(); }

}  // namespace

TEST_CASE("ui variants: every SPEC §1b view draws on every preset") {
  ap::test::ReferenceService service;
  ap::ui::AppState state(service, ap::core::make_preset("classic"));
  ap::test::NullUi ui;
  ui.frames(state, 2);
  for (const auto& preset : ap::core::presets()) {
    INFO(preset.id);
    REQUIRE_FALSE(state.propose(ap::core::make_preset(preset.id)));
    REQUIRE(ui.click(state, "view.variants"));
    for (const char* section : sections) {
      INFO(section);
      REQUIRE(ui.click(state, section));
      ui.frames(state, 3);
    }
    REQUIRE(ui.click(state, "view.precision"));
    ui.frames(state, 12);  // its second traces come one a frame
    // the original 8 × 512 layer is past what a view computes again (core::side_trace_budget): said, not drawn
    CHECK(static_cast<bool>(ui.find(state, "view.precision.errors")) == ap::core::side_trace_affordable(state.scenario()));
    REQUIRE(ui.click(state, "view.decode"));
    CHECK(ui.view.current_tab == "view.decode");
    if (on_screen("view.decode.step")) {
      REQUIRE(ui.click(state, "view.decode.step"));
      CHECK(ui.view.variants.decode.last.has_value());
    }
  }
}

TEST_CASE("ui variants: each view shows its variant on its preset") {
  ap::test::ReferenceService service;
  ap::ui::AppState state(service, ap::core::make_preset("classic"));
  ap::test::NullUi ui;
  ui.frames(state, 2);
  REQUIRE(ui.click(state, "view.variants"));

  // a preset that turns a variant on brings its tab forward
  REQUIRE_FALSE(state.propose(ap::core::make_preset("gqa")));
  ui.frames(state, 3);
  CHECK(on_screen("view.gqa.diagram"));
  CHECK(on_screen("view.gqa.q[3]"));
  CHECK(on_screen("view.gqa.kv[1]"));
  CHECK_FALSE(on_screen("view.gqa.kv[2]"));
  CHECK(on_screen("view.gqa.k[1]"));
  CHECK(ui.find(state, "view.gqa.memory"));  // the K/V weights and KV-cache bytes saved for the shape
  REQUIRE(ui.click(state, "view.gqa.q[2]"));  // a query head is clicked to show it
  CHECK(ui.view.head == 2);

  REQUIRE_FALSE(state.propose(ap::core::make_preset("alibi")));
  ui.frames(state, 4);
  CHECK(on_screen("view.alibi.bias"));
  CHECK(on_screen("view.alibi.scaled"));  // beside the head's scores
  CHECK(on_screen("view.alibi.slopes"));
  CHECK(on_screen("view.alibi.row"));  // with and without ALiBi: the second trace arrived
  CHECK(ui.view.variants.side.traces.count("alibi.off") == 1);

  REQUIRE_FALSE(state.propose(ap::core::make_preset("softcap")));
  ui.frames(state, 3);
  CHECK(on_screen("view.softcap.curve"));
  CHECK(on_screen("view.softcap.row"));

  REQUIRE_FALSE(state.propose(ap::core::make_preset("sinks")));
  ui.frames(state, 4);
  CHECK(on_screen("view.sinks.mass[3]"));
  CHECK(on_screen("view.sinks.weights"));
  CHECK(on_screen("view.sinks.without"));

  REQUIRE_FALSE(state.propose(ap::core::make_preset("mask_fill")));
  ui.frames(state, 4);
  CHECK(on_screen("fill_inf.title"));
  CHECK(on_screen("fill_1e9.title"));
  const auto& side = ui.view.variants.side.traces;
  REQUIRE(side.count("fill.-inf") == 1);
  REQUIRE(side.count("fill.-1e9") == 1);
  CHECK(side.at("fill.-inf").heads[0].weights.row(0).isZero());  // −∞: the padded row is empty
  CHECK(side.at("fill.-1e9").heads[0].weights(0, 3) == Approx(0.25));  // −1e9: uniform, the future included

  REQUIRE_FALSE(state.propose(ap::core::make_preset("classic")));  // nothing fully masked: offered the preset
  ui.frames(state, 2);
  REQUIRE(ui.click(state, "view.variants.mask_fill"));
  REQUIRE(ui.click(state, "view.mask_fill.preset"));
  CHECK(state.scenario().variants.mask_fill == -1e9);
  CHECK(ui.view.editor.preset == "mask_fill");
}

TEST_CASE("ui variants: the precision lab overflows in fp16 and folding the scale saves it") {
  ap::test::ReferenceService service;
  ap::ui::AppState state(service, ap::core::make_preset("fp16_overflow"));
  ap::test::NullUi ui;
  ui.frames(state, 2);
  REQUIRE(ui.click(state, "view.precision"));
  ui.frames(state, 12);
  for (const char* id : {"view.precision.apply_scale", "view.precision.apply_fold", "view.precision.fp64",
                         "view.precision.fp16", "view.precision.digits.bf16", "view.precision.errors",
                         "view.precision.nonfinite.fp16"}) {
    INFO(id);
    CHECK(ui.find(state, id));  // scrolled to when below the fold
  }
  CHECK_FALSE(ui.find(state, "view.precision.nonfinite.fp32"));  // float has room for 68600
  CHECK_FALSE(ui.find(state, "view.precision.nonfinite.bf16"));  // and bf16 has float's range, with fewer digits
  REQUIRE(ui.click(state, "view.precision.stage"));
  REQUIRE(ui.click(state, "view.precision.stage.option.weights"));
  CHECK(ui.view.variants.precision_stage == 2);
  const double w_q = state.scenario().w_q(0, 0);
  REQUIRE(ui.click(state, "view.precision.apply_fold"));
  CHECK(state.scenario().scale.kind == ap::core::ScaleKind::none);
  CHECK(state.scenario().w_q(0, 0) == Approx(w_q * std::pow(4.0, -0.25)));
  CHECK(state.trace().nonfinite.empty());
  ui.frames(state, 12);
  CHECK(ui.find(state, "view.precision.preset"));  // nothing overflows now
}

TEST_CASE("ui variants: every view explains the non-finite cells of the trace on screen") {
  ap::test::ReferenceService service;
  ap::ui::AppState state(service, ap::core::make_preset("fp16_overflow"));
  ap::test::NullUi ui;
  ui.frames(state, 2);
  REQUIRE_FALSE(state.trace().nonfinite.empty());
  for (const char* view : {"view.scores", "view.pipeline", "view.heads", "view.scaling", "view.geometry", "view.mask",
                           "view.positional", "view.variants", "view.precision", "view.decode"}) {
    INFO(view);
    REQUIRE(ui.click(state, view));
    CHECK(on_screen("status.nonfinite"));
  }
  REQUIRE_FALSE(state.propose(ap::core::make_preset("classic")));
  ui.frames(state, 2);
  CHECK_FALSE(on_screen("status.nonfinite"));
}

TEST_CASE("ui variants: each editor control changes the scenario; a refusal changes nothing") {
  ap::test::ReferenceService service;
  ap::ui::AppState state(service, ap::core::make_preset("cat_sat"));  // 2 heads, causal
  ap::test::NullUi ui;
  ui.frames(state, 2);
  const auto& v = [&]() -> const ap::core::Variants& { return state.scenario().variants; };

  REQUIRE(ui.click(state, "kv_heads.dec"));
  CHECK(v().kv_heads == 1);
  CHECK(state.scenario().w_k.cols() == 2);
  REQUIRE(ui.click(state, "kv_heads.dec"));  // no divisor below 1: nothing happens
  CHECK(v().kv_heads == 1);
  REQUIRE(ui.type_into(state, "kv_heads", "3"));  // a number that is no divisor: refused, said
  REQUIRE(state.last_error());
  CHECK(state.last_error()->field == "kv_heads");
  CHECK(v().kv_heads == 1);
  REQUIRE(ui.click(state, "kv_heads.inc"));
  CHECK_FALSE(v().kv_heads.has_value());  // g = h: the textbook layer again
  CHECK(state.scenario().w_k.cols() == 4);

  REQUIRE(ui.click(state, "alibi"));
  CHECK(v().alibi);

  REQUIRE(ui.click(state, "softcap"));
  CHECK(v().softcap == 5.0);
  REQUIRE(ui.type_into(state, "softcap.value", "2.5"));
  CHECK(v().softcap == 2.5);
  REQUIRE(ui.type_into(state, "softcap.value", "-1"));
  REQUIRE(state.last_error());
  CHECK(state.last_error()->field == "softcap");
  CHECK(v().softcap == 2.5);

  REQUIRE(ui.click(state, "sinks"));
  REQUIRE(v().sinks);
  CHECK(v().sinks->isZero());
  CHECK(v().sinks->cols() == 2);
  REQUIRE(ui.type_into(state, "sinks[1]", "1.5"));
  CHECK((*v().sinks)(1) == 1.5);

  REQUIRE(ui.click(state, "mask_fill"));
  REQUIRE(ui.click(state, "mask_fill.option.number"));
  CHECK(v().mask_fill == -1e9);
  REQUIRE(ui.type_into(state, "mask_fill.value", "-100"));
  CHECK(v().mask_fill == -100);
  REQUIRE(ui.click(state, "mask_fill"));
  REQUIRE(ui.click(state, "mask_fill.option.-inf"));
  CHECK_FALSE(v().mask_fill.has_value());

  REQUIRE(ui.click(state, "precision"));
  REQUIRE(ui.click(state, "precision.option.bf16"));
  CHECK(v().precision == ap::core::Precision::bf16);
  CHECK(state.trace().computed_in == "bf16");
  REQUIRE(ui.click(state, "precision"));
  REQUIRE(ui.click(state, "precision.option.none"));
  CHECK_FALSE(v().precision.has_value());

  REQUIRE(ui.click(state, "sinks"));
  CHECK_FALSE(v().sinks.has_value());
  REQUIRE(ui.click(state, "softcap"));
  CHECK_FALSE(v().softcap.has_value());
  CHECK(state.undo_depth() >= 12);  // each change one undo step
}

TEST_CASE("ui variants: the decode view's rows equal the full causal computation's") {
  ap::test::ReferenceService service;
  ap::core::Scenario s = ap::core::make_preset("gqa");
  s.variants.sinks = ap::core::RowVector::Constant(4, 0.5);
  s.variants.alibi = true;
  ap::ui::AppState state(service, s);
  ap::test::NullUi ui;
  ui.frames(state, 2);
  REQUIRE(ui.click(state, "view.decode"));
  const auto& d = ui.view.variants.decode;
  for (int t = 0; t < 4; ++t) {
    REQUIRE(ui.click(state, "view.decode.step"));
    REQUIRE(d.last);
    CHECK(d.last->t == t);
    const ap::core::Trace& trace = state.trace();
    for (int h = 0; h < s.heads; ++h) {
      INFO("step " << t << ", head " << h);
      const auto& shown = d.weights_row.at(h);  // what the view draws
      REQUIRE(shown.cols() == t + 1);
      CHECK(shown == trace.heads[static_cast<std::size_t>(h)].weights.row(t).head(t + 1));
      CHECK(trace.heads[static_cast<std::size_t>(h)].weights.row(t).tail(s.n() - t - 1).isZero());
    }
    CHECK(d.k_cache.at(1).rows() == t + 1);  // the cache grows a row a step
    CHECK(d.k_cache.at(1).row(t) == trace.heads[2].k.row(t));
    CHECK(on_screen("view.decode.check"));
  }
  CHECK(ui.find(state, "view.decode.work"));   // one row against recomputing every row
  CHECK(ui.find(state, "view.decode.bytes"));  // the cache's bytes per layer at fp16
  REQUIRE(ui.click(state, "view.decode.play"));
  ui.frames(state, 4);
  CHECK(d.decoder->done());
  CHECK_FALSE(d.playing);
  REQUIRE(ui.click(state, "view.decode.reset"));
  CHECK(d.decoder->steps_done() == 0);

  REQUIRE_FALSE(state.propose(ap::core::make_preset("mask_fill")));  // a finite fill: no decoding, said why
  ui.frames(state, 2);
  CHECK_FALSE(d.decoder.has_value());
  CHECK(d.refusal.rfind("mask_fill:", 0) == 0);
  CHECK_FALSE(on_screen("view.decode.step"));
}
