// Q·K similarity as geometry: each query and key of the head as an arrow, with angle, cosine and dot
// product of the selected pair. Exact for d_k = 2; for d_k ≥ 3 the first two coordinates, labelled as a projection.
#include <cmath>

#include <imgui.h>

#include "core/error.hpp"
#include "core/explain.hpp"
#include "core/scenario_edit.hpp"
#include "ui/format.hpp"
#include "ui/views.hpp"
#include "ui/widget_rects.hpp"

namespace ap::ui {

void draw_geometry_view(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  const core::Trace& t = state.trace();
  head_selector(state, view);
  const auto& h = t.heads[static_cast<std::size_t>(view.head)];
  const int dk = s.d_k;
  if (dk == 1) ImGui::TextUnformatted("d_k = 1: every vector lies on one line; the plot shows it on the x axis.");
  else if (dk == 2) ImGui::TextUnformatted("d_k = 2: the exact q and k vectors in the plane.");
  else ImGui::Text("d_k = %d: PROJECTION onto coordinates 0 and 1 (angles and lengths here are not the true ones).", dk);

  static int qi = 0, kj = 0;
  qi = std::clamp(qi, 0, s.n() - 1);
  kj = std::clamp(kj, 0, s.m() - 1);
  ImGui::SetNextItemWidth(10 * ImGui::GetFontSize());
  ImGui::SliderInt("query", &qi, 0, s.n() - 1, s.query.tokens[static_cast<std::size_t>(qi)].c_str());
  ImGui::SameLine();
  ImGui::SetNextItemWidth(10 * ImGui::GetFontSize());
  ImGui::SliderInt("key", &kj, 0, s.m() - 1, s.keys().tokens[static_cast<std::size_t>(kj)].c_str());

  const core::ScoreTerms terms = core::score_terms(t, view.head, qi, kj);
  double qq = 0, kk = 0;
  for (std::size_t c = 0; c < terms.q.size(); ++c) { qq += terms.q[c] * terms.q[c]; kk += terms.k[c] * terms.k[c]; }
  if (qq > 0 && kk > 0) {
    const double cosine = std::clamp(terms.score / std::sqrt(qq * kk), -1.0, 1.0);
    ImGui::Text("q·k = %s   |q| = %s   |k| = %s   cos θ = %s   θ = %s°", format_precise(terms.score).c_str(),
                format_precise(std::sqrt(qq)).c_str(), format_precise(std::sqrt(kk)).c_str(),
                format_precise(cosine).c_str(), format_precise(std::acos(cosine) * 180 / M_PI).c_str());
  } else {
    ImGui::Text("q·k = %s   |q| = %s   |k| = %s   angle undefined: a zero vector has no direction",
                format_precise(terms.score).c_str(), format_precise(std::sqrt(qq)).c_str(), format_precise(std::sqrt(kk)).c_str());
  }
  ImGui::TextDisabled("Drag an arrow tip to move that vector: x changes by the smallest amount that gets it there.");

  const float font = ImGui::GetFontSize();
  const float side = std::min(ImGui::GetContentRegionAvail().x, 26 * font);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##plane", ImVec2(side, side));
  widget_rects().record_last_item("view.geometry.plane");
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 c(o.x + side / 2, o.y + side / 2);
  double extent = 1e-9;
  for (Eigen::Index i = 0; i < h.q.rows(); ++i) extent = std::max({extent, std::fabs(h.q(i, 0)), dk > 1 ? std::fabs(h.q(i, 1)) : 0.0});
  for (Eigen::Index j = 0; j < h.k.rows(); ++j) extent = std::max({extent, std::fabs(h.k(j, 0)), dk > 1 ? std::fabs(h.k(j, 1)) : 0.0});
  static float drag_unit = 0;  // frozen while dragging, so the plane does not rescale under the mouse
  const bool dragging = ImGui::IsItemActive();
  if (!dragging || drag_unit == 0) drag_unit = static_cast<float>((side / 2 - 2 * font) / extent);
  const float unit = drag_unit;
  dl->AddRect(o, ImVec2(o.x + side, o.y + side), IM_COL32(80, 80, 80, 255));
  dl->AddLine(ImVec2(o.x, c.y), ImVec2(o.x + side, c.y), IM_COL32(80, 80, 80, 255));
  dl->AddLine(ImVec2(c.x, o.y), ImVec2(c.x, o.y + side), IM_COL32(80, 80, 80, 255));
  const auto arrow = [&](double x, double y, ImU32 col, const std::string& label, float thick) {
    const ImVec2 tip(c.x + static_cast<float>(x) * unit, c.y - static_cast<float>(y) * unit);
    dl->AddLine(c, tip, col, thick);
    dl->AddCircleFilled(tip, 3 * thick, col);
    dl->AddText(ImVec2(tip.x + 4, tip.y - font), col, label.c_str());
  };
  for (Eigen::Index j = 0; j < h.k.rows(); ++j)
    arrow(h.k(j, 0), dk > 1 ? h.k(j, 1) : 0.0, j == kj ? IM_COL32(120, 200, 255, 255) : IM_COL32(70, 120, 160, 255),
          "k:" + s.keys().tokens[static_cast<std::size_t>(j)], j == kj ? 2.5f : 1.2f);
  for (Eigen::Index i = 0; i < h.q.rows(); ++i)
    arrow(h.q(i, 0), dk > 1 ? h.q(i, 1) : 0.0, i == qi ? IM_COL32(255, 140, 90, 255) : IM_COL32(160, 90, 60, 255),
          "q:" + s.query.tokens[static_cast<std::size_t>(i)], i == qi ? 2.5f : 1.2f);

  // Drag: pick the nearest tip when the button goes down, then move it with the mouse.
  static int drag_role = -1, drag_index = -1;  // role 0 = query, 1 = key
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const auto tip = [&](const core::Matrix& m, Eigen::Index r) {
    return ImVec2(c.x + static_cast<float>(m(r, 0)) * unit, c.y - static_cast<float>(dk > 1 ? m(r, 1) : 0.0) * unit);
  };
  if (ImGui::IsItemActivated()) {
    float best = 1.2f * font;
    drag_role = -1;
    for (int role = 0; role < 2; ++role) {
      const core::Matrix& m = role == 0 ? h.q : h.k;
      for (Eigen::Index r = 0; r < m.rows(); ++r) {
        const ImVec2 p = tip(m, r);
        const float d = std::hypot(p.x - mouse.x, p.y - mouse.y);
        if (d < best) { best = d; drag_role = role; drag_index = static_cast<int>(r); }
      }
    }
    if (drag_role == 0) qi = drag_index;
    if (drag_role == 1) kj = drag_index;
  }
  if (!dragging) drag_role = -1;
  if (dragging && drag_role >= 0 && (ImGui::GetIO().MouseDelta.x != 0 || ImGui::GetIO().MouseDelta.y != 0)) {
    const core::Matrix& m = drag_role == 0 ? h.q : h.k;
    std::vector<double> current(m.row(drag_index).data(), m.row(drag_index).data() + m.cols()), target = current;
    target[0] = (mouse.x - c.x) / unit;
    if (dk > 1) target[1] = -(mouse.y - c.y) / unit;
    try {
      state.propose(core::with_projection_moved(s, drag_role == 0 ? core::ProjectionRole::query : core::ProjectionRole::key,
                                                view.head, drag_index, target, current));
    } catch (const core::InputError& e) {
      state.report(e.error);
      drag_role = -1;
    }
  }
}

}  // namespace ap::ui
