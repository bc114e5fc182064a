// Positional encodings: what "none" means (order invisible: the Order view shows it), the matrix that is added
// (sinusoidal with PE·PEᵀ, learned, honest about an all-zero table) and RoPE: the score of one q, k pair against
// their offset, the same whatever the start position, and the first rotated pair of q and k drawn in the plane.
#include <algorithm>
#include <cmath>

#include <imgui.h>

#include "core/explain.hpp"
#include "core/position_views.hpp"
#include "ui/format.hpp"
#include "ui/heatmap.hpp"
#include "ui/plot.hpp"
#include "ui/views.hpp"
#include "ui/widget_rects.hpp"
#include "ui/wrapped_text.hpp"

namespace ap::ui {

namespace {

constexpr int similarity_positions = 256;  // PE·PEᵀ of the first positions only: a 4096² product is not a frame's work

void draw_none(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  text_wrapped_visible("No positional encoding: nothing is added to x and nothing is rotated, so the layer cannot "
                       "tell where a token sits. The score of q_i with k_j depends only on the two tokens' vectors: "
                       "move the tokens around and every row of the output moves with its token, unchanged. Word "
                       "order is invisible (\"dog bites man\" and \"man bites dog\" get the same rows).");
  if (s.mask.causal != core::CausalAlign::none)
    text_wrapped_visible("Only the causal mask knows positions here (query i sees keys up to i): it is the one place order enters.");
  if (ImGui::Button("see it in the Order view")) view.select_tab = "view.shuffle";
  widget_rects().record_last_item("view.positional.order");
  ImGui::SameLine();
  text_wrapped_visible("shuffles the tokens and compares the output rows, without and with positions.");
  HeatmapSpec x{"##xnone", "x as projected: nothing added  (N × d_model)", &state.trace().x_in, &s.query.tokens};
  draw_heatmap(view.heatmaps, x);
}

void draw_additive(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  const core::Trace& t = state.trace();
  const bool sinusoidal = s.positional.kind == core::PositionalKind::sinusoidal;
  if (!sinusoidal && core::is_all_zero(t.positional)) {
    text_wrapped_visible("The learned table is all zeros (%d positions × %d): nothing is added yet, so X + PE = X and the "
                         "layer is as blind to order as with no encoding. Type values into the learned table in the "
                         "editor, or train them in the Training lab.",
                         static_cast<int>(t.positional.rows()), static_cast<int>(t.positional.cols()));
    widget_rects().record_last_item("view.positional.zero");
  } else {
    const float half = ImGui::GetContentRegionAvail().x * 0.5f - 8;
    if (sinusoidal)
      text_wrapped_visible("sinusoidal PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(p / 10000^(2i/d)), added to x; "
                           "PE·PEᵀ on the right says how alike two positions look.");
    ImGui::BeginGroup();
    HeatmapSpec pe{"##pe", sinusoidal ? "PE  (positions × d_model)" : "learned table  (positions × d_model)", &t.positional};
    pe.max_width = sinusoidal ? half : 0;
    draw_heatmap(view.heatmaps, pe);
    ImGui::EndGroup();
    if (sinusoidal) {
      PositionalState& ps = view.positional;
      if (ps.similarity_revision != state.revision() || ps.similarity.size() == 0) {  // once per result, not per frame
        const Eigen::Index rows = std::min<Eigen::Index>(t.positional.rows(), similarity_positions);
        ps.similarity = core::position_similarity(t.positional.topRows(rows));
        ps.similarity_revision = state.revision();
      }
      ImGui::SameLine();
      ImGui::BeginGroup();
      const std::string title = "PE·PEᵀ  (positions × positions" + std::string(t.positional.rows() > similarity_positions ? ", the first 256" : "") + ")";
      HeatmapSpec sim{"##pesim", title, &ps.similarity};
      sim.max_width = half;
      draw_heatmap(view.heatmaps, sim);
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + half);
      ImGui::TextDisabled("largest on the diagonal, falling off with |p − p'|: nearby positions look alike.");
      ImGui::PopTextWrapPos();
      ImGui::EndGroup();
    }
  }
  HeatmapSpec x{"##xin", "X + PE  (what is projected)", &t.x_in, &s.query.tokens};
  draw_heatmap(view.heatmaps, x);
}

// The first rotation pair of q (at p) and k (at p + r) as two arrows in a small square.
void draw_rope_plane(const core::RopePairPicture& pic, float side) {
  const float font = ImGui::GetFontSize();
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(side, side));
  widget_rects().record_last_item("view.positional.rope.plane");
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 c(o.x + side / 2, o.y + side / 2);
  const double extent = std::max({std::hypot(pic.q_a, pic.q_b), std::hypot(pic.k_a, pic.k_b), 1e-9});
  const float unit = static_cast<float>((side / 2 - 1.5f * font) / extent);
  const ImU32 axis = IM_COL32(95, 95, 95, 255);
  dl->AddRect(o, ImVec2(o.x + side, o.y + side), IM_COL32(80, 80, 80, 255));
  dl->AddLine(ImVec2(o.x + 4, c.y), ImVec2(o.x + side - 4, c.y), axis);
  dl->AddLine(ImVec2(c.x, o.y + 4), ImVec2(c.x, o.y + side - 4), axis);
  const std::string a_name = "coord " + std::to_string(pic.coord_a), b_name = "coord " + std::to_string(pic.coord_b);
  dl->AddText(ImVec2(o.x + side - ImGui::CalcTextSize(a_name.c_str()).x - 3, c.y + 2), axis, a_name.c_str());
  dl->AddText(ImVec2(c.x + 3, o.y + 2), axis, b_name.c_str());
  const auto arrow = [&](double a, double b, ImU32 col, const char* label) {
    const ImVec2 tip(c.x + static_cast<float>(a) * unit, c.y - static_cast<float>(b) * unit);
    dl->AddLine(c, tip, col, 2.0f);
    dl->AddCircleFilled(tip, 4, col);
    dl->AddText(ImVec2(tip.x + 4, tip.y - font), col, label);
  };
  arrow(pic.q_a, pic.q_b, IM_COL32(255, 140, 90, 255), "q rotated");
  arrow(pic.k_a, pic.k_b, IM_COL32(120, 200, 255, 255), "k rotated");
}

