// The pipeline: X → (+positions) → Q, K, V → Q·Kᵀ → scaled → masked → softmax → ·V → heads → concat →
// ·W_O → output, each stage a labelled button with its shape; the focused stage is drawn large.
#include <imgui.h>

#include "core/number_text.hpp"
#include "ui/explain_tooltip.hpp"
#include "ui/heatmap.hpp"
#include "ui/views.hpp"
#include "ui/widget_rects.hpp"

namespace ap::ui {

namespace {

struct Stage {
  const char* name;
  const char* id;
  const char* cell;  // its cells' kind in explain ids (core/breakdown.hpp), or null
  std::string shape;
  const core::Matrix* matrix;
  const std::vector<std::string>* rows;
  const std::vector<std::string>* cols;
  ColorMap map;
  const core::AllowMatrix* allowed;
};

std::string dims(Eigen::Index r, Eigen::Index c) { return std::to_string(r) + "×" + std::to_string(c); }

}  // namespace

void draw_pipeline_view(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  const core::Trace& t = state.trace();
  head_selector(state, view);
  const auto& h = t.heads[static_cast<std::size_t>(view.head)];
  const auto* qt = &s.query.tokens;
  const auto* kt = &s.keys().tokens;
  const std::vector<Stage> stages = {
      {"X + pos", "stage.x", nullptr, dims(t.x_in.rows(), t.x_in.cols()), &t.x_in, qt, nullptr, ColorMap::diverging, nullptr},
      {"Q", "stage.q", "q", dims(h.q.rows(), h.q.cols()), &h.q, qt, nullptr, ColorMap::diverging, nullptr},
      {"K", "stage.k", "k", dims(h.k.rows(), h.k.cols()), &h.k, kt, nullptr, ColorMap::diverging, nullptr},
      {"V", "stage.v", "v", dims(h.v.rows(), h.v.cols()), &h.v, kt, nullptr, ColorMap::diverging, nullptr},
      {"Q·Kᵀ", "stage.scores", "scores", dims(h.scores.rows(), h.scores.cols()), &h.scores, qt, kt, ColorMap::diverging, nullptr},
      {"scaled+mask", "stage.scaled", "scores", dims(h.scaled.rows(), h.scaled.cols()), &h.scaled, qt, kt, ColorMap::diverging, &t.allowed},
      {"softmax", "stage.weights", "weights", dims(h.weights.rows(), h.weights.cols()), &h.weights, qt, kt, ColorMap::sequential, &t.allowed},
      {"·V", "stage.head_output", "out", dims(h.output.rows(), h.output.cols()), &h.output, qt, nullptr, ColorMap::diverging, nullptr},
      {"concat", "stage.concat", nullptr, dims(t.concat.rows(), t.concat.cols()), &t.concat, qt, nullptr, ColorMap::diverging, nullptr},
      {"·W_O", "stage.output", "output", dims(t.output.rows(), t.output.cols()), &t.output, qt, nullptr, ColorMap::diverging, nullptr},
  };
  view.focused_stage = std::clamp(view.focused_stage, 0, static_cast<int>(stages.size()) - 1);
  // Every stage as a small labelled heatmap (click to focus); the focused one is drawn large below.
  const float font = ImGui::GetFontSize();
  const float thumb = 7.5f * font;
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const Stage& st = stages[i];
    if (i > 0) {
      const float right_edge = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
      if (ImGui::GetItemRectMax().x + thumb + 2 * font > right_edge) {
        // next stage on a new line
      } else {
        ImGui::SameLine();
        ImGui::TextUnformatted("→");
        ImGui::SameLine();
      }
    }
    const bool focused = static_cast<int>(i) == view.focused_stage;
    ImGui::BeginGroup();
    if (focused) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.8f, 0.3f, 1.0f));
    HeatmapSpec mini{st.id, std::string(st.name) + "  " + st.shape, st.matrix, nullptr, nullptr, st.allowed, st.map};
    mini.max_width = thumb;
    mini.max_cell = 14;
    mini.legend = false;
    mini.axis_labels = false;
    mini.register_id = st.id;
    if (st.map == ColorMap::sequential) mini.range = ColorRange::unit;  // weights: 0–1 (per matrix on request)
    if (draw_heatmap(view.heatmaps, mini).clicked) view.focused_stage = static_cast<int>(i);
    if (focused) ImGui::PopStyleColor();
    ImGui::EndGroup();
  }
  ImGui::Spacing();
  const Stage& st = stages[static_cast<std::size_t>(view.focused_stage)];
  HeatmapSpec spec{"##stage", std::string(st.name) + "  (" + st.shape + ")" +
                                  (st.matrix == &t.concat || st.matrix == &t.output || st.matrix == &t.x_in ? "" : "   head " + std::to_string(view.head)),
                   st.matrix, st.rows, st.cols, st.allowed, st.map};
  spec.max_cell = 60;
  spec.register_id = "view.stage";
  if (st.map == ColorMap::sequential) spec.range = ColorRange::unit;
  const HeatmapHover hover = draw_heatmap(view.heatmaps, spec);
  if (!hover.active()) return;
  if (st.cell == nullptr) {  // a copy, not a product: where it comes from, and its number
    const int width = std::max(1, s.d_v), i = hover.row, c = hover.col;
    const std::string value = core::number_text((*st.matrix)(i, c));
    if (st.matrix == &t.concat)
      ImGui::SetTooltip("concat[%d][%d] = head %d's (weights · V)[%d][%d] = %s", i, c, c / width, i, c % width, value.c_str());
    else
      ImGui::SetTooltip("x[%d][%d] + position (additive encodings only) = %s", i, c, value.c_str());
  } else if (st.matrix == &t.output) {
    explain_tooltip(s, t, cell_id("output", hover.row, hover.col));
  } else {
    explain_tooltip(s, t, cell_id(st.cell, view.head, hover.row, hover.col),
                    st.matrix == &h.scaled ? "scaled = " + core::number_text(h.scaled(hover.row, hover.col)) +
                                                 " (score × " + core::number_text(t.scale) + ", then ALiBi / softcap when on)"
                                           : "");
  }
}

}  // namespace ap::ui
