// Q·K similarity as geometry: each query and key of the head as an arrow, with angle, cosine and dot
// product of the selected pair. Exact for d_k = 2 (the plane) and d_k = 3 (a 3-D view that turns when the
// background is dragged); for d_k ≥ 4 the first two coordinates, labelled as a projection.
// Dragging an arrow tip moves that vector (one undo step per drag).
#include <array>
#include <cmath>

#include <imgui.h>

#include "core/error.hpp"
#include "core/explain.hpp"
#include "core/scenario_edit.hpp"
#include "ui/format.hpp"
#include "ui/views.hpp"
#include "ui/widget_rects.hpp"

namespace ap::ui {

namespace {

using Vec3 = std::array<double, 3>;

// World → screen: rows are the screen's right, up and toward-the-viewer axes (orthonormal, so the
// transpose maps a screen drag back into the vector's own coordinates).
struct Camera {
  std::array<Vec3, 3> rows;
  bool three_d = false;

  static Camera plane() { return {{Vec3{1, 0, 0}, Vec3{0, 1, 0}, Vec3{0, 0, 1}}, false}; }
  static Camera turned(double yaw, double pitch) {
    const double cy = std::cos(yaw), sy = std::sin(yaw), cp = std::cos(pitch), sp = std::sin(pitch);
    // Turn about coordinate 2 (up), then tilt toward the viewer.
    return {{Vec3{cy, -sy, 0}, Vec3{sp * sy, sp * cy, cp}, Vec3{-cp * sy, -cp * cy, sp}}, true};
  }
  Vec3 apply(const Vec3& v) const {
    Vec3 out{};
    for (int r = 0; r < 3; ++r) out[r] = rows[r][0] * v[0] + rows[r][1] * v[1] + rows[r][2] * v[2];
    return out;
  }
  Vec3 unapply(const Vec3& v) const {
    Vec3 out{};
    for (int c = 0; c < 3; ++c) out[c] = rows[0][c] * v[0] + rows[1][c] * v[1] + rows[2][c] * v[2];
    return out;
  }
};

// The first three coordinates of a row (zeros past d_k).
Vec3 coords(const core::Matrix& m, Eigen::Index row) {
  Vec3 v{};
  for (Eigen::Index c = 0; c < std::min<Eigen::Index>(3, m.cols()); ++c) v[static_cast<std::size_t>(c)] = m(row, c);
  return v;
}

void describe(int dk) {
  if (dk == 1) ImGui::TextUnformatted("d_k = 1: every vector lies on one line; the plot shows it on the horizontal axis.");
  else if (dk == 2) ImGui::TextUnformatted("d_k = 2: the exact q and k vectors in the plane.");
  else if (dk == 3) ImGui::TextUnformatted("d_k = 3: the exact q and k vectors in space. Drag the background to turn the view.");
  else ImGui::Text("d_k = %d: PROJECTION onto coordinates 0 and 1 (angles and lengths here are not the true ones).", dk);
}

void pair_numbers(const core::ScoreTerms& terms) {
  const core::PairGeometry g = core::pair_geometry(terms);
  if (g.has_angle)
    ImGui::Text("q·k = %s   |q| = %s   |k| = %s   cos θ = %s   θ = %s°", format_precise(g.dot).c_str(),
                format_precise(g.norm_q).c_str(), format_precise(g.norm_k).c_str(), format_precise(g.cosine).c_str(),
                format_precise(g.degrees).c_str());
  else
    ImGui::Text("q·k = %s   |q| = %s   |k| = %s   angle undefined: a zero vector has no direction",
                format_precise(g.dot).c_str(), format_precise(g.norm_q).c_str(), format_precise(g.norm_k).c_str());
}

struct Arrow {
  int role;  // 0 = query, 1 = key
  int index;
  Vec3 screen;  // right, up, toward the viewer (model units)
};

}  // namespace

void draw_geometry_view(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  const core::Trace& t = state.trace();
  head_selector(state, view);
  const auto& h = t.heads[static_cast<std::size_t>(view.head)];
  const int dk = s.d_k;
  describe(dk);

  GeometryState& geo = view.geometry;
  int& qi = geo.query;
  int& kj = geo.key;
  qi = std::clamp(qi, 0, s.n() - 1);
  kj = std::clamp(kj, 0, s.m() - 1);
  ImGui::SetNextItemWidth(10 * ImGui::GetFontSize());
  ImGui::SliderInt("query", &qi, 0, s.n() - 1, s.query.tokens[static_cast<std::size_t>(qi)].c_str());
  ImGui::SameLine();
  ImGui::SetNextItemWidth(10 * ImGui::GetFontSize());
  ImGui::SliderInt("key", &kj, 0, s.m() - 1, s.keys().tokens[static_cast<std::size_t>(kj)].c_str());
  if (dk == 3) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(7 * ImGui::GetFontSize());
    ImGui::SliderAngle("turn", &view.yaw, -180, 180);
    widget_rects().record_last_item("view.geometry.yaw");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(7 * ImGui::GetFontSize());
    ImGui::SliderAngle("tilt", &view.pitch, -90, 90);
    widget_rects().record_last_item("view.geometry.pitch");
  }
  pair_numbers(core::score_terms(t, view.head, qi, kj));
  ImGui::TextDisabled("Drag an arrow tip to move that vector: x changes by the smallest amount that gets it there.");

