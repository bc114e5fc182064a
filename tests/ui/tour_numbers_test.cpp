// The numbers the tour's steps quote (ui/tour.cpp), each computed again here from what the playground computes: the
// presets through the reference, the tiled kernel's walk, the Cost view's byte counts, the variants' views, and the
// scaling race's first step (the same runs the Training lab races, at their initial weights).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <string>

#include "core/attention_cost.hpp"
#include "core/pipeline.hpp"
#include "core/presets.hpp"
#include "core/variant_views.hpp"
#include "core/variants.hpp"
#include "kernels/tile_walk.hpp"
#include "kernels/tiled_kernel.hpp"
#include "train/scaling_experiment.hpp"
#include "ui/tour.hpp"

namespace {

// The text of the step that outlines `target` (the first, or the one loading `preset`).
std::string step_text(const std::string& target, const std::string& preset = "") {
  for (int i = 0; i < ap::ui::tour_length(); ++i)
    if (ap::ui::tour_target(i) == target && (preset.empty() || ap::ui::tour_preset(i) == preset)) return ap::ui::tour_text(i);
  FAIL("no tour step outlines " << target);
  return "";
}

std::string fixed(double v, int digits) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", digits, v);
  return text;
}

std::string three_digits(double v) {  // 7.93, 14.9, 1.63
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", v);
  return text;
}

std::string percent(double w) { return fixed(100 * w, 0) + " %"; }

#define CHECK_SAYS(text, what) \
  do {                         \
    INFO("the step says: " << (text)); \
    CHECK((text).find(what) != std::string::npos); \
  } while (0)

}  // namespace

TEST_CASE("tour numbers: the Cost view's bytes and the tiled kernel's walk") {
  const std::string cost = step_text("view.cost.time");
  CHECK(ap::core::score_matrix_bytes(65536, 65536) == 16.0 * 1024 * 1024 * 1024);
  CHECK_SAYS(cost, "16 GiB");
  CHECK(ap::kernels::TiledKernel::query_block == 96);
  CHECK(ap::kernels::TiledKernel::key_block == 256);
  CHECK_SAYS(cost, "96 × 256 block");
  CHECK(fixed(ap::core::tile_block_bytes({96, 256}) / 1024, 0) == "97");
  CHECK_SAYS(cost, "(97 KiB)");
  CHECK(ap::core::packed_kv_bytes(65536, 64, 64) == 32.0 * 1024 * 1024);
  CHECK_SAYS(cost, "32 MiB at d_k = 64");

  const std::string walk_text = step_text("view.cost.next");
  REQUIRE(step_text("view.cost.next").size() > 0);
  std::string preset;
  for (int i = 0; i < ap::ui::tour_length(); ++i)
    if (std::string(ap::ui::tour_target(i)) == "view.cost.next") preset = ap::ui::tour_preset(i);
  const auto s = ap::core::make_preset(preset);
  const auto walk = ap::kernels::record_tile_walk(s, ap::core::compute_reference(s), 0, ap::kernels::smallest_tile_sizes());
  int skipped = 0, rescaled = 0;  // rescaled: a row whose m rose in a later block (0 < rescale < 1)
  for (const auto& step : walk.steps) {
    skipped += step.skipped;
    for (const auto& row : step.row) rescaled += row.rescale > 0 && row.rescale < 1;
  }
  CHECK(rescaled > 0);  // the step's head shows the rescale it talks about
  CHECK(ap::kernels::smallest_tile_sizes().query_rows == 2);
  CHECK(ap::kernels::smallest_tile_sizes().keys == 4);
  CHECK_SAYS(walk_text, std::to_string(walk.steps.size()) + " tiles of 2 rows × 4 keys");
  CHECK_SAYS(walk_text, std::to_string(skipped) + " of them skipped");
}

