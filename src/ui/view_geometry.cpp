// Q·K similarity as geometry: each query and key of the head as an arrow, with angle, cosine and dot
// product of the selected pair. Exact for d_k = 2 (the plane) and d_k = 3 (a 3-D view that turns when the
// background is dragged); for d_k ≥ 4 the first two coordinates, labelled as a projection.
// Dragging an arrow tip moves that vector (one undo step per drag).
#include <array>
#include <cmath>

#include <imgui.h>

#include "core/error.hpp"
#include "core/explain.hpp"
#include "core/label_layout.hpp"
#include "core/scenario_edit.hpp"
#include "ui/explain_tooltip.hpp"
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

// Beside the plane (below it when the view is narrow): the softmax row of the selected query, which a drag
// changes: one bar per key with its weight and scaled score, the selected key marked, hidden keys named.
void draw_row_weights(const AppState& state, ViewState& view, ImVec2 beside, bool room_beside) {
  const core::Scenario& s = state.scenario();
  const core::Trace& t = state.trace();
  GeometryState& geo = view.geometry;
  const auto& h = t.heads[static_cast<std::size_t>(view.head)];
  const float font = ImGui::GetFontSize();
  if (room_beside) ImGui::SetCursorScreenPos(beside);
  ImGui::BeginGroup();
  const int qi = geo.query;
  ImGui::Text("weights of q:%s (head %d)%s", s.query.tokens[static_cast<std::size_t>(qi)].c_str(), view.head,
              state.computing() ? "  updating…" : "");
  widget_rects().record_last_item("view.geometry.weights");
  ImGui::TextDisabled("softmax of its scaled scores over the allowed keys");
  constexpr int shown_most = 24;
  const int shown = std::min(s.m(), shown_most);
  geo.shown_weights.assign(static_cast<std::size_t>(shown), 0.0);
  for (int j = 0; j < shown; ++j) {
    const double w = h.weights(qi, j);
    geo.shown_weights[static_cast<std::size_t>(j)] = w;
    const bool allowed = t.allowed(qi, j) != 0;
    const std::string overlay = "k:" + s.keys().tokens[static_cast<std::size_t>(j)] + "  " + format_cell(w);
    const bool selected = j == geo.key;
    if (selected) ImGui::PushStyleColor(ImGuiCol_PlotHistogram, ImVec4(0.47f, 0.78f, 1.0f, 1));
    ImGui::ProgressBar(std::isfinite(w) ? static_cast<float>(w) : 0.0f, ImVec2(11 * font, 0), overlay.c_str());
    if (selected) ImGui::PopStyleColor();
    widget_rects().record_last_item("view.geometry.weight[" + std::to_string(j) + "]");
    if (ImGui::IsItemHovered()) explain_tooltip(s, t, cell_id("weights", view.head, qi, j));
    ImGui::SameLine();
    if (allowed) ImGui::TextDisabled("scaled %s%s", format_cell(h.scaled(qi, j)).c_str(), selected ? "  (selected key)" : "");
    else ImGui::TextDisabled("hidden by the mask");
  }
  if (s.m() > shown) ImGui::TextDisabled("… %d more keys (the Scores & weights tab shows all)", s.m() - shown);
  ImGui::EndGroup();
}

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
  if (qi < 0) qi = core::row_with_most_keys(t.allowed);  // not a causal row 0 with one key
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
  const int axes = dk == 3 ? 3 : (dk == 1 ? 1 : 2);
  std::vector<core::Box> obstacles;  // the axis names and the arrow tips: labels keep off them
  for (int a = 0; a < axes; ++a) {  // coordinate axes through the origin, named at their positive end
    Vec3 end{};
    end[static_cast<std::size_t>(a)] = extent * 1.1;
    Vec3 start{};
    start[static_cast<std::size_t>(a)] = -extent * 1.1;
    const Vec3 e = camera.apply(end), b = camera.apply(start);  // the plane's camera is the identity
    dl->AddLine(to_screen(b), to_screen(e), axis_color);
    const std::string name = "coord " + std::to_string(a) + (dk > 3 ? " (projected)" : "");
    const ImVec2 size = ImGui::CalcTextSize(name.c_str());
    ImVec2 at = to_screen(e);  // beside the axis' end, inside the frame, never where a tick value would be
    at.x = std::clamp(at.x + 3, o.x + 2, o.x + side - size.x - 2);
    at.y = std::clamp(at.y - size.y - 1, o.y + 2, o.y + side - size.y - 2);
    dl->AddText(at, axis_color, name.c_str());
    obstacles.push_back({at.x, at.y, size.x, size.y});
  }
  const std::string span = "frame: ±" + format_cell((side / 2) / unit) + " on each axis";
  dl->AddText(ImVec2(o.x + 4, o.y + side - font - 3), axis_color, span.c_str());
  obstacles.push_back({o.x + 4, o.y + side - font - 3, ImGui::CalcTextSize(span.c_str()).x, font});

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
  std::vector<core::LabelRequest> requests;  // the selected pair's labels first, so they get the best spots
  std::vector<std::size_t> label_order;
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t k = 0; k < arrows.size(); ++k) {
      const Arrow& a = arrows[k];
      const bool selected = a.role == 0 ? a.index == qi : a.index == kj;
      if (selected != (pass == 0)) continue;
      const auto& labels = a.role == 0 ? s.query.tokens : s.keys().tokens;
      const std::string text = (a.role == 0 ? "q:" : "k:") + labels[static_cast<std::size_t>(a.index)];
      const ImVec2 tip = to_screen(a.screen), size = ImGui::CalcTextSize(text.c_str());
      requests.push_back({tip.x, tip.y, size.x, size.y});
      label_order.push_back(k);
    }
  for (const Arrow& a : arrows) {
    const ImVec2 tip = to_screen(a.screen);
    obstacles.push_back({tip.x - 4, tip.y - 4, 8, 8});
  }
  const core::LabelLayout layout = core::place_labels(requests, {o.x, o.y, side, side}, obstacles);
  geo.labels_overlapping = layout.overlapped;
  std::vector<ImVec2> label_at(arrows.size());
  for (std::size_t r = 0; r < label_order.size(); ++r)
    label_at[label_order[r]] = ImVec2(static_cast<float>(layout.boxes[r].x), static_cast<float>(layout.boxes[r].y));
  for (std::size_t k = 0; k < arrows.size(); ++k) {
    const Arrow& a = arrows[k];
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
    const ImVec2 at = label_at[k];
    const float lw = ImGui::CalcTextSize(((a.role == 0 ? "q:" : "k:") + labels[static_cast<std::size_t>(a.index)]).c_str()).x;
    // A label moved off its tip gets a faint leader line back to it.
    const ImVec2 near(std::clamp(tip.x, at.x, at.x + lw), std::clamp(tip.y, at.y, at.y + font));
    if (std::hypot(near.x - tip.x, near.y - tip.y) > font) dl->AddLine(tip, near, (col & 0x00FFFFFF) | 0x60000000);
    dl->AddText(at, col, ((a.role == 0 ? "q:" : "k:") + labels[static_cast<std::size_t>(a.index)]).c_str());
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
  draw_row_weights(state, view, ImVec2(o.x + side + font, o.y), ImGui::GetContentRegionAvail().x - side - font >= 15 * font);
}

}  // namespace ap::ui
