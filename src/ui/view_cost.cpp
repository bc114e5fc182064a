// The Cost view: what attention costs as N grows, measured live on this machine's backends (time of one N × N head)
// and counted (the bytes of the N × N scores against the tiled kernel's blocks), then FlashAttention's walk over the
// score matrix of the head on screen: the tiled kernel's own recorded steps (query block × key block, each row's
// running max m and sum l, the rescale e^(m_old − m_new)), stepped or played. The numbers come from the CostService
// and core/attention_cost.hpp; this file only draws.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "core/attention_cost.hpp"
#include "core/error.hpp"
#include "ui/format.hpp"
#include "ui/heatmap.hpp"
#include "ui/line_chart.hpp"
#include "ui/matrix_editor.hpp"
#include "ui/variant_tabs.hpp"
#include "ui/views.hpp"
#include "ui/widget_rects.hpp"
#include "ui/wrapped_text.hpp"

namespace ap::ui {

namespace {

// The walk is drawn for heads up to this many cells (a few thousand steps at the smallest blocks).
constexpr long largest_walk_cells = 128L * 128L;
constexpr float seconds_per_step = 0.7f;

std::string bytes_text(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) bytes /= 1024, ++u;
  char text[32];
  std::snprintf(text, sizeof text, bytes < 10 && u > 0 ? "%.1f %s" : "%.0f %s", bytes, units[u]);
  return text;
}

std::string number(float v) {
  if (v == -INFINITY) return "−∞";
  return format_cell(v);
}

LineChartSpec time_chart(const CostMeasurement& m, float width) {
  LineChartSpec time{"view.cost.time", "time of one N × N head (ms, log) against N"};
  time.log_y = time.log_x = time.dots = true;
  time.width = width;
  time.height = 8 * ImGui::GetFontSize();
  for (std::size_t b = 0; b < m.curves.size(); ++b) {
    ChartSeries s{m.curves[b].backend, {}, {}, series_color(static_cast<int>(b))};
    for (const auto& p : m.curves[b].points) {
      s.x.push_back(p.n);
      s.y.push_back(p.milliseconds);
    }
    time.series.push_back(std::move(s));
  }
  return time;
}

LineChartSpec memory_chart(const CostMeasurement& m, float width) {
  LineChartSpec memory{"view.cost.memory", "memory beyond inputs, outputs (bytes, log) against N"};
  memory.log_y = memory.log_x = memory.dots = true;
  memory.width = width;
  memory.height = 8 * ImGui::GetFontSize();
  const core::TileSizes tiles = m.tiled_sizes;
  ChartSeries scores{"N × N scores", {}, {}, series_color(5)};
  ChartSeries tiled{"tiled + K, V", {}, {}, series_color(3)};
  ChartSeries block{"tiled block", {}, {}, series_color(2)};
  for (int n : core::cost_sizes(64, 65536)) {
    scores.x.push_back(n), scores.y.push_back(core::score_matrix_bytes(n, n));
    tiled.x.push_back(n), tiled.y.push_back(core::tiled_working_set_bytes(n, m.d_k, m.d_k, tiles));
    block.x.push_back(n), block.y.push_back(core::tile_block_bytes(tiles));
  }
  memory.series = {scores, tiled, block};
  return memory;
}

// The two charts side by side, then what they show in words.
void draw_measurement(CostService& cost, CostViewState& c) {
  if (!c.measurement_started) {
    cost.start();
    c.measurement_started = true;
  }
  const CostMeasurement& m = cost.measurement();
  const float half = ImGui::GetContentRegionAvail().x * 0.5f - 8;
  ImGui::BeginGroup();
  draw_line_chart(time_chart(m, half));
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  draw_line_chart(memory_chart(m, half));
  ImGui::EndGroup();

  if (m.running) ImGui::TextDisabled("measuring on this machine: %.0f %%", 100 * m.progress);
  else ImGui::TextDisabled("measured on this machine");
  ImGui::SameLine();
  if (ImGui::SmallButton("Measure again")) cost.start();
  widget_rects().record_last_item("view.cost.measure");
  // the largest size each backend reached, and why it stopped there
  std::string reached = "One head, d_k = d_v = " + std::to_string(m.d_k) + ", no mask, one thread: ";
  for (const auto& curve : m.curves) {
    if (curve.points.empty()) continue;
    const auto& last = curve.points.back();
    reached += curve.backend + " " + format_cell(last.milliseconds) + " ms at N = " + std::to_string(last.n) +
               (curve.stopped.empty() ? "" : " (" + curve.stopped + ")") + ";  ";
  }
  note((reached + "each doubling of N is 4× the work (N² scores of d_k multiply-adds, as many for weights · V). "
        "Instructions: " + m.instruction_sets + ".").c_str());
  const core::TileSizes tiles = m.tiled_sizes;
  const std::string text =
      "Memory: at N = 65,536 the scores alone are " + bytes_text(core::score_matrix_bytes(65536, 65536)) + " a head "
      "(eigen keeps them and the weights, twice that); the tiled kernel holds one " + std::to_string(tiles.query_rows) +
      " × " + std::to_string(tiles.keys) + " block (" + bytes_text(core::tile_block_bytes(tiles)) + ") and K, V packed (" +
      bytes_text(core::packed_kv_bytes(65536, m.d_k, m.d_k)) + "): O(N), never N².";
  note(text.c_str());
  widget_rects().record_last_item("view.cost.memory.note");
}

void refresh_walk(AppState& state, ViewState& view, CostService& cost) {
  CostViewState& c = view.cost_view;
  if (c.revision == state.revision() && c.walk_head == view.head && c.walk_choice == c.tile_choice) return;
  c.revision = state.revision();
  c.walk_head = view.head;
  c.walk_choice = c.tile_choice;
  c.walk.reset();
  c.refusal.clear();
  c.playing = false;
  const core::Scenario& s = state.scenario();
  if (static_cast<long>(s.n()) * s.m() > largest_walk_cells) {
    c.refusal = "The walk is drawn for heads of up to 128 × 128 cells; this one is " + std::to_string(s.n()) + " × " +
                std::to_string(s.m()) + ". Load a smaller preset to watch it.";
    return;
  }
  const auto choices = cost.tile_choices();
  try {
    c.walk = cost.tile_walk(s, state.trace(), view.head, choices[static_cast<std::size_t>(c.tile_choice)]);
    c.step = 0;
  } catch (const core::InputError& e) {
    c.refusal = "no walk for this head: " + e.error.what();
  }
}

// The block on screen: its rows' m and l before and after, and the rescale.
void draw_step_rows(const AppState& state, const core::TileStep& step) {
  const auto& tokens = state.scenario().query.tokens;
  if (step.skipped) {
    note("Skipped: the mask closes this block for every one of its rows, so the kernel neither computes its scores "
         "nor touches m and l.");
    return;
  }
  if (!ImGui::BeginTable("##cost_rows", 6, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) return;
  for (const char* c : {"row", "block max", "m: old → new", "rescale", "Σ block", "l: old → new"}) ImGui::TableSetupColumn(c);
  ImGui::TableHeadersRow();
  for (int r = 0; r < step.rows; ++r) {
    const core::TileRow& row = step.row[static_cast<std::size_t>(r)];
    const int i = step.i0 + r;
    const bool none = row.block_max == -INFINITY;  // every key of this block is masked for the row
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("%d %s", i, i < static_cast<int>(tokens.size()) ? tokens[static_cast<std::size_t>(i)].c_str() : "");
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(none ? "masked" : number(row.block_max).c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%s → %s", number(row.max_before).c_str(), number(row.max_after).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(none ? "—" : format_cell(row.rescale).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(none ? "—" : format_cell(row.block_sum).c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%s → %s", format_cell(row.sum_before).c_str(), format_cell(row.sum_after).c_str());
  }
  ImGui::EndTable();
  widget_rects().record_last_item("view.cost.rows");
}

void draw_walk(AppState& state, ViewState& view, CostService& cost) {
  CostViewState& c = view.cost_view;
  ImGui::Separator();
  ImGui::TextUnformatted("FlashAttention's walk over the score matrix, as the tiled kernel ran it");
  head_selector(state, view);
  const auto choices = cost.tile_choices();
  std::vector<std::string> names;
  for (std::size_t i = 0; i < choices.size(); ++i)
    names.push_back(std::to_string(choices[i].query_rows) + " × " + std::to_string(choices[i].keys) +
                    (i + 1 == choices.size() ? " (the backend's)" : i == 0 ? " (the smallest)" : ""));
  ImGui::SameLine();
  if (auto pick = choose("view.cost.blocks", "blocks", names, c.tile_choice)) c.tile_choice = *pick;
  refresh_walk(state, view, cost);
  if (!c.walk) {
    note(c.refusal.c_str());
    return;
  }
  const core::TileWalk& walk = *c.walk;
  const int steps = static_cast<int>(walk.steps.size());
  c.step = std::clamp(c.step, 0, steps - 1);
  if (c.playing) {  // the player: a step every seconds_per_step
    c.since_step += ImGui::GetIO().DeltaTime;
    if (c.since_step >= seconds_per_step) {
      c.since_step = 0;
      if (c.step + 1 < steps) ++c.step;
      else c.playing = false;
    }
  }
  if (ImGui::Button("◀ Back") && c.step > 0) --c.step, c.playing = false;
  widget_rects().record_last_item("view.cost.back");
  ImGui::SameLine();
  if (ImGui::Button(c.playing ? "Pause" : "Play")) {
    if (!c.playing && c.step + 1 >= steps) c.step = 0;
    c.playing = !c.playing;
    c.since_step = 0;
  }
  widget_rects().record_last_item("view.cost.play");
  ImGui::SameLine();
  if (ImGui::Button("Next ▶") && c.step + 1 < steps) ++c.step, c.playing = false;
  widget_rects().record_last_item("view.cost.next");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(12 * ImGui::GetFontSize());
  int shown = c.step + 1;
  if (ImGui::SliderInt("##cost_step", &shown, 1, steps, "step %d")) c.step = shown - 1, c.playing = false;
  widget_rects().record_last_item("view.cost.step");
  ImGui::SameLine();
  const core::TileStep& step = walk.steps[static_cast<std::size_t>(c.step)];
  ImGui::Text("of %d: query rows %d–%d × keys %d–%d%s", steps, step.i0, step.i0 + step.rows - 1, step.j0,
              step.j0 + step.keys - 1, step.skipped ? ", skipped" : "");
  if (walk.two_pass)
    note("This head has variants (sinks, soft-cap, ALiBi, a finite fill or a precision), so the kernel takes its two-pass "
         "path: what is shown is pass A, the online max and sum; pass B then applies the final weights to V.");

  const core::Scenario& s = state.scenario();
  const core::Trace& t = state.trace();
  const auto& head = t.heads[static_cast<std::size_t>(view.head)];
  note_wrapped_visible("The kernel never holds this matrix: for each block of query rows it walks the key blocks left "
                       "to right, keeping per row only the running max m and the running sum l of e^(x − m). When a "
                       "block raises m, what was summed so far (l and the output accumulator) is multiplied by the "
                       "rescale e^(m_old − m_new): l ← l · rescale + Σ_block e^(x − m_new).");
  const float half = ImGui::GetContentRegionAvail().x * 0.34f;
  ImGui::BeginGroup();
  HeatmapSpec map{"##cost_walk", "scaled scores, " + std::to_string(s.n()) + " × " + std::to_string(s.m()),
                  &head.scaled, &s.query.tokens, &s.keys().tokens, &t.allowed, ColorMap::diverging};
  map.max_width = half;
  map.register_id = "view.cost.tiles";
  for (int k = 0; k < c.step; ++k) {  // the blocks done: shaded (computed) or hatched-grey (skipped)
    const core::TileStep& done = walk.steps[static_cast<std::size_t>(k)];
    map.boxes.push_back({done.i0, done.j0, done.rows, done.keys,
                         done.skipped ? IM_COL32(20, 20, 24, 150) : IM_COL32(255, 255, 255, 40), true});
  }
  map.boxes.push_back({step.i0, step.j0, step.rows, step.keys,
                       step.skipped ? IM_COL32(160, 160, 170, 255) : IM_COL32(255, 200, 0, 255), false});
  draw_heatmap(view.heatmaps, map);
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  draw_step_rows(state, step);
  const bool last = c.step + 1 == steps;
  if (last) {
    text_wrapped_visible("After the last block each row's m is its largest score and l = Σ e^(x − m); the weights "
                         "e^(x − m) / l are the softmax. Against this result's weights (%s): largest difference %s; "
                         "output: %s.",
                         t.backend.c_str(), format_precise(walk.weights_difference).c_str(),
                         format_precise(walk.output_difference).c_str());
    widget_rects().record_last_item("view.cost.final");
  } else {
    note("Step to the last block (or Play) to see m and l become the row's max and Σ e^(x − m).");
  }
  ImGui::EndGroup();
}

}  // namespace

void draw_cost_view(AppState& state, ViewState& view) {
  note_wrapped_visible("Attention compares every query with every key: N² scores. Doubling the sentence quadruples the "
                       "work, and a backend that keeps the N × N matrix quadruples its memory too. FlashAttention's "
                       "tiled kernel does the same arithmetic in blocks with a running max and sum, so its memory grows "
                       "like N. Both measured and counted here, then its walk step by step.");
  if (!view.cost) {
    note("No kernels to measure in this build.");
    return;
  }
  CostService& cost = *view.cost;
  draw_measurement(cost, view.cost_view);
  draw_walk(state, view, cost);
}

}  // namespace ap::ui
