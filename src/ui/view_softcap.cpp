// Soft-capping: the curve c·tanh(x / c) with one query row's scores placed on it (before the cap on x, after it on
// y; hover a dot), and the row's numbers before, after and as weights.
#include <algorithm>
#include <cmath>
#include <string>

#include <imgui.h>

#include "core/variant_views.hpp"
#include "ui/format.hpp"
#include "ui/plot.hpp"
#include "ui/side_traces.hpp"
#include "ui/variant_tabs.hpp"
#include "ui/widget_rects.hpp"
#include "ui/wrapped_text.hpp"

namespace ap::ui {

void draw_softcap_section(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  const core::Trace& t = state.trace();
  if (!s.variants.softcap) {
    note("Soft-capping is off: tick soft-cap in the editor. Each scaled score x then becomes c·tanh(x / c): about x "
         "while |x| is small against c, never beyond ±c (Gemma 2 caps its attention logits at 50).");
    return;
  }
  const double cap = *s.variants.softcap;
  text_wrapped_visible("scaled <- %s·tanh(scaled / %s), after the scale and ALiBi and before the mask: a score keeps its "
                     "order but no key can run away with all the weight.", format_precise(cap).c_str(),
                     format_precise(cap).c_str());
  head_selector(state, view);
  int& row = view.variants.softcap_row;
  row = std::clamp(row, 0, s.n() - 1);
  ImGui::SetNextItemWidth(12 * ImGui::GetFontSize());
  ImGui::SliderInt("query row##softcap", &row, 0, s.n() - 1, s.query.tokens[static_cast<std::size_t>(row)].c_str());
  widget_rects().record_last_item("view.softcap.row");
  const core::SoftcapRow r = core::softcap_row(s, t, view.head, row);
  const auto& keys = s.keys().tokens;
  PlotSeries dots{{}, IM_COL32(240, 200, 80, 255), true, {}, "this row's scores (before → after)"};
  double reach = 3 * cap;  // the curve over ±3c, or as far as the row's scores go
  for (std::size_t j = 0; j < r.before.size(); ++j) {
    if (!r.allowed[j] || !std::isfinite(r.before[j])) continue;
    dots.points.emplace_back(r.before[j], r.after[j]);
    dots.labels.push_back(keys[j]);
    reach = std::max(reach, 1.1 * std::fabs(r.before[j]));
  }
  PlotSeries curve{core::softcap_curve(cap, -reach, reach, 161), IM_COL32(90, 160, 240, 255), false, {}, "c·tanh(x / c)"};
  PlotSeries identity{{{-reach, -reach}, {reach, reach}}, IM_COL32(110, 110, 110, 255), false, {}, "no cap (y = x)"};
  PlotSpec spec;
  spec.id = "view.softcap.curve";
  spec.size = ImVec2(std::min(ImGui::GetContentRegionAvail().x, 46 * ImGui::GetFontSize()), 15 * ImGui::GetFontSize());
  spec.x_lo = -reach;
  spec.x_hi = reach;
  spec.y_lo = -1.35 * cap;
  spec.y_hi = 1.35 * cap;
  spec.y_guides = {-cap, cap};
  spec.x_label = "before the cap";
  spec.y_label = "after";
  draw_plot(spec, {identity, curve, dots});
  const SideTrace uncapped = side_trace(view.variants.side, state, "softcap.off", [](core::Scenario& v) { v.variants.softcap.reset(); });
  const bool scroll = s.m() > 8;  // a long row scrolls in a box of its own
  if (!ImGui::BeginTable("softcap.row", 5, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit | (scroll ? ImGuiTableFlags_ScrollY : 0),
                         ImVec2(0, scroll ? 9.5f * ImGui::GetFrameHeight() : 0)))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  for (const char* c : {"key", "before the cap", "after", "weight", "weight without the cap"}) ImGui::TableSetupColumn(c);
  ImGui::TableHeadersRow();
  const core::Matrix& w = t.heads[static_cast<std::size_t>(view.head)].weights;
  ImGuiListClipper clipper;
  clipper.Begin(s.m());
  while (clipper.Step())
    for (int j = clipper.DisplayStart; j < clipper.DisplayEnd; ++j) {
      const auto k = static_cast<std::size_t>(j);
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(keys[k].c_str());
      if (!r.allowed[k]) {
        ImGui::TableNextColumn();
        ImGui::TextDisabled("masked");
        continue;
      }
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_precise(r.before[k]).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_precise(r.after[k]).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_precise(w(row, j)).c_str());
      ImGui::TableNextColumn();
      if (uncapped.trace) ImGui::TextUnformatted(format_precise(uncapped.trace->heads[static_cast<std::size_t>(view.head)].weights(row, j)).c_str());
      else ImGui::TextDisabled("%s", uncapped.note.c_str());
    }
  ImGui::EndTable();
}

}  // namespace ap::ui