void draw_rope(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  const core::Trace& t = state.trace();
  head_selector(state, view);
  text_wrapped_visible("RoPE rotates each pair of q and k coordinates by an angle proportional to the position, so "
                       "q_p · k_{p+r} depends only on the offset r, never on p.");
  int& qi = view.positional.query;
  int& kj = view.positional.key;
  int& offset = view.positional.offset;
  int& start = view.positional.start;
  const auto& h = t.heads[static_cast<std::size_t>(view.head)];
  if (qi < 0 || kj < 0) {  // start from the longest q and k: a zero vector would show a flat 0
    qi = core::longest_row(h.q);
    kj = core::longest_row(h.k);
  }
  qi = std::clamp(qi, 0, s.n() - 1);
  kj = std::clamp(kj, 0, s.m() - 1);
  const float font = ImGui::GetFontSize();
  ImGui::SetNextItemWidth(8 * font);
  ImGui::SliderInt("q from row", &qi, 0, s.n() - 1);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(8 * font);
  ImGui::SliderInt("k from row", &kj, 0, s.m() - 1);
  ImGui::SetNextItemWidth(8 * font);
  ImGui::SliderInt("offset r", &offset, -12, 12);
  widget_rects().record_last_item("view.positional.offset");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(8 * font);
  ImGui::SliderInt("start p", &start, 0, 11);
  widget_rects().record_last_item("view.positional.start");
  // The demo takes the trace's q, k rows as they are (already turned by RoPE at their own rows) and has the
  // core turn them further, q by p and k by p + offset: the score depends on the offset alone, whatever p.
  std::vector<double> q(h.q.row(qi).data(), h.q.row(qi).data() + h.q.cols());
  std::vector<double> k(h.k.row(kj).data(), h.k.row(kj).data() + h.k.cols());
  const double base = s.positional.rope_base;
  const auto pairing = s.positional.rope_pairing;
  const auto by_offset = core::rope_score_by_offset(q, k, -12, 12, base, pairing);
  const auto by_start = core::rope_scores_at_offset(q, k, offset, 12, base, pairing);
  const core::RopePairPicture pic = core::rope_first_pair(q, k, start, offset, base, pairing);

  const float avail = ImGui::GetContentRegionAvail().x;
  const float plot_w = std::min(avail - 16 * font - 16, 34 * font);
  ImGui::BeginGroup();
  PlotSpec by_r;
  by_r.id = "view.positional.rope.by_offset";
  by_r.size = ImVec2(std::max(plot_w, 16 * font), 11 * font);
  by_r.x_lo = -12;
  by_r.x_hi = 12;
  by_r.fit_y = true;
  by_r.x_label = "offset r (k's position − q's)";
  by_r.y_label = "score q·k";
  std::vector<std::pair<double, double>> chosen{{static_cast<double>(offset), by_start.front()}};
  draw_plot(by_r, {{by_offset, IM_COL32(230, 180, 90, 255), false, {}, "score against the offset r (q at p = 0)"},
                   {chosen, IM_COL32(120, 200, 255, 255), true, {"r = " + std::to_string(offset)}, "the offset chosen"}});
  PlotSpec by_p = by_r;
  by_p.id = "view.positional.rope.by_start";
  by_p.size.y = 8 * font;
  by_p.x_lo = 0;
  by_p.x_hi = 11;
  by_p.fit_y = false;
  const double centre = by_start.front(), spread = 1.0 + std::fabs(centre);
  by_p.y_lo = centre - spread;
  by_p.y_hi = centre + spread;
  by_p.x_label = "start position p (q at p, k at p + " + std::to_string(offset) + ")";
  by_p.y_label = "score";
  std::vector<std::pair<double, double>> flat;
  for (std::size_t p = 0; p < by_start.size(); ++p) flat.emplace_back(static_cast<double>(p), by_start[p]);
  draw_plot(by_p, {{flat, IM_COL32(120, 200, 255, 255), false, {}, "flat: the same score at every start p"}});
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::Text("pair (coord %d, coord %d) at p = %d, r = %d", pic.coord_a, pic.coord_b, start, offset);
  draw_rope_plane(pic, 15 * font);
  ImGui::TextDisabled("q turned by %s rad, k by %s rad", format_precise(pic.theta_q).c_str(), format_precise(pic.theta_k).c_str());
  ImGui::TextDisabled("this pair's part of the score: %s", format_precise(pic.pair_dot).c_str());
  ImGui::EndGroup();
  ImGui::Text("score at offset %d: %s, at every start p (q at p, k at p + %d)", offset, format_precise(by_start.front()).c_str(), offset);
}

}  // namespace

void draw_positional_view(AppState& state, ViewState& view) {
  switch (state.scenario().positional.kind) {
    case core::PositionalKind::none: draw_none(state, view); break;
    case core::PositionalKind::sinusoidal:
    case core::PositionalKind::learned: draw_additive(state, view); break;
    case core::PositionalKind::rope: draw_rope(state, view); break;
  }
}

}  // namespace ap::ui
