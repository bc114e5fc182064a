// The scaling lab: one query row's softmax raw, ÷√d_k and at a user temperature, side by side, and the
// d_k sweep (1 … 1024) that shows why Transformers scale: Var(q·k) grows like d_k, the unscaled softmax
// saturates, and the Jacobian (the gradient that flows back) vanishes.
#include <cmath>

#include <imgui.h>

#include "core/explain.hpp"
#include "core/sweep.hpp"
#include "ui/format.hpp"
#include "ui/line_chart.hpp"
#include "ui/views.hpp"
#include "ui/widget_rects.hpp"

namespace ap::ui {

namespace {

void weight_bars(const char* id, const core::SoftmaxStudy& st, const std::vector<std::string>& keys, float width) {
  ImGui::BeginChild(id, ImVec2(width, 0), true);
  ImGui::Text("%s:  × %s", id, format_precise(st.multiplier).c_str());  // the panel's name is its child id
  for (std::size_t j = 0; j < st.weights.size(); ++j) {
    char overlay[96];
    const double w = st.weights[j];
    // a row that overflowed has no weights: an empty bar that says so (the view's note explains why)
    if (std::isfinite(w)) std::snprintf(overlay, sizeof overlay, "%s  %.4f", keys[j].c_str(), w);
    else std::snprintf(overlay, sizeof overlay, "%s  %s (not a number: see the note above)", keys[j].c_str(), std::isnan(w) ? "NaN" : "inf");
    ImGui::ProgressBar(std::isfinite(w) ? static_cast<float>(w) : 0.0f, ImVec2(-1, 0), overlay);
  }
  ImGui::Text("entropy %.4f nats", st.entropy);
  ImGui::Text("effective keys %.3f", st.effective_keys);
  ImGui::Text("max weight %.4f", st.max_weight);
  ImGui::Text("‖softmax Jacobian‖_F %.4g", st.jacobian_norm);
  ImGui::EndChild();
}

// Log-log plot of the sweep, drawn with the draw list (ImGui's PlotLines has no log axes).
void sweep_plot(const std::vector<core::SweepPoint>& points) {
  const float font = ImGui::GetFontSize();
  const ImVec2 size(std::min(ImGui::GetContentRegionAvail().x - 3 * font, 40 * font), 14 * font);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##sweep", size);
  widget_rects().record_last_item("view.scaling.sweep");
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float left = 3 * font, bottom = 1.5f * font;
  const ImVec2 a(o.x + left, o.y), b(o.x + size.x, o.y + size.y - bottom);
  dl->AddRect(a, b, IM_COL32(120, 120, 120, 255));
  const double x0 = 0, x1 = std::log2(1024.0), y0 = -1, y1 = 3.2;  // log10 variance from 0.1 to ~1600
  const auto px = [&](double d) { return a.x + static_cast<float>((std::log2(d) - x0) / (x1 - x0)) * (b.x - a.x); };
  const auto py = [&](double v) { return b.y - static_cast<float>((std::log10(std::max(v, 1e-3)) - y0) / (y1 - y0)) * (b.y - a.y); };
  const auto pw = [&](double w) { return b.y - static_cast<float>(w) * (b.y - a.y); };  // max weight on [0, 1]
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  for (int e = -1; e <= 3; ++e) {
    const float y = py(std::pow(10.0, e));
    dl->AddLine(ImVec2(a.x, y), ImVec2(b.x, y), IM_COL32(70, 70, 70, 255));
    dl->AddText(ImVec2(o.x, y - font / 2), text, (std::string("1e") + std::to_string(e)).c_str());
  }
  for (int d = 1; d <= 1024; d *= 4) dl->AddText(ImVec2(px(d) - font / 2, b.y + 2), text, std::to_string(d).c_str());
  const ImU32 raw = IM_COL32(230, 90, 70, 255), scaled = IM_COL32(90, 160, 240, 255), wmax = IM_COL32(240, 200, 80, 255);
  for (std::size_t i = 1; i < points.size(); ++i) {
    const auto& p = points[i - 1];
    const auto& q = points[i];
    dl->AddLine(ImVec2(px(p.d_k), py(p.variance_raw)), ImVec2(px(q.d_k), py(q.variance_raw)), raw, 2);
    dl->AddLine(ImVec2(px(p.d_k), py(p.variance_scaled)), ImVec2(px(q.d_k), py(q.variance_scaled)), scaled, 2);
    dl->AddLine(ImVec2(px(p.d_k), pw(p.max_weight_raw)), ImVec2(px(q.d_k), pw(q.max_weight_raw)), wmax, 1.5f);
  }
  dl->AddText(ImVec2(b.x + 4, a.y), wmax, "w=1");
  dl->AddText(ImVec2(b.x + 4, b.y - font), wmax, "w=0");
  ImGui::TextColored(ImVec4(0.9f, 0.35f, 0.27f, 1), "Var(q·k) raw ≈ d_k");
  ImGui::SameLine();
  ImGui::TextColored(ImVec4(0.35f, 0.63f, 0.94f, 1), "  Var(q·k/√d_k) ≈ 1");
  ImGui::SameLine();
  ImGui::TextColored(ImVec4(0.94f, 0.78f, 0.31f, 1), "  mean max weight, unscaled (0 … 1, linear)");
}

}  // namespace

void draw_scaling_view(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  const core::Trace& t = state.trace();
  head_selector(state, view);
  if (view.query_row < 0) view.query_row = core::row_with_most_keys(t.allowed);
  view.query_row = std::clamp(view.query_row, 0, s.n() - 1);
  ImGui::SetNextItemWidth(10 * ImGui::GetFontSize());
  ImGui::SliderInt("query row", &view.query_row, 0, s.n() - 1, s.query.tokens[static_cast<std::size_t>(view.query_row)].c_str());
  ImGui::SameLine();
  ImGui::SetNextItemWidth(10 * ImGui::GetFontSize());
  ImGui::SliderFloat("temperature T", &view.temperature, 0.05f, 10.0f, "%.2f",
                     ImGuiSliderFlags_Logarithmic);
  widget_rects().record_last_item("scaling.temperature");
  const double inv = core::Scale{}.factor(s.d_k);  // 1/√d_k
  const auto raw = core::study_softmax(t, view.head, view.query_row, 1.0);
  const auto scaled = core::study_softmax(t, view.head, view.query_row, inv);
  const auto temp = core::study_softmax(t, view.head, view.query_row, inv / std::max(static_cast<double>(view.temperature), 1e-6));
  const float w = ImGui::GetContentRegionAvail().x / 3 - 8;
  ImGui::BeginChild("##labcols", ImVec2(0, 19 * ImGui::GetFontSize()));
  weight_bars("raw (no scaling)", raw, s.keys().tokens, w);
  ImGui::SameLine();
  weight_bars("÷ √d_k", scaled, s.keys().tokens, w);
  ImGui::SameLine();
  weight_bars("÷ (√d_k · T)", temp, s.keys().tokens, w);
  ImGui::EndChild();

  if (view.sweep.empty()) view.sweep = core::scaling_sweep(core::powers_of_two_up_to(1024), 16, 200, 42);
  const std::vector<core::SweepPoint>& sweep = view.sweep;
  ImGui::Text("d_k sweep: random unit-variance q, k; 16 keys per row, 200 rows per d_k");
  sweep_plot(sweep);
  // ‖J‖ on an axis of its own (log: unscaled, the softmax saturates and its gradient vanishes by decades).
  LineChartSpec jacobian{"##jacobian", "softmax Jacobian ‖J‖ (log scale) against log₂ d_k"};
  ChartSeries raw_j{"‖J‖ raw", {}, {}, series_color(0)}, scaled_j{"‖J‖ scaled (÷ √d_k)", {}, {}, series_color(1)};
  for (const auto& p : sweep) {
    raw_j.x.push_back(std::log2(static_cast<double>(p.d_k)));
    raw_j.y.push_back(p.jacobian_raw);
    scaled_j.x.push_back(raw_j.x.back());
    scaled_j.y.push_back(p.jacobian_scaled);
  }
  jacobian.series = {raw_j, scaled_j};
  jacobian.log_y = true;
  jacobian.height = 9 * ImGui::GetFontSize();
  draw_line_chart(jacobian);
  if (ImGui::BeginTable("sweep", 7, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) {
    for (const char* h : {"d_k", "Var raw", "Var scaled", "max w raw", "max w scaled", "‖J‖ raw", "‖J‖ scaled"})
      ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    for (const auto& p : sweep) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn(); ImGui::Text("%d", p.d_k);
      ImGui::TableNextColumn(); ImGui::Text("%.3g", p.variance_raw);
      ImGui::TableNextColumn(); ImGui::Text("%.3f", p.variance_scaled);
      ImGui::TableNextColumn(); ImGui::Text("%.3f", p.max_weight_raw);
      ImGui::TableNextColumn(); ImGui::Text("%.3f", p.max_weight_scaled);
      ImGui::TableNextColumn(); ImGui::Text("%.3g", p.jacobian_raw);
      ImGui::TableNextColumn(); ImGui::Text("%.3g", p.jacobian_scaled);
    }
    ImGui::EndTable();
  }
}

}  // namespace ap::ui
