// The training lab: pick a task, Train / Pause / Step / Reset; loss and held-out accuracy drawn live; every head's
// weights on a held-out sequence as it learns, with its scores (previous-token, prefix-match); click a head to
// ablate it and watch the loss answer; open a trained layer in the playground; and the scaling race (÷√d_k
// against none, at a small and a large d_k) on shared charts. Numbers come from the TrainingService.
#include <imgui.h>

#include "ui/format.hpp"
#include "ui/heatmap.hpp"
#include "ui/line_chart.hpp"
#include "ui/matrix_editor.hpp"
#include "ui/views.hpp"
#include "ui/widget_rects.hpp"

namespace ap::ui {

namespace {

ChartSeries series(const std::string& label, const std::vector<TrainingPoint>& history, double TrainingPoint::*field,
                   ImU32 color) {
  ChartSeries s{label, {}, {}, color};
  for (const auto& p : history) {
    s.x.push_back(p.step);
    s.y.push_back(p.*field);
  }
  return s;
}

void draw_settings(TrainingService& training, TrainingLabState& lab, AppState& state) {
  const auto tasks = training.tasks();
  std::vector<std::string> names;
  int current = 0;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    names.push_back(tasks[i].name);
    if (tasks[i].name == lab.settings.task) current = static_cast<int>(i);
  }
  if (auto c = choose("training.task", "task", names, current)) lab.settings.task = names[static_cast<std::size_t>(*c)];
  ImGui::SameLine();
  ImGui::TextDisabled("%s", tasks.empty() ? "" : tasks[static_cast<std::size_t>(current)].description.c_str());
  ImGui::SetNextItemWidth(6 * ImGui::GetFontSize());
  ImGui::InputInt("steps (0: default)", &lab.settings.steps, 0);
  widget_rects().record_last_item("training.steps");
  ImGui::SameLine();
  int seed = static_cast<int>(lab.settings.seed);
  ImGui::SetNextItemWidth(5 * ImGui::GetFontSize());
  if (ImGui::InputInt("seed", &seed, 0)) lab.settings.seed = static_cast<unsigned long long>(std::max(0, seed));
  widget_rects().record_last_item("training.seed");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(6 * ImGui::GetFontSize());
  ImGui::InputDouble("lr (0: default)", &lab.settings.lr, 0, 0, "%g");
  widget_rects().record_last_item("training.lr");
  ImGui::SameLine();
  if (auto c = choose("training.scale", "scale", {"1/sqrt(d_k)", "none"}, lab.settings.scaled ? 0 : 1)) lab.settings.scaled = *c == 0;

