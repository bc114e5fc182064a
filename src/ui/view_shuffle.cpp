// The Order view: shuffle the tokens and compare. Two panels side by side, each the layer with its order-carrying
// parts removed (no causal mask, no ALiBi), one without positions and one with them: without, the shuffled input's
// output is the original output with its rows reordered the same way (difference 0); with, it is not. Every number
// comes from core (core/shuffle.hpp) through second traces (ui/side_traces.hpp); this file only draws.
#include <algorithm>
#include <cmath>
#include <string>

#include <imgui.h>

#include "core/shuffle.hpp"
#include "ui/format.hpp"
#include "ui/heatmap.hpp"
#include "ui/side_traces.hpp"
#include "ui/variant_tabs.hpp"
#include "ui/views.hpp"
#include "ui/widget_rects.hpp"
#include "ui/wrapped_text.hpp"

namespace ap::ui {

namespace {

struct Panel {
  const char* id;     // "blind" or "placed"
  const char* title;
  bool positions;
};

// One panel: the comparison's verdict, the two outputs as heatmaps, the per-row differences. Returns the largest
// difference, or NaN while a trace is still to come (or was refused).
double draw_panel(AppState& state, ViewState& view, const Panel& p, const std::vector<int>& order, float width) {
  ImGui::BeginChild((std::string("##shuffle_") + p.id).c_str(), ImVec2(width, 0), true);
  ImGui::TextUnformatted(p.title);
  widget_rects().record_last_item(std::string("view.shuffle.") + p.id);
  const auto prepare = [positions = p.positions](core::Scenario& v) {
    v = core::without_order(v);
    if (positions) v = core::with_positions(v);
  };
  const std::string key = std::string("shuffle.") + p.id;
  const SideTrace original = side_trace(view.variants.side, state, key, prepare);
  const SideTrace shuffled = side_trace(view.variants.side, state, key + ".seed" + std::to_string(view.shuffle.seed),
                                        [&](core::Scenario& v) {
                                          prepare(v);
                                          v = core::shuffle_tokens(v, order);
                                        });
  if (!original.trace || !shuffled.trace) {
    note((original.trace ? shuffled : original).note.c_str());
    ImGui::EndChild();
    return std::nan("");
  }
  const core::ShuffleComparison c = core::compare_shuffled(*original.trace, *shuffled.trace, order);
  const bool follow = c.rows_follow(1e-9);
  ImGui::TextColored(follow ? ImVec4(0.5f, 0.9f, 0.5f, 1) : ImVec4(1, 0.65f, 0.3f, 1), "%s",
                     follow ? "The output rows follow the shuffle exactly." : "The output rows do not follow the shuffle.");
  widget_rects().record_last_item(std::string("view.shuffle.") + p.id + ".verdict");
  ImGui::Text("largest difference: %s", format_precise(c.max_difference).c_str());
  const core::Scenario& s = state.scenario();
  const core::Matrix& reordered = derived_matrix(view.variants, state, key + ".reordered" + std::to_string(view.shuffle.seed),
                                                 [&] { return core::permute_rows(original.trace->output, order); });
  std::vector<std::string> labels;
  for (int k : order) labels.push_back(s.query.tokens[static_cast<std::size_t>(k)]);
  const float half = ImGui::GetContentRegionAvail().x * 0.5f - 6;
  const std::string a_id = std::string("##shuffled_out_") + p.id, b_id = std::string("##reordered_out_") + p.id;
  HeatmapSpec a{a_id.c_str(), "output of the shuffled input", &shuffled.trace->output, &labels};
  a.max_width = half;
  a.legend = false;
  ImGui::BeginGroup();
  draw_heatmap(view.heatmaps, a);
  ImGui::EndGroup();
  ImGui::SameLine();
  HeatmapSpec b{b_id.c_str(), "the original output, rows reordered", &reordered, &labels};
  b.max_width = half;
  b.legend = false;
  ImGui::BeginGroup();
  draw_heatmap(view.heatmaps, b);
  ImGui::EndGroup();
  const int shown = std::min<int>(static_cast<int>(order.size()), 24);
  if (ImGui::BeginTable((std::string("##rows_") + p.id).c_str(), 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("now at");
    ImGui::TableSetupColumn("token (was at)");
    ImGui::TableSetupColumn("row difference");
    ImGui::TableHeadersRow();
    for (int i = 0; i < shown; ++i) {
      const int from = order[static_cast<std::size_t>(i)];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%d", i);
      ImGui::TableNextColumn();
      ImGui::Text("%s (%d)", s.query.tokens[static_cast<std::size_t>(from)].c_str(), from);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_cell(c.row_difference[static_cast<std::size_t>(i)]).c_str());
    }
    ImGui::EndTable();
  }
  if (shown < static_cast<int>(order.size())) ImGui::TextDisabled("… %d more rows", static_cast<int>(order.size()) - shown);
  ImGui::EndChild();
  return c.max_difference;
}

}  // namespace

void draw_shuffle_view(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  note_wrapped_visible("Attention compares every token with every other and never asks where a token stands: shuffle "
                       "the tokens and, without positions, each output row moves with its token and nothing else "
                       "changes. Positional encodings tie a token to its place, and then the shuffle changes the "
                       "numbers. (A causal mask and ALiBi depend on positions too, so both panels leave them out.)");
  if (s.n() < 2) {
    note("One token cannot be shuffled: add tokens in the editor.");
    return;
  }
  if (ImGui::Button("Shuffle again")) ++view.shuffle.seed;
  widget_rects().record_last_item("view.shuffle.again");
  const std::vector<int> order = core::shuffle_order(s.n(), static_cast<unsigned>(view.shuffle.seed));
  std::string line;
  for (std::size_t i = 0; i < order.size() && i < 32; ++i)
    line += (i ? " " : "") + s.query.tokens[static_cast<std::size_t>(order[i])];
  ImGui::SameLine();
  text_wrapped_visible("shuffled: %s%s", line.c_str(), order.size() > 32 ? " …" : "");
  const char* positions = s.positional.kind == core::PositionalKind::none ? "with sinusoidal positions"
                                                                          : "with the scenario's positions";
  const float half = (ImGui::GetContentRegionAvail().x - 10) / 2;
  view.shuffle.blind_difference = draw_panel(state, view, {"blind", "without positions", false}, order, half);
  ImGui::SameLine();
  view.shuffle.placed_difference = draw_panel(state, view, {"placed", positions, true}, order, half);
}

}  // namespace ap::ui