  const Camera camera = dk == 3 ? Camera::turned(view.yaw, view.pitch) : Camera::plane();
  const float font = ImGui::GetFontSize();
  const float side = std::min(ImGui::GetContentRegionAvail().x, 26 * font);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##plane", ImVec2(side, side));
  widget_rects().record_last_item("view.geometry.plane");
  const bool dragging = ImGui::IsItemActive();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 c(o.x + side / 2, o.y + side / 2);

  double extent = 1e-9;  // the longest (3-D) or widest (plane) vector sets the scale
  for (const core::Matrix* m : {&h.q, &h.k})
    for (Eigen::Index r = 0; r < m->rows(); ++r) {
      const Vec3 v = coords(*m, r);
      extent = std::max(extent, dk == 3 ? std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) : std::max(std::fabs(v[0]), std::fabs(v[1])));
    }
  if (!dragging || geo.drag_unit == 0) geo.drag_unit = static_cast<float>((side / 2 - 2 * font) / extent);
  const float unit = geo.drag_unit;
  const auto to_screen = [&](const Vec3& p) {
    return ImVec2(c.x + static_cast<float>(p[0]) * unit, c.y - static_cast<float>(p[1]) * unit);
  };

  dl->AddRect(o, ImVec2(o.x + side, o.y + side), IM_COL32(80, 80, 80, 255));
  const ImU32 axis_color = IM_COL32(95, 95, 95, 255);
  const int axes = dk == 3 ? 3 : 2;
  for (int a = 0; a < axes; ++a) {  // coordinate axes through the origin, labelled with their index
    Vec3 end{};
    end[static_cast<std::size_t>(a)] = extent * 1.1;
    Vec3 start{};
    start[static_cast<std::size_t>(a)] = -extent * 1.1;
    const Vec3 e = camera.apply(end), b = camera.apply(start);  // the plane's camera is the identity
    dl->AddLine(to_screen(b), to_screen(e), axis_color);
    dl->AddText(to_screen(e), axis_color, std::to_string(a).c_str());
  }

  std::vector<Arrow> arrows;
  for (int role = 0; role < 2; ++role) {
    const core::Matrix& m = role == 0 ? h.q : h.k;
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
      Vec3 v = coords(m, r);
      if (dk != 3) v[2] = 0;
      arrows.push_back({role, static_cast<int>(r), camera.apply(v)});
    }
  }
  // Far arrows first, so nearer ones are drawn over them; the nearer, the brighter.
  std::stable_sort(arrows.begin(), arrows.end(), [](const Arrow& a, const Arrow& b) { return a.screen[2] < b.screen[2]; });
  for (const Arrow& a : arrows) {
    const bool selected = a.role == 0 ? a.index == qi : a.index == kj;
    const float depth = camera.three_d ? static_cast<float>(std::clamp(a.screen[2] / extent, -1.0, 1.0)) : 0.0f;
    const int alpha = static_cast<int>(200 + 55 * depth);
    const ImU32 col = a.role == 0 ? (selected ? IM_COL32(255, 140, 90, alpha) : IM_COL32(160, 90, 60, alpha))
                                  : (selected ? IM_COL32(120, 200, 255, alpha) : IM_COL32(70, 120, 160, alpha));
    const float thick = (selected ? 2.5f : 1.2f) * (1.0f + 0.25f * depth);
    const ImVec2 tip = to_screen(a.screen);
    dl->AddLine(c, tip, col, thick);
    dl->AddCircleFilled(tip, 3 * thick, col);
    const std::string id = std::string("view.geometry.") + (a.role == 0 ? "q[" : "k[") + std::to_string(a.index) + "]";
    widget_rects().record(id, ImVec2(tip.x - 4, tip.y - 4), ImVec2(tip.x + 4, tip.y + 4));  // the tip, for tests
    const auto& labels = a.role == 0 ? s.query.tokens : s.keys().tokens;
    // Queries labelled above their tip, keys below, so equal q and k stay readable.
    dl->AddText(ImVec2(tip.x + 4, a.role == 0 ? tip.y - font - 2 : tip.y + 2), col, ((a.role == 0 ? "q:" : "k:") + labels[static_cast<std::size_t>(a.index)]).c_str());
  }

  // Press near a tip to drag it; press elsewhere (d_k = 3) to turn the view.
  int& drag_role = geo.drag_role;
  int& drag_index = geo.drag_index;
  bool& drag_made_step = geo.drag_made_step;
  const ImGuiIO& io = ImGui::GetIO();
  const ImVec2 mouse = io.MousePos;
  if (ImGui::IsItemActivated()) {
    float best = 1.2f * font;
    drag_role = -1;
    drag_made_step = false;
    for (const Arrow& a : arrows) {
      const ImVec2 p = to_screen(a.screen);
      const float d = std::hypot(p.x - mouse.x, p.y - mouse.y);
      if (d < best) { best = d; drag_role = a.role; drag_index = a.index; }
    }
    if (drag_role == 0) qi = drag_index;
    if (drag_role == 1) kj = drag_index;
  }
  if (!dragging) drag_role = -1;
  const bool moved = io.MouseDelta.x != 0 || io.MouseDelta.y != 0;
  if (dragging && drag_role < 0 && dk == 3 && moved) {  // turn: horizontal drag turns, vertical tilts
    view.yaw = static_cast<float>(std::remainder(view.yaw + io.MouseDelta.x * 0.01f, 2 * M_PI));
    view.pitch = std::clamp(view.pitch + io.MouseDelta.y * 0.01f, static_cast<float>(-M_PI / 2), static_cast<float>(M_PI / 2));
  }
  if (dragging && drag_role >= 0 && moved) {
    const core::Matrix& m = drag_role == 0 ? h.q : h.k;
    std::vector<double> current(m.row(drag_index).data(), m.row(drag_index).data() + m.cols()), target = current;
    // Where the tip is on screen now, moved to the mouse within the screen's plane, back in the vector's coordinates.
    Vec3 v = coords(m, drag_index);
    if (dk != 3) v[2] = 0;
    Vec3 screen = camera.apply(v);
    screen[0] = (mouse.x - c.x) / unit;
    screen[1] = -(mouse.y - c.y) / unit;
    const Vec3 moved_to = camera.unapply(screen);
    for (int k = 0; k < std::min(dk, 3); ++k) target[static_cast<std::size_t>(k)] = moved_to[static_cast<std::size_t>(k)];
    try {
      const auto error = state.propose(core::with_projection_moved(s, drag_role == 0 ? core::ProjectionRole::query : core::ProjectionRole::key,
                                                                   view.head, drag_index, target, current),
                                       drag_made_step);
      if (!error) drag_made_step = true;
    } catch (const core::InputError& e) {
      state.report(e.error);
      drag_role = -1;
    }
  }
}

}  // namespace ap::ui
