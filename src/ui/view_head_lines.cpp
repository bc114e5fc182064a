// The head view as BertViz draws it: queries in a left column, keys in a right one, a line per pair whose opacity
// and width follow its weight, one colour per head, every head overlaid or one; hovering a token isolates its
// lines. Beside it a thumbnail per head to compare them at a glance (a click selects that head). The lines are
// core/head_lines' choice of the trace's weights, bounded so a frame draws at most a few thousand, and the view
// says how many it left out and below what weight.
#include <algorithm>
#include <cmath>

#include <imgui.h>

#include "core/number_text.hpp"
#include "ui/format.hpp"
#include "ui/heatmap.hpp"
#include "ui/views.hpp"
#include "ui/widget_rects.hpp"

namespace ap::ui {

namespace {

constexpr std::size_t main_lines = 3000;       // lines of the large drawing, at most
constexpr std::size_t thumbnail_lines = 3000;  // of all thumbnails together
constexpr std::size_t thumbnail_min_lines = 24;
constexpr int tooltip_lines = 12;              // of a hovered token's lines, listed with their weights

std::uint64_t mix_key(std::uint64_t h, std::uint64_t v) { return (h ^ (v + 0x9E3779B97F4A7C15ULL)) * 0x100000001B3ULL; }

// Where the weights of head h are: the full N × M matrix, or (a large layer's heads not on screen) the pooled overview.
const core::Matrix* head_weights(const core::Trace& t, int h, int& pool) {
  const auto& ht = t.heads[static_cast<std::size_t>(h)];
  pool = ht.weights.size() > 0 ? 1 : ht.overview_pool;
  if (ht.weights.size() > 0) return &ht.weights;
  return ht.weights_overview.size() > 0 ? &ht.weights_overview : nullptr;
}

ImU32 line_color(core::Palette palette, int head, double alpha) {
  const core::Rgb c = core::head_color(palette, head);
  return IM_COL32(c.r, c.g, c.b, static_cast<int>(std::lround(255 * std::clamp(alpha, 0.0, 1.0))));
}

// The opacity scale of the weights (core/color_scale: fixed 0–1, the user's max, or the heaviest line drawn).
core::ColorRangeChoice weight_range(const core::ColorScaleSettings& colors, const core::HeadLineSet& lines) {
  core::ColorRangeChoice r = core::choose_color_range(core::ColorKind::sequential, core::RangeRule::unit, colors, 0, 1);
  core::finish_color_range(r, core::ColorKind::sequential, 0, lines.lines.empty() ? 0 : lines.lines.back().weight);
  return r;
}

// Two columns of tokens and the lines between them, in [at, at + size). Returns the token under the mouse
// (query row, key column; −1 when none) and records the tokens' widget ids when `ids`.
struct Hovered {
  int query = -1, key = -1;
};
Hovered draw_columns(ImDrawList* dl, ImVec2 at, ImVec2 size, const core::Scenario& s, const core::HeadLineSet& lines,
                     int pool, const core::ColorRangeChoice& range, core::Palette palette, int focus_query,
                     int focus_key, bool labels, float line_scale) {
  const float font = ImGui::GetFontSize();
  if (labels) {  // room above the first label and under the last
    at.y += 0.6f * font;
    size.y -= 1.2f * font;
  }
  const int n = (s.n() + pool - 1) / pool, m = (s.m() + pool - 1) / pool;
  const float dq = size.y / static_cast<float>(n), dk = size.y / static_cast<float>(m);
  float longest = 0;  // the labels' room: the longest of at most 512 tokens spread over the columns (and the last)
  const auto measure = [&](const std::vector<std::string>& tokens, int count) {
    const int step = std::max(1, count / 512);
    for (int r = 0; r < count; r += step) longest = std::max(longest, ImGui::CalcTextSize(tokens[static_cast<std::size_t>(r)].c_str()).x);
    if (count > 0) longest = std::max(longest, ImGui::CalcTextSize(tokens[static_cast<std::size_t>(count - 1)].c_str()).x);
  };
  if (labels) {
    measure(s.query.tokens, n);
    measure(s.keys().tokens, m);
  }
  const float label_w = labels ? std::min({7 * font, size.x * 0.3f, longest + 2}) : 0.0f;
  const float x0 = at.x + label_w + (labels ? 6 : 0), x1 = at.x + size.x - label_w - (labels ? 6 : 0);
  for (const core::HeadLine& l : lines.lines) {
    const double alpha = core::color_position(l.weight, range.lo, range.hi);
    const ImVec2 a(x0, at.y + (static_cast<float>(l.query) + 0.5f) * dq), b(x1, at.y + (static_cast<float>(l.key) + 0.5f) * dk);
    dl->AddLine(a, b, line_color(palette, l.head, alpha), line_scale * (0.6f + 2.4f * static_cast<float>(alpha)));
  }
  Hovered hovered;
  if (!labels) return hovered;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const bool inside = ImGui::IsItemHovered() && mouse.y >= at.y && mouse.y < at.y + size.y;
  if (inside && mouse.x >= at.x && mouse.x < x0) hovered.query = std::clamp(static_cast<int>((mouse.y - at.y) / dq), 0, n - 1);
  if (inside && mouse.x > x1 && mouse.x < at.x + size.x) hovered.key = std::clamp(static_cast<int>((mouse.y - at.y) / dk), 0, m - 1);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 lit = IM_COL32(255, 170, 40, 255);
  const auto column = [&](bool queries) {
    const int count = queries ? n : m;
    const float d = queries ? dq : dk;
    const int stride = std::max(1, static_cast<int>(std::ceil((font + 1) / d)));
    const auto& tokens = queries ? s.query.tokens : s.keys().tokens;
    const int focus = queries ? focus_query : focus_key;
    for (int r = 0; r < count; ++r) {
      if (r % stride != 0 && r != focus) continue;
      const float y = at.y + (static_cast<float>(r) + 0.5f) * d;
      const std::string label = fit_text(tokens[static_cast<std::size_t>(r)], label_w);
      const float w = ImGui::CalcTextSize(label.c_str()).x;
      const float x = queries ? x0 - 6 - w : x1 + 6;
      const bool other_side_focused = queries ? focus_key >= 0 : focus_query >= 0;
      dl->AddText(ImVec2(x, y - font / 2), r == focus ? lit : (focus >= 0 || other_side_focused) ? dim : text, label.c_str());
      const ImVec2 a(queries ? at.x : x1, y - d / 2), b(queries ? x0 : at.x + size.x, y + d / 2);
      widget_rects().record((queries ? "headview.query[" : "headview.key[") + std::to_string(r) + "]", a, b);
    }
  };
  column(true);
  column(false);
  return hovered;
}

// Chooses the main drawing's lines again when what they depend on changed.
std::uint64_t key_of(std::initializer_list<std::uint64_t> values) {
  std::uint64_t key = 0xCBF29CE484222325ULL;
  for (std::uint64_t v : values) key = mix_key(key, v);
  return key;
}

void update_lines(const AppState& state, const ViewState& view, HeadLinesViewState& hv, std::vector<int>& drawn_heads) {
  const core::Trace& t = state.trace();
  drawn_heads.clear();
  for (int h = 0; h < state.scenario().heads; ++h)
    if ((hv.all_heads || h == view.head) && state.head_recorded(h)) drawn_heads.push_back(h);
  std::vector<core::HeadWeights> heads;
  for (int h : drawn_heads) heads.push_back({h, &t.heads[static_cast<std::size_t>(h)].weights});
  const std::uint64_t whole = key_of({std::uint64_t{state.revision()}, std::uint64_t(hv.all_heads), std::uint64_t(view.head),
                                      std::uint64_t(drawn_heads.size())});
  if (whole != hv.whole_lines_key) {
    hv.whole_lines_key = whole;
    hv.whole_lines = core::head_lines(heads, -1, -1, 0.0, main_lines);
  }
  const std::uint64_t key = key_of({whole, std::uint64_t(hv.focus_query + 1), std::uint64_t(hv.focus_key + 1)});
  if (key == hv.lines_key) return;
  hv.lines_key = key;
  const bool focused = hv.focus_query >= 0 || hv.focus_key >= 0;  // one row or column: cheap to choose
  hv.lines = focused ? core::head_lines(heads, hv.focus_query, hv.focus_key, 0.0, main_lines) : hv.whole_lines;
}

// Every head's thumbnail lines with the focus given (−1, −1: none).
std::vector<core::HeadLineSet> thumbnail_sets(const core::Trace& t, int heads, int focus_query, int focus_key,
                                              std::vector<int>& pools) {
  std::vector<core::HeadLineSet> sets(static_cast<std::size_t>(heads));
  pools.assign(static_cast<std::size_t>(heads), 1);
  const std::size_t each = std::max(thumbnail_min_lines, thumbnail_lines / static_cast<std::size_t>(heads));
  for (int h = 0; h < heads; ++h) {
    int pool = 1;
    const core::Matrix* w = head_weights(t, h, pool);
    pools[static_cast<std::size_t>(h)] = pool;
    if (!w) continue;
    // a pooled head's token indices are blocks of `pool` tokens
    const int fq = focus_query >= 0 ? focus_query / pool : -1, fk = focus_key >= 0 ? focus_key / pool : -1;
    sets[static_cast<std::size_t>(h)] = core::head_lines({{h, w}}, fq, fk, 0.0, each);
  }
  return sets;
}

void update_thumbnails(const AppState& state, HeadLinesViewState& hv) {
  const core::Trace& t = state.trace();
  const int heads = state.scenario().heads;
  const std::uint64_t whole = key_of({std::uint64_t{state.revision()}, std::uint64_t(heads)});
  if (whole != hv.whole_thumbnails_key) {
    hv.whole_thumbnails_key = whole;
    hv.whole_thumbnails = thumbnail_sets(t, heads, -1, -1, hv.thumbnail_pool);
  }
  const std::uint64_t key = key_of({whole, std::uint64_t(hv.focus_query + 1), std::uint64_t(hv.focus_key + 1)});
  if (key == hv.thumbnails_key && static_cast<int>(hv.thumbnails.size()) == heads) return;
  hv.thumbnails_key = key;
  const bool focused = hv.focus_query >= 0 || hv.focus_key >= 0;
  hv.thumbnails = focused ? thumbnail_sets(t, heads, hv.focus_query, hv.focus_key, hv.thumbnail_pool) : hv.whole_thumbnails;
}

std::string count_text(long long n) { return std::to_string(n); }

}  // namespace

void draw_head_lines_view(AppState& state, ViewState& view) {
  const core::Scenario& s = state.scenario();
  HeadLinesViewState& hv = view.head_lines;
  const core::Palette palette = view.heatmaps.colors.palette;
  const float font = ImGui::GetFontSize();

  if (ImGui::RadioButton("all heads overlaid", hv.all_heads)) hv.all_heads = true;
  widget_rects().record_last_item("headview.all");
  ImGui::SameLine();
  if (ImGui::RadioButton("one head:", !hv.all_heads)) hv.all_heads = false;
  widget_rects().record_last_item("headview.one");
  ImGui::SameLine();
  const int head_before = view.head;
  head_selector(state, view);
  if (view.head != head_before) hv.all_heads = false;  // picking a head shows it alone

  std::vector<int> drawn;
  update_lines(state, view, hv, drawn);
  update_thumbnails(state, hv);
  const core::ColorRangeChoice range = weight_range(view.heatmaps.colors, hv.lines);

  // What is drawn, in words: never a silent cut.
  const std::string focus = hv.focus_query >= 0 ? "from query " + s.query.tokens[static_cast<std::size_t>(hv.focus_query)]
                            : hv.focus_key >= 0 ? "into key " + s.keys().tokens[static_cast<std::size_t>(hv.focus_key)]
                                                : "of every query";
  ImGui::Text("%zu lines drawn %s, %s", hv.lines.lines.size(), focus.c_str(),
              hv.all_heads ? "every head" : ("head " + std::to_string(view.head)).c_str());
  widget_rects().record_last_item("headview.count");
  if (hv.lines.hidden > 0) {
    ImGui::SameLine();
    const std::string kept = hv.lines.per_query > 0 ? "each query's " + std::to_string(hv.lines.per_query) + " heaviest key" +
                                                          (hv.lines.per_query == 1 ? "" : "s") + " per head kept; "
                                                    : "";
    ImGui::TextColored(ImVec4(1.0f, 0.7f, 0.3f, 1.0f), "· %s%s lighter lines hidden (none over %s); hover a token to see all of its lines",
                       kept.c_str(), count_text(hv.lines.hidden).c_str(), format_precise(hv.lines.cutoff).c_str());
    widget_rects().record_last_item("headview.hidden");
  }
  if (hv.lines.nonfinite > 0)
    ImGui::TextColored(ImVec4(1.0f, 0.4f, 0.8f, 1.0f), "%s weights are ±∞ or NaN: no line for them", count_text(hv.lines.nonfinite).c_str());
  ImGui::TextDisabled("opacity and width: weight on %s (0 is invisible); colour: head%s", range.legend.c_str(),
                      s.heads > core::head_color_count(palette) ? " (colours repeat)" : "");

  if (hv.all_heads && static_cast<int>(drawn.size()) < s.heads)
    ImGui::TextColored(ImVec4(1.0f, 0.7f, 0.3f, 1.0f),
                       "This layer is large: only head %d's weights are kept at full size, so only it is overlaid. The "
                       "thumbnails show every head (max-pooled).", view.head);

  // The large drawing on the left, the thumbnails on the right.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const int rows = std::max(s.n(), s.m());
  const float main_w = std::clamp(avail.x * 0.4f, 16 * font, 30 * font);
  const float main_h = std::clamp(static_cast<float>(rows) * 2.0f * font, 16 * font, std::max(12 * font, avail.y - 2 * font));
  ImGui::BeginGroup();
  ImGui::TextDisabled("queries (attend from)");
  ImGui::SameLine(main_w - ImGui::CalcTextSize("keys (attended to)").x);
  ImGui::TextDisabled("keys (attended to)");
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##headview_canvas", ImVec2(main_w, main_h));
  widget_rects().record_last_item("headview.canvas");
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(at, ImVec2(at.x + main_w, at.y + main_h), true);
  const Hovered hover = draw_columns(dl, at, ImVec2(main_w, main_h), s, hv.lines, 1, range, palette, hv.focus_query,
                                     hv.focus_key, true, font / 15.0f);
  dl->PopClipRect();
  if ((hv.focus_query >= 0 || hv.focus_key >= 0) && (hover.query >= 0 || hover.key >= 0) && !hv.lines.lines.empty()) {
    // the focused token's heaviest lines, in numbers (the trace's weights)
    ImGui::BeginTooltip();
    const bool from = hv.focus_query >= 0;
    ImGui::Text("%s %s: its heaviest lines", from ? "query" : "key",
                (from ? s.query.tokens[static_cast<std::size_t>(hv.focus_query)] : s.keys().tokens[static_cast<std::size_t>(hv.focus_key)]).c_str());
    const int shown = std::min<int>(tooltip_lines, static_cast<int>(hv.lines.lines.size()));
    for (int k = 0; k < shown; ++k) {
      const core::HeadLine& l = hv.lines.lines[hv.lines.lines.size() - 1 - static_cast<std::size_t>(k)];
      const std::string& other = from ? s.keys().tokens[static_cast<std::size_t>(l.key)] : s.query.tokens[static_cast<std::size_t>(l.query)];
      const core::Rgb c = core::head_color(palette, l.head);
      ImGui::TextColored(ImVec4(c.r / 255.0f, c.g / 255.0f, c.b / 255.0f, 1.0f), "head %d", l.head);
      ImGui::SameLine();
      ImGui::Text("%s %s   weight %s", from ? "→" : "←", other.c_str(), format_precise(l.weight).c_str());
    }
    if (static_cast<int>(hv.lines.lines.size()) > shown)
      ImGui::TextDisabled("… %d lighter lines", static_cast<int>(hv.lines.lines.size()) - shown);
    ImGui::EndTooltip();
  }
  // the token under the mouse isolates its lines (from the next frame: the lines are chosen before drawing)
  hv.focus_query = hover.query;
  hv.focus_key = hover.query >= 0 ? -1 : hover.key;
  ImGui::EndGroup();

  ImGui::SameLine(0, 2 * font);
  ImGui::BeginGroup();
  const float grid_w = std::max(8 * font, ImGui::GetContentRegionAvail().x);
  const int per_row = std::clamp(static_cast<int>(grid_w / (7.5f * font)), 1, std::min(8, s.heads));
  const float thumb = std::min(12 * font, grid_w / static_cast<float>(per_row) - 0.6f * font);
  ImGui::TextDisabled("every head, its heaviest lines (click one to show it alone)");
  for (int h = 0; h < s.heads; ++h) {
    if (h % per_row != 0) ImGui::SameLine();
    ImGui::BeginGroup();
    const auto& lines = hv.thumbnails[static_cast<std::size_t>(h)];
    const int pool = hv.thumbnail_pool[static_cast<std::size_t>(h)];
    std::string caption = "head " + std::to_string(h);
    if (pool > 1) caption += " · pooled " + std::to_string(pool) + "×" + std::to_string(pool);
    if (lines.hidden > 0) caption += " · top " + std::to_string(lines.lines.size());
    ImGui::TextUnformatted(fit_text(caption, thumb).c_str());
    const ImVec2 ta = ImGui::GetCursorScreenPos();
    const std::string id = "##thumb" + std::to_string(h);
    if (ImGui::InvisibleButton(id.c_str(), ImVec2(thumb, thumb))) {
      view.head = h;
      hv.all_heads = false;
    }
    widget_rects().record_last_item("headview.thumb[" + std::to_string(h) + "]");
    const bool selected = !hv.all_heads && view.head == h;
    dl->AddRectFilled(ta, ImVec2(ta.x + thumb, ta.y + thumb), IM_COL32(25, 25, 30, 255));
    dl->PushClipRect(ta, ImVec2(ta.x + thumb, ta.y + thumb), true);
    draw_columns(dl, ta, ImVec2(thumb, thumb), s, lines, pool, weight_range(view.heatmaps.colors, lines), palette, -1, -1,
                 false, 0.6f * font / 15.0f);
    dl->PopClipRect();
    dl->AddRect(ta, ImVec2(ta.x + thumb, ta.y + thumb),
                selected ? IM_COL32(255, 170, 40, 255) : ImGui::IsItemHovered() ? IM_COL32(200, 200, 200, 255) : IM_COL32(80, 80, 80, 255),
                0, 0, selected ? 2.0f : 1.0f);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("head %d: %zu lines drawn%s; click to show it alone", h, lines.lines.size(),
                        lines.hidden > 0 ? (", " + std::to_string(lines.hidden) + " lighter hidden").c_str() : "");
    ImGui::EndGroup();
  }
  // under the thumbnails, so that its coming and going (it follows the focus) never moves the columns
  if (!hv.lines.lines.empty() && range.hi == 1 && hv.lines.lines.back().weight < 0.25) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("The heaviest line weighs %s, so every line is faint: a smaller weights max (range… above) makes "
                        "them readable.", format_precise(hv.lines.lines.back().weight).c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::EndGroup();
}

}  // namespace ap::ui
