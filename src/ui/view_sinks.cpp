// Attention sinks: the share of each row's softmax the head's sink takes (core::sink_mass), and the head's weights
// beside the same head's weights without a sink (a second trace): where a row had nothing to attend to.
#include <cmath>
#include <string>

#include <imgui.h>

#include "core/variant_views.hpp"
#include "ui/format.hpp"
#include "ui/heatmap.hpp"
#include "ui/side_traces.hpp"
#include "ui/variant_tabs.hpp"
#include "ui/widget_rects.hpp"
#include "ui/wrapped_text.hpp"

namespace ap::ui {

void draw_sinks_section(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  const core::Trace& t = state.trace();
  if (!s.variants.sinks) {
    note("No sinks: tick attention sinks in the editor. Each head then has a logit s that joins every row's softmax "
         "with no value behind it, so a row with nothing worth attending to can give its weight to nothing (the "
         "sink tokens of StreamingLLM, the sink logits of recent open models). The sinks preset shows one.");
    if (ImGui::Button("load the sinks preset")) load_preset(state, view, "sinks");
    widget_rects().record_last_item("view.sinks.preset");
    return;
  }
  head_selector(state, view);
  const int head = view.head;
  text_wrapped_visible("Head %d's sink logit s = %s joins every row's softmax: w_j = e^(a_j - m) / (e^(s - m) + Σ_k e^(a_k - m)). "
                     "What the keys do not take, the sink does: a row that finds nothing parks its weight there, and "
                     "its output stays near zero instead of averaging unrelated values.",
                     head, format_precise((*s.variants.sinks)(head)).c_str());
  const core::Matrix& mass = derived_matrix(view.variants, state, "sinks.mass." + std::to_string(head), [&] {
    const std::vector<double> m = core::sink_mass(s, t, head);
    return core::Matrix(Eigen::Map<const core::Matrix>(m.data(), static_cast<Eigen::Index>(m.size()), 1));
  });
  const float font = ImGui::GetFontSize();
  ImGui::BeginChild("##sinkrows", ImVec2(15 * font, std::min(s.n() + 1.5f, 16.0f) * ImGui::GetFrameHeightWithSpacing()), true);
  ImGui::TextUnformatted("row: weight on the sink");
  ImGuiListClipper clipper;
  clipper.Begin(s.n());
  while (clipper.Step())
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const double v = mass(i, 0);
      char overlay[96];
      std::snprintf(overlay, sizeof overlay, "%s  %s", s.query.tokens[static_cast<std::size_t>(i)].c_str(),
                    std::isnan(v) ? "NaN (undefined row)" : format_cell(v).c_str());
      ImGui::ProgressBar(std::isnan(v) ? 0.0f : static_cast<float>(v), ImVec2(-1, 0), overlay);
      widget_rects().record_last_item("view.sinks.mass[" + std::to_string(i) + "]");
    }
  ImGui::EndChild();
  ImGui::SameLine();
  const SideTrace without = side_trace(view.variants.side, state, "sinks.off", [](core::Scenario& v) { v.variants.sinks.reset(); });
  const float half = (ImGui::GetContentRegionAvail().x - 10) / 2;
  ImGui::BeginGroup();
  HeatmapSpec with_map{"##sinks_with", "with the sink", &t.heads[static_cast<std::size_t>(head)].weights,
                       &s.query.tokens, &s.keys().tokens, &t.allowed, ColorMap::sequential};
  with_map.range = ColorRange::unit;
  with_map.legend = false;  // the same [0, 1] as the map beside it
  with_map.max_width = half;
  with_map.register_id = "view.sinks.weights";
  draw_heatmap(view.heatmaps, with_map);
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  if (without.trace) {
    HeatmapSpec plain{"##sinks_without", "without a sink", &without.trace->heads[static_cast<std::size_t>(head)].weights,
                      &s.query.tokens, &s.keys().tokens, &without.trace->allowed, ColorMap::sequential};
    plain.range = ColorRange::unit;
    plain.max_width = half;
    plain.register_id = "view.sinks.without";
    draw_heatmap(view.heatmaps, plain);
  } else {
    note(without.note.c_str());
  }
  ImGui::EndGroup();
}

}  // namespace ap::ui