TEST_CASE("tour numbers: grouped-query, ALiBi, soft-capping, sinks, fp16") {
  {
    const auto s = ap::core::make_preset("gqa");
    const auto groups = ap::core::kv_groups(s);
    REQUIRE(groups.size() == 2);
    CHECK(s.heads == 4);
    CHECK(groups[0].query_heads == std::vector<int>{0, 1});
    CHECK(groups[1].query_heads == std::vector<int>{2, 3});
    CHECK(ap::core::kv_memory(s, s.n(), ap::core::Precision::fp16).saved == 0.5);
    const std::string text = step_text("view.gqa.memory");
    CHECK_SAYS(text, "4 query heads share 2 K/V heads");
    CHECK_SAYS(text, "50 % saved");
  }
  {
    const auto s = ap::core::make_preset("alibi");
    CHECK(ap::core::alibi_slopes(s.heads) == std::vector<double>{1.0 / 4, 1.0 / 16, 1.0 / 64, 1.0 / 256});
    CHECK_SAYS(step_text("view.alibi.slopes"), "1/4, 1/16, 1/64 and 1/256");
  }
  {
    const auto s = ap::core::make_preset("softcap");
    const auto t = ap::core::compute_reference(s);
    const auto row = ap::core::softcap_row(s, t, 0, 0);
    const std::string text = step_text("view.softcap.row");
    REQUIRE(row.before.size() == 6);
    CHECK(row.before[4] == 9);
    CHECK(row.before[5] == 14);
    CHECK_SAYS(text, "9 and 14 become " + fixed(row.after[4], 2) + " and " + fixed(row.after[5], 2));
    CHECK_SAYS(text, "gets " + percent(t.heads[0].weights(0, 5)) + " instead of more than 99 %");
    auto uncapped = s;
    uncapped.variants.softcap.reset();
    CHECK(ap::core::compute_reference(uncapped).heads[0].weights(0, 5) > 0.99);
  }
  {
    const auto s = ap::core::make_preset("sinks");
    const auto t = ap::core::compute_reference(s);
    const int fell = 3, cat = 5, ran = 6;
    REQUIRE(s.query.tokens[fell] == "fell");
    const auto mass = ap::core::sink_mass(s, t, 0);
    const std::string text = step_text("view.sinks.mass[3]");
    CHECK_SAYS(text, "parks " + percent(mass[fell]) + " of head 0's weight on the sink");
    CHECK(t.heads[0].weights(ran, cat) > 0.9);
    CHECK(mass[ran] < 0.05);
  }
  {
    const auto s = ap::core::make_preset("fp16_overflow");
    const auto summary = ap::core::summarize_nonfinite(ap::core::compute_reference(s));
    CHECK(summary.largest_finite == 65504);
    CHECK(summary.origin_value == INFINITY);
    CHECK_SAYS(step_text("view.precision.apply_fold"), "the largest number is 65504");
  }
}

TEST_CASE("tour numbers: the scaling race at its start, as docs/scaling-experiment.md reports it") {
  // the Training lab's race: its task (induction) and seed (1), the task's defaults, d_k = 16 and 256; one step
  ap::train::ScalingConfig c;
  c.base.task = "induction";
  c.base.seed = 1;
  c.base.steps = 1;
  c.base.log_every = 1;
  const auto runs = ap::train::run_scaling_experiment(c);
  REQUIRE(runs.size() == 4);  // d_k 16 scaled, 16 unscaled, 256 scaled, 256 unscaled
  const std::string text = step_text("training.race");
  const auto entropy = [&](int run) { return runs[static_cast<std::size_t>(run)].history.front().mean_entropy; };
  const auto grad = [&](int run) { return runs[static_cast<std::size_t>(run)].history.back().grad_norm_w_q; };
  CHECK_SAYS(text, "entropy " + fixed(entropy(0), 2) + " and " + fixed(entropy(2), 2) + " nats");
  CHECK_SAYS(text, "near one-hot at d_k = 256 (" + fixed(entropy(3), 2) + ")");
  CHECK_SAYS(text, three_digits(grad(1)) + " against " + three_digits(grad(0)) + " at d_k = 16");
  CHECK_SAYS(text, three_digits(grad(3)) + " against " + three_digits(grad(2)) + " at d_k = 256");
  CHECK(ap::train::resolve_config(c.base).lr == 1e-2);
  CHECK_SAYS(text, "default learning rate, 1e-2,");
  CHECK(grad(1) > grad(0));  // unscaled, the gradient is larger, not vanishing
  CHECK(grad(3) > 5 * grad(2));
}