  const TrainingRun* run = training.main_run();
  if (ImGui::Button(run ? "Reset" : "Start")) {
    if (const auto e = training.start(lab.settings)) state.report(*e);
  }
  widget_rects().record_last_item("training.reset");
  ImGui::SameLine();
  if (run && run->running) {
    if (ImGui::Button("Pause")) training.run(false);
  } else if (ImGui::Button("Train")) {
    if (!run) {
      if (const auto e = training.start(lab.settings)) state.report(*e);
    }
    training.run(true);
  }
  widget_rects().record_last_item("training.train");
  ImGui::SameLine();
  if (ImGui::Button("Step")) {
    if (!run) {
      if (const auto e = training.start(lab.settings)) state.report(*e);
    }
    training.step_once();
  }
  widget_rects().record_last_item("training.step");
  ImGui::SameLine();
  if (ImGui::Button("Race ÷√d_k against none")) {
    if (const auto e = training.start_race(lab.settings)) state.report(*e);
  }
  widget_rects().record_last_item("training.race");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("the same task and seed trained four times: with and without 1/√d_k, at d_k = 16 and 256");
}

void draw_status(const TrainingRun& run) {
  ImGui::Text("step %d of %d   training loss %s   held-out loss %s   held-out accuracy %.1f %%%s%s", run.step,
              run.settings.steps, format_precise(run.loss).c_str(), format_precise(run.eval_loss).c_str(),
              100 * run.accuracy, run.learned ? "   learned ✓" : "", run.diverged ? "   DIVERGED: the loss stopped being finite (a smaller lr?)" : "");
  const float half = ImGui::GetContentRegionAvail().x / 2 - 8;
  ImGui::BeginGroup();
  draw_line_chart({"training.chart.loss", "loss (log scale)",
                   {series("training", run.history, &TrainingPoint::loss, series_color(0)),
                    series("held-out", run.history, &TrainingPoint::eval_loss, series_color(1))},
                   true, half, 0});
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  draw_line_chart({"training.chart.accuracy", "held-out accuracy and the best head's scores",
                   {series("accuracy", run.history, &TrainingPoint::accuracy, series_color(2)),
                    series("prefix-match", run.history, &TrainingPoint::prefix_match, series_color(4)),
                    series("previous-token", run.history, &TrainingPoint::previous_token, series_color(3))},
                   false, half, 0});
  ImGui::EndGroup();
}

void draw_heads(TrainingService& training, const TrainingRun& run, AppState& state, ViewState& view) {
  if (run.weights.empty()) return;
  ImGui::TextWrapped("Every head's weights on a held-out sequence (click \"ablate\" to remove a head and watch the "
                     "held-out loss answer). A previous-token head puts its weight just below the diagonal; an "
                     "induction head on the token after the previous occurrence of the current one.");
  const float font = ImGui::GetFontSize();
  const float width = std::min(16 * font, ImGui::GetContentRegionAvail().x / std::max(1, run.heads_per_layer) - 10);
  view.heatmaps.revision = run.revision;  // the lab's maps change with the run, not with the scenario
  for (int l = 0; l < run.layers; ++l) {
    for (int h = 0; h < run.heads_per_layer; ++h) {
      if (h > 0) ImGui::SameLine();
      ImGui::BeginGroup();
      const TrainingHead* score = nullptr;
      for (const auto& s : run.heads)
        if (s.layer == l && s.head == h) score = &s;
      std::string title = "layer " + std::to_string(l) + " head " + std::to_string(h);
      if (score && score->previous_token) title += "  prev " + format_cell(*score->previous_token);
      if (score && score->prefix_match) title += "  prefix " + format_cell(*score->prefix_match);
      const std::string id = "##training_w" + std::to_string(l) + "_" + std::to_string(h);
      HeatmapSpec spec{id.c_str(), title, &run.weights[static_cast<std::size_t>(l * run.heads_per_layer + h)],
                       &run.tokens, &run.keys, nullptr, ColorMap::sequential};
      spec.max_width = width;
      spec.legend = false;
      spec.range = ColorRange::unit;
      spec.register_id = "training.head[" + std::to_string(l) + "][" + std::to_string(h) + "]";
      draw_heatmap(view.heatmaps, spec);
      bool ablated = score && score->ablated;
      const std::string box = "ablate##" + std::to_string(l) + "_" + std::to_string(h);
      if (ImGui::Checkbox(box.c_str(), &ablated)) training.set_ablated(l, h, ablated);
      widget_rects().record_last_item("training.ablate[" + std::to_string(l) + "][" + std::to_string(h) + "]");
      ImGui::EndGroup();
    }
    const std::string open = "Open layer " + std::to_string(l) + " in the playground";
    if (ImGui::Button(open.c_str())) {
      if (auto s = training.layer_scenario(l)) {
        if (!state.propose(std::move(*s))) view.select_tab = "view.heads";
      }
    }
    widget_rects().record_last_item("training.open[" + std::to_string(l) + "]");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("the trained layer on this held-out sequence, as a scenario: every view then shows learned heads");
  }
  view.heatmaps.revision = state.revision();
}

void draw_race(const std::vector<TrainingRun>& race) {
  if (race.empty()) return;
  ImGui::Separator();
  ImGui::TextWrapped("The scaling race: one task, one seed, trained with scores × 1/√d_k and unscaled, at d_k = 16 and "
                     "256, everything else equal (docs/scaling-experiment.md says what it shows and where the usual "
                     "story needs qualifying).");
  for (const auto& r : race)
    ImGui::Text("%-22s step %4d  held-out loss %s  accuracy %.1f %%%s", r.label.c_str(), r.step,
                format_precise(r.eval_loss).c_str(), 100 * r.accuracy, r.diverged ? "  diverged" : r.learned ? "  learned" : "");
  const float third = ImGui::GetContentRegionAvail().x / 3 - 8;
  const auto all = [&](const char* id, const char* title, double TrainingPoint::*field, bool log_y) {
    LineChartSpec spec{id, title, {}, log_y, third, 0};
    for (std::size_t i = 0; i < race.size(); ++i)
      spec.series.push_back(series(race[i].label, race[i].history, field, series_color(static_cast<int>(i))));
    draw_line_chart(spec);
  };
  ImGui::BeginGroup();
  all("training.race.loss", "held-out loss (log)", &TrainingPoint::eval_loss, true);
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  all("training.race.entropy", "mean softmax entropy (nats)", &TrainingPoint::mean_entropy, false);
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  all("training.race.grad", "‖∂L/∂W_Q‖ (log)", &TrainingPoint::grad_norm_w_q, true);
  ImGui::EndGroup();
}

}  // namespace

void draw_training_view(AppState& state, ViewState& view) {
  if (!view.training) {
    ImGui::TextDisabled("No trainer in this build.");
    return;
  }
  TrainingService& training = *view.training;
  draw_settings(training, view.training_lab, state);
  if (const TrainingRun* run = training.main_run()) {
    draw_status(*run);
    draw_heads(training, *run, state, view);
  } else {
    ImGui::TextWrapped("Press Train: a small attention-only transformer learns the task here, on this machine, "
                       "while you watch its heads.");
  }
  draw_race(training.race());
}

}  // namespace ap::ui
