// ALiBi: each head's slope, its bias matrix beside its scores, and what it does to long-range weights: how far
// back each head looks with and without it, and one row's weights by key position (a second trace gives the other).
#include <string>

#include <imgui.h>

#include "core/explain.hpp"
#include "core/variant_views.hpp"
#include "core/variants.hpp"
#include "ui/format.hpp"
#include "ui/heatmap.hpp"
#include "ui/plot.hpp"
#include "ui/side_traces.hpp"
#include "ui/variant_tabs.hpp"
#include "ui/widget_rects.hpp"
#include "ui/wrapped_text.hpp"

namespace ap::ui {

namespace {

// One row's weights against key position, with ALiBi and without.
void row_plot(const core::Scenario& s, const core::Trace& with, const core::Trace& without, int head, int row) {
  PlotSeries a{{}, IM_COL32(90, 160, 240, 255), false, {}, "with ALiBi"};
  PlotSeries b{{}, IM_COL32(170, 170, 170, 255), false, {}, "without"};
  for (int j = 0; j < s.m(); ++j) {
    if (!with.allowed(row, j)) continue;
    a.points.emplace_back(j, with.heads[static_cast<std::size_t>(head)].weights(row, j));
    b.points.emplace_back(j, without.heads[static_cast<std::size_t>(head)].weights(row, j));
  }
  PlotSpec spec;
  spec.id = "view.alibi.row";
  spec.size = ImVec2(0, 9 * ImGui::GetFontSize());
  spec.x_lo = 0;
  spec.x_hi = std::max(1, s.m() - 1);
  spec.fit_y = true;
  spec.x_label = "key position j";
  spec.y_label = "weight of row " + std::to_string(row) + " (" + s.query.tokens[static_cast<std::size_t>(row)] + ")";
  draw_plot(spec, {b, a});
}

}  // namespace

void draw_alibi_section(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  const core::Trace& t = state.trace();
  const bool on = s.variants.alibi;
  if (!on) note("ALiBi is off (tick it in the editor). Shown: the bias it would add, and what it would change.");
  text_wrapped_visible("Head i adds -m_i·|p_q - p_k| to its scaled scores: a key d positions away loses m_i·d, so each "
                     "head prefers nearby keys, by its own slope, with no positional encoding.%s",
                     core::alibi_query_offset(s) ? " (p_q = i + M - N: bottom-right alignment.)" : "");
  // The other trace: the scenario with ALiBi flipped.
  const SideTrace other = side_trace(view.variants.side, state, on ? "alibi.off" : "alibi.on",
                                     [on](core::Scenario& v) { v.variants.alibi = !on; });
  const core::Trace* with = on ? &t : other.trace;
  const core::Trace* without = on ? other.trace : &t;
  const auto slopes = core::alibi_slopes(s.heads);
  const bool scroll = s.heads > 8;  // a long list scrolls in a box of its own
  if (ImGui::BeginTable("alibi.slopes", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit | (scroll ? ImGuiTableFlags_ScrollY : 0),
                        ImVec2(0, scroll ? 9.5f * ImGui::GetFrameHeight() : 0))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const char* c : {"head", "slope m", "mean distance attended, with ALiBi", "without"}) ImGui::TableSetupColumn(c);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(s.heads);
    while (clipper.Step())
      for (int h = clipper.DisplayStart; h < clipper.DisplayEnd; ++h) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%d", h);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(format_precise(slopes[static_cast<std::size_t>(h)]).c_str());
        for (const core::Trace* tr : {with, without}) {
          ImGui::TableNextColumn();
          if (tr && tr->heads[static_cast<std::size_t>(h)].weights.size() > 0)
            ImGui::Text("%.2f positions", core::mean_attention_distance(s, *tr, h));
          else ImGui::TextDisabled("%s", tr ? "(not recorded)" : other.note.c_str());
        }
      }
    ImGui::EndTable();
    widget_rects().record_last_item("view.alibi.slopes");
  }
  head_selector(state, view);
  const int head = view.head;
  const core::Matrix& bias = derived_matrix(view.variants, state, "alibi.bias." + std::to_string(head),
                                            [&] { return core::alibi_bias(s, head); });
  const auto& ht = t.heads[static_cast<std::size_t>(head)];
  const float half = ImGui::GetContentRegionAvail().x / 2 - 8;
  const auto map = [&](const char* id, std::string title, const core::Matrix* m, const char* reg) {
    ImGui::BeginGroup();
    HeatmapSpec spec{id, std::move(title), m, &s.query.tokens, &s.keys().tokens, &t.allowed};
    spec.max_width = half;
    spec.max_height = 13 * ImGui::GetFontSize();
    spec.register_id = reg;
    draw_heatmap(view.heatmaps, spec);
    ImGui::EndGroup();
  };
  map("##alibi_bias", "bias, m = " + format_precise(slopes[static_cast<std::size_t>(head)]), &bias, "view.alibi.bias");
  ImGui::SameLine();
  map("##alibi_scaled", on ? "scaled scores, bias added" : "scaled scores (no bias)", &ht.scaled, "view.alibi.scaled");
  if (with && without && with->heads[static_cast<std::size_t>(head)].weights.size() > 0 &&
      without->heads[static_cast<std::size_t>(head)].weights.size() > 0) {
    const int row = core::row_with_most_keys(t.allowed);
    row_plot(s, *with, *without, head, row);
  } else if (!other.note.empty()) {
    note(other.note.c_str());
  }
}

}  // namespace ap::ui
