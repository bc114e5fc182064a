// The Average baseline view: the learned weights beside uniform ones (every allowed key alike: the plain average of
// the values), the output each gives through the same W_O, and their difference row by row. The baseline comes from
// core (core/uniform_attention.hpp), made once per result; this file only draws.
#include <algorithm>
#include <string>

#include <imgui.h>

#include "core/error.hpp"
#include "ui/format.hpp"
#include "ui/heatmap.hpp"
#include "ui/variant_tabs.hpp"
#include "ui/views.hpp"
#include "ui/widget_rects.hpp"
#include "ui/wrapped_text.hpp"

namespace ap::ui {

namespace {

void refresh(const AppState& state, UniformViewState& u) {
  if (u.revision == state.revision()) return;
  u.revision = state.revision();
  u.baseline.reset();
  u.refusal.clear();
  try {
    u.baseline = core::uniform_attention(state.scenario(), state.trace());
  } catch (const core::InputError& e) {
    u.refusal = "no baseline for this result: " + e.error.what();
  }
}

}  // namespace

void draw_uniform_view(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  const core::Trace& t = state.trace();
  note_wrapped_visible("Why not give every token the plain average of the others? Here every query row spreads its "
                       "weight evenly over the keys it may attend, through the same V and W_O, beside the learned "
                       "weights. Without a mask every row then gets the same output: the sentence collapses into one "
                       "blurry summary. The difference is what the scores buy.");
  refresh(state, view.uniform);
  if (!view.uniform.baseline) {
    note(view.uniform.refusal.c_str());
    return;
  }
  const core::UniformBaseline& b = *view.uniform.baseline;
  head_selector(state, view);
  const auto& h = t.heads[static_cast<std::size_t>(view.head)];
  const float half = ImGui::GetContentRegionAvail().x * 0.5f - 8;
  const std::string nm = std::to_string(s.n()) + " × " + std::to_string(s.m());
  ImGui::BeginGroup();
  HeatmapSpec learned{"##uniform_learned", "learned weights, head " + std::to_string(view.head) + "  (N × M = " + nm + ")",
                      &h.weights, &s.query.tokens, &s.keys().tokens, &t.allowed, ColorMap::sequential};
  learned.max_width = half;
  learned.range = ColorRange::unit;
  learned.register_id = "view.uniform.learned";
  draw_heatmap(view.heatmaps, learned);
  note("Attention weights are not explanations: they say where a head looked, not why the model answered as it did.");
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  HeatmapSpec uniform{"##uniform_weights", "uniform weights, every head  (N × M = " + nm + ")", &b.weights,
                      &s.query.tokens, &s.keys().tokens, &t.allowed, ColorMap::sequential};
  uniform.max_width = half;
  uniform.range = ColorRange::unit;
  uniform.register_id = "view.uniform.weights";
  draw_heatmap(view.heatmaps, uniform);
  ImGui::EndGroup();

  text_wrapped_visible("Largest difference of an output row (‖learned − uniform‖): %s. %s",
                       format_precise(b.max_row_difference).c_str(),
                       b.rows_identical ? "Every uniform output row is the same vector." : "");
  widget_rects().record_last_item("view.uniform.summary");
  if (s.variants.sinks || s.variants.softcap || s.variants.precision)
    note("The baseline is the textbook average: it leaves out this scenario's sinks, soft-cap and precision.");
  const std::string dm = std::to_string(s.n()) + " × " + std::to_string(s.d_model());
  ImGui::BeginGroup();
  HeatmapSpec out{"##uniform_output", "uniform output  (N × d_model = " + dm + ")", &b.output, &s.query.tokens};
  out.max_width = half;
  draw_heatmap(view.heatmaps, out);
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  HeatmapSpec diff{"##uniform_difference", "learned output − uniform output  (N × d_model)", &b.difference, &s.query.tokens};
  diff.max_width = half;
  diff.register_id = "view.uniform.difference";
  draw_heatmap(view.heatmaps, diff);
  ImGui::EndGroup();
  const int shown = std::min(s.n(), 24);
  if (ImGui::BeginTable("##uniform_rows", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("token");
    ImGui::TableSetupColumn("‖learned − uniform‖");
    ImGui::TableHeadersRow();
    for (int i = 0; i < shown; ++i) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(s.query.tokens[static_cast<std::size_t>(i)].c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_cell(b.row_difference[static_cast<std::size_t>(i)]).c_str());
    }
    ImGui::EndTable();
  }
  if (shown < s.n()) ImGui::TextDisabled("… %d more rows", s.n() - shown);
}

}  // namespace ap::ui
